/** backfill and trace: every given file once, with bounded concurrency and a progress report. */
import { fileIdentitySync, type FileIdentity } from '../source/index.js';
import { isIdle } from './lifecycle.js';
import type { TracerSet } from './tracers.js';

export interface RunFilesOptions {
  /** trace and show: finalize every session at the end; backfill: only those idle for `idleMs`; `show --open`: none */
  finalize: 'all' | 'idle' | 'none';
  idleMs: number;
  force?: boolean;
  concurrency?: number;
  /** a file that cannot be read ends the run with its error (`show`: the user named it), instead of being reported and passed */
  stopOnError?: boolean;
  now?: () => number;
  onProgress?: (done: { files: number; bytes: number }) => void;
}

export interface FileJob {
  path: string;
  size: number;
  /** the file's identity as just found (backfill's discovery): saves a stat per file */
  identity?: FileIdentity;
}

export async function runFiles(set: TracerSet, files: FileJob[], opts: RunFilesOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  for (const f of files) set.noteFile(f.path);
  const done = { files: 0, bytes: 0 };
  set.summary.files += files.length;
  const one = async (f: FileJob): Promise<void> => {
    try {
      await traceOne(set, f, opts, now);
    } catch (err) {
      if (opts.stopOnError) throw err;
      set.summary.errors.push(`${f.path}: ${(err as Error).message}`);
      set.opts.log.error('could not trace file', { file: f.path, error: (err as Error).message });
    }
    done.files++;
    done.bytes += f.size;
    set.summary.bytes += f.size;
    opts.onProgress?.(done);
  };
  // `concurrency` loops take the files in order (a plain pool: thousands of small files cost no queue bookkeeping)
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < files.length) await one(files[next++] as FileJob);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 16, files.length)) }, loop));
  await set.opts.delivery.flush();
  for (const t of set.tracers.values()) {
    if (t.isBlocked) {
      set.summary.undeliveredFiles++;
      set.summary.errors.push(`${t.path}: ${set.opts.delivery.counts.lastError ?? 'not delivered'}`);
    }
  }
}

async function traceOne(set: TracerSet, job: FileJob, opts: RunFilesOptions, now: () => number): Promise<void> {
  const path = job.path;
  const shouldFinalize = (last: string | undefined): boolean =>
    opts.finalize === 'all' || (opts.finalize === 'idle' && isIdle(last, undefined, opts.idleMs, now()));
  const r = await set.step(path, job.identity ?? fileIdentitySync(path), { force: opts.force, finalizeWhen: shouldFinalize });
  const t = set.tracer(path);
  if (r === 'read') set.summary.filesRead++;
  if (r === 'blocked' || r === 'gone' || !t) return;
  if (t.status === 'open' && shouldFinalize(t.lastRecordTime)) await t.finalize();
}
