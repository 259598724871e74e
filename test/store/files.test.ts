/**
 * The store's files deleted or replaced under an open store: the next write transaction
 * throws a StoreError naming the file (STORE_REPLACED, not transient) instead of committing
 * into a file nobody will read, and keeps throwing it; listeners hear of it once.
 */
import { copyFileSync, renameSync, unlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_REPLACED, StoreError, TraceStore } from '../../src/store/index.js';
import type { Cursor } from '../../src/store/cursors.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { cursorAt, span, testStore } from './records.js';

afterEach(runCleanups);

const cursor = (path: string): Cursor => cursorAt(path);

function failedCommit(store: TraceStore, traceId: string): StoreError {
  try {
    store.commitSpans([span({ traceId, kind: 'session' })], [cursor(`/r/${traceId}`)]);
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error('the commit did not fail');
}

describe('store files deleted or replaced under an open store', () => {
  it.each([
    ['-wal', 'its write-ahead log', 'deleted'],
    ['-shm', 'its shared-memory index', 'deleted'],
    ['', 'the database file', 'deleted'],
  ])('%s deleted: the next commit fails naming the file, and every later one', (suffix, what, how) => {
    const store = testStore();
    store.commitSpans([span({ traceId: 't0', kind: 'session' })], [cursor('/r/t0')]);
    const heard: StoreError[] = [];
    store.onBroken((e) => heard.push(e));
    unlinkSync(store.path + suffix);
    const err = failedCommit(store, 't1');
    expect(err.code).toBe(STORE_REPLACED);
    expect(err.transient).toBe(false);
    expect(err.message).toContain(`local store ${store.path}: ${what} ${store.path}${suffix} was ${how}`);
    expect(err.message).toMatch(/Restart codex-tracer/);
    expect(failedCommit(store, 't2')).toBe(err);
    expect(() => store.putCursor(cursor('/r/t3'))).toThrow(err);
    expect(heard).toEqual([err]);
    // a listener that comes late hears of it at once
    store.onBroken((e) => heard.push(e));
    expect(heard).toHaveLength(2);
    // nothing of the refused commits is in the store
    expect(store.getTraceSpans('t1')).toEqual([]);
    expect(store.getCursor('/r/t1')).toBeUndefined();
  });

  it('the database replaced by another file (a copy moved over it): refused, naming it', () => {
    const store = testStore();
    store.commitSpans([span({ traceId: 't0', kind: 'session' })], [cursor('/r/t0')]);
    const copy = `${testDir()}/copy.sqlite`;
    copyFileSync(store.path, copy);
    renameSync(copy, store.path);
    const err = failedCommit(store, 't1');
    expect(err.message).toContain(`the database file ${store.path} was replaced by another file`);
  });

  it('untouched files: commits go on (the check is one stat per file and commit)', () => {
    const store = testStore();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) store.commitSpans([span({ traceId: `t${i}`, kind: 'session' })], [cursor(`/r/${i}`)]);
    const perCommitUs = Number(process.hrtime.bigint() - t0) / 200 / 1000;
    expect(store.stats().spans).toBe(200);
    expect(perCommitUs).toBeLessThan(5000);
  });
});
