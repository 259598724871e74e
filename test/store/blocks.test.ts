/**
 * Blocks (src/store/blocks.ts): the large values of a commit's spans compressed together, a
 * span's `content` pointing into its block; blocks no span points at are collected; SQL reads
 * (`span_large`, `span_content`, the viewer's search) join the block in; stores written before
 * (values compressed per span) still read, and move into blocks when a span is re-written.
 */
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_BYTES, BlockCache, CONTENT_SQL, sliceText } from '../../src/store/blocks.js';
import { migrate, MIGRATIONS } from '../../src/store/db.js';
import { TraceReader, TraceStore } from '../../src/store/index.js';
import { handOffBatch, LARGE_VALUE_CHARS, latestSpans, packSpans } from '../../src/store/spans.js';
import { handOffStaged, StagedRows } from '../../src/store/staged.js';
import type { SpanEffect } from '../../src/trace/effects.js';
import type { Span } from '../../src/trace/span.js';
import { ended, incompressible, span, testStore } from './records.js';
import { runCleanups, testDir } from '../helpers/temp.js';

const T = 'b'.repeat(32);
afterEach(runCleanups);

const tool = (i: number, chars: number, extra: Record<string, string | number> = {}): Span =>
  span({
    traceId: T,
    kind: 'tool',
    startTime: `2025-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
    attributes: { n: i, 'output.value': incompressible(i, chars), ...extra },
  });

function blockCount(store: TraceStore): number {
  return store.db.prepare('SELECT COUNT(*) FROM span_blocks').pluck().get() as number;
}

/** blocks no span points at (there must be none) */
function orphans(store: TraceStore): number {
  return store.db.prepare('SELECT COUNT(*) FROM span_blocks WHERE id NOT IN (SELECT block FROM spans WHERE block IS NOT NULL)').pluck().get() as number;
}

const asJson = (spans: readonly Span[]): string[] => spans.map((s) => JSON.stringify(s)).sort();

describe('the block format', () => {
  it('packs a commit into blocks of at most BLOCK_BYTES in span order; a span larger than that gets one of its own', () => {
    const chars = Math.floor(BLOCK_BYTES / 5);
    const spans = [...[1, 2, 3, 4, 5, 6, 7].map((i) => tool(i, chars)), tool(8, BLOCK_BYTES + 1000), tool(9, 300)];
    const { rows, blocks } = packSpans(spans);
    const raw = blocks.map((z) => brotliDecompressSync(z));
    // four of ~BLOCK_BYTES/5 fit in one block, three in the next; the huge one alone; the last one after it
    expect(rows.map((r) => r[18])).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 3]);
    expect(raw.slice(0, 2).every((b) => b.length <= BLOCK_BYTES)).toBe(true);
    expect(raw[2]?.length).toBeGreaterThan(BLOCK_BYTES);
    // each row's reference is its text's place in its block
    rows.forEach((r, i) => {
      const text = sliceText(raw[r[18] as number] as Buffer, r[17] as number);
      expect(text).toContain((spans[i] as Span).attributes['output.value']);
    });
    const store = testStore();
    store.upsertSpans(spans);
    expect(blockCount(store)).toBe(4);
    expect(asJson(store.getTraceSpans(T))).toEqual(asJson(spans));
  });

  it('spans without large values point at no block; a commit of only those writes none', () => {
    const store = testStore();
    const small = span({ traceId: T, kind: 'turn', attributes: { 'input.value': 'short' } });
    store.upsertSpans([small]);
    expect(blockCount(store)).toBe(0);
    expect(store.db.prepare('SELECT content, block FROM spans').get()).toEqual({ content: null, block: null });
    expect(store.getTraceSpans(T)).toEqual([small]);
  });

  it('the commits of several pipeline threads in one transaction keep each row on its own block', () => {
    const store = testStore();
    const a = [tool(1, 5000), tool(2, 6000)];
    const b = [tool(3, 7000)];
    const [ba, bb] = [handOffBatch(a), handOffBatch(b)];
    const group = { rows: [...ba.rows], blocks: [...ba.blocks] };
    // what the main thread's commit queue does with two messages
    for (const r of bb.rows) group.rows.push(r.map((v, i) => (i === 18 ? (v as number) + ba.blocks.length : v)));
    group.blocks.push(...bb.blocks);
    store.commitRows(group, []);
    expect(blockCount(store)).toBe(2);
    expect(asJson(store.getTraceSpans(T))).toEqual(asJson([...a, ...b]));
  });
});

describe('staged commits (the pipeline threads: rows and bytes made as the spans come)', () => {
  const started = (s: Span): SpanEffect => ({ type: 'span_started', span: s });

  it('make the same spans as the effects handed off at once: the latest state of each span over the parts wins', () => {
    const turn = { ...tool(1, 3000), kind: 'turn' as const, endTime: null };
    const a = tool(2, 4000);
    const b = tool(3, 5000);
    const reopened = { ...a, endTime: null, name: 'reopened' };
    const parts: SpanEffect[][] = [
      [started(turn), started({ ...a, endTime: null }), ended(a)],
      [ended(b), started(reopened)], // a re-opened after it ended: its ended row must not stay
      [ended({ ...b, name: 'b again' }), ended({ ...turn, endTime: '2025-01-01T00:09:00.000Z' })],
    ];
    const staged = parts.map((effects) => {
      const p = new StagedRows();
      p.add(effects);
      return p;
    });
    const { batch, spans } = handOffStaged(staged);
    const sent = structuredClone(batch); // as postMessage hands it over
    expect(spans).toBe(3);
    const viaStaged = testStore();
    viaStaged.commitRows(structuredClone(batch), []);
    const direct = testStore();
    direct.commitRows(handOffBatch(latestSpans(parts.flat())), []);
    expect(asJson(viaStaged.getTraceSpans(T))).toEqual(asJson(direct.getTraceSpans(T)));
    expect(viaStaged.getTraceSpans(T).find((s) => s.spanId === a.spanId)).toEqual(reopened);
    expect(orphans(viaStaged)).toBe(0);
    // committed again (a retry after a failure): the same rows and blocks
    const again = handOffStaged(staged);
    expect(again.batch).toEqual(sent);
    for (const p of staged) p.release();
  });
});

describe('collecting blocks', () => {
  it('a block goes, in the same transaction, once every span in it was re-written elsewhere (or lost its large values)', () => {
    const store = testStore();
    const [a, b, c] = [tool(1, 3000), tool(2, 3000), tool(3, 3000)];
    store.upsertSpans([a, b]);
    store.upsertSpans([c]);
    expect(blockCount(store)).toBe(2);
    const a2 = { ...a, name: 'again' };
    store.upsertSpans([a2]); // b still points at the first block
    expect(blockCount(store)).toBe(3);
    store.commitRows(handOffBatch([{ ...b, name: 'again' }]), []); // the pipeline threads' path
    expect(blockCount(store)).toBe(3);
    expect(orphans(store)).toBe(0);
    const c2 = { ...c, attributes: { n: 3 } }; // no large value any longer
    store.upsertSpans([c2]);
    expect(blockCount(store)).toBe(2);
    expect(orphans(store)).toBe(0);
    expect(asJson(store.getTraceSpans(T))).toEqual(asJson([a2, { ...b, name: 'again' }, c2]));
  });

  it('open spans get blocks of their own: a watcher re-writing them as they go on leaves no dead text behind', () => {
    const store = testStore();
    const turn = { ...tool(1, 3000), kind: 'turn' as const, endTime: null };
    const call = tool(2, 3000);
    store.upsertSpans([turn, call]);
    expect(blockCount(store)).toBe(2); // the ended call's, the open turn's
    const done = { ...turn, endTime: '2025-01-01T00:05:00.000Z' };
    const next = tool(3, 3000);
    store.commitRows(handOffBatch([done, next]), []); // the turn ends: its open block goes
    expect(blockCount(store)).toBe(2);
    expect(orphans(store)).toBe(0);
    expect(asJson(store.getTraceSpans(T))).toEqual(asJson([done, call, next]));
  });

  it('the same span twice in one transaction leaves only its last block', () => {
    const store = testStore();
    const a = tool(1, 3000);
    const first = handOffBatch([a]);
    const second = handOffBatch([{ ...a, name: 'later' }]);
    for (const r of second.rows) r[18] = 1;
    store.commitRows({ rows: [...first.rows, ...second.rows], blocks: [...first.blocks, ...second.blocks] }, []);
    expect(blockCount(store)).toBe(1);
    expect(store.getTraceSpans(T).map((s) => s.name)).toEqual(['later']);
  });

  it('a deleted span takes its block with it once no other span uses it', () => {
    const store = testStore();
    const [a, b] = [tool(1, 3000), tool(2, 3000)];
    store.upsertSpans([a, b]);
    store.db.prepare('DELETE FROM spans WHERE span_id = ?').run(a.spanId);
    expect(blockCount(store)).toBe(1);
    store.db.prepare('DELETE FROM spans WHERE span_id = ?').run(b.spanId);
    expect(blockCount(store)).toBe(0);
  });

  it('a failed transaction leaves neither its blocks nor its rows', () => {
    const store = testStore();
    store.upsertSpans([tool(1, 3000)]);
    store.db.exec("CREATE TRIGGER no_more BEFORE INSERT ON spans WHEN new.name = 'refused' BEGIN SELECT RAISE(FAIL, 'refused'); END");
    expect(() => store.upsertSpans([tool(2, 3000), { ...tool(3, 3000), name: 'refused' }])).toThrow(/refused/);
    expect(blockCount(store)).toBe(1);
    expect(store.stats().spans).toBe(1);
  });
});

describe('reading blocks from SQL', () => {
  it('span_large and span_content read values in blocks, and the viewer finds text in them', () => {
    const store = testStore();
    const needle = `a needle "quoted" ${'n'.repeat(LARGE_VALUE_CHARS)}`;
    const spans = [tool(1, 2000), tool(2, 2000, { 'input.value': needle }), tool(3, 2000), span({ traceId: T, kind: 'turn', attributes: { x: 'needle' } })];
    store.upsertSpans(spans);
    const reader = new TraceReader(store.db);
    expect(reader.search(T, 'NEEDLE "quoted"')).toEqual([spans[1]?.spanId]);
    expect(reader.search(T, 'needle').sort()).toEqual([spans[1]?.spanId, spans[3]?.spanId].sort());
    expect(reader.span(T, spans[1]?.spanId as string)).toEqual(spans[1]);
    const v = store.db.prepare(`SELECT span_large(${CONTENT_SQL}, 'input.value') FROM spans WHERE span_id = ?`).pluck();
    expect(v.get(spans[1]?.spanId)).toBe(needle);
    expect(v.get(spans[0]?.spanId)).toBeNull();
  });

  it('a query over more blocks than the cache holds reads every value right (each block joined in when not cached)', () => {
    const store = testStore();
    // 12 commits of one block of almost BLOCK_BYTES each: more than the cache keeps
    const spans: Span[] = [];
    for (let i = 0; i < 12; i++) {
      const s = tool(i, BLOCK_BYTES - 1000, { 'input.value': `#${i} ${'i'.repeat(LARGE_VALUE_CHARS)}` });
      store.upsertSpans([s]);
      spans.push(s);
    }
    const rows = store.db
      .prepare(
        `SELECT span_id, substr(span_large(${CONTENT_SQL}, 'input.value'), 1, 4) AS head, length(span_content(${CONTENT_SQL})) AS n
         FROM spans ORDER BY start_time DESC, span_id`,
      )
      .all() as { span_id: string; head: string; n: number }[];
    expect(rows.map((r) => r.head.split(' ')[0])).toEqual(spans.map((_, i) => `#${i}`).reverse());
    expect(rows.every((r) => r.n > BLOCK_BYTES - 1000)).toBe(true);
  });

  it('the cache is bounded, keeps what it was last asked about, and needs the bytes of a block it does not hold', () => {
    const cache = new BlockCache();
    const z = (n: number): Buffer => brotliCompressSync(Buffer.alloc(n, 'x'));
    cache.get(1, z(4 * 1024 * 1024));
    expect(cache.has(1)).toBe(true);
    cache.get(2, z(3 * 1024 * 1024));
    cache.get(3, z(3 * 1024 * 1024)); // over 8 MiB: the least recently used goes, but 1 was asked about last
    expect(cache.has(2)).toBe(false);
    expect(cache.has(1)).toBe(true);
    expect(cache.has(3)).toBe(true);
    expect(() => cache.get(2, null)).toThrow(/neither cached nor given/);
    cache.get(4, z(9 * 1024 * 1024)); // larger than the whole cache: used, not kept
    expect(cache.has(4)).toBe(false);
  });
});

describe('stores written before blocks', () => {
  it('read back after the migration, and a re-written span moves into a block', () => {
    const file = join(testDir(), 'x.sqlite');
    const raw = new Database(file);
    migrate(raw, file, MIGRATIONS.slice(0, 3));
    const big = `old ✓ ${'o'.repeat(LARGE_VALUE_CHARS)}`;
    const framed = `\u0000${JSON.stringify(['input.value', big.length])}\n${big}`;
    const insert = raw.prepare(
      `INSERT INTO spans (span_id, trace_id, parent_span_id, kind, name, start_time, end_time, status, attributes, content)
       VALUES (?, ?, NULL, 'llm', 'chat', ?, NULL, 'unset', ?, ?)`,
    );
    insert.run('s1', T, '2025-01-01T00:00:00.000Z', JSON.stringify({ 'input.value': null, k: 1 }), brotliCompressSync(framed));
    insert.run(
      's2',
      T,
      '2025-01-01T00:00:01.000Z',
      JSON.stringify({ k: 2, 'output.value': null }),
      brotliCompressSync(JSON.stringify({ 'output.value': big })),
    );
    raw.close();
    const store = TraceStore.open({ file });
    const spans = store.getTraceSpans(T);
    expect(spans.map((s) => s.attributes)).toEqual([
      { 'input.value': big, k: 1 },
      { k: 2, 'output.value': big },
    ]);
    expect(new TraceReader(store.db).search(T, 'old ✓').length).toBe(2);
    store.upsertSpans([spans[0] as Span]);
    expect(store.db.prepare("SELECT typeof(content) AS t, block IS NOT NULL AS b FROM spans WHERE span_id = 's1'").get()).toEqual({ t: 'integer', b: 1 });
    expect(store.getTraceSpans(T)).toEqual(spans);
    store.close();
  });
});

describe('a span written through a LocalSink', () => {
  it('round-trips through effects (the watch path) with its values in a block', () => {
    const store = testStore();
    const s = tool(1, 4000, { 'input.value': `é ${'e'.repeat(LARGE_VALUE_CHARS)}` });
    store.applyEffects([{ type: 'span_started', span: { ...s, endTime: null } }, ended(s)]);
    expect(store.getTraceSpans(T)).toEqual([s]);
    expect(blockCount(store)).toBe(1);
  });
});
