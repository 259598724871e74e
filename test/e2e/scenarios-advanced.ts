/**
 * The advanced end-to-end scenarios (g–i): reasoning summaries, auto-compaction in the
 * middle of a turn, a subagent spawned and waited for.
 */
import { after, exec, expectNothing, final } from './scenarios-basic.js';
import { mainTurn } from './mock-responses.js';
import type { MockRequest } from './mock-types.js';
import type { Scenario } from './scenario-types.js';

const MULTI_AGENT = 'multi_agent_v1';

export const reasoningScenario: Scenario = {
  name: 'g-reasoning',
  description: 'reasoning items with summaries',
  prompts: ['Which directory am I in?'],
  steps: [
    {
      label: 'reason and pwd',
      respond: {
        items: [
          {
            type: 'reasoning',
            summary: ['**Locating the working directory**\n\nRunning pwd is the simplest way.', '**Choosing the tool**\n\nexec_command with pwd is enough.'],
            content: ['I should run pwd.'],
          },
          exec('call_g_1', 'pwd'),
        ],
        usage: { reasoning_tokens: 24 },
      },
    },
    {
      label: 'reason and answer',
      match: after('call_g_1'),
      respond: {
        items: [
          { type: 'reasoning', summary: ['**Reporting the result**\n\npwd printed the work directory.'] },
          final('You are in the scenario work directory.'),
        ],
        usage: { reasoning_tokens: 9 },
      },
    },
  ],
  expect: { ...expectNothing, responses: 2, callIds: ['call_g_1'] },
};

/**
 * The first response reports more input tokens than `model_auto_compact_token_limit`, so
 * Codex compacts before its next request: a compaction request (answered with a handoff
 * summary), then the turn continues.
 */
export const compactionScenario: Scenario = {
  name: 'h-compaction',
  description: 'context auto-compaction in the middle of a turn (small context window)',
  prompts: ['List the files here and summarise.'],
  extraConfig: ['model_context_window = 20000', 'model_auto_compact_token_limit = 12000'],
  steps: [
    {
      label: 'ls (large usage)',
      respond: { items: [exec('call_h_1', 'ls -la')], usage: { input_tokens: 16000, cached_tokens: 0 } },
    },
    {
      label: 'compaction summary',
      match: (req) => req.isCompaction,
      respond: {
        items: [
          {
            type: 'message',
            text: '## Handoff summary\n- The user asked to list files.\n- `ls -la` ran: the work dir is empty.',
          },
        ],
        usage: { input_tokens: 7000, cached_tokens: 7000 },
      },
    },
    { label: 'answer', respond: { items: [final('The directory is empty.')] } },
  ],
  expect: { ...expectNothing, responses: 3, compactions: 1, callIds: ['call_h_1'] },
};

/** The child thread id from the `spawn_agent` output the parent sent back. */
function spawnedAgentId(req: MockRequest): string {
  const output = req.toolOutput('call_spawn_1') ?? '{}';
  try {
    const parsed = JSON.parse(output) as { agent_id?: unknown };
    return typeof parsed.agent_id === 'string' ? parsed.agent_id : 'unknown-agent';
  } catch {
    return 'unknown-agent';
  }
}

function child(req: MockRequest): boolean {
  return req.isSubagent && !req.isCompaction;
}

export const subagentScenario: Scenario = {
  name: 'i-subagent',
  description: 'the main thread spawns a subagent and waits for it; the child has its own file',
  prompts: ['Ask a helper agent to count the files here.'],
  steps: [
    {
      label: 'spawn',
      respond: {
        items: [
          { type: 'message', text: 'Spawning a helper agent.', phase: 'commentary' },
          {
            type: 'function_call',
            name: 'spawn_agent',
            namespace: MULTI_AGENT,
            callId: 'call_spawn_1',
            args: { message: 'SUBTASK-MARKER: count the files in the current directory and reply with the number.' },
          },
        ],
      },
    },
    {
      label: 'child: count',
      match: (req) => child(req) && req.toolOutput('call_child_1') === undefined,
      respond: { items: [exec('call_child_1', 'ls -1 | wc -l')] },
    },
    {
      label: 'child: answer',
      match: (req) => child(req) && req.toolOutput('call_child_1') !== undefined,
      respond: { items: [final('CHILD-ANSWER: there are 0 files.')] },
    },
    {
      label: 'wait',
      match: after('call_spawn_1'),
      respond: (req) => ({
        items: [
          {
            type: 'function_call',
            name: 'wait_agent',
            namespace: MULTI_AGENT,
            callId: 'call_wait_1',
            args: { targets: [spawnedAgentId(req)], timeout_ms: 20000 },
          },
        ],
      }),
    },
    {
      label: 'answer',
      match: (req) => mainTurn(req) && req.toolOutput('call_wait_1') !== undefined,
      respond: { items: [final('The helper reports 0 files in this directory.')] },
    },
  ],
  expect: {
    ...expectNothing,
    responses: 5,
    callIds: ['call_spawn_1', 'call_wait_1', 'call_child_1'],
    subagents: 1,
  },
};
