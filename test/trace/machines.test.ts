/**
 * The machines, transition by transition: domain events in (what `src/rollout/`
 * makes of Codex's records), the effect list out — in order, as sinks see it.
 */
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/trace/effects.js';
import { addMs, msBetween } from '../../src/trace/emit.js';
import type { DomainEvent } from '../../src/trace/events.js';
import { spanIdFor, spanKey } from '../../src/trace/ids.js';
import { defaultReducerOptions, initialTraceState, recordClock, reduce, type TraceState } from '../../src/trace/reduce.js';
import type { Usage } from '../../src/trace/span.js';

const THREAD = '01a213a5-3967-77d3-9b66-afc3cf5c9f56';
let ms = 0;
const t = (): string => new Date(Date.UTC(2026, 10, 25, 16, 0, 0, (ms += 100))).toISOString();
const U: Usage = { input: 100, cached: 10, output: 5, reasoning: 2, total: 105 };

/** An effect as a short tuple: kind of effect, span kind, name, status (or the warning code). */
type Row = [string, ...string[]];
function rows(effects: Effect[]): Row[] {
  return effects.map((e) => (e.type === 'warning' ? ['warning', e.code] : [e.type, e.span.kind, e.span.name, e.span.status]));
}

function machine(opts: Partial<ReturnType<typeof defaultReducerOptions>> = {}): { state: TraceState; step: (ev: DomainEvent) => Effect[] } {
  ms = 0;
  const state = initialTraceState({ ...defaultReducerOptions('fallback'), ...opts });
  return { state, step: (ev) => reduce(state, ev) };
}

/** A machine with a session and turn t1 open. */
function inTurn(): (ev: DomainEvent) => Effect[] {
  const { step } = machine();
  step(metaEv());
  step(started('t1'));
  return step;
}

const metaEv = (extra: object = {}): DomainEvent => ({ type: 'session_meta', time: t(), info: { threadId: THREAD, cliVersion: '0.169.0', ...extra } });
const started = (turnId: string): DomainEvent => ({ type: 'turn_started', time: t(), turnId });
const say = (text: string): DomainEvent => ({ type: 'model_output', time: t(), item: { kind: 'message', text } });
const call = (callId: string, name = 'exec_command'): DomainEvent => ({ type: 'tool_call', time: t(), call: { callId, name, toolType: 'function' } });
const output = (callId: string, out = 'Process exited with code 0', exitCode?: number): DomainEvent => ({
  type: 'tool_output',
  time: t(),
  result: { callId, output: out, exitCode },
});
const usage = (): DomainEvent => ({ type: 'usage', time: t(), usage: U });
const ended = (turnId: string, status: 'ok' | 'error' = 'ok', reason?: string): Extract<DomainEvent, { type: 'turn_ended' }> => ({
  type: 'turn_ended',
  time: t(),
  turnId,
  status,
  reason,
});

describe('SessionMachine', () => {
  it('opens the root at session_meta, ends it at finalize, re-opens it on a later record and marks the second end a repeat', () => {
    const { step } = machine();
    expect(rows(step(metaEv()))).toEqual([['span_started', 'session', 'invoke_agent codex', 'unset']]);
    expect(rows(step({ type: 'finalize', time: t() }))).toEqual([['span_ended', 'session', 'invoke_agent codex', 'ok']]);
    expect(rows(step(started('t1')))).toEqual([
      ['span_updated', 'session', 'invoke_agent codex', 'unset'],
      ['span_started', 'turn', 'turn 1', 'unset'],
    ]);
    step(ended('t1'));
    const again = step({ type: 'finalize', time: t() });
    expect(rows(again)).toEqual([['span_ended', 'session', 'invoke_agent codex', 'ok']]);
    expect(again[0]?.type === 'span_ended' && again[0].repeat).toBe(true);
  });

  it('keeps one record clock: finalize ends at the last record even when told an earlier time', () => {
    const { state, step } = machine();
    step(metaEv());
    step(started('t1'));
    const last = t();
    step({ type: 'user_prompt', time: last, text: 'hi' });
    expect(recordClock(state)).toBe(last);
    const fin = step({ type: 'finalize', time: '2026-11-25T16:00:00.000Z' });
    const root = fin.find((e) => e.type === 'span_ended' && e.span.kind === 'session');
    expect(root?.type === 'span_ended' && root.span.endTime).toBe(last);
  });

  it('opens a session from the fallback id when the first record is not a session_meta', () => {
    const { step } = machine();
    const effects = step(started('t1'));
    expect(rows(effects)).toEqual([
      ['span_started', 'session', 'invoke_agent codex', 'unset'],
      ['span_started', 'turn', 'turn 1', 'unset'],
    ]);
    expect(effects[0]?.type === 'span_started' && effects[0].span.attributes['codex.thread.id']).toBe('fallback');
  });
});

describe('scope', () => {
  it('hangs a subagent whose parent is traced under the parent’s subagent span, with no root of its own', () => {
    const { step } = machine();
    expect(step(metaEv({ parentThreadId: 'parent-1', rootSessionId: 'parent-1' }))).toEqual([]);
    const [turn] = step(started('c1'));
    expect(turn?.type === 'span_started' && turn.span.parentSpanId).toBe(spanIdFor('parent-1', spanKey.subagent(THREAD)));
  });

  it('carries the model of turn_context into the root and the spans after it', () => {
    const { step } = machine();
    step(metaEv());
    expect(rows(step({ type: 'turn_context', time: t(), model: 'gpt-5.5' }))).toEqual([['span_updated', 'session', 'invoke_agent codex', 'unset']]);
    step(started('t1'));
    step(call('a'));
    expect(rows(step(usage()))).toEqual([['span_ended', 'llm', 'chat gpt-5.5', 'ok']]);
  });
});

describe('TurnMachine', () => {
  it('ends at its task_complete; a turn end with no open turn or for another turn is a warning', () => {
    const { step } = machine();
    step(metaEv());
    expect(rows(step(ended('t0')))).toEqual([['warning', 'turn_end_without_turn']]);
    step(started('t1'));
    expect(rows(step(ended('t9')))).toEqual([['warning', 'turn_end_mismatch']]);
    expect(rows(step(ended('t1')))).toEqual([['span_ended', 'turn', 'turn 1', 'ok']]);
  });

  it('keeps a turn open when the next one starts before its end record, and ends it with an error at the session end if it never comes', () => {
    const step = inTurn();
    expect(rows(step(started('t2')))).toEqual([['span_started', 'turn', 'turn 2', 'unset']]);
    const fin = step({ type: 'finalize', time: t() });
    expect(rows(fin)).toEqual([
      ['span_ended', 'turn', 'turn 1', 'error'],
      ['span_ended', 'turn', 'turn 2', 'error'],
      ['span_ended', 'session', 'invoke_agent codex', 'ok'],
    ]);
    expect(fin[0]?.type === 'span_ended' && fin[0].span.statusMessage).toBe('no task_complete before the next turn started');
  });

  it('infers turns from prompts where the format has no turn starts, and names one when its start comes after the prompt', () => {
    const { step } = machine();
    step(metaEv());
    expect(rows(step({ type: 'user_prompt', time: t(), text: 'q1' }))).toEqual([['span_started', 'turn', 'turn 1', 'unset']]);
    expect(step(started('t1'))).toEqual([]);
    step(say('a1'));
    step(ended('t1'));
    step({ type: 'user_prompt', time: t(), text: 'q2' });
    step(say('a2'));
    expect(rows(step({ type: 'user_prompt', time: t(), text: 'q3' }))).toEqual([
      ['span_ended', 'llm', 'chat unknown', 'ok'],
      ['span_ended', 'turn', 'turn 2', 'ok'],
      ['span_started', 'turn', 'turn 3', 'unset'],
    ]);
  });

  it('sends an open turn as ended when the session goes idle, and re-opens it with its running tool', () => {
    const step = inTurn();
    step(call('a'));
    expect(rows(step({ type: 'finalize', time: t() }))).toEqual([
      ['span_ended', 'llm', 'chat unknown', 'ok'],
      ['span_ended', 'tool', 'execute_tool exec_command', 'error'],
      ['span_ended', 'turn', 'turn 1', 'error'],
      ['span_ended', 'session', 'invoke_agent codex', 'ok'],
    ]);
    expect(rows(step(output('a')))).toEqual([
      ['span_updated', 'session', 'invoke_agent codex', 'unset'],
      ['span_updated', 'turn', 'turn 1', 'unset'],
      ['span_updated', 'tool', 'execute_tool exec_command', 'unset'],
      ['span_ended', 'tool', 'execute_tool exec_command', 'ok'],
    ]);
  });
});

describe('ModelCallMachine', () => {
  it('is one LLM span per response, ended at its usage; a message-only response waits for a compaction that may claim it', () => {
    const step = inTurn();
    expect(rows(step(call('a')))).toEqual([['span_started', 'tool', 'execute_tool exec_command', 'unset']]);
    expect(rows(step(usage()))).toEqual([['span_ended', 'llm', 'chat unknown', 'ok']]);
    expect(step(say('done'))).toEqual([]);
    expect(step(usage())).toEqual([]);
    expect(rows(step(ended('t1')))).toEqual([
      ['span_ended', 'llm', 'chat unknown', 'ok'],
      ['span_ended', 'tool', 'execute_tool exec_command', 'error'],
      ['span_ended', 'turn', 'turn 1', 'ok'],
    ]);
  });

  it('makes usage no item claimed a response of its own, carrying the usage', () => {
    const step = inTurn();
    step(usage());
    const effects = step(ended('t1'));
    expect(rows(effects)).toEqual([
      ['span_ended', 'llm', 'chat unknown', 'ok'],
      ['span_ended', 'turn', 'turn 1', 'ok'],
    ]);
    expect(effects[0]?.type === 'span_ended' && effects[0].span.attributes['gen_ai.usage.input_tokens']).toBe(100);
  });
});

describe('CompactionMachine', () => {
  it('adopts the message-only response before `compacted` as its request, under the compaction span', () => {
    const step = inTurn();
    step(say('## summary'));
    step(usage());
    const effects = step({ type: 'compaction', time: t(), summary: '## summary' });
    expect(rows(effects)).toEqual([
      ['span_started', 'compaction', 'compaction', 'unset'],
      ['span_ended', 'llm', 'chat unknown', 'ok'],
      ['span_ended', 'compaction', 'compaction', 'ok'],
    ]);
    const [comp, llm] = effects;
    expect(llm?.type === 'span_ended' && llm.span.parentSpanId).toBe(comp?.type === 'span_started' && comp.span.spanId);
    expect(llm?.type === 'span_ended' && llm.span.attributes['codex.llm.compaction']).toBe(true);
  });
});

describe('ToolCallMachine', () => {
  it('runs from call to output, keeps an output that comes first until its call, and is an error on a failing exit code', () => {
    const step = inTurn();
    step(call('a'));
    expect(rows(step(output('a', 'Exit code: 2', 2)))).toEqual([['span_ended', 'tool', 'execute_tool exec_command', 'error']]);
    expect(step(output('b'))).toEqual([]);
    expect(rows(step(call('b')))).toEqual([
      ['span_started', 'tool', 'execute_tool exec_command', 'unset'],
      ['span_ended', 'tool', 'execute_tool exec_command', 'ok'],
    ]);
  });

  it('turns an output whose call never came into an `unknown` tool at the turn end, with a warning', () => {
    const step = inTurn();
    step(output('ghost'));
    expect(rows(step(ended('t1')))).toEqual([
      ['warning', 'output_without_call'],
      ['span_started', 'tool', 'execute_tool unknown', 'unset'],
      ['span_ended', 'tool', 'execute_tool unknown', 'ok'],
      ['span_ended', 'turn', 'turn 1', 'ok'],
    ]);
  });
});

describe('ends on a failure', () => {
  it('turns the response being collected into an error span at an abort, and leaves a measured one ok', () => {
    const step = inTurn();
    step(say('partial'));
    const effects = step({ ...ended('t1', 'error', 'aborted: interrupted'), abort: 'interrupted' });
    expect(rows(effects)).toEqual([
      ['span_ended', 'llm', 'chat unknown', 'error'],
      ['span_ended', 'turn', 'turn 1', 'error'],
    ]);
    expect(effects[0]?.type === 'span_ended' && [effects[0].span.statusMessage, effects[0].span.endTime]).toEqual([
      'interrupted',
      effects[1]?.type === 'span_ended' && effects[1].span.endTime,
    ]);
  });

  it('gives a failed request with nothing written an error span of its own', () => {
    const step = inTurn();
    step({ type: 'user_prompt', time: t(), text: 'hi' });
    expect(rows(step({ ...ended('t1', 'error', 'HTTP 500'), requestFailed: true }))).toEqual([
      ['span_ended', 'llm', 'chat unknown', 'error'],
      ['span_ended', 'turn', 'turn 1', 'error'],
    ]);
  });

  it('sends the tool of an ended turn again when a late record names it', () => {
    const step = inTurn();
    step(call('a'));
    step(usage());
    step({ ...ended('t1', 'error', 'aborted: interrupted'), abort: 'interrupted' });
    const late = step({ type: 'tool_result', time: t(), turnId: 't1', result: { callId: 'a', exitCode: -1, failed: true } });
    expect(rows(late)).toEqual([['span_ended', 'tool', 'execute_tool exec_command', 'error']]);
    expect(late[0]?.type === 'span_ended' && [late[0].span.statusMessage, late[0].span.attributes['codex.tool.exit_code']]).toEqual(['exit code -1', -1]);
  });
});

describe('review mode', () => {
  it('opens the reviewing turn, ignores the review thread’s own turn start mirrored into the file, and ends at the turn’s end', () => {
    const { step } = machine();
    step(metaEv());
    expect(rows(step({ type: 'review_started', time: t(), turnId: 'p1', hint: 'current changes' }))).toEqual([['span_started', 'turn', 'turn 1', 'unset']]);
    expect(step({ type: 'turn_started', time: t(), turnId: 'r1', parentTurnId: 'p1' })).toEqual([]);
    expect(rows(step({ type: 'subagent_spawned', time: t(), childThreadId: 'review-thread', role: 'review' }))).toEqual([
      ['span_started', 'subagent', 'invoke_agent review', 'unset'],
    ]);
    step({ type: 'subagent_done', time: t(), childThreadId: 'review-thread', status: 'ok' });
    step({ type: 'review_ended', time: t(), turnId: 'p1' });
    const end = step(ended('p1'));
    expect(rows(end)).toEqual([['span_ended', 'turn', 'turn 1', 'ok']]);
    expect(end[0]?.type === 'span_ended' && end[0].span.attributes['input.value']).toBe('current changes');
  });
});

describe('subagents', () => {
  it('opens an invoke_agent span under the spawning turn from the spawning call, and ends it when the child is done', () => {
    const step = inTurn();
    const [tool] = step(call('s', 'spawn_agent'));
    const spawned = step({ type: 'subagent_spawned', time: t(), childThreadId: 'child-1', callId: 's', nickname: 'Ada' });
    expect(rows(spawned)).toEqual([['span_started', 'subagent', 'invoke_agent Ada', 'unset']]);
    expect(spawned[0]?.type === 'span_started' && spawned[0].span.startTime).toBe(tool?.type === 'span_started' && tool.span.startTime);
    expect(rows(step({ type: 'subagent_done', time: t(), childThreadId: 'child-1', status: 'error', message: 'errored' }))).toEqual([
      ['span_ended', 'subagent', 'invoke_agent Ada', 'error'],
    ]);
  });
});

describe('time arithmetic of the core (no Date)', () => {
  it('moves an ISO time by milliseconds as Date would, across days, months, leap days and years', () => {
    for (const t of ['2026-01-01T00:00:00.000Z', '2024-02-28T23:59:59.999Z', '2025-12-31T23:59:59.500Z', '1999-03-01T00:00:00.001Z']) {
      for (const ms of [0, 1, -1, 500, -86_400_000, 3_600_000 * 30, 1234.4]) {
        const want = new Date(Date.parse(t) + Math.round(ms)).toISOString();
        expect(addMs(t, ms)).toBe(want);
        expect(msBetween(t, want)).toBe(Math.round(ms));
      }
    }
  });
});
