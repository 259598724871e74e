/**
 * The basic end-to-end scenarios (a–f): text, shell, apply_patch, a failing command,
 * several tool calls, resume.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mainTurn } from './mock-responses.js';
import type { MockItem, MockRequest } from './mock-types.js';
import type { Scenario, ScenarioExpectation } from './scenario-types.js';

/** A non-compaction main-thread request that carries the output of `callId`. */
export function after(callId: string): (req: MockRequest) => boolean {
  return (req) => mainTurn(req) && req.toolOutput(callId) !== undefined;
}

export function final(text: string): MockItem {
  return { type: 'message', text, phase: 'final_answer' };
}

export function exec(callId: string, cmd: string): MockItem {
  return { type: 'function_call', name: 'exec_command', callId, args: { cmd, yield_time_ms: 2000 } };
}

function patch(callId: string, body: string): MockItem {
  return { type: 'custom_tool_call', name: 'apply_patch', callId, input: `*** Begin Patch\n${body}*** End Patch\n` };
}

export const expectNothing: ScenarioExpectation = {
  responses: 0,
  compactions: 0,
  callIds: [],
  subagents: 0,
  failing: [],
};

const textScenario: Scenario = {
  name: 'a-text',
  description: 'one turn, one model response, plain text answer',
  prompts: ['Say hello in one short sentence.'],
  steps: [{ label: 'answer', respond: { items: [final('Hello from the mock model.')] } }],
  expect: { ...expectNothing, responses: 1 },
};

const shellScenario: Scenario = {
  name: 'b-shell',
  description: 'one shell command, then an answer',
  prompts: ['Run `echo hello` and tell me what it printed.'],
  steps: [
    {
      label: 'run echo',
      respond: {
        items: [{ type: 'message', text: 'Running echo.', phase: 'commentary' }, exec('call_shell_1', 'echo hello')],
      },
    },
    { label: 'answer', match: after('call_shell_1'), respond: { items: [final('It printed hello.')] } },
  ],
  expect: { ...expectNothing, responses: 2, callIds: ['call_shell_1'] },
};

const patchScenario: Scenario = {
  name: 'c-apply-patch',
  description: 'edits a file with apply_patch, then answers',
  prompts: ["In greeting.txt, replace 'world' with 'codex'."],
  setup: (workdir) => writeFileSync(join(workdir, 'greeting.txt'), 'hello\nworld\n'),
  steps: [
    {
      label: 'patch greeting',
      respond: { items: [patch('call_patch_1', '*** Update File: greeting.txt\n@@\n hello\n-world\n+codex\n')] },
    },
    {
      label: 'answer',
      match: after('call_patch_1'),
      respond: { items: [final("Updated greeting.txt: 'world' is now 'codex'.")] },
    },
  ],
  expect: { ...expectNothing, responses: 2, callIds: ['call_patch_1'] },
};

const failingScenario: Scenario = {
  name: 'd-failing-command',
  description: 'a shell command that exits 3 with stderr; the turn still completes',
  prompts: ['Show me missing.txt.'],
  steps: [
    { label: 'cat missing', respond: { items: [exec('call_fail_1', "cat missing.txt; echo 'giving up' >&2; exit 3")] } },
    {
      label: 'answer',
      match: after('call_fail_1'),
      respond: { items: [final('missing.txt does not exist (the command exited with code 3).')] },
    },
  ],
  expect: { ...expectNothing, responses: 2, callIds: ['call_fail_1'], failing: [{ callId: 'call_fail_1', exitCode: 3 }] },
};

const multiToolScenario: Scenario = {
  name: 'e-multi-tool',
  description: '5 tool calls over 4 model responses, two of them parallel in one response',
  prompts: ['Look around, write notes.txt and show it.'],
  steps: [
    {
      label: 'ls',
      respond: { items: [{ type: 'message', text: 'Looking around.', phase: 'commentary' }, exec('call_e_1', 'ls -la')] },
    },
    {
      label: 'two in parallel',
      match: after('call_e_1'),
      respond: { items: [exec('call_e_2a', 'echo alpha'), exec('call_e_2b', 'echo beta')] },
    },
    {
      label: 'patch and cat',
      match: (req) => after('call_e_2a')(req) && req.toolOutput('call_e_2b') !== undefined,
      respond: {
        items: [patch('call_e_3a', '*** Add File: notes.txt\n+alpha\n+beta\n'), exec('call_e_3b', 'cat notes.txt || true')],
      },
    },
    {
      label: 'answer',
      match: (req) => after('call_e_3a')(req) && req.toolOutput('call_e_3b') !== undefined,
      respond: { items: [final('notes.txt holds alpha and beta.')] },
    },
  ],
  expect: {
    ...expectNothing,
    responses: 4,
    callIds: ['call_e_1', 'call_e_2a', 'call_e_2b', 'call_e_3a', 'call_e_3b'],
  },
};

const resumeScenario: Scenario = {
  name: 'f-resume',
  description: 'two codex exec runs; the second resumes the session in the same file',
  prompts: ['Remember the word AMBER.', 'Second turn: run `echo AMBER` now.'],
  steps: [
    { label: 'first turn', respond: { items: [final('Noted: AMBER.')] } },
    {
      label: 'second turn: echo',
      match: (req) => mainTurn(req) && req.lastUserText.includes('Second turn'),
      respond: { items: [exec('call_f_1', 'echo AMBER')] },
    },
    { label: 'second turn: answer', match: after('call_f_1'), respond: { items: [final('It printed AMBER.')] } },
  ],
  expect: { ...expectNothing, responses: 3, callIds: ['call_f_1'] },
};

export { textScenario, shellScenario, patchScenario, failingScenario, multiToolScenario, resumeScenario };
