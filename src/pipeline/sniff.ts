/** A file's head against what a rollout starts with (rollout/sniff.ts), before it is read. */
import { notRolloutReason, SNIFF_BYTES } from '../rollout/sniff.js';
import { readHeadSync, readZstHead, type RolloutKind } from '../source/index.js';

/** Why the file cannot be a rollout, or undefined: one small read (the decompressed head of a `.zst`). */
export async function notRolloutFile(path: string, kind: RolloutKind): Promise<string | undefined> {
  // one byte past the bound tells whether the file goes on
  const head = kind === 'zst' ? await readZstHead(path, SNIFF_BYTES + 1) : readHeadSync(path, SNIFF_BYTES + 1);
  return notRolloutReason(head.subarray(0, SNIFF_BYTES), head.length > SNIFF_BYTES);
}
