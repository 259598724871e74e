import { afterEach, describe, expect, it } from 'vitest';
import type { Cursor } from '../../src/store/index.js';
import { ended, span, testStore } from './records.js';
import { runCleanups } from '../helpers/temp.js';

afterEach(runCleanups);

const live = '/home/u/.codex/sessions/2025/01/01/rollout-2025-01-01T00-00-00-abc.jsonl';
const archived = '/home/u/.codex/archived_sessions/rollout-2025-01-01T00-00-00-abc.jsonl';

function cursor(p: Partial<Cursor> = {}): Cursor {
  return {
    path: live,
    dev: 2049,
    ino: 123456789,
    sessionId: 'abc',
    committedOffset: 1000,
    size: 1200,
    mtimeMs: 1735689600123.5,
    finalized: false,
    firstLineHash: 'deadbeef',
    ...p,
  };
}

describe('cursors', () => {
  it('put, get, update, list and delete', () => {
    const store = testStore();
    expect(store.getCursor(live)).toBeUndefined();
    store.putCursor(cursor({ updatedAt: 42 }));
    expect(store.getCursor(live)).toEqual(cursor({ updatedAt: 42 }));
    store.putCursor(cursor({ committedOffset: 1200, finalized: true, sessionId: null, firstLineHash: null }));
    const got = store.getCursor(live);
    expect(got).toMatchObject({ committedOffset: 1200, finalized: true, sessionId: null, firstLineHash: null });
    expect(got?.updatedAt).toBeGreaterThan(42);
    store.putCursors([cursor({ path: '/b' }), cursor({ path: '/a' })]);
    expect(store.getAllCursors().map((c) => c.path)).toEqual(['/a', '/b', live]);
    expect(store.deleteCursor('/a')).toBe(true);
    expect(store.deleteCursor('/a')).toBe(false);
    expect(store.getAllCursors()).toHaveLength(2);
  });

  it('a file moved to archived_sessions keeps its cursor', () => {
    const store = testStore();
    store.putCursor(cursor());
    expect(store.renameCursor(live, archived)).toBe(true);
    expect(store.getCursor(live)).toBeUndefined();
    expect(store.getCursor(archived)).toMatchObject({ ...cursor(), path: archived });
    expect(store.renameCursor('/nowhere', '/elsewhere')).toBe(false);
  });

  it('rename replaces a cursor already at the new path', () => {
    const store = testStore();
    store.putCursors([cursor(), cursor({ path: archived, committedOffset: 0 })]);
    store.renameCursor(live, archived);
    expect(store.getAllCursors()).toHaveLength(1);
    expect(store.getCursor(archived)?.committedOffset).toBe(1000);
  });

  it('commit writes spans and cursors together, or neither', () => {
    const store = testStore();
    const s = span({ traceId: 'c'.repeat(32), kind: 'session' });
    store.commit([ended(s)], [cursor()]);
    expect(store.getTraceSpans(s.traceId)).toEqual([s]);
    expect(store.getCursor(live)?.committedOffset).toBe(1000);

    // a cursor that violates NOT NULL makes the whole commit fail: the span is not written either
    const bad = { ...cursor({ path: '/bad' }), dev: null } as unknown as Cursor;
    const s2 = span({ traceId: 'd'.repeat(32), kind: 'session' });
    expect(() => store.commit([ended(s2)], [bad])).toThrow(/local store/);
    expect(store.getTraceSpans(s2.traceId)).toEqual([]);
    expect(store.getCursor('/bad')).toBeUndefined();
  });
});
