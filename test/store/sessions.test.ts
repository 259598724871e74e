import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, TraceStore } from '../../src/store/index.js';
import type { Span } from '../../src/trace/span.js';
import { llmAttrs, span } from './records.js';
import { tempDir } from '../helpers/temp.js';

const S1 = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const S2 = '0199a1b2-ffff-7e5f-8a9b-0c1d2e3f4a5b';
const CHILD = '0199cccc-0000-7000-8000-000000000000';
const T1 = S1.replace(/-/g, '');
const T2 = S2.replace(/-/g, '');

/** Trace 1: two turns, three model calls (one in a subagent thread), two tools (one failed). */
function trace1(): Span[] {
  const root = span({
    traceId: T1,
    kind: 'session',
    startTime: '2025-03-01T10:00:00.000Z',
    endTime: '2025-03-01T10:30:00.000Z',
    attributes: { 'gen_ai.conversation.id': S1, 'codex.cwd': '/home/u/src/alpha', 'gen_ai.request.model': 'gpt-5' },
  });
  const turn1 = span({ traceId: T1, kind: 'turn', parentSpanId: root.spanId });
  const turn2 = span({ traceId: T1, kind: 'turn', parentSpanId: root.spanId, status: 'error', statusMessage: 'aborted' });
  const sub = span({ traceId: T1, kind: 'subagent', parentSpanId: turn2.spanId, attributes: { 'gen_ai.conversation.id': CHILD } });
  const subTurn = span({ traceId: T1, kind: 'turn', parentSpanId: sub.spanId });
  return [
    root,
    turn1,
    turn2,
    sub,
    subTurn,
    span({ traceId: T1, kind: 'llm', parentSpanId: turn1.spanId, attributes: llmAttrs('gpt-5-codex', 1000, 200, 800, 50) }),
    span({ traceId: T1, kind: 'llm', parentSpanId: turn2.spanId, attributes: llmAttrs('gpt-5-codex', 3000, 100, 2500, 0) }),
    span({ traceId: T1, kind: 'llm', parentSpanId: subTurn.spanId, attributes: llmAttrs('gpt-5-mini', 500, 40, 0, 10) }),
    span({ traceId: T1, kind: 'tool', parentSpanId: turn1.spanId }),
    span({ traceId: T1, kind: 'tool', parentSpanId: turn2.spanId, status: 'error' }),
  ];
}

/** Trace 2: a still-open session with one open turn and no model call yet. */
function trace2(): Span[] {
  const root = span({
    traceId: T2,
    kind: 'session',
    startTime: '2025-03-02T09:00:00.000Z',
    endTime: null,
    status: 'unset',
    attributes: { 'gen_ai.conversation.id': S2, 'codex.cwd': '/home/u/src/beta/', 'gen_ai.request.model': 'o3' },
  });
  return [root, span({ traceId: T2, kind: 'turn', parentSpanId: root.spanId, endTime: null })];
}

let store: TraceStore;
let cleanup: () => void;
beforeEach(() => {
  const t = tempDir();
  store = TraceStore.open({ stateDir: t.dir });
  store.upsertSpans([...trace1(), ...trace2()]);
  cleanup = () => {
    store.close();
    t.cleanup();
  };
});
afterEach(() => cleanup());

describe('listSessions', () => {
  it('sums per trace, subagent thread included, newest first', () => {
    const rows = store.listSessions();
    expect(rows.map((r) => r.sessionId)).toEqual([S2, S1]);
    expect(rows[1]).toEqual({
      traceId: T1,
      spanId: expect.any(String),
      sessionId: S1,
      startTime: '2025-03-01T10:00:00.000Z',
      endTime: '2025-03-01T10:30:00.000Z',
      durationMs: 30 * 60 * 1000,
      status: 'ok',
      cwd: '/home/u/src/alpha',
      project: 'alpha',
      model: 'gpt-5-codex',
      turns: 3,
      llmCalls: 3,
      toolCalls: 2,
      errors: 2,
      inputTokens: 4500,
      outputTokens: 340,
      cachedTokens: 3300,
      reasoningTokens: 60,
    });
    expect(rows[0]).toMatchObject({
      endTime: null,
      durationMs: null,
      project: 'beta',
      model: 'o3', // no model call yet: the session's own turns: 1, llmCalls: 0, toolCalls: 0, errors: 0, inputTokens: 0,
    });
  });

  it('filters by start time, cwd (the directory or inside it) and limit', () => {
    expect(store.listSessions({ since: new Date('2025-03-02T00:00:00Z') }).map((r) => r.sessionId)).toEqual([S2]);
    expect(store.listSessions({ until: new Date('2025-03-02T00:00:00Z') }).map((r) => r.sessionId)).toEqual([S1]);
    expect(store.listSessions({ cwd: '/home/u/src/alpha/' }).map((r) => r.sessionId)).toEqual([S1]);
    expect(store.listSessions({ cwd: '/home/u/src' })).toHaveLength(2);
    expect(store.listSessions({ cwd: '/home/u/sr' })).toHaveLength(0);
    expect(store.listSessions({ limit: 1 }).map((r) => r.sessionId)).toEqual([S2]);
  });
});

describe('findTraces', () => {
  it('finds by session id, session id prefix, and trace id prefix', () => {
    expect(store.findTraces(S1).map((m) => m.traceId)).toEqual([T1]);
    expect(store.findTraces(S1.toUpperCase()).map((m) => m.traceId)).toEqual([T1]);
    expect(store.findTraces('0199a1b2-c3').map((m) => m.traceId)).toEqual([T1]);
    expect(store.findTraces(T2)).toEqual([{ traceId: T2, sessionId: S2, startTime: '2025-03-02T09:00:00.000Z', cwd: '/home/u/src/beta/' }]);
    expect(store.findTraces(T1.slice(0, 12)).map((m) => m.traceId)).toEqual([T1]);
  });

  it('returns every candidate for an ambiguous prefix, newest first; nothing for no match', () => {
    expect(store.findTraces('0199a1b2').map((m) => m.traceId)).toEqual([T2, T1]);
    expect(store.findTraces('0199a1b2-')).toHaveLength(2);
    expect(store.findTraces('zzz')).toEqual([]);
    expect(store.findTraces('*')).toEqual([]);
    expect(store.findTraces('  ')).toEqual([]);
  });

  it('a subagent thread is not a session of its own', () => {
    expect(store.findTraces(CHILD)).toEqual([]);
  });
});

describe('stats', () => {
  it('counts spans, traces, sessions, open spans and size', () => {
    const s = store.stats();
    expect(s).toMatchObject({ spans: 12, traces: 2, sessions: 2, openSpans: 2, cursors: 0, schemaVersion: MIGRATIONS.length });
    expect(s.dbBytes).toBeGreaterThan(0);
    expect(s.path).toBe(store.path);
  });
});
