/**
 * The store's writers: inline, and the writer thread backfill uses. The thread runs from
 * the built files (`npm run build`), so its cases load `dist/store/writer.js`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, TraceStore, type Cursor } from '../../src/store/index.js';
import * as src from '../../src/store/writer.js';
import { span, testStore } from './records.js';
import { runCleanups } from '../helpers/temp.js';

type WriterModule = typeof src;
const T = 'c'.repeat(32);
const DIST = new URL('../../dist/store/writer.js', import.meta.url);
afterEach(runCleanups);

function cursor(path: string, committedOffset: number): Cursor {
  return { path, dev: 1, ino: 2, sessionId: 's', committedOffset, size: committedOffset, mtimeMs: 3, finalized: false, firstLineHash: null };
}

/** What another connection sees (the CLI's `sessions`/`show` read through their own). */
function seenFrom(path: string): { spans: number; names: string[]; offset: number | undefined } {
  const other = TraceStore.open({ file: path }, { readonly: true });
  try {
    return {
      spans: other.stats().spans,
      names: other.getTraceSpans(T).map((s) => s.name),
      offset: other.getCursor('/r.jsonl')?.committedOffset,
    };
  } finally {
    other.close();
  }
}

const cases: [string, () => Promise<WriterModule>, boolean][] = [
  ['inline', async () => src, false],
  ['writer thread', async () => (await import(DIST.href)) as WriterModule, true],
];

describe.each(cases)('%s writer', (label, load, thread) => {
  const built = existsSync(fileURLToPath(DIST));
  it.skipIf(thread && !built)('commits spans and cursor together, in order, visible once the promise resolves', async () => {
    const { createWriter } = await load();
    const store = testStore();
    const w = createWriter(store, thread);
    expect(w.threaded).toBe(thread);
    const a = span({ traceId: T, kind: 'session', name: 'first' });
    const b = span({ traceId: T, kind: 'turn', parentSpanId: a.spanId });
    const [n1, n2] = await Promise.all([w.commit([a, b], [cursor('/r.jsonl', 10)]), w.commit([{ ...a, name: 'second' }], [cursor('/r.jsonl', 20)])]);
    expect([n1, n2]).toEqual([2, 1]);
    expect(seenFrom(store.path)).toEqual({ spans: 2, names: ['second', 'turn'], offset: 20 });
    await w.close();
  });

  it.skipIf(thread && !built)(`a failed transaction rejects with a StoreError naming the file and writes nothing (${label})`, async () => {
    const { createWriter } = await load();
    const store = testStore();
    const w = createWriter(store, thread);
    store.db.exec("CREATE TRIGGER no_spans BEFORE INSERT ON spans BEGIN SELECT RAISE(FAIL, 'refused'); END");
    const err = await w.commit([span({ traceId: T, kind: 'session' })], [cursor('/r.jsonl', 10)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as StoreError).name).toBe('StoreError');
    expect((err as Error).message).toContain(store.path);
    expect((err as Error).message).toContain('refused');
    expect(seenFrom(store.path)).toEqual({ spans: 0, names: [], offset: undefined });
    store.db.exec('DROP TRIGGER no_spans');
    await expect(w.commit([span({ traceId: T, kind: 'session', name: 'after' })], [cursor('/r.jsonl', 30)])).resolves.toBe(1);
    expect(seenFrom(store.path).offset).toBe(30);
    await w.close();
  });
});
