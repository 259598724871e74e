/**
 * Compares one scenario's trace (spans from the store or a sink) with what the mock model
 * really served (`ServedLog`): model calls per thread with their response ids and usage,
 * compactions, tool calls with exit codes, turns, the subagent under its spawning turn.
 */
import { expect } from 'vitest';
import { ATTR, type Span } from '../../src/trace/span.js';
import type { ScenarioResult, ServedResponse } from './run-scenario.js';

/** The part of a trace that belongs to each thread: the main thread, and each subagent's subtree. */
export function spansByThread(spans: readonly Span[], mainThreadId: string): Map<string, Span[]> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const threadOf = (s: Span): string => {
    for (let cur: Span | undefined = s; cur; cur = byId.get(cur.parentSpanId ?? '')) {
      if (cur.kind === 'subagent' && cur !== s) return String(cur.attributes[ATTR.subagentThreadId]);
    }
    return mainThreadId;
  };
  const out = new Map<string, Span[]>();
  for (const s of spans) {
    const t = threadOf(s);
    out.set(t, [...(out.get(t) ?? []), s]);
  }
  return out;
}

/** Nearest ancestor of kind `kind` (not the span itself). */
export function ancestorOfKind(spans: readonly Span[], span: Span, kind: Span['kind']): Span | undefined {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let cur = byId.get(span.parentSpanId ?? ''); cur; cur = byId.get(cur.parentSpanId ?? '')) {
    if (cur.kind === kind) return cur;
  }
  return undefined;
}

function servedThreads(r: ScenarioResult): string[] {
  return [...new Set([r.threadId, ...r.served.responses.map((s) => s.threadId)])];
}

const ended = (spans: readonly Span[], kind: Span['kind'], attr: string, value: string): boolean =>
  spans.some((s) => s.kind === kind && s.attributes[attr] === value && s.endTime !== null);

/** True once the trace holds every served model response, tool call and turn as an ended span. */
export function traceComplete(spans: readonly Span[], r: ScenarioResult): boolean {
  return r.served.responses.every(
    (res) =>
      ended(spans, 'llm', ATTR.responseId, res.responseId) &&
      (res.turnId === undefined || ended(spans, 'turn', ATTR.turnId, res.turnId)) &&
      res.toolCalls.every((c) => ended(spans, 'tool', ATTR.toolCallId, c.callId)),
  );
}

function usageOfSpan(s: Span): Record<string, unknown> {
  const a = s.attributes;
  return {
    input: a[ATTR.inputTokens],
    cached: a[ATTR.cacheReadTokens] ?? 0,
    output: a[ATTR.outputTokens],
    reasoning: a[ATTR.reasoningTokens] ?? 0,
  };
}

function usageServed(res: ServedResponse): Record<string, unknown> {
  const u = res.usage;
  return { input: u.input_tokens, cached: u.cached_tokens, output: u.output_tokens, reasoning: u.reasoning_tokens };
}

function sumUsage(list: Record<string, unknown>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const u of list) for (const [k, v] of Object.entries(u)) sum[k] = (sum[k] ?? 0) + Number(v);
  return sum;
}

/** One LLM span per served response of each thread, with the served id and usage (and usage sums). */
export function expectModelCalls(spans: readonly Span[], r: ScenarioResult): void {
  const parts = spansByThread(spans, r.threadId);
  for (const thread of servedThreads(r)) {
    const llm = (parts.get(thread) ?? []).filter((s) => s.kind === 'llm');
    const served = r.served.responses.filter((res) => res.threadId === thread);
    const got = Object.fromEntries(llm.map((s) => [String(s.attributes[ATTR.responseId]), usageOfSpan(s)]));
    const want = Object.fromEntries(served.map((res) => [res.responseId, usageServed(res)]));
    expect(llm, `LLM spans of thread ${thread}`).toHaveLength(served.length);
    expect(got, `usage per response id, thread ${thread}`).toEqual(want);
    expect(sumUsage(llm.map(usageOfSpan)), `usage sums, thread ${thread}`).toEqual(sumUsage(served.map(usageServed)));
    for (const res of served) {
      const span = llm.find((s) => s.attributes[ATTR.responseId] === res.responseId) as Span;
      expect(span.status, res.responseId).toBe('ok');
      expect(ancestorOfKind(spans, span, 'turn')?.attributes[ATTR.turnId], `turn of ${res.responseId}`).toBe(res.turnId);
      const parentKind = spans.find((s) => s.spanId === span.parentSpanId)?.kind;
      expect(parentKind, `parent of ${res.responseId}`).toBe(res.compaction ? 'compaction' : 'turn');
    }
  }
  const compactions = spans.filter((s) => s.kind === 'compaction');
  expect(compactions).toHaveLength(r.scenario.expect.compactions);
}

/** One tool span per served call id, under the turn that issued it; exit codes and status as run. */
export function expectToolCalls(spans: readonly Span[], r: ScenarioResult): void {
  const parts = spansByThread(spans, r.threadId);
  for (const res of r.served.responses) {
    for (const call of res.toolCalls) {
      const found = spans.filter((s) => s.kind === 'tool' && s.attributes[ATTR.toolCallId] === call.callId);
      expect(found, call.callId).toHaveLength(1);
      const span = found[0] as Span;
      expect(parts.get(res.threadId), `${call.callId} in thread ${res.threadId}`).toContain(span);
      expect(span.attributes[ATTR.toolName], call.callId).toBe(call.name);
      expect(ancestorOfKind(spans, span, 'turn')?.attributes[ATTR.turnId], `turn of ${call.callId}`).toBe(res.turnId);
      const failing = r.scenario.expect.failing.find((f) => f.callId === call.callId);
      if (failing) {
        expect(span.attributes[ATTR.exitCode], call.callId).toBe(failing.exitCode);
        expect(span.status, call.callId).toBe('error');
      } else {
        if (call.name === 'exec_command') expect(span.attributes[ATTR.exitCode], call.callId).toBe(0);
        expect([span.status, span.statusMessage], call.callId).toEqual(['ok', undefined]);
      }
    }
  }
  const servedCalls = r.served.responses.flatMap((res) => res.toolCalls.map((c) => c.callId));
  expect(
    spans
      .filter((s) => s.kind === 'tool')
      .map((s) => s.attributes[ATTR.toolCallId])
      .sort(),
  ).toEqual(servedCalls.sort());
}

/** One session root; the main thread's turns (one per prompt, resume included) directly under it. */
export function expectTurns(spans: readonly Span[], r: ScenarioResult): void {
  const roots = spans.filter((s) => s.parentSpanId === null);
  expect(roots.map((s) => s.kind)).toEqual(['session']);
  const root = roots[0] as Span;
  expect(root.attributes[ATTR.conversationId]).toBe(r.threadId);
  const byId = new Set(spans.map((s) => s.spanId));
  for (const s of spans) if (s.parentSpanId !== null) expect(byId, `parent of ${s.kind} ${s.name}`).toContain(s.parentSpanId);
  const turns = (spansByThread(spans, r.threadId).get(r.threadId) ?? []).filter((s) => s.kind === 'turn');
  expect(turns).toHaveLength(r.scenario.prompts.length);
  for (const t of turns) expect(t.parentSpanId).toBe(root.spanId);
  const mainTurnIds = r.served.responses.filter((res) => res.threadId === r.threadId).map((res) => res.turnId);
  expect(turns.map((t) => t.attributes[ATTR.turnId]).sort()).toEqual([...new Set(mainTurnIds)].sort());
  expect(new Set(turns.map((t) => t.attributes[ATTR.turnIndex])).size).toBe(turns.length);
  for (const s of spans) if (s.kind !== 'session') expect(s.endTime, `${s.kind} ${s.name} ended`).not.toBeNull();
  expectNested(spans);
}

/** Every span lies within its parent's time range (an open parent has no end yet). */
function expectNested(spans: readonly Span[]): void {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (const s of spans) {
    const p = byId.get(s.parentSpanId ?? '');
    if (!p) continue;
    const what = `${s.kind} ${s.name} within ${p.kind} ${p.name}`;
    expect(s.startTime >= p.startTime, what).toBe(true);
    if (p.endTime !== null) expect(s.endTime !== null && s.endTime <= p.endTime, what).toBe(true);
  }
}

/** Each subagent thread is a `subagent` span under the turn that called `spawn_agent`. */
export function expectSubagents(spans: readonly Span[], r: ScenarioResult): void {
  const children = servedThreads(r).filter((t) => t !== r.threadId);
  const subagents = spans.filter((s) => s.kind === 'subagent');
  expect(subagents.map((s) => s.attributes[ATTR.subagentThreadId]).sort()).toEqual(children.sort());
  const spawning = r.served.responses.find((res) => res.toolCalls.some((c) => c.name === 'spawn_agent'));
  for (const sub of subagents) {
    expect(sub.attributes[ATTR.subagentParentThreadId]).toBe(r.threadId);
    const parent = spans.find((s) => s.spanId === sub.parentSpanId);
    expect(parent?.kind).toBe('turn');
    expect(parent?.attributes[ATTR.turnId]).toBe(spawning?.turnId);
    const childTurns = spans.filter((s) => s.kind === 'turn' && s.parentSpanId === sub.spanId);
    expect(childTurns.length, 'subagent turns').toBeGreaterThan(0);
  }
}
