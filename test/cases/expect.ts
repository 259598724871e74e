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

export function turnsInOrder(spans: Span[]): Span[] {
  return ofKind(spans, 'turn').sort((a, b) => Number(a.attributes[ATTR.turnIndex]) - Number(b.attributes[ATTR.turnIndex]));
}

/** Every served (completed) response is one LLM span with its id and exactly its usage; no other span has usage. */
export function expectServedUsage(spans: Span[], truth: CaseTruth): void {
  for (const s of truth.usage_per_request) {
    const llm = byResponse(spans, s.response_id);
    expect(llm, s.response_id).toHaveLength(1);
    const a = (llm[0] as Span).attributes;
    expect([a[ATTR.inputTokens], a[ATTR.cacheReadTokens] ?? 0, a[ATTR.outputTokens]]).toEqual([s.usage.input_tokens, s.usage.cached_tokens, s.usage.output_tokens]);
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
  // the cut-off response (reasoning + commentary streamed, no completion) still has its LLM span, without usage
  const cutOff = ofKind(spans, 'llm').filter((s) => s.parentSpanId === first?.spanId && !hasUsage(s));
  expect(cutOff).toHaveLength(1);
  expect(String(cutOff[0]?.endTime) <= String(first?.endTime)).toBe(true);
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

/** m-review: the parent and its review thread are traced; only the review thread's response is a model call with usage. */
export function expectReview({ spans }: InMemoryTrace, truth: CaseTruth): void {
  expect(truth.model_calls).toBe(1);
  expect(truth.subagents).toHaveLength(1);
  expectServedUsage(spans, truth);
  expect(ofKind(spans, 'session').length).toBeGreaterThanOrEqual(1);
}

export const CASE_EXPECTATIONS: Record<string, (t: InMemoryTrace, truth: CaseTruth) => void> = {
  'j-interrupt': expectInterrupt,
  'k-failed-requests': expectFailedRequests,
  'l-mcp': expectMcp,
  'm-review': expectReview,
};
