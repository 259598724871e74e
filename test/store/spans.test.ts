import { brotliCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalSink } from '../../src/sinks/local.js';
import { SinkError } from '../../src/sinks/sink.js';
import { TraceStore } from '../../src/store/index.js';
import { CONTENT_SQL } from '../../src/store/blocks.js';
import { handOffBatch, LARGE_VALUE_CHARS, toRow } from '../../src/store/spans.js';
import type { SpanEffect } from '../../src/trace/effects.js';
import type { Span } from '../../src/trace/span.js';
import { ended, incompressible, span, testStore } from './records.js';
import { runCleanups, testDir } from '../helpers/temp.js';

const T = 'a'.repeat(32);
afterEach(runCleanups);

function rowCount(store: TraceStore): number {
  return store.db.prepare('SELECT COUNT(*) FROM spans').pluck().get() as number;
}

describe('span upserts', () => {
  it('the same batch twice leaves the same rows (ids are the identity)', () => {
    const store = testStore();
    const root = span({ traceId: T, kind: 'session', attributes: { 'gen_ai.conversation.id': 's1', tags: ['a', 'b'], ok: true } });
    const turn = span({ traceId: T, kind: 'turn', parentSpanId: root.spanId, status: 'error', statusMessage: 'aborted' });
    const batch = [ended(root), ended(turn)];
    store.applyEffects(batch);
    const first = store.getTraceSpans(T);
    store.applyEffects(batch);
    expect(store.getTraceSpans(T)).toEqual(first);
    expect(rowCount(store)).toBe(2);
    // exact Span objects back: parsed attributes, statusMessage only when set
    expect(first).toEqual([root, turn]);
    expect(first.map((x) => JSON.stringify(x))).toEqual([root, turn].map((x) => JSON.stringify(x)));
    expect('statusMessage' in (first[0] as Span)).toBe(false);
  });

  it('large values go compressed to a block and come back in their key order', () => {
    const store = testStore();
    const prompt = `refactor the parser 解析器を ┌─┐ ${'x'.repeat(LARGE_VALUE_CHARS)}`;
    const s = span({
      traceId: T,
      kind: 'llm',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'input.value': prompt,
        'gen_ai.usage.input_tokens': 7,
        'output.value': incompressible(1, 4000),
        short: 'kept inline',
      },
    });
    store.applyEffects([ended(s)]);
    const row = store.db.prepare('SELECT attributes, content, block FROM spans').get() as { attributes: string; content: number; block: number };
    // the small attributes stay JSON (queried with json_extract); the large ones are a placeholder there
    expect(JSON.parse(row.attributes)).toEqual({
      'gen_ai.operation.name': 'chat',
      'input.value': null,
      'gen_ai.usage.input_tokens': 7,
      'output.value': null,
      short: 'kept inline',
    });
    const block = store.db.prepare('SELECT data FROM span_blocks WHERE id = ?').pluck().get(row.block) as Buffer;
    expect(block.length).toBeLessThan(prompt.length + 4000);
    const [back] = store.getTraceSpans(T);
    expect(JSON.stringify(back)).toBe(JSON.stringify(s));
  });

  it('rows handed off from a pipeline thread (blocks as latin1 strings) are stored as the span, the same bytes as packed by the writer', () => {
    const store = testStore();
    const spans = [1, 2, 3].map((i) =>
      span({
        traceId: T,
        kind: 'tool',
        attributes: { 'output.value': incompressible(i, 300 + i * 40000), 'input.value': `é✓ ${'y'.repeat(LARGE_VALUE_CHARS)}`, n: i },
      }),
    );
    const handed = handOffBatch(spans);
    expect(handed.blocks.every((z) => typeof z === 'string')).toBe(true);
    expect(handed.rows.every((r) => typeof r[17] === 'number' && r[18] === 0)).toBe(true);
    // a structured clone of the batch, as postMessage makes
    store.commitRows(structuredClone(handed), []);
    const stored = store.db.prepare('SELECT data FROM span_blocks').pluck().all() as Buffer[];
    expect(stored).toEqual(handed.blocks.map((z) => Buffer.from(z as string, 'latin1')));
    // the writer thread packs rows made by toRow (their text) into the same bytes
    const other = testStore();
    other.commitRows({ rows: spans.map(toRow), blocks: [] }, []);
    expect(other.db.prepare('SELECT data FROM span_blocks').pluck().all()).toEqual(stored);
    for (const s of [store, other]) {
      expect(
        s
          .getTraceSpans(T)
          .map((x) => JSON.stringify(x))
          .sort(),
      ).toEqual(spans.map((x) => JSON.stringify(x)).sort());
    }
  });

  it('reads content in every form: in a block (framed; a lone surrogate falls back to JSON), per span framed or JSON (older stores)', () => {
    const store = testStore();
    const big = `naïve ┌─┐ "q" \\ ${'z'.repeat(LARGE_VALUE_CHARS)}`;
    const lone = `${'w'.repeat(LARGE_VALUE_CHARS)}\ud800 end`;
    const a = span({ traceId: T, kind: 'tool', attributes: { 'input.value': big, n: 1, 'output.value': `${big}!` } });
    const b = span({ traceId: T, kind: 'tool', attributes: { 'output.value': lone } });
    store.applyEffects([ended(a), ended(b)]);
    // rows as stores before blocks hold them: compressed on their own, framed or JSON
    const c = span({ traceId: T, kind: 'llm', attributes: { 'input.value': big, k: 2 } });
    const d = span({ traceId: T, kind: 'llm', attributes: { k: 3, 'output.value': `${big}?` } });
    store.applyEffects([ended(c), ended(d)]);
    const old = store.db.prepare('UPDATE spans SET content = ?, block = NULL WHERE span_id = ?');
    old.run(brotliCompressSync(JSON.stringify({ 'input.value': big })), c.spanId);
    old.run(brotliCompressSync(`\u0000${JSON.stringify(['output.value', big.length + 1])}\n${big}?`), d.spanId);
    expect(
      store
        .getTraceSpans(T)
        .map((x) => JSON.stringify(x))
        .sort(),
    ).toEqual([a, b, c, d].map((x) => JSON.stringify(x)).sort());
    const q = store.db.prepare<[string], { v: string | null; o: string | null; j: string }>(
      `SELECT span_large(${CONTENT_SQL}, 'input.value') AS v, span_large(${CONTENT_SQL}, 'output.value') AS o, span_content(${CONTENT_SQL}) AS j
       FROM spans WHERE span_id = ?`,
    );
    expect(q.get(a.spanId)).toEqual({ v: big, o: `${big}!`, j: JSON.stringify({ 'input.value': big, 'output.value': `${big}!` }) });
    // (a lone surrogate returned as SQL text would become U+FFFD: search reads the JSON, which escapes it)
    expect(q.get(b.spanId)?.j).toBe(JSON.stringify({ 'output.value': lone }));
    expect(q.get(c.spanId)).toEqual({ v: big, o: null, j: JSON.stringify({ 'input.value': big }) });
    expect(q.get(d.spanId)).toEqual({ v: null, o: `${big}?`, j: JSON.stringify({ 'output.value': `${big}?` }) });
  });

  it('an open span is stored, then updated when it ends', () => {
    const store = testStore();
    const open1 = span({ traceId: T, kind: 'llm', endTime: null, status: 'unset' });
    store.applyEffects([{ type: 'span_started', span: open1 }]);
    expect(store.getTraceSpans(T)[0]?.endTime).toBeNull();
    expect(store.stats().openSpans).toBe(1);
    const done = { ...open1, endTime: '2025-01-01T00:00:05.000Z', status: 'ok' as const, attributes: { 'gen_ai.usage.input_tokens': 10 } };
    store.applyEffects([ended(done)]);
    expect(store.getTraceSpans(T)).toEqual([done]);
    expect(store.stats().openSpans).toBe(0);
  });

  it('a re-opened session root (span_updated with endTime null) wins, and a repeat end re-ends it', () => {
    const store = testStore();
    const root = span({ traceId: T, kind: 'session' });
    store.applyEffects([ended(root)]);
    const reopened = { ...root, endTime: null };
    store.applyEffects([{ type: 'span_updated', span: reopened }]);
    expect(store.getTraceSpans(T)[0]?.endTime).toBeNull();
    const reEnded = { ...root, endTime: '2025-01-01T02:00:00.000Z' };
    store.applyEffects([{ type: 'span_ended', span: reEnded, repeat: true }]);
    expect(store.getTraceSpans(T)).toEqual([reEnded]);
  });

  it('within one batch the last effect of a span wins', () => {
    const store = testStore();
    const s = span({ traceId: T, kind: 'tool', endTime: null });
    const batch: SpanEffect[] = [
      { type: 'span_started', span: s },
      { type: 'span_updated', span: { ...s, name: 'renamed' } },
      ended({ ...s, name: 'final', endTime: '2025-01-01T00:00:09.000Z' }),
    ];
    expect(store.applyEffects(batch)).toBe(1);
    expect(store.getTraceSpans(T).map((x) => x.name)).toEqual(['final']);
  });

  it('getTraceSpans orders by start time then span id', () => {
    const store = testStore();
    const b = span({ traceId: T, kind: 'turn', spanId: 'b'.repeat(16), startTime: '2025-01-01T00:00:01.000Z' });
    const a = span({ traceId: T, kind: 'turn', spanId: 'a'.repeat(16), startTime: '2025-01-01T00:00:01.000Z' });
    const first = span({ traceId: T, kind: 'session', spanId: 'f'.repeat(16), startTime: '2025-01-01T00:00:00.000Z' });
    const other = span({ traceId: 'b'.repeat(32), kind: 'session' });
    store.upsertSpans([b, a, first, other]);
    expect(store.getTraceSpans(T).map((s) => s.spanId)).toEqual([first.spanId, a.spanId, b.spanId]);
  });
});

describe('a full disk', () => {
  it('fails the whole batch with a clear, transient error and keeps what was committed', async () => {
    const store = testStore();
    const first = span({ traceId: T, kind: 'session' });
    store.applyEffects([ended(first)]);
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 2}`); // a disk with two pages left
    // outputs that do not compress (the store compresses large values): 200 KB against 64 KB left
    const big = Array.from({ length: 100 }, (_, i) => ended(span({ traceId: T, kind: 'llm', attributes: { 'output.value': incompressible(i, 2000) } })));
    const sink = new LocalSink({ store });
    const err = await sink.write(big).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).message).toMatch(/disk is full/);
    expect((err as SinkError).message).toContain(store.path);
    expect((err as SinkError).transient).toBe(true);
    expect(store.getTraceSpans(T)).toEqual([first]);
    await sink.close();
    expect(store.db.open).toBe(true); // a borrowed store is left open
  });
});

describe('LocalSink', () => {
  it('writes effects, reports status, and closes its own store', async () => {
    const sink = new LocalSink({ stateDir: testDir() });
    expect(sink.name).toBe('local');
    const s = span({ traceId: T, kind: 'session' });
    await sink.write([{ type: 'span_started', span: { ...s, endTime: null } }, ended(s)]);
    await sink.write([]);
    await sink.flush();
    expect(sink.status()).toEqual({ name: 'local', state: 'ok', delivered: 1, pending: 0 });
    expect(sink.store.getTraceSpans(T)).toEqual([s]);
    await sink.close();
    expect(sink.store.db.open).toBe(false);
  });

  it('a failing write rejects with a SinkError naming the db file', async () => {
    const stateDir = testDir();
    TraceStore.open({ stateDir }).close();
    const sink = new LocalSink({ stateDir }, { readonly: true });
    const err = await sink.write([ended(span({ traceId: T, kind: 'session' }))]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).message).toContain(sink.store.path);
    expect((err as SinkError).transient).toBe(false);
    expect(sink.status().state).toBe('failing');
    await sink.close();
  });
});
