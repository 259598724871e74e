/**
 * Whole-file reads: TS-era `.json` documents and compressed `.jsonl.zst` rollouts.
 * Offsets into a `.jsonl.zst` are offsets into its decompressed stream. Decompression
 * is streaming (fzstd `Decompress`), so `readZstLines` holds one compressed chunk,
 * its output and the decoder window, never the whole file.
 */
import { Decompress } from 'fzstd';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type Line } from './lines.js';
import { openRegular } from './open.js';
import { DEFAULT_READ_CHUNK, type ReadLinesOptions } from './tail.js';

/**
 * Compressed bytes handed to the decoder at a time. zstd's ratio is unbounded in
 * practice (an RLE block of a few bytes inflates to 128 KiB), and the decoder emits all
 * a push produces before returning: small pushes keep what one push can inflate to a
 * few MiB (256 bytes of RLE blocks inflate to 8 MiB), so a 61 KB file that inflates to 2 GB is read in bounded memory.
 */
const PUSH_BYTES = 256;

/** Decompressed blocks of a `.zst` file, in order. */
export async function* zstChunks(path: string, highWaterMark = DEFAULT_READ_CHUNK): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  // Copy each block: the decoder owns its window and may reuse memory.
  const dec = new Decompress((data) => {
    if (data.length > 0) pending.push(Buffer.from(data));
  });
  const fh = await openRegular(path);
  try {
    for (;;) {
      // a new buffer per read: the decoder may keep a reference to input it has not used up
      const buf = Buffer.allocUnsafe(highWaterMark);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      for (let at = 0; at < bytesRead; at += PUSH_BYTES) {
        dec.push(buf.subarray(at, Math.min(bytesRead, at + PUSH_BYTES)), false);
        if (pending.length > 0) {
          const ready = pending;
          pending = [];
          yield* ready;
        }
      }
    }
  } finally {
    await fh.close();
  }
  dec.push(new Uint8Array(0), true);
  yield* pending;
}

/**
 * Lines of a `.jsonl.zst` file from `fromOffset` (an offset in the decompressed
 * stream). The file is complete, so an unterminated last line is yielded too, ending
 * at the end of the stream.
 */
export async function* readZstLines(path: string, fromOffset: number, opts: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const splitter = new LineSplitter(fromOffset, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, opts.decide);
  let pos = 0;
  for await (const block of zstChunks(path, opts.highWaterMark)) {
    const start = pos;
    pos += block.length;
    if (pos <= fromOffset) continue;
    const out: Line[] = [];
    splitter.push(start >= fromOffset ? block : block.subarray(fromOffset - start), out);
    yield* out;
  }
  const out: Line[] = [];
  splitter.flush(out);
  yield* out;
}

/** The first `maxBytes` bytes of a `.zst` file's decompressed stream (all of it when shorter). */
export async function readZstHead(path: string, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const block of zstChunks(path, Math.max(maxBytes, 4096))) {
    parts.push(block);
    total += block.length;
    if (total >= maxBytes) break; // closes the file
  }
  return Buffer.concat(parts, total).subarray(0, maxBytes);
}

export class FileTooLarge extends Error {
  readonly code = 'FILE_TOO_LARGE';
  constructor(
    readonly path: string,
    readonly maxBytes: number,
  ) {
    super(`${path} is larger than ${maxBytes} bytes; not read whole`);
    this.name = 'FileTooLarge';
  }
}

export interface ReadWholeOptions {
  /** Refuse (FileTooLarge) beyond this many (decompressed) bytes; default 256 MiB. */
  maxBytes?: number;
}

/**
 * The whole text of a TS-era `.json` rollout or of a decompressed `.jsonl.zst`
 * (chosen by the file name). Invalid UTF-8 becomes U+FFFD.
 */
export async function readWhole(path: string, opts: ReadWholeOptions = {}): Promise<string> {
  const maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  if (!path.endsWith('.zst')) {
    const fh = await openRegular(path);
    try {
      if ((await fh.stat()).size > maxBytes) throw new FileTooLarge(path, maxBytes);
      return (await fh.readFile()).toString('utf8');
    } finally {
      await fh.close();
    }
  }
  const parts: Buffer[] = [];
  let total = 0;
  for await (const block of zstChunks(path)) {
    total += block.length;
    if (total > maxBytes) throw new FileTooLarge(path, maxBytes);
    parts.push(block);
  }
  return Buffer.concat(parts, total).toString('utf8');
}
