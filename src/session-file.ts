/**
 * Feeding one rollout file (from a byte offset) through a SessionProcessor, in
 * batches, whatever its container: JSON lines, zstd-compressed JSON lines, or a
 * TS-era single JSON document.
 */
import { decideLine } from './rollout/fastpath.js';
import { parseTsEraDocument } from './rollout/parse.js';
import type { SessionProcessor } from './processor.js';
import { readLineBatches, readWhole, readZstLines, type Line, type LineDecider } from './source/index.js';
import type { Effect } from './trace/effects.js';

export type FileKind = 'jsonl' | 'json' | 'zst';

export function kindOfPath(path: string): FileKind {
  if (path.endsWith('.jsonl.zst') || path.endsWith('.zst')) return 'zst';
  if (path.endsWith('.json')) return 'json';
  return 'jsonl';
}

/** Called per batch with the effects of the batch's lines and the byte offset just past its last line. */
export type BatchSink = (effects: Effect[], endOffset: number, startOffsets: number[]) => Promise<void> | void;

export interface FeedOptions {
  decide?: LineDecider;
  maxLineBytes?: number;
}

async function* zstBatches(path: string, from: number, opts: FeedOptions): AsyncGenerator<Line[]> {
  let batch: Line[] = [];
  for await (const line of readZstLines(path, from, opts)) {
    batch.push(line);
    if (batch.length >= 512) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Feeds the file from `fromOffset` and returns the offset reached. Effects of a batch
 * are handed to `sink` with the offsets of the records that produced them, so replay
 * can drop what was delivered before.
 */
export async function feedFile(
  proc: SessionProcessor, path: string, kind: FileKind, fromOffset: number, sink: BatchSink, opts: FeedOptions = {},
): Promise<number> {
  if (kind === 'json') return feedJsonDocument(proc, path, sink);
  const read = { ...opts, decide: decideLine };
  const batches = kind === 'zst' ? zstBatches(path, fromOffset, read) : readLineBatches(path, fromOffset, read);
  let reached = fromOffset;
  for await (const batch of batches) {
    const effects: Effect[] = [];
    const starts: number[] = [];
    for (const line of batch) {
      const produced = proc.push(line);
      for (const e of produced) {
        effects.push(e);
        starts.push(line.offset);
      }
      reached = line.end;
    }
    await sink(effects, reached, starts);
  }
  return reached;
}

/** TS-era rollouts are rewritten whole; the "offset" of a record is its index in the document. */
async function feedJsonDocument(proc: SessionProcessor, path: string, sink: BatchSink): Promise<number> {
  const text = await readWhole(path);
  const doc = parseTsEraDocument(text);
  if (doc.bad) proc.badLine(0, doc.bad);
  const effects: Effect[] = [];
  const starts: number[] = [];
  doc.records.forEach((r, i) => {
    for (const e of proc.pushRecord(r, i)) {
      effects.push(e);
      starts.push(i);
    }
  });
  const size = Buffer.byteLength(text);
  await sink(effects, size, starts);
  return size;
}
