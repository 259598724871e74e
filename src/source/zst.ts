/**
 * Whole-file reads: TS-era `.json` documents and compressed `.jsonl.zst` rollouts.
 * Offsets into a `.jsonl.zst` are offsets into its decompressed stream. Decompression
 * is streaming (fzstd `Decompress`), so `readZstLines` holds one compressed chunk,
 * its output and the decoder window, never the whole file.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Decompress } from 'fzstd';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type Line } from './lines.js';
import { DEFAULT_READ_CHUNK, type ReadLinesOptions } from './tail.js';

/** Decompressed blocks of a `.zst` file, in order. */
export async function* zstChunks(path: string, highWaterMark = DEFAULT_READ_CHUNK): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  // Copy each block: the decoder owns its window and may reuse memory.
  const dec = new Decompress((data) => {
    if (data.length > 0) pending.push(Buffer.from(data));
  });
  const input = createReadStream(path, { highWaterMark });
  for await (const chunk of input as AsyncIterable<Buffer>) {
    dec.push(chunk, false);
    if (pending.length > 0) {
      const ready = pending;
      pending = [];
      yield* ready;
    }
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

export class FileTooLarge extends Error {
  readonly code = 'FILE_TOO_LARGE';
  constructor(readonly path: string, readonly maxBytes: number) {
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
    if ((await stat(path)).size > maxBytes) throw new FileTooLarge(path, maxBytes);
    return (await readFile(path)).toString('utf8');
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
