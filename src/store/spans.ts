import type Database from 'better-sqlite3';
import type { SpanEffect } from '../trace/effects.js';
import { ATTR, type Attributes, type AttrValue, type Span, type SpanKind, type SpanStatus } from '../trace/span.js';
import { BlockPacker, blocksOf, sliceText, type BlockCache, type BlockReader } from './blocks.js';
import { contentJson, decodeLarge, fromText, joinText, largeText, textJson, type LargeText } from './content.js';
import type { Db } from './db.js';

const COLUMNS = [
  'span_id',
  'trace_id',
  'parent_span_id',
  'kind',
  'name',
  'start_time',
  'end_time',
  'status',
  'status_message',
  'attributes',
  'session_id',
  'cwd',
  'model',
  'input_tokens',
  'output_tokens',
  'cached_tokens',
  'reasoning_tokens',
  'content',
  'block',
] as const;
/**
 * position of `content` in a row: the large values' text (content.ts) in a row from `toRow`,
 * until it is packed into a block; then where that text is in the block (blocks.ts `refOf`)
 */
export const CONTENT = COLUMNS.indexOf('content');
/** position of `block`: the index of the row's block in its batch (`RowBatch.blocks`) until written, then the block's id */
export const BLOCK = COLUMNS.indexOf('block');
/** position of `end_time` (null: the span is open) */
const END = COLUMNS.indexOf('end_time');
/** string attributes at least this long go to a compressed block (blocks.ts), `content` pointing at them */
export const LARGE_VALUE_CHARS = 256;

const UPSERT_SQL = `INSERT INTO spans (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(span_id) DO UPDATE SET ${COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

export type Bind = string | number | bigint | null | Buffer;

/**
 * The rows of one commit and the compressed blocks holding their large values (blocks.ts).
 * A block that crossed from a pipeline thread is a latin1 string: a string is copied into the
 * committing thread's heap and freed by its next young-generation collection, where a Buffer's
 * memory (outside the heap) would wait for a full one; the committing thread allocates little,
 * so tens of MB of handed-off Buffers used to pile up there. It is bound from one scratch
 * Buffer (SQLite copies a bound BLOB).
 */
export interface RowBatch {
  rows: Bind[][];
  blocks: (string | Buffer | Uint8Array)[];
}

function str(v: AttrValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function int(v: AttrValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * `attributes` with each large string value replaced by null, in place (so the key order
 * survives the round trip; no attribute is ever null), and those values apart (content.ts).
 */
function splitLarge(a: Attributes): { small: string; large: LargeText | null } {
  let keys: string[] | undefined;
  let values: string[] | undefined;
  for (const k in a) {
    const v = a[k];
    if (typeof v === 'string' && v.length >= LARGE_VALUE_CHARS) {
      (keys ??= []).push(k);
      (values ??= []).push(v);
    }
  }
  if (keys === undefined || values === undefined) return { small: JSON.stringify(a), large: null };
  const placeholders: Record<string, AttrValue | null> = { ...a };
  for (const k of keys) placeholders[k] = null;
  return { small: JSON.stringify(placeholders), large: largeText(keys, values) };
}

/**
 * One span as the positional parameters of the upsert, its attributes stringified once;
 * the large values as their text (cheap to hand to the writer thread, which packs them into a
 * block when it writes). Last write wins, including a re-opened span.
 */
export function toRow(s: Span): Bind[] {
  const { row, text } = rowOf(s);
  if (text !== null) row[CONTENT] = joinText(text);
  return row;
}

/** The rows of spans (latest state each) with their large values packed into compressed blocks, in this thread. */
export function packSpans(spans: readonly Span[]): { rows: Bind[][]; blocks: Buffer[] } {
  const texts: [Bind[], LargeText][] = [];
  const rows = spans.map((s) => {
    const { row, text } = rowOf(s);
    if (text !== null) texts.push([row, text]);
    return row;
  });
  return { rows, blocks: pack(texts, 0) };
}

/**
 * Packs the texts into blocks (`base`: the index of the first one in its batch), pointing their
 * rows at them: the ended spans' first, then the open spans' in blocks of their own. An open
 * span is written again when it ends (a watcher commits it several times), and a block goes
 * only once none of its spans points at it: mixed with ended spans, which stay, its old texts
 * would stay too.
 */
function pack(texts: readonly [Bind[], LargeText][], base: number): Buffer[] {
  const packer = new BlockPacker();
  for (const open of [false, true]) {
    packer.cut();
    for (const [row, t] of texts) {
      if ((row[END] === null) !== open) continue;
      row[CONTENT] = packer.add(t);
      row[BLOCK] = base + packer.index;
    }
  }
  return packer.finish();
}

/** `packSpans` for a commit that goes to another thread to be written (its blocks as latin1 strings, see RowBatch) */
export function handOffBatch(spans: readonly Span[]): RowBatch {
  const { rows, blocks } = packSpans(spans);
  return { rows, blocks: blocks.map((b) => b.toString('latin1')) };
}

/** Appends `b`'s rows and blocks to `into` (the rows' block indexes moved past `into`'s blocks), for one transaction. */
export function appendBatch(into: RowBatch, b: RowBatch): void {
  const base = into.blocks.length;
  for (const r of b.rows) {
    const i = r[BLOCK];
    if (typeof i === 'number') r[BLOCK] = i + base;
    into.rows.push(r);
  }
  for (const z of b.blocks) into.blocks.push(z);
}

/** the row, its content and block null, and the text of its large values (null: none) */
export function rowOf(s: Span): { row: Bind[]; text: LargeText | null } {
  const a = s.attributes;
  const { small, large: text } = splitLarge(a);
  const row = [
    s.spanId,
    s.traceId,
    s.parentSpanId,
    s.kind,
    s.name,
    s.startTime,
    s.endTime,
    s.status,
    s.statusMessage ?? null,
    small,
    str(a[ATTR.conversationId]),
    str(a[ATTR.cwd]),
    str(a[ATTR.requestModel]),
    int(a[ATTR.inputTokens]),
    int(a[ATTR.outputTokens]),
    int(a[ATTR.cacheReadTokens]),
    int(a[ATTR.reasoningTokens]),
    null,
    null,
  ];
  return { row, text };
}

/** A batch whose rows from `toRow` (large values as text) get their text packed into blocks appended after the batch's. */
function packTexts(batch: RowBatch): RowBatch {
  const texts: [Bind[], LargeText][] = [];
  for (const r of batch.rows) {
    const text = r[CONTENT];
    if (typeof text === 'string') texts.push([r, { head: text, values: [] }]);
  }
  return texts.length === 0 ? batch : { rows: batch.rows, blocks: [...batch.blocks, ...pack(texts, batch.blocks.length)] };
}

/** reused to bind handed-off blocks (SQLite copies a bound BLOB) */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** a compressed block as SQLite binds it: a Buffer (a latin1 string written into the scratch buffer; a Uint8Array that crossed threads viewed as one) */
function bindable(z: string | Buffer | Uint8Array): Buffer {
  if (Buffer.isBuffer(z)) return z;
  if (z instanceof Uint8Array) return Buffer.from(z.buffer, z.byteOffset, z.byteLength);
  if (scratch.length < z.length) scratch = Buffer.allocUnsafe(Math.max(z.length, scratch.length * 2));
  return scratch.subarray(0, scratch.write(z, 0, 'latin1'));
}

export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  kind: string;
  name: string;
  start_time: string;
  end_time: string | null;
  status: string;
  status_message: string | null;
  attributes: string;
  /** the large attribute values: where they are in `block` (blocks.ts), or compressed on their own (older stores; content.ts); null: none */
  content: Buffer | number | null;
  block: number | null;
}

/** a span's large values' text (content.ts) from its block; null for none or for a row of an older store (compressed on its own) */
function blockText(content: Buffer | number | null, block: number | null, raw: (id: number) => Buffer): string | null {
  return typeof content === 'number' && block !== null ? sliceText(raw(block), content) : null;
}

/**
 * A long attribute value (see LARGE_VALUE_CHARS) for SQL, `span_large(${CONTENT_SQL}, 'name')`
 * (blocks.ts `attrSql`; registered on every connection): from the span's block (`data`, its
 * compressed bytes, null when `cache` holds it) or from an older store's per-span `content`.
 */
export function spanLarge(cache: BlockCache, content: Buffer | number | null, block: number | null, data: Buffer | null, name: string): string | number | null {
  const text = blockText(content, block, (id) => cache.get(id, data));
  const large = text !== null ? fromText(text) : Buffer.isBuffer(content) ? decodeLarge(content) : null;
  const v = large?.[name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  return JSON.stringify(v);
}

/** A span's long values as JSON text `{"key": "value", …}` (null: none), for SQL search: `span_content(${CONTENT_SQL})`. */
export function spanContent(cache: BlockCache, content: Buffer | number | null, block: number | null, data: Buffer | null): string | null {
  const text = blockText(content, block, (id) => cache.get(id, data));
  if (text !== null) return textJson(text);
  return Buffer.isBuffer(content) ? contentJson(content) : null;
}

/** The exact `Span` record back from a row (key order as in the Span type; no undefined keys); its block, if any, read through `blocks`. */
export function rowToSpan(r: SpanRow, blocks: BlockReader): Span {
  const attributes = JSON.parse(r.attributes) as Attributes;
  const text = blockText(r.content, r.block, (id) => blocks.raw(id));
  if (text !== null) Object.assign(attributes, fromText(text) as Attributes);
  else if (Buffer.isBuffer(r.content)) Object.assign(attributes, decodeLarge(r.content) as Attributes);
  const head = {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    kind: r.kind as SpanKind,
    name: r.name,
    startTime: r.start_time,
    endTime: r.end_time,
    status: r.status as SpanStatus,
  };
  return r.status_message === null ? { ...head, attributes } : { ...head, statusMessage: r.status_message, attributes };
}

/** The final state of each span in a batch, in first-seen order (a batch often holds started+ended of one span). */
export function latestSpans(effects: readonly SpanEffect[]): Span[] {
  const bySpan = new Map<string, Span>();
  for (const e of effects) bySpan.set(e.span.spanId, e.span);
  return [...bySpan.values()];
}

/** Prepared statements of the spans table (and its blocks), bound to one connection. */
export class SpanTable {
  private readonly upsert: Database.Statement<Bind[]>;
  private readonly insertBlock: Database.Statement<[Buffer]>;
  private readonly blocksUsed: Database.Statement<[string], number>;
  private readonly dropBlock: Database.Statement<[number, number]>;
  private readonly byTrace: Database.Statement<[string], SpanRow>;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare<Bind[]>(UPSERT_SQL);
    this.insertBlock = db.prepare<[Buffer]>('INSERT INTO span_blocks (data) VALUES (?)');
    // one statement per batch, whose span ids go as a JSON array (mostly none there yet: a first backfill)
    this.blocksUsed = db
      .prepare<[string], number>('SELECT DISTINCT block FROM spans WHERE span_id IN (SELECT value FROM json_each(?)) AND block IS NOT NULL')
      .pluck();
    this.dropBlock = db.prepare<[number, number]>('DELETE FROM span_blocks WHERE id = ? AND NOT EXISTS (SELECT 1 FROM spans WHERE block = ?)');
    this.byTrace = db.prepare<[string], SpanRow>(
      `SELECT ${[...COLUMNS.slice(0, 10), 'content', 'block'].join(', ')} FROM spans WHERE trace_id = ? ORDER BY start_time, span_id`,
    );
  }

  /** Upserts spans by span id, their large values packed into blocks here. Call inside a transaction (blocks and rows together). */
  upsertAll(spans: readonly Span[]): number {
    return this.write(packSpans(spans));
  }

  /** Upserts rows made by `toRow` or `handOffBatch` (in the writer thread: made by the pipeline's thread). Inside a transaction. */
  upsertRows(batch: RowBatch): number {
    return this.write(packTexts(batch));
  }

  /**
   * The batch's blocks, then its rows pointing at them; then the blocks that no span points at
   * any longer go: those the rows' earlier versions used (a span re-written), and the batch's
   * own (a span twice in one batch).
   */
  private write(batch: RowBatch): number {
    const before = this.blocksUsed.all(JSON.stringify(batch.rows.map((r) => r[0])));
    const ids = batch.blocks.map((z) => Number(this.insertBlock.run(bindable(z)).lastInsertRowid));
    for (const r of batch.rows) {
      const i = r[BLOCK];
      if (typeof i === 'number') r[BLOCK] = ids[i] as number;
      const ref = r[CONTENT];
      // a JS number binds as REAL (8 bytes, and not what it is): the reference is an INTEGER
      if (typeof ref === 'number') r[CONTENT] = BigInt(ref);
      this.upsert.run(...r);
    }
    for (const id of before) this.dropBlock.run(id, id);
    for (const id of ids) this.dropBlock.run(id, id);
    return batch.rows.length;
  }

  getTraceSpans(traceId: string): Span[] {
    const blocks = blocksOf(this.db);
    return this.byTrace.all(traceId).map((r) => rowToSpan(r, blocks));
  }
}
