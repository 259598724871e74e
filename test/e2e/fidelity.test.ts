/**
 * The real-world cases (`scenarios-fidelity.ts`) run live with both installed Codex releases
 * against the mock, then traced in memory (what `show FILE…` does): an interrupted turn,
 * failing model requests, MCP calls and a code review. Each trace is checked against what
 * the mock served: statuses, counts, usage, MCP names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceFilesInMemory, type InMemoryTrace } from '../../src/pipeline/trace-files.js';
import { ATTR, type Span } from '../../src/trace/span.js';
import { CODEX_RELEASES, killAllCodex, runMatrix, scenarioMatrix, type ScenarioResult } from './run-scenario.js';
import { FIDELITY_SCENARIOS } from './scenarios-fidelity.js';

const MATRIX = scenarioMatrix(CODEX_RELEASES, FIDELITY_SCENARIOS);
let results = new Map<string, ScenarioResult | Error>();
const traces = new Map<string, InMemoryTrace>();

beforeAll(async () => {
  results = await runMatrix(MATRIX, 2, 60_000);
  for (const [key, r] of results) if (!(r instanceof Error)) traces.set(key, await traceFilesInMemory(r.rolloutPaths));
}, 300_000);

afterAll(() => {
  killAllCodex();
  for (const r of results.values()) if (!(r instanceof Error)) r.dispose();
});

function run(key: string): { r: ScenarioResult; spans: Span[]; trace: InMemoryTrace } {
  const r = results.get(key);
  if (r === undefined) throw new Error(`${key} did not run`);
  if (r instanceof Error) throw r;
  const trace = traces.get(key) as InMemoryTrace;
  return { r, spans: trace.spans, trace };
}

const ofKind = (spans: Span[], kind: Span['kind']): Span[] => spans.filter((s) => s.kind === kind);
const byResponse = (spans: Span[], id: string): Span[] => ofKind(spans, 'llm').filter((s) => s.attributes[ATTR.responseId] === id);
const turnsInOrder = (spans: Span[]): Span[] =>
  ofKind(spans, 'turn').sort((a, b) => Number(a.attributes[ATTR.turnIndex]) - Number(b.attributes[ATTR.turnIndex]));

/** Every served (completed) response is one LLM span with its id and exactly its usage. */
function expectServedUsage(spans: Span[], r: ScenarioResult): void {
  for (const s of r.served.responses) {
    const llm = byResponse(spans, s.responseId);
    expect(llm, s.responseId).toHaveLength(1);
    const a = (llm[0] as Span).attributes;
    expect([a[ATTR.inputTokens], a[ATTR.cacheReadTokens] ?? 0, a[ATTR.outputTokens]]).toEqual([s.usage.input_tokens, s.usage.cached_tokens, s.usage.output_tokens]);
  }
  const withUsage = ofKind(spans, 'llm').filter((s) => s.attributes[ATTR.inputTokens] !== undefined);
  expect(withUsage).toHaveLength(r.served.responses.length);
}

describe.each(CODEX_RELEASES.map((c) => [c.version] as const))('codex %s', (version) => {
  it('j-interrupt: SIGINT mid-stream aborts the turn (error, "interrupted"); the tool before it is ok; the resume is a new ok turn', () => {
    const { r, spans } = run(`${version}/j-interrupt`);
    expect(r.runs.map((x) => x.exitCode !== 0)).toEqual([true, false]);
    expect(r.served.failed.map((f) => f.failure.kind)).toEqual(['stall']);
    const [first, second] = turnsInOrder(spans);
    expect(ofKind(spans, 'turn')).toHaveLength(2);
    expect(first?.status).toBe('error');
    expect(first?.statusMessage).toContain('interrupted');
    expect(second?.status).toBe('ok');
    const tool = ofKind(spans, 'tool');
    expect(tool.map((t) => [t.attributes[ATTR.toolCallId], t.status, t.attributes[ATTR.exitCode]])).toEqual([['call_j_1', 'ok', 0]]);
    expectServedUsage(spans, r);
    // the cut-off response (reasoning + commentary streamed, no completion) still has its LLM span, without usage
    const cutOff = ofKind(spans, 'llm').filter((s) => s.parentSpanId === first?.spanId && s.attributes[ATTR.inputTokens] === undefined);
    expect(cutOff).toHaveLength(1);
    expect(String(cutOff[0]?.endTime) <= String(first?.endTime)).toBe(true);
  });

  it('k-failed-requests: HTTP 500, HTTP 429 and response.failed each end their turn with the error; the next turn works', () => {
    const { r, spans } = run(`${version}/k-failed-requests`);
    expect(r.runs.map((x) => x.exitCode === 0)).toEqual([false, false, false, true]);
    expect(r.served.failed.map((f) => f.failure.kind)).toEqual(['http_error', 'http_error', 'failed']);
    const turns = turnsInOrder(spans);
    expect(turns.map((t) => t.status)).toEqual(['error', 'error', 'error', 'ok']);
    expect(turns[1]?.statusMessage).toContain('429');
    expect(turns[2]?.statusMessage).toContain('The model failed mid-response.');
    expect(turns.map((t) => t.attributes[ATTR.input])).toEqual(r.scenario.prompts);
    expectServedUsage(spans, r);
    expect(ofKind(spans, 'tool')).toEqual([]);
  });

  it('l-mcp: each MCP call is a tool span named by the tool, with its server; the one the server failed is an error', () => {
    const { r, spans, trace } = run(`${version}/l-mcp`);
    expect(trace.warnings).toEqual([]);
    const tools = ofKind(spans, 'tool');
    const row = (t: Span): unknown[] => [t.attributes[ATTR.toolCallId], t.attributes[ATTR.toolName], t.attributes[ATTR.mcpServer], t.status];
    expect(tools.map(row).sort()).toEqual([
      ['call_mcp_fail', 'fail', 'echo', 'error'],
      ['call_mcp_say', 'say', 'echo', 'ok'],
    ]);
    expect(r.served.responses.flatMap((s) => s.toolCalls.map((c) => c.namespace))).toEqual(['mcp__echo', 'mcp__echo']);
    expectServedUsage(spans, r);
    expect(turnsInOrder(spans).map((t) => t.status)).toEqual(['ok']);
  });

  it('m-review: the parent and its review thread are traced; the review response has its usage', () => {
    const { r, spans } = run(`${version}/m-review`);
    expect(r.rolloutPaths).toHaveLength(2);
    expect(r.served.responses).toHaveLength(1);
    expect(r.served.responses[0]?.isSubagent).toBe(true);
    expectServedUsage(spans, r);
    // the review output mirrored into the parent is not a model call with usage of its own
    expect(ofKind(spans, 'llm').filter((s) => s.attributes[ATTR.inputTokens] !== undefined)).toHaveLength(1);
    expect(ofKind(spans, 'session').length).toBeGreaterThanOrEqual(1);
  });
});
