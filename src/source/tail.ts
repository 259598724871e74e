/**
 * Reading a rollout from a cursor offset: complete lines only, byte offsets exact.
 * A final line without `\n` is not yielded; it is read again, whole, on the next
 * pass once Codex has finished writing it.
 */
import { closeSync, readSync } from 'node:fs';
import { openRegular, openRegularSync } from './open.js';
import { decode, DEFAULT_MAX_LINE_BYTES, LineSplitter, type Line, type LineDecider } from './lines.js';
import { readHeadSync } from './fileid.js';

export type { Line, LineDecider, SkippedLine, TextLine, TooLongLine } from './lines.js';

export interface ReadLinesOptions {
  /** Lines longer than this are skipped and yielded as `tooLong` (default DEFAULT_MAX_LINE_BYTES, 16 MiB). */
  maxLineBytes?: number;
  /** Bytes per read (default 1 MiB). */
  highWaterMark?: number;
  /** Decides, per complete line and before decoding, to skip it or how to decode it. */
  decide?: LineDecider;
  /** Sees each chunk as read (`buf[0..n)` starting at byte `pos`), before it is split; sync reader only. */
  onChunk?: (buf: Buffer, n: number, pos: number) => void;
}

export const DEFAULT_READ_CHUNK = 1024 * 1024;

/**
 * Complete lines of `path` from `fromOffset` to the current end of the file, in
 * batches (one per read). The cheapest way to consume a file; `readLines` wraps it.
 */
export async function* readLineBatches(path: string, fromOffset: number, opts: ReadLinesOptions = {}): AsyncGenerator<Line[]> {
  const reader = new ChunkReader(fromOffset, opts);
  const fh = await openRegular(path);
  try {
    for (;;) {
      const buf = reader.buffer();
      const { bytesRead } = await fh.read(buf, 0, buf.length, reader.pos);
      if (bytesRead === 0) return;
      const out = reader.split(buf, bytesRead);
      if (out.length > 0) yield out;
    }
  } finally {
    await fh.close();
  }
}

let sharedBuffer = Buffer.allocUnsafe(0);

/** The state both readers share: position, splitter, and the read buffer. */
class ChunkReader {
  private readonly chunkSize: number;
  private readonly splitter: LineSplitter;
  pos: number;

  constructor(
    fromOffset: number,
    opts: ReadLinesOptions,
    private readonly shared = false,
  ) {
    this.chunkSize = Math.max(1, Math.floor(opts.highWaterMark ?? DEFAULT_READ_CHUNK));
    this.splitter = new LineSplitter(fromOffset, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, opts.decide, shared);
    this.pos = fromOffset;
  }

  /**
   * The buffer for the next read. Synchronous readers share one buffer (a read and its
   * split never interleave with another reader's, and the splitter copies what it
   * keeps); asynchronous readers get a fresh one.
   */
  buffer(): Buffer {
    if (!this.shared) return Buffer.allocUnsafe(this.chunkSize);
    if (sharedBuffer.length < this.chunkSize) sharedBuffer = Buffer.allocUnsafe(this.chunkSize);
    return sharedBuffer.length === this.chunkSize ? sharedBuffer : sharedBuffer.subarray(0, this.chunkSize);
  }

  split(buf: Buffer, bytesRead: number): Line[] {
    this.pos += bytesRead;
    const out: Line[] = [];
    this.splitter.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead), out);
    return out;
  }
}

/** Complete lines of `path` from `fromOffset` (a byte offset at a line start). */
export async function* readLines(path: string, fromOffset: number, opts: ReadLinesOptions = {}): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(path, fromOffset, opts)) yield* batch;
}

/**
 * The synchronous twin of `readLineBatches`. Thousands of small rollouts read
 * synchronously cost a fraction of what the thread-pool round trips of async reads
 * cost (open/read/close each); a rollout is read in chunks, so the event loop is
 * never held for more than one chunk's worth of work.
 */
export function* readLineBatchesSync(path: string, fromOffset: number, opts: ReadLinesOptions = {}): Generator<Line[]> {
  const reader = new ChunkReader(fromOffset, opts, true);
  const fd = openRegularSync(path);
  try {
    for (;;) {
      const buf = reader.buffer();
      const bytesRead = readSync(fd, buf, 0, buf.length, reader.pos);
      if (bytesRead === 0) return;
      opts.onChunk?.(buf, bytesRead, reader.pos);
      const out = reader.split(buf, bytesRead);
      if (out.length > 0) yield out;
    }
  } finally {
    closeSync(fd);
  }
}

/** Lines gathered `size` at a time (for a reader that yields them one by one, such as `readZstLines`). */
export async function* batchLines(lines: AsyncIterable<Line>, size = 1024): AsyncGenerator<Line[]> {
  let batch: Line[] = [];
  for await (const l of lines) {
    batch.push(l);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** bytes per read of `readFirstLine`: a session header is a few KB to a few tens of KB */
const FIRST_LINE_CHUNK = 64 * 1024;

/**
 * The first complete line of a file as text, or undefined (empty, unreadable, too long, or not yet
 * complete). One synchronous 64 KiB read (more only for a longer line) that decodes nothing after
 * the first line; `accept` judges those first bytes (is this a rollout at all?) without a read of its own: backfill reads the head of every file of a history (review linking), and async
 * 1 MiB reads decoding every line of each chunk cost ~0.4 CPU-s and ~30 MB of peak RSS on a 200 MB
 * history (the thread-pool round trips of an async open/read/close cost more than the read).
 */
export async function readFirstLine(
  path: string,
  maxLineBytes = 8 * 1024 * 1024,
  /** judges the first bytes read (`more`: the file goes on past them); false: read no further */
  accept?: (head: Buffer, more: boolean) => boolean,
): Promise<string | undefined> {
  try {
    if (accept) {
      // the head that is judged is the start of the line: one read serves both when the line fits
      const head = readHeadSync(path, FIRST_LINE_CHUNK + 1);
      const more = head.length > FIRST_LINE_CHUNK;
      const bytes = head.subarray(0, FIRST_LINE_CHUNK);
      if (!accept(bytes, more)) return undefined;
      const nl = bytes.indexOf(0x0a);
      if (nl >= 0) return nl > maxLineBytes ? undefined : decode(bytes, 0, nl);
      if (!more) return undefined; // not yet complete
    }
    let first = true;
    const decide: LineDecider = () => {
      if (!first) return { skip: 'after the first line' };
      first = false;
      return undefined;
    };
    for (const batch of readLineBatchesSync(path, 0, { maxLineBytes, highWaterMark: FIRST_LINE_CHUNK, decide })) {
      const line = batch[0] as Line;
      return 'text' in line ? line.text : undefined;
    }
  } catch {
    // unreadable: whoever reads the whole file reports it
  }
  return undefined;
}
