/**
 * Drift over a whole history: every rollout read through the same parser and normalizer as
 * a backfill (no sink, no store), counting the records of a type or event name this version
 * does not know. `doctor` reports it, so a new Codex release that adds a record is seen
 * wherever in the history it first appeared, not only in the newest file.
 */
import { SessionProcessor } from './processor.js';
import { feedFile, kindOfPath } from './session-file.js';
import { addUnknown } from './summary.js';
import { defaultReducerOptions } from '../trace/reduce.js';
import { fallbackThreadId } from './trace-files.js';

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
    const proc = new SessionProcessor(f.path, defaultReducerOptions(fallbackThreadId(f.path)), 0);
    try {
      await feedFile(proc, f.path, kindOfPath(f.path), () => undefined);
    } catch (err) {
      report.failed.push({ path: f.path, reason: (err as Error).message });
      continue;
    }
    report.files++;
    addUnknown(report.unknown, proc.stats.unknown);
    for (const name of Object.keys(proc.stats.unknown)) {
      report.where[name] = { files: (report.where[name]?.files ?? 0) + 1, newest: f.path };
    }
  }
  return report;
}
