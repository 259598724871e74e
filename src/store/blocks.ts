/**
 * Blocks: the large values (content.ts) of the spans of one commit, their texts one after
 * another, compressed together (brotli) and stored once in `span_blocks`. A span's `block`
 * column names its block and its `content` column holds where its text is in the block's
 * decompressed bytes (`refOf`: offset and length, one integer).
 *
 * Why together: a model call's `input.value` repeats the tool outputs just before it, which a
 * shared window finds, and one brotli call per block instead of per span spares its set-up
 * (~6 µs a call). On the real-shaped corpus's 118 MB of value text, per span: 46.6 MB and
 * ~0.8 s; in blocks: ~20 MB and ~0.35 s (one thread). The store: 512 KiB blocks 20.3% of the
 * rollout bytes, 1 MiB 19.4% (a pipeline thread's hand-off often holds several small files,
 * which share their instructions), at the same CPU; reading one span back decompresses its
 * whole block: ~1.3 ms at 512 KiB, ~2.4 ms at 1 MiB.
 *
 * Blocks are immutable and their ids are never reused (AUTOINCREMENT), so a decompressed block
 * can be cached by id on a reading connection whatever other connections write meanwhile. A
 * block no span references any longer (its spans re-written) is deleted by the commit that
 * moved them (`SpanTable`), or by a trigger when spans are deleted (db.ts).
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type Database from 'better-sqlite3';
import { textBound, textBytes, writeText, type LargeText } from './content.js';
import type { Db } from './db.js';

/** a block is closed before a span's text would take it past this many bytes (a span larger than it gets a block of its own) */
export const BLOCK_BYTES = 1024 * 1024;
/** quality 1: ~2× the speed of 2 for ~8% more bytes; the window (2^20) covers a whole block */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 20 } };

/** offset and length (bytes) of a span's text in its block, as one integer (the `content` column; < 2^53 as offsets stay under 2^21) */
const SHIFT = 2 ** 32;
export const refOf = (at: number, length: number): number => at * SHIFT + length;
const refAt = (ref: number): number => Math.floor(ref / SHIFT);
const refLength = (ref: number): number => ref % SHIFT;

/** the text a reference points at in a decompressed block */
export function sliceText(raw: Buffer, ref: number): string {
  const at = refAt(ref);
  return raw.toString('utf8', at, at + refLength(ref));
}

/** kept for the next packer (up to this size) */
const SCRATCH_MAX = 4 * BLOCK_BYTES;
let scratch: Buffer | undefined; // made by the first packer (a reading process needs none)

/**
 * Packs the texts of one commit's spans into blocks, in order, compressing each block once it
 * is full. One at a time per thread (it writes into a module-wide scratch buffer): make it,
 * add every span, `finish()`.
 */
export class BlockPacker {
  private buf = (scratch ??= Buffer.allocUnsafe(BLOCK_BYTES + 64 * 1024));
  private n = 0;
  private readonly sealed: Buffer[] = [];

  /** index (in `finish()`'s list) of the block the last added text went to */
  get index(): number {
    return this.sealed.length;
  }

  /** Appends a span's text; returns its reference in block `index`. */
  add(t: LargeText): number {
    let bound = textBound(t);
    if (this.n + bound > this.buf.length && bound > BLOCK_BYTES) bound = textBytes(t); // a huge value: no 3× room
    this.room(this.n + bound);
    return this.placed(this.n, writeText(t, this.buf, this.n));
  }

  /** `add` of a text already written as UTF-8: the bytes `ref` (`refOf`) points at in `src` */
  addBytes(src: Buffer, ref: number): number {
    const length = refLength(ref);
    this.room(this.n + length);
    const at = refAt(ref);
    return this.placed(this.n, src.copy(this.buf, this.n, at, at + length));
  }

  /** the text just written at `at`: its reference, after sealing the block before it if the block is full */
  private placed(at: number, length: number): number {
    this.n += length;
    if (at === 0 || this.n <= BLOCK_BYTES) return refOf(at, length);
    // past the limit: what came before is a block, this text starts the next one
    this.sealed.push(compress(this.buf.subarray(0, at)));
    this.buf.copyWithin(0, at, this.n);
    this.n = length;
    return refOf(0, length);
  }

  /** Closes the block being filled (if any): what is added next starts a new one. */
  cut(): void {
    if (this.n === 0) return;
    this.sealed.push(compress(this.buf.subarray(0, this.n)));
    this.n = 0;
  }

  /** the compressed blocks, in order; the packer is spent */
  finish(): Buffer[] {
    this.cut();
    if (this.buf.length <= SCRATCH_MAX) scratch = this.buf;
    return this.sealed;
  }

  private room(bytes: number): void {
    if (bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(bytes, this.buf.length * 2));
    this.buf.copy(bigger, 0, 0, this.n);
    this.buf = bigger;
  }
}

function compress(raw: Buffer): Buffer {
  return brotliCompressSync(raw, BROTLI);
}

/** decompressed blocks kept per connection (a block is at most ~BLOCK_BYTES unless one span is larger) */
const CACHE_BYTES = 8 * 1024 * 1024;

/**
 * Decompressed blocks by id, least recently used dropped first, at most CACHE_BYTES in all
 * (a larger block is used once, not kept): a query over the spans of a trace decompresses each
 * block once, not once per span.
 */
export class BlockCache {
  private readonly map = new Map<number, Buffer>();
  private bytes = 0;
  /** the block `has` last said is here: never dropped before the next `has` (see CONTENT_SQL) */
  private pinned = -1;

  has(id: number): boolean {
    const raw = this.map.get(id);
    if (raw === undefined) return false;
    this.map.delete(id);
    this.map.set(id, raw); // most recently used last
    this.pinned = id;
    return true;
  }

  /** the decompressed block, from the cache or from its compressed bytes (which the caller must give if it is not cached) */
  get(id: number, data: Buffer | null): Buffer {
    const hit = this.map.get(id);
    if (hit !== undefined) return hit;
    if (data === null) throw new Error(`span block ${id} is neither cached nor given`);
    const raw = brotliDecompressSync(data);
    if (raw.length <= CACHE_BYTES) this.keep(id, raw);
    return raw;
  }

  private keep(id: number, raw: Buffer): void {
    this.map.set(id, raw);
    this.bytes += raw.length;
    for (const [old, b] of this.map) {
      if (this.bytes <= CACHE_BYTES) break;
      if (old === id || old === this.pinned) continue;
      this.map.delete(old);
      this.bytes -= b.length;
    }
  }
}

/** The blocks of one connection, read by id through its cache (for `rowToSpan`: not while a statement of it is being iterated). */
export class BlockReader {
  readonly cache = new BlockCache();
  private select?: Database.Statement<[number], Buffer>;
  constructor(private readonly db: Db) {}

  raw(id: number): Buffer {
    if (this.cache.has(id)) return this.cache.get(id, null);
    this.select ??= this.db.prepare<[number], Buffer>('SELECT data FROM span_blocks WHERE id = ?').pluck();
    const data = this.select.get(id);
    if (data === undefined) throw new Error(`span block ${id} is missing`);
    return this.cache.get(id, data);
  }
}

const readers = new WeakMap<Db, BlockReader>();

/** the block reader of a connection (one per connection: its cache is valid for that file only) */
export function blocksOf(db: Db): BlockReader {
  let r = readers.get(db);
  if (r === undefined) {
    r = new BlockReader(db);
    readers.set(db, r);
  }
  return r;
}

/**
 * The arguments `span_large()` and `span_content()` take for a span's large values: the
 * reference, the block id and the block's compressed bytes. A SQLite function cannot query the
 * connection it runs on, so the block is joined in here; but only when the connection's cache
 * does not hold it already (`span_block_cached`, which CASE evaluates first, pins it until the
 * next call): a query over many spans of a block reads and decompresses it once.
 */
export const CONTENT_SQL =
  'content, block, CASE WHEN block IS NULL OR span_block_cached(block) THEN NULL ELSE (SELECT data FROM span_blocks WHERE id = block) END';

/** SQL for an attribute's value, short (in `attributes`) or large (in a block, or per span in older stores) */
export const attrSql = (name: string): string => `COALESCE(json_extract(attributes, '$."${name}"'), span_large(${CONTENT_SQL}, '${name}'))`;
