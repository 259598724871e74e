import { existsSync, renameSync } from 'node:fs';
import { dbPathIn } from './statedir.js';

/**
 * Moves a (damaged) store aside so the next run builds a new one from the rollouts, which
 * are the source of truth: `traces.sqlite` and its `-wal`/`-shm` files get the same
 * `.broken-<time>` suffix, so nothing is deleted. Returns the new path of the main file, or
 * undefined when there was no store.
 */
export function moveStoreAside(stateDir: string, now: Date = new Date()): string | undefined {
  const file = dbPathIn(stateDir);
  if (!existsSync(file)) return undefined;
  const suffix = `.broken-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const part of ['-wal', '-shm']) if (existsSync(file + part)) renameSync(file + part, `${file}${suffix}${part}`);
  renameSync(file, file + suffix);
  return file + suffix;
}
