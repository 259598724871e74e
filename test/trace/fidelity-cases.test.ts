/**
 * Issue 11 on the cases recorded with the real CLI (0.169.0 and 0.171.0) against the mock model
 * (`fixtures/cases/`): an interrupted response (item 1), failed requests (item 12) and a review
 * (item 6). Counts, statuses, timings and usage are checked against what the mock served.
 */
import { describe, expect, it } from 'vitest';
import { ATTR, type Span } from '../../src/trace/span.js';
import { CASE_VERSIONS, caseTruth, traceCase } from '../cases/cases.js';
import { assertWellFormed, byKind, num } from './records.js';

const usageSum = (spans: Span[]): { input: number; cached: number; output: number; total: number } => ({
  input: spans.reduce((a, s) => a + num(s, ATTR.inputTokens), 0),
  cached: spans.reduce((a, s) => a + num(s, ATTR.cacheReadTokens), 0),
  output: spans.reduce((a, s) => a + num(s, ATTR.outputTokens), 0),
  total: spans.reduce((a, s) => a + num(s, ATTR.totalTokens), 0),
});
const inTurn = (spans: Span[], turn: Span): Span[] => spans.filter((s) => s.parentSpanId === turn.spanId);

describe.each(CASE_VERSIONS)('%s', (version) => {
  it('j-interrupt: the response cut off by the interrupt is an error LLM span ending at the abort, without usage (item 1)', async () => {
    const truth = caseTruth(version, 'j-interrupt');
    const { spans, warnings } = await traceCase(version, 'j-interrupt');
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const [t1, t2] = byKind(spans, 'turn');
    expect([t1?.status, t1?.statusMessage, t2?.status]).toEqual(['error', 'aborted: interrupted', 'ok']);
    const llm1 = byKind(inTurn(spans, t1 as Span), 'llm').sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    // the completed request, then the stalled one (it wrote reasoning and a message before the interrupt)
    expect(llm1.map((s) => s.status)).toEqual(['ok', 'error']);
    const cut = llm1[1] as Span;
    expect(cut.statusMessage).toBe('interrupted');
    expect(cut.attributes['error.type']).toBe('aborted');
    expect(cut.endTime).toBe(t1?.endTime);
    expect(ATTR.inputTokens in cut.attributes).toBe(false);
    expect(String(cut.attributes[ATTR.output])).toContain('Still thinking about it...');
    // usage: exactly the completed responses
    const llm = byKind(spans, 'llm');
    expect(llm.filter((s) => s.status === 'ok')).toHaveLength(truth.model_calls);
    expect(usageSum(llm)).toEqual({
      input: truth.usage_sum.input,
      cached: truth.usage_sum.cached,
      output: truth.usage_sum.output,
      total: truth.usage_sum.total,
    });
  });

  it('k-failed-requests: each failed request (HTTP 500, 429, response.failed) is an error LLM span of its turn (item 12)', async () => {
    const truth = caseTruth(version, 'k-failed-requests');
    const { spans, warnings } = await traceCase(version, 'k-failed-requests');
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const turns = byKind(spans, 'turn');
    expect(turns.map((t) => t.status)).toEqual(['error', 'error', 'error', 'ok']);
    for (const [i, turn] of turns.entries()) {
      const llm = byKind(inTurn(spans, turn), 'llm');
      expect(llm).toHaveLength(1);
      const call = llm[0] as Span;
      if (i < truth.failed_requests.length) {
        expect(call.status).toBe('error');
        expect(call.statusMessage).toBe(turn.statusMessage);
        expect(call.attributes['error.type']).toBe('request_failed');
        expect(ATTR.inputTokens in call.attributes).toBe(false);
        expect(call.endTime).toBe(turn.endTime);
      } else {
        expect(call.status).toBe('ok');
        expect(num(call, ATTR.inputTokens)).toBe(truth.usage_sum.input);
      }
    }
    expect(turns[1]?.statusMessage).toContain('429');
    // response.failed after a partial message: the message is the failed request's output
    expect(String(byKind(inTurn(spans, turns[2] as Span), 'llm')[0]?.attributes[ATTR.output])).toContain('Starting...');
  });

  it('m-review: one ok turn ended by its task_complete, no model call for the mirrored output, the review thread nested under the turn (item 6)', async () => {
    const truth = caseTruth(version, 'm-review');
    const { spans, warnings } = await traceCase(version, 'm-review');
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const parentTurns = byKind(spans, 'turn').filter((t) => t.attributes[ATTR.threadId] === truth.thread_id);
    expect(parentTurns).toHaveLength(1);
    const turn = parentTurns[0] as Span;
    expect(turn.status).toBe('ok');
    expect(turn.attributes[ATTR.input]).toBe(truth.prompts[0]);
    // the mirrored review output (a <user_action> user message and an assistant message) is no model call
    expect(byKind(spans, 'llm').filter((s) => s.attributes[ATTR.threadId] === truth.thread_id)).toEqual([]);
    const [review] = byKind(spans, 'subagent');
    expect(review?.parentSpanId).toBe(turn.spanId);
    expect(review?.attributes['codex.subagent.thread_id']).toBe(truth.subagents[0]);
    expect(review?.status).toBe('ok');
    const childTurns = byKind(spans, 'turn').filter((t) => t.parentSpanId === review?.spanId);
    expect(childTurns).toHaveLength(1);
    expect(review!.startTime <= childTurns[0]!.startTime && childTurns[0]!.endTime! <= review!.endTime!).toBe(true);
    expect(byKind(spans, 'llm').filter((s) => s.parentSpanId === childTurns[0]?.spanId)).toHaveLength(truth.model_calls);
  });
});
