import type Database from 'better-sqlite3';
import type { SpanEffect } from '../trace/effects.js';
import { ATTR, type Attributes, type AttrValue, type Span, type SpanKind, type SpanStatus } from '../trace/span.js';
import { compressLarge, compressValues, contentJson, decodeLarge, encodeLarge } from './content.js';
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
] as const;
/** position of `content` in a row: the large values, as text (content.ts) until `packRow` compresses them */
const CONTENT = COLUMNS.indexOf('content');
/** string attributes at least this long go to the compressed `content` column */
export const LARGE_VALUE_CHARS = 256;

const UPSERT_SQL = `INSERT INTO spans (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(span_id) DO UPDATE SET ${COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

export type Bind = string | number | null | Buffer;

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
function splitLarge<L>(a: Attributes, encode: (keys: string[], values: string[]) => L): { small: string; large: L | null } {
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
  return { small: JSON.stringify(placeholders), large: encode(keys, values) };
}

/**
 * One span as the positional parameters of the upsert, its attributes stringified once;
 * the large values still as text (cheap to hand to the writer thread): `packRow` compresses
 * them. Last write wins, including a re-opened span.
 */
export function toRow(s: Span): Bind[] {
  return rowOf(s, encodeLarge);
}

/** `toRow` then `packForHandOff`, the values compressed without making their text first */
export function handOffRow(s: Span): Bind[] {
  return rowOf(s, (keys, values) => HANDED_OFF + compressValues(keys, values).toString('latin1'));
}

function rowOf(s: Span, encode: (keys: string[], values: string[]) => string): Bind[] {
  const a = s.attributes;
  const { small, large } = splitLarge(a, encode);
  return [
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
    large,
  ];
}

/**
 * Compresses a row's large values (brotli), in place: right before it is written, or in
 * the pipeline thread that made it. Bytes that crossed threads (a Uint8Array) become a
 * Buffer again, which SQLite binds as a BLOB.
 */
export function packRow(row: Bind[]): Bind[] {
  const large = row[CONTENT] as Bind | Uint8Array;
  if (typeof large === 'string') row[CONTENT] = large.startsWith(HANDED_OFF) ? Buffer.from(large.slice(1), 'latin1') : compressLarge(large);
  else if (large instanceof Uint8Array && !Buffer.isBuffer(large)) row[CONTENT] = Buffer.from(large.buffer, large.byteOffset, large.byteLength);
  return row;
}

/**
 * Marks compressed bytes carried as a one-byte (latin1) string from a pipeline thread: a
 * large-values text (content.ts) never starts with it. A string is copied into the committing
 * thread's heap and freed by its next young-generation collection, where a Buffer's memory
 * (outside the heap) would wait for a full one: the committing thread allocates little, so
 * tens of MB of handed-off Buffers used to pile up there.
 */
const HANDED_OFF = '\u0001';

/** `packRow` for a row that goes to another thread to be written: its compressed values as a marked latin1 string. */
export function packForHandOff(row: Bind[]): Bind[] {
  packRow(row);
  const z = row[CONTENT];
  if (Buffer.isBuffer(z)) row[CONTENT] = HANDED_OFF + z.toString('latin1');
  return row;
}

/** reused for the handed-off values while a row is bound (SQLite copies a bound BLOB) */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** `packRow`, binding handed-off bytes from the scratch buffer instead of a new Buffer per row */
function bindable(row: Bind[]): Bind[] {
  const large = row[CONTENT];
  if (typeof large !== 'string' || !large.startsWith(HANDED_OFF)) return packRow(row);
  const n = large.length - 1;
  if (scratch.length <= n) scratch = Buffer.allocUnsafe(Math.max(n + 1, scratch.length * 2));
  scratch.write(large, 0, n + 1, 'latin1');
  // the marker is written too (one byte), then skipped
  row[CONTENT] = scratch.subarray(1, n + 1);
  return row;
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
  /** the large attribute values, compressed (content.ts; null: none) */
  content: Buffer | null;
}

/** The exact `Span` record back from a row (key order as in the Span type; no undefined keys). */
/**
 * A long attribute value (see LARGE_VALUE_CHARS) from a span's compressed `content`, for SQL:
 * `COALESCE(json_extract(attributes, '$."name"'), span_large(content, 'name'))` (registered on
 * every connection) reads short values as before and decompresses only rows that hold long ones.
 */
export function spanLarge(content: Buffer | null, name: string): string | number | null {
  if (content === null) return null;
  const v = decodeLarge(content)[name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  return JSON.stringify(v);
}

/** A span's long values as JSON text `{"key": "value", …}` (null: none), for SQL search (`span_content(content)`). */
export function spanContent(content: Buffer | null): string | null {
  return content === null ? null : contentJson(content);
}

export function rowToSpan(r: SpanRow): Span {
  const attributes = JSON.parse(r.attributes) as Attributes;
  if (r.content !== null) Object.assign(attributes, decodeLarge(r.content) as Attributes);
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

/** Prepared statements of the spans table, bound to one connection. */
export class SpanTable {
  private readonly upsert: Database.Statement<Bind[]>;
  private readonly byTrace: Database.Statement<[string], SpanRow>;

  constructor(db: Db) {
    this.upsert = db.prepare<Bind[]>(UPSERT_SQL);
    this.byTrace = db.prepare<[string], SpanRow>(
      `SELECT ${[...COLUMNS.slice(0, 10), 'content'].join(', ')} FROM spans WHERE trace_id = ? ORDER BY start_time, span_id`,
    );
  }

  /** Upserts spans by span id. Call inside a transaction for speed. */
  upsertAll(spans: readonly Span[]): number {
    for (const s of spans) this.upsert.run(...packRow(toRow(s)));
    return spans.length;
  }

  /** Upserts rows made by `toRow` (in the writer thread: made by the pipeline's thread). */
  upsertRows(rows: readonly Bind[][]): number {
    for (const r of rows) this.upsert.run(...bindable(r));
    return rows.length;
  }

  getTraceSpans(traceId: string): Span[] {
    return this.byTrace.all(traceId).map(rowToSpan);
  }
}
