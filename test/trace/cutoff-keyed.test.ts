/**
 * Issue 11, items 1 and 9 on the 0.169 dialect, whose usage records bring each response's id and
 * usage once the response completed: a file cut off after a response's items and before its
 * `token_usage_record` still gives that response an error LLM span without usage, and the same
 * response completed later in the same run — the file growing after an idle finalization (watch) —
 * is that same span, with its usage: never a second one. Spans are keyed as DESIGN says
 * (`model:<turnId>:<responseId or seq>`): a fresh read of the whole file keys it by its response id.
 */
import { describe, expect, it } from 'vitest';
import { SessionProcessor } from '../../src/pipeline/processor.js';
import type { Effect } from '../../src/trace/effects.js';
import { defaultReducerOptions, foldSpans } from '../../src/trace/reduce.js';
import { ATTR, type Span } from '../../src/trace/span.js';
import { fixtureText } from '../helpers/fixtures.js';
import { assertWellFormed, byKind } from './records.js';

const SESSION_ENDED = 'the session ended before the turn completed';

interface Fed {
  proc: SessionProcessor;
  offset: number;
}

function feed(fed: Fed, lines: string[], into: Effect[]): void {
  for (const text of lines) {
    into.push(...fed.proc.push({ offset: fed.offset, text }));
    fed.offset += Buffer.byteLength(text) + 1;
  }
}

const open = (): Fed => ({ proc: new SessionProcessor('rollout.jsonl', defaultReducerOptions('test-thread')), offset: 0 });
const llmSpans = (effects: Effect[]): Span[] => byKind([...foldSpans(effects).values()], 'llm').sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
const usageOf = (s: Span | undefined): unknown => s?.attributes[ATTR.inputTokens];

/** The fixture's lines, cut before the usage record of the response whose id is `responseId`. */
function cutBefore(name: string, responseId: string): { head: string[]; rest: string[]; lastItemTime: string } {
  const lines = fixtureText(name).trim().split('\n');
  const at = lines.findIndex((l) => l.includes('"token_usage_record"') && l.includes(`"response_id":"${responseId}"`));
  if (at < 0) throw new Error(`no usage record of ${responseId} in ${name}`);
  const head = lines.slice(0, at);
  const lastItem = [...head].reverse().find((l) => l.includes('"type":"response_item"')) as string;
  return { head, rest: lines.slice(at), lastItemTime: (JSON.parse(lastItem) as { timestamp: string }).timestamp };
}

/** Cut, finalized (the run ends, or the session went idle), then — in the same state — the rest arrives and the session is finalized again. */
function cutThenResumed(name: string, responseId: string): { cut: Span[]; whole: Span[]; resumeEffects: Effect[]; all: Effect[]; lastItemTime: string } {
  const { head, rest, lastItemTime } = cutBefore(name, responseId);
  const fed = open();
  const all: Effect[] = [];
  feed(fed, head, all);
  all.push(...fed.proc.finalize());
  const cut = llmSpans(all);
  const resumeEffects: Effect[] = [];
  feed(fed, rest, resumeEffects);
  resumeEffects.push(...fed.proc.finalize());
  all.push(...resumeEffects);
  return { cut, whole: llmSpans(all), resumeEffects, all, lastItemTime };
}

/** The whole file read from 0 by a fresh reducer (a restart, another run): no finalization in between. */
function replayed(name: string): Effect[] {
  const fed = open();
  const effects: Effect[] = [];
  feed(fed, fixtureText(name).trim().split('\n'), effects);
  effects.push(...fed.proc.finalize());
  return effects;
}

const CASES = [
  // the second response of e-multi-tool made two tool calls; the first one's usage record was seen
  { name: 'e-multi-tool.jsonl', responseId: 'resp_mock_001', index: 1, calls: 4, output: '[tool call] exec_command' },
  // the second response of g-reasoning wrote reasoning and the final answer
  { name: 'g-reasoning.jsonl', responseId: 'resp_mock_001', index: 1, calls: 2, output: '[reasoning]' },
];

describe.each(CASES)('0.169 $name cut before the usage record of $responseId', ({ name, responseId, index, calls, output }) => {
  it('gives the cut-off response an error LLM span without usage, ending at its last item', () => {
    const { cut, lastItemTime } = cutThenResumed(name, responseId);
    expect(cut).toHaveLength(index + 1);
    const span = cut[index] as Span;
    expect([span.status, span.statusMessage, span.attributes['error.type']]).toEqual(['error', SESSION_ENDED, 'incomplete']);
    expect(ATTR.inputTokens in span.attributes || ATTR.outputTokens in span.attributes || ATTR.totalTokens in span.attributes).toBe(false);
    expect(ATTR.responseId in span.attributes).toBe(false);
    expect(span.endTime).toBe(lastItemTime);
    expect(String(span.attributes[ATTR.output])).toContain(output);
    // the responses before it completed: they keep their usage and stay ok
    for (const s of cut.slice(0, index)) expect([s.status, typeof usageOf(s)]).toEqual(['ok', 'number']);
  });

  it('the rest appended after the finalization (watch: idle, then the session goes on) updates that span: one span, its usage, same id', () => {
    const { cut, whole, resumeEffects, all } = cutThenResumed(name, responseId);
    const before = cut[index] as Span;
    expect(whole).toHaveLength(calls);
    const after = whole[index] as Span;
    expect(after.spanId).toBe(before.spanId);
    expect([after.status, after.attributes[ATTR.responseId], typeof usageOf(after)]).toEqual(['ok', responseId, 'number']);
    expect(after.statusMessage).toBeUndefined();
    // the effect that carries the usage is an end of the same span, not a new one
    const ends = resumeEffects.filter((e) => e.type === 'span_ended' && e.span.spanId === before.spanId);
    expect(ends.map((e) => (e.type === 'span_ended' ? e.span.status : undefined))).toEqual(['ok']);
    // every LLM span id the sinks were ever sent is one of the finished file's
    const sent = new Set(all.flatMap((e) => (e.type !== 'warning' && e.span.kind === 'llm' ? [e.span.spanId] : [])));
    expect(sent.size).toBe(calls);
    assertWellFormed([...foldSpans(all).values()]);
  });

  it('the whole file read from 0 by a fresh reducer keys every response by its response id, as an uncut run does', () => {
    const whole = llmSpans(replayed(name));
    expect(whole).toHaveLength(calls);
    expect([whole[index]?.status, whole[index]?.attributes[ATTR.responseId], typeof usageOf(whole[index])]).toEqual(['ok', responseId, 'number']);
    // only the response sent before its usage record (cut off) kept its place in the turn as its key
    const { whole: resumed } = cutThenResumed(name, responseId);
    expect(resumed.map((s) => s.spanId).filter((id, i) => id !== whole[i]?.spanId)).toEqual([resumed[index]?.spanId]);
  });

  it('the resumed run and the replay agree on status, response id and usage of every response', () => {
    const resumed = cutThenResumed(name, responseId).whole;
    const fresh = llmSpans(replayed(name));
    expect(resumed.map((s) => [s.status, s.attributes[ATTR.responseId], s.attributes[ATTR.inputTokens]])).toEqual(
      fresh.map((f) => [f.status, f.attributes[ATTR.responseId], f.attributes[ATTR.inputTokens]]),
    );
  });
});

describe('0.169: a response cut off before the file wrote any usage record', () => {
  it('is an error LLM span without usage even though it made a tool call (the header says every completed response has its record)', () => {
    const { cut, whole } = cutThenResumed('e-multi-tool.jsonl', 'resp_mock_000');
    expect(cut).toHaveLength(1);
    expect([cut[0]?.status, cut[0]?.statusMessage, cut[0]?.attributes['codex.llm.tool_calls']]).toEqual(['error', SESSION_ENDED, ['exec_command']]);
    expect(usageOf(cut[0])).toBeUndefined();
    // the same reducer, the rest appended: that span gets its usage, no second span
    expect(whole[0]?.spanId).toBe(cut[0]?.spanId);
    expect([whole[0]?.status, usageOf(whole[0])]).toEqual(['ok', 6933]);
    expect(whole).toHaveLength(llmSpans(replayed('e-multi-tool.jsonl')).length);
  });
});
