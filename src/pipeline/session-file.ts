/**
 * Feeding one whole rollout file through a SessionProcessor (what `show FILE` does), in
 * batches, whatever its container: JSON lines, zstd-compressed JSON lines, or a
 * TS-era single JSON document.
 */
import { decideLine } from '../rollout/fastpath.js';
import { parseTsEraDocument } from '../rollout/parse.js';
import type { SessionProcessor } from './processor.js';
import { readLineBatches, readWhole, readZstLines, type Line, type LineDecider } from '../source/index.js';
import type { Effect } from '../trace/effects.js';

export type FileKind = 'jsonl' | 'json' | 'zst';

export function kindOfPath(path: string): FileKind {
  if (path.endsWith('.jsonl.zst') || path.endsWith('.zst')) return 'zst';
  if (path.endsWith('.json')) return 'json';
  return 'jsonl';
}

/** Called with the effects of each batch of lines. */
export type BatchSink = (effects: Effect[]) => Promise<void> | void;

async function* zstBatches(path: string, opts: { decide: LineDecider }): AsyncGenerator<Line[]> {
  let batch: Line[] = [];
  for await (const line of readZstLines(path, 0, opts)) {
    batch.push(line);
    if (batch.length >= 512) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Feeds the whole file through the processor, handing `sink` the effects of each batch
 * of lines. Records nobody traces are skipped on their bytes (`decideLine`).
 */
export async function feedFile(proc: SessionProcessor, path: string, kind: FileKind, sink: BatchSink): Promise<void> {
  if (kind === 'json') return feedJsonDocument(proc, path, sink);
  const read = { decide: decideLine };
  const batches = kind === 'zst' ? zstBatches(path, read) : readLineBatches(path, 0, read);
  for await (const batch of batches) {
    const effects: Effect[] = [];
    for (const line of batch) for (const e of proc.push(line)) effects.push(e);
    await sink(effects);
  }
}

/** TS-era rollouts are one document; the "offset" of a record is its index in it. */
async function feedJsonDocument(proc: SessionProcessor, path: string, sink: BatchSink): Promise<void> {
  const text = await readWhole(path);
  const doc = parseTsEraDocument(text);
  if (doc.bad) proc.badLine(0, doc.bad);
  const effects: Effect[] = [];
  doc.records.forEach((r, i) => {
    for (const e of proc.pushRecord(r, i)) effects.push(e);
  });
  await sink(effects);
}
