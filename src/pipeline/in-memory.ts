/**
 * Files traced through the one runtime (TracerSet, runFiles, FileTracer) into an
 * in-memory sink with in-memory cursors: what `show FILE` prints and `doctor` checks.
 * Files of one subagent tree given together make one trace, in any order.
 */
import { MemorySink } from '../sinks/memory.js';
import { fileIdentitySync } from '../source/index.js';
import { MemoryCursors } from '../store/cursor-store.js';
import type { ReducerOptions } from '../trace/reduce.js';
import type { Span } from '../trace/span.js';
import { Delivery } from './delivery.js';
import { noteThreadsOf } from './heads.js';
import type { FileWarning, ProcessorStats } from './processor.js';
import { SILENT, type Reporter } from './report.js';
import { runFiles } from './run-files.js';
import { TracerSet } from './tracers.js';

export interface InMemoryTrace {
  spans: Span[];
  /** every warning, in the order reported (the reporter saw them too) */
  warnings: FileWarning[];
  /** per file, in the order given */
  stats: ProcessorStats[];
}

export interface InMemoryOptions {
  reducer?: Partial<Pick<ReducerOptions, 'content' | 'llmInput'>>;
  /** false: leave a session that is still running open (`show --open`) */
  finalize?: boolean;
  log?: Reporter;
}

export async function traceInMemory(paths: string[], opts: InMemoryOptions = {}): Promise<InMemoryTrace> {
  const sink = new MemorySink();
  const warnings: FileWarning[] = [];
  const set = new TracerSet({
    delivery: new Delivery([sink], new MemoryCursors()),
    reducer: opts.reducer ?? {},
    log: opts.log ?? SILENT,
    onWarning: (w) => warnings.push(w),
  });
  await noteThreadsOf(set, paths);
  const jobs = paths.map((path) => ({ path, size: sizeOf(path) }));
  // one file after the other, in the order given, as a user reads them; one that cannot be read is an error
  await runFiles(set, jobs, { finalize: opts.finalize === false ? 'none' : 'all', idleMs: 0, concurrency: 1, stopOnError: true });
  const stats = paths.map((p) => set.tracers.get(p)?.stats).filter((s): s is ProcessorStats => s !== undefined);
  return { spans: sink.spans(), warnings, stats };
}

function sizeOf(path: string): number {
  try {
    return fileIdentitySync(path).size;
  } catch {
    return 0; // gone: runFiles reports it
  }
}
