/**
 * What the trace of each real-world case must show, against its truth (what the mock
 * served). Shared by the e2e test (fresh runs of both Codex releases) and the unit test (the
 * recordings in `fixtures/cases/`).
 */
import { expect } from 'vitest';
import type { InMemoryTrace } from '../../src/pipeline/in-memory.js';
import { ATTR, type Span } from '../../src/trace/span.js';
import type { CaseTruth } from './truth.js';

const ofKind = (spans: Span[], kind: Span['kind']): Span[] => spans.filter((s) => s.kind === kind);
const byResponse = (spans: Span[], id: string): Span[] => ofKind(spans, 'llm').filter((s) => s.attributes[ATTR.responseId] === id);
const hasUsage = (s: Span): boolean => s.attributes[ATTR.inputTokens] !== undefined;
const childrenOf = (spans: Span[], p: Span): Span[] => spans.filter((s) => s.parentSpanId === p.spanId);

export function turnsInOrder(spans: Span[]): Span[] {
  return ofKind(spans, 'turn').sort((a, b) => Number(a.attributes[ATTR.turnIndex]) - Number(b.attributes[ATTR.turnIndex]));
}

/** Every served (completed) response is one LLM span with its id and exactly its usage; no other span has usage. */
export function expectServedUsage(spans: Span[], truth: CaseTruth): void {
  for (const s of truth.usage_per_request) {
    const llm = byResponse(spans, s.response_id);
    expect(llm, s.response_id).toHaveLength(1);
    const a = (llm[0] as Span).attributes;
    expect([a[ATTR.inputTokens], a[ATTR.cacheReadTokens] ?? 0, a[ATTR.outputTokens]]).toEqual([
      s.usage.input_tokens,
      s.usage.cached_tokens,
      s.usage.output_tokens,
    ]);
  }
  expect(ofKind(spans, 'llm').filter(hasUsage)).toHaveLength(truth.model_calls);
}

/** j-interrupt: SIGINT mid-stream aborts the turn (error, "interrupted"); the tool before it is ok; the resume is a new ok turn. */
export function expectInterrupt({ spans }: InMemoryTrace, truth: CaseTruth): void {
  expect(truth.runs.map((x) => x.exit_code !== 0)).toEqual([true, false]);
  expect(truth.failed_requests.map((f) => f.failure.kind)).toEqual(['stall']);
  const [first, second] = turnsInOrder(spans);
  expect(ofKind(spans, 'turn')).toHaveLength(2);
  expect(first?.status).toBe('error');
  expect(first?.statusMessage).toContain('interrupted');
  expect(second?.status).toBe('ok');
  const tool = ofKind(spans, 'tool');
  expect(tool.map((t) => [t.attributes[ATTR.toolCallId], t.status, t.attributes[ATTR.exitCode]])).toEqual([['call_j_1', 'ok', 0]]);
  expectServedUsage(spans, truth);
  // the cut-off response (reasoning + commentary streamed, no completion) still has its LLM span:
  // an error ("interrupted") ending at the abort, usage absent (not zero)
  const cutOff = ofKind(spans, 'llm').filter((s) => s.parentSpanId === first?.spanId && !hasUsage(s));
  expect(cutOff).toHaveLength(1);
  expect(cutOff[0]?.status).toBe('error');
  expect(cutOff[0]?.statusMessage).toContain('interrupted');
  expect(cutOff[0]?.endTime).toBe(first?.endTime);
  expect(cutOff[0]?.attributes[ATTR.outputTokens]).toBeUndefined();
  expect(ofKind(spans, 'llm').filter((s) => s.status === 'error')).toHaveLength(1);
}

/** k-failed-requests: HTTP 500, HTTP 429 and response.failed each end their turn with the error; the next turn works. */
export function expectFailedRequests({ spans }: InMemoryTrace, truth: CaseTruth): void {
  expect(truth.runs.map((x) => x.exit_code === 0)).toEqual([false, false, false, true]);
  expect(truth.failed_requests.map((f) => f.failure.kind)).toEqual(['http_error', 'http_error', 'failed']);
  const turns = turnsInOrder(spans);
  expect(turns.map((t) => t.status)).toEqual(['error', 'error', 'error', 'ok']);
  expect(turns[1]?.statusMessage).toContain('429');
  expect(turns[2]?.statusMessage).toContain('The model failed mid-response.');
  expect(turns.map((t) => t.attributes[ATTR.input])).toEqual(truth.prompts);
  expectServedUsage(spans, truth);
  expect(ofKind(spans, 'tool')).toEqual([]);
  // each failed request is an LLM span with status error, the turn's error, and no usage
  for (const t of turns.slice(0, 3)) {
    const calls = childrenOf(spans, t).filter((s) => s.kind === 'llm');
    expect(calls.map((c) => [c.status, c.statusMessage, hasUsage(c)])).toEqual([['error', t.statusMessage, false]]);
  }
  expect(childrenOf(spans, turns[3] as Span).map((c) => [c.kind, c.status])).toEqual([['llm', 'ok']]);
}

/** l-mcp: each MCP call is a tool span named by the tool, with its server; the one the server failed is an error. */
export function expectMcp({ spans, warnings }: InMemoryTrace, truth: CaseTruth): void {
  expect(warnings).toEqual([]);
  const row = (t: Span): unknown[] => [t.attributes[ATTR.toolCallId], t.attributes[ATTR.toolName], t.attributes[ATTR.mcpServer], t.status];
  expect(ofKind(spans, 'tool').map(row).sort()).toEqual([
    ['call_mcp_fail', 'fail', 'echo', 'error'],
    ['call_mcp_say', 'say', 'echo', 'ok'],
  ]);
  expect(truth.tool_calls.map((c) => c.namespace)).toEqual(['mcp__echo', 'mcp__echo']);
  expectServedUsage(spans, truth);
  expect(turnsInOrder(spans).map((t) => t.status)).toEqual(['ok']);
}

/**
 * m-review: the parent turn ends normally though the review thread's turn started in its file;
 * the review thread nests under it; the review output mirrored into the parent is neither a turn
 * nor a model call; only the review thread's response is a model call, with its usage.
 */
export function expectReview({ spans, warnings }: InMemoryTrace, truth: CaseTruth): void {
  expect(truth.model_calls).toBe(1);
  expect(truth.subagents).toHaveLength(1);
  expect(warnings).toEqual([]);
  expectServedUsage(spans, truth);
  expect(ofKind(spans, 'session')).toHaveLength(1);
  const parentTurns = ofKind(spans, 'turn').filter((t) => t.attributes[ATTR.threadId] === truth.thread_id);
  expect(parentTurns.map((t) => [t.status, t.attributes[ATTR.input]])).toEqual([['ok', truth.prompts[0]]]);
  const review = ofKind(spans, 'subagent');
  expect(review.map((s) => [s.parentSpanId, s.attributes[ATTR.subagentThreadId]])).toEqual([[parentTurns[0]?.spanId, truth.subagents[0]]]);
  const childTurns = ofKind(spans, 'turn').filter((t) => t.parentSpanId === review[0]?.spanId);
  expect(childTurns.map((t) => t.status)).toEqual(['ok']);
  expect(childrenOf(spans, parentTurns[0] as Span).filter((s) => s.kind === 'llm')).toEqual([]);
  expect(childrenOf(spans, childTurns[0] as Span).map((s) => [s.kind, s.attributes[ATTR.responseId]])).toEqual([
    ['llm', truth.usage_per_request[0]?.response_id],
  ]);
}

/**
 * n-interrupt-tool: SIGINT while a command runs: its output says "aborted by user" and its
 * completion record (`CommandExecution`, status failed, exit code -1) comes after `turn_aborted`;
 * the tool is an error with its exit code kept, the turn an error ("interrupted"), the resume ok.
 */
export function expectInterruptTool({ spans }: InMemoryTrace, truth: CaseTruth): void {
  expect(truth.runs.map((x) => x.exit_code !== 0)).toEqual([true, false]);
  expect(truth.failed_requests).toEqual([]);
  const turns = turnsInOrder(spans);
  expect(turns.map((t) => t.status)).toEqual(['error', 'ok']);
  expect(turns[0]?.statusMessage).toContain('interrupted');
  const tools = ofKind(spans, 'tool');
  expect(tools.map((t) => [t.attributes[ATTR.toolCallId], t.status, t.parentSpanId])).toEqual([['call_n_1', 'error', turns[0]?.spanId]]);
  // the exit code the completion record gives is kept: -1 (Codex cancelled the command), or — a race in
  // Codex seen on a loaded machine — 137 (the exit of the killed process was seen first)
  expect([-1, 137]).toContain(tools[0]?.attributes[ATTR.exitCode]);
  expect(String(tools[0]?.attributes[ATTR.output])).toContain('aborted by user');
  expectServedUsage(spans, truth);
  // no model response came after the aborted tool: the served ones are the only LLM spans, none an error
  expect(ofKind(spans, 'llm').map((s) => [s.attributes[ATTR.responseId], s.status])).toEqual(truth.usage_per_request.map((u) => [u.response_id, 'ok']));
  expect(childrenOf(spans, turns[0] as Span).filter((s) => s.kind === 'llm')).toHaveLength(1);
  // the tool span is the execution: from when the command started (after the call: the wait is kept) to
  // when it was cut off — inside its turn, not at the completion record written after the abort
  const t = tools[0] as Span;
  const call = childrenOf(spans, turns[0] as Span).find((s) => s.kind === 'llm') as Span;
  const wait = Number(t.attributes['codex.tool.wait_ms']);
  expect(wait).toBeGreaterThan(0);
  // the call was made while its response streamed: the span started there, then moved to the execution
  expect(Date.parse(t.startTime) - wait).toBeGreaterThanOrEqual(Date.parse(call.startTime));
  expect(Date.parse(t.startTime) - wait).toBeLessThanOrEqual(Date.parse(call.endTime as string));
  expect((t.endTime as string) <= (turns[0]?.endTime as string)).toBe(true);
  const ran = Date.parse(t.endTime as string) - Date.parse(t.startTime);
  expect(ran).toBeGreaterThan(0);
  expect(ran).toBeLessThanOrEqual(Number(t.attributes[ATTR.toolDurationMs]));
}

export const CASE_EXPECTATIONS: Record<string, (t: InMemoryTrace, truth: CaseTruth) => void> = {
  'n-interrupt-tool': expectInterruptTool,
  'j-interrupt': expectInterrupt,
  'k-failed-requests': expectFailedRequests,
  'l-mcp': expectMcp,
  'm-review': expectReview,
};
