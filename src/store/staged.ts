/**
 * A commit's spans staged as the pipeline produces them (sinks/sink.ts `Stager`; the pool's
 * pipeline threads): an ended span becomes its row at once, its large values' text written as
 * UTF-8 into a buffer outside the JS heap; an open span is kept as it is (it is mostly ended,
 * so superseded, before the commit goes out). What then waits for the commit (the next read
 * batch, the committing thread's answer) is rows and bytes: the span objects and their content
 * strings die young. Held until the answer, they used to be copied by every young-generation
 * collection and promoted (~100 MB per pipeline thread on the real-shaped corpus).
 *
 * `handOffStaged` makes the same rows and blocks as `handOffBatch` (the ended spans' texts in
 * blocks, then the open spans' in blocks of their own), in the order the spans ended.
 */
import type { SpanEffect } from '../trace/effects.js';
import type { Span } from '../trace/span.js';
import { BlockPacker, BLOCK_BYTES, refOf } from './blocks.js';
import { textBound, textBytes, writeText } from './content.js';
import { BLOCK, CONTENT, rowOf, type Bind, type RowBatch } from './spans.js';

/** staging buffers given back (`release`) and not yet taken again, at most this many bytes: reused, they never wait for a full collection to be freed */
const FREE_MAX = 16 * 1024 * 1024;
const free: Buffer[] = [];
let freeBytes = 0;

function take(bytes: number): Buffer {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const b = free[i] as Buffer;
    if (b.length >= bytes && (best < 0 || b.length < (free[best] as Buffer).length)) best = i;
  }
  if (best < 0) return Buffer.allocUnsafe(Math.max(bytes, 64 * 1024));
  const b = free.splice(best, 1)[0] as Buffer;
  freeBytes -= b.length;
  return b;
}

function give(b: Buffer): void {
  if (freeBytes + b.length > FREE_MAX) return;
  free.push(b);
  freeBytes += b.length;
}

/** what `Stager.stage` gives (sinks/sink.ts `Staged`) for a sink that hands its rows to another thread (pipeline/pool/remote.ts) */
export class StagedRows {
  /** the ended spans' rows, in the order they ended; null: superseded by a later state */
  private readonly rows: (Bind[] | null)[] = [];
  /** per row, where its text is in `raw` (`refOf`), or -1: none */
  private readonly refs: number[] = [];
  /** span id → its row's index in `rows` */
  private readonly index = new Map<string, number>();
  /** the open spans, latest state each */
  readonly open = new Map<string, Span>();
  private raw: Buffer | undefined;
  private n = 0;

  add(effects: readonly SpanEffect[]): void {
    for (const e of effects) {
      const s = e.span;
      const i = this.index.get(s.spanId);
      if (i !== undefined) {
        this.rows[i] = null; // a re-staged span: the last state wins
        this.index.delete(s.spanId);
      }
      if (s.endTime === null) this.open.set(s.spanId, s);
      else {
        this.open.delete(s.spanId);
        this.stageEnded(s);
      }
    }
  }

  private stageEnded(s: Span): void {
    const { row, text } = rowOf(s);
    let ref = -1;
    if (text !== null) {
      let bound = textBound(text);
      if (bound > BLOCK_BYTES) bound = textBytes(text); // a huge value: no 3× room
      this.room(this.n + bound);
      const length = writeText(text, this.raw as Buffer, this.n);
      ref = refOf(this.n, length);
      this.n += length;
    }
    this.index.set(s.spanId, this.rows.length);
    this.rows.push(row);
    this.refs.push(ref);
  }

  private room(bytes: number): void {
    const raw = this.raw;
    if (raw !== undefined && bytes <= raw.length) return;
    const bigger = take(Math.max(bytes, raw === undefined ? 0 : raw.length * 2));
    if (raw !== undefined) {
      raw.copy(bigger, 0, 0, this.n);
      give(raw);
    }
    this.raw = bigger;
  }

  /** the span ids it holds a state of (`handOffStaged`: which part has a span's latest) */
  *ids(): Generator<string> {
    yield* this.index.keys();
    yield* this.open.keys();
  }

  /** The ended spans' rows into `rows`, their texts into `packer`, but those whose latest state is in a later part. */
  packEnded(packer: BlockPacker, rows: Bind[][], latest: (id: string) => boolean): void {
    const raw = this.raw as Buffer;
    this.rows.forEach((row, i) => {
      if (row === null || !latest(row[0] as string)) return;
      const ref = this.refs[i] as number;
      row[CONTENT] = ref < 0 ? null : packer.addBytes(raw, ref);
      row[BLOCK] = ref < 0 ? null : packer.index;
      rows.push(row);
    });
  }

  /** Done with (committed): its buffer goes back for the next one. */
  release(): void {
    if (this.raw !== undefined) give(this.raw);
    this.raw = undefined;
  }
}

/**
 * The rows and blocks (blocks as latin1 strings, see RowBatch) of one commit's staged parts,
 * the latest state of each span over them (a later part wins), and how many spans.
 */
export function handOffStaged(parts: readonly StagedRows[]): { batch: RowBatch; spans: number } {
  let latest = (_id: string, _p: StagedRows): boolean => true;
  if (parts.length > 1) {
    const owner = new Map<string, StagedRows>();
    for (const p of parts) for (const id of p.ids()) owner.set(id, p);
    latest = (id, p) => owner.get(id) === p;
  }
  const packer = new BlockPacker();
  const rows: Bind[][] = [];
  for (const p of parts) p.packEnded(packer, rows, (id) => latest(id, p));
  // the open spans' texts in blocks of their own (see `pack` in spans.ts)
  packer.cut();
  for (const p of parts) {
    for (const s of p.open.values()) {
      if (!latest(s.spanId, p)) continue;
      const { row, text } = rowOf(s);
      if (text !== null) {
        row[CONTENT] = packer.add(text);
        row[BLOCK] = packer.index;
      }
      rows.push(row);
    }
  }
  return { batch: { rows, blocks: packer.finish().map((b) => b.toString('latin1')) }, spans: rows.length };
}
