/**
 * Drift over a whole history: every rollout read through the same parser and normalizer as
 * a backfill (the in-memory sink), counting the records of a type or event name this version
 * does not know. `doctor` reports it, so a new Codex release that adds a record is seen
 * wherever in the history it first appeared, not only in the newest file.
 */
import { traceInMemory } from './in-memory.js';
import { addUnknown } from './summary.js';

export interface DriftReport {
  /** files read */
  files: number;
  /** files that could not be read (gone, unreadable), with the reason */
  failed: { path: string; reason: string }[];
  /** records of unknown types or event names, by name */
  unknown: Record<string, number>;
  /** per unknown name: how many files have it, and the newest of them (by mtime) */
  where: Record<string, { files: number; newest: string }>;
}

/** Reads every file (oldest first) and counts what it does not know. */
export async function scanDrift(files: readonly { path: string; mtimeMs: number }[]): Promise<DriftReport> {
  const report: DriftReport = { files: 0, failed: [], unknown: {}, where: {} };
  const oldestFirst = [...files].sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const f of oldestFirst) {
    let unknown: Record<string, number>;
    try {
      // the one runtime, one file at a time (its spans are dropped with it)
      unknown = (await traceInMemory([f.path], { finalize: false })).stats[0]?.unknown ?? {};
    } catch (err) {
      report.failed.push({ path: f.path, reason: (err as Error).message });
      continue;
    }
    report.files++;
    addUnknown(report.unknown, unknown);
    for (const name of Object.keys(unknown)) {
      report.where[name] = { files: (report.where[name]?.files ?? 0) + 1, newest: f.path };
    }
  }
  return report;
}
