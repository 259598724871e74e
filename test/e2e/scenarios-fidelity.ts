/**
 * The real-world cases the lab scenarios (a–i) lack, recorded with the real CLI against the
 * mock: an interrupted turn (the stream stalls, the test sends SIGINT), failing model
 * requests (HTTP 500, HTTP 429, `response.failed`), MCP tool calls (a stdio MCP server in the
 * isolated `CODEX_HOME`), and a code review (`codex exec review`).
 */
import { fileURLToPath } from 'node:url';
import { mainTurn } from './mock-responses.js';
import type { MockItem, MockRequest } from './mock-types.js';
import { after, exec, expectNothing, final } from './scenarios-basic.js';
import type { Scenario } from './scenario-types.js';

const MCP_SERVER_SCRIPT = fileURLToPath(new URL('./mcp-echo-server.mjs', import.meta.url));

function commentary(text: string): MockItem {
  return { type: 'message', text, phase: 'commentary' };
}

function promptHas(marker: string): (req: MockRequest) => boolean {
  return (req) => mainTurn(req) && req.lastUserText.includes(marker);
}

export const interruptScenario: Scenario = {
  name: 'j-interrupt',
  description: 'a command, then a response that stalls mid-stream and is interrupted (SIGINT); a resume answers',
  prompts: ['INTERRUPT-ME: run `echo before`, then think.', 'RESUMED: never mind, just say done.'],
  runs: 'interrupt',
  steps: [
    { label: 'echo before', match: promptHas('INTERRUPT-ME'), respond: { items: [exec('call_j_1', 'echo before')] } },
    {
      label: 'stall',
      match: after('call_j_1'),
      respond: {
        items: [{ type: 'reasoning', summary: ['Thinking it over slowly.'] }, commentary('Still thinking about it...')],
        failure: { kind: 'stall' },
      },
    },
    { label: 'resumed answer', match: promptHas('RESUMED'), respond: { items: [final('Done.')] } },
  ],
  expect: { ...expectNothing, responses: 2, callIds: ['call_j_1'] },
};

export const failedRequestsScenario: Scenario = {
  name: 'k-failed-requests',
  description: 'three turns whose model request fails (HTTP 500, HTTP 429, response.failed), then one that works',
  prompts: ['FAIL-500: say hi.', 'FAIL-429: say hi.', 'FAIL-STREAM: say hi.', 'WORKS: say hi.'],
  runs: 'may-fail',
  steps: [
    {
      label: 'http 500',
      match: promptHas('FAIL-500'),
      respond: { items: [], failure: { kind: 'http_error', status: 500, code: 'server_error', message: 'The server had an error processing your request.' } },
    },
    {
      label: 'http 429',
      match: promptHas('FAIL-429'),
      respond: {
        items: [],
        failure: { kind: 'http_error', status: 429, code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.', retryAfter: 1 },
      },
    },
    {
      label: 'response.failed',
      match: promptHas('FAIL-STREAM'),
      respond: { items: [commentary('Starting...')], failure: { kind: 'failed', code: 'server_error', message: 'The model failed mid-response.' } },
    },
    { label: 'works', match: promptHas('WORKS'), respond: { items: [final('Hi.')] } },
  ],
  expect: { ...expectNothing, responses: 1 },
};

/**
 * How the model names an MCP tool: Codex 0.169+ groups a server's tools into a `namespace`
 * tool `mcp__<server>` (deferred behind `tool_search`, so not in the request's `tools`), and
 * the call names the namespace and the bare tool.
 */
function mcpCall(tool: string, callId: string, args: Record<string, unknown>): MockItem {
  return { type: 'function_call', namespace: 'mcp__echo', name: tool, callId, args };
}

export const mcpScenario: Scenario = {
  name: 'l-mcp',
  description: 'two MCP tool calls in one response (stdio server "echo": say succeeds, fail reports isError), then an answer',
  prompts: ['Use the echo MCP server to say hello.'],
  extraTables: [
    '[mcp_servers.echo]',
    `command = ${JSON.stringify(process.execPath)}`,
    `args = [${JSON.stringify(MCP_SERVER_SCRIPT)}]`,
    'startup_timeout_sec = 20',
    '',
  ],
  steps: [
    {
      label: 'mcp calls',
      respond: {
        items: [mcpCall('say', 'call_mcp_say', { text: 'hello' }), mcpCall('fail', 'call_mcp_fail', { reason: 'on purpose' })],
      },
    },
    {
      label: 'answer',
      match: (req) => after('call_mcp_say')(req) && req.toolOutput('call_mcp_fail') !== undefined,
      respond: { items: [final('The echo server said: echo: hello (and fail failed).')] },
    },
  ],
  expect: { ...expectNothing, responses: 2, callIds: ['call_mcp_say', 'call_mcp_fail'] },
};

const REVIEW_OUTPUT = {
  findings: [
    {
      title: '[P2] greeting.txt says world',
      body: 'The greeting should name codex.',
      confidence_score: 0.6,
      priority: 2,
      code_location: { absolute_file_path: 'greeting.txt', line_range: { start: 2, end: 2 } },
    },
  ],
  overall_correctness: 'patch is incorrect',
  overall_explanation: 'One finding in greeting.txt.',
  overall_confidence_score: 0.7,
};

export const reviewScenario: Scenario = {
  name: 'm-review',
  description: 'codex exec review with custom instructions: a review thread answers with one finding',
  prompts: ['Review greeting.txt for typos.'],
  review: true,
  setup: () => undefined,
  steps: [
    {
      label: 'review',
      match: (req) => !req.isCompaction,
      respond: { items: [final(JSON.stringify(REVIEW_OUTPUT))] },
    },
  ],
  expect: { ...expectNothing, responses: 1 },
};

export const FIDELITY_SCENARIOS: readonly Scenario[] = [interruptScenario, failedRequestsScenario, mcpScenario, reviewScenario];
