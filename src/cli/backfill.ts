/** `codex-tracer backfill`: the user's whole history once; a second run does nothing new. */
import { poolWorkers, runFilesInPool } from '../pipeline/pool/pool.js';
import { runFiles, type FileJob, type RunFilesOptions } from '../pipeline/run-files.js';
import { LocalSink } from '../sinks/local.js';
import { TracerSet } from '../pipeline/tracers.js';
import { CodexHomeMissing, discover, type DiscoveredFile } from '../source/index.js';
import { readFileHead } from '../pipeline/heads.js';
import { moveStoreAside, watchLockHolder } from '../store/index.js';
import { parseDate, parseDuration, UsageError, type SinkFlags } from './config.js';
import type { CommandContext } from './context.js';
import { createProgress } from './progress.js';
import { reportRun } from './run-report.js';
import { buildOutputs, closeOutputs } from './setup.js';

export interface BackfillFlags extends SinkFlags {
  codexHome?: string;
  since?: string;
  until?: string;
  session?: string[];
  cwd?: string;
  force?: boolean;
  rebuild?: boolean;
  json?: boolean;
  idle?: string;
  concurrency?: string;
  workers?: string;
}

async function selectFiles(files: DiscoveredFile[], flags: BackfillFlags): Promise<DiscoveredFile[]> {
  let out = files;
  if (flags.session && flags.session.length > 0) {
    const ids = flags.session.map((s) => s.toLowerCase());
    out = out.filter((f) => f.threadId !== undefined && ids.some((id) => (f.threadId as string).toLowerCase().startsWith(id)));
  }
  if (flags.cwd) {
    const want = flags.cwd.replace(/\/+$/, '');
    const heads = await Promise.all(out.map(async (f) => ({ f, cwd: (await readFileHead(f.path)).cwd })));
    out = heads.filter((h) => h.cwd !== undefined && (h.cwd === want || h.cwd.startsWith(`${want}/`))).map((h) => h.f);
  }
  return out;
}

/**
 * With the writer thread: files in flight per file read at once (see backfillCommand), and
 * the bytes a file reads per commit (a quarter of the inline batch): together they bound memory.
 */
const WAITING_FACTOR = 4;
/** on pipeline threads, histories whose files average less than this keep more files in flight */
const SMALL_FILE_BYTES = 64 * 1024;
const BATCH_BYTES = 1024 * 1024;

/** What discovery found is what backfill traces: the file as it was then (a later growth is the next run's). */
function toJob(f: DiscoveredFile): FileJob {
  return { path: f.path, size: f.size, identity: { dev: f.dev, ino: f.ino, size: f.size, mtimeMs: f.mtimeMs } };
}

/** `--rebuild`: the store moves aside (never while a watcher writes to it) and everything is traced again. */
function rebuildStore(ctx: CommandContext, flags: BackfillFlags): void {
  const stateDir = ctx.config.stateDir;
  const holder = watchLockHolder(stateDir);
  if (holder !== undefined) throw new UsageError(`a watcher (pid ${holder.pid ?? '?'}) uses the store in ${stateDir}: stop it before --rebuild`);
  const moved = moveStoreAside(stateDir);
  if (moved !== undefined) ctx.log.info('moved the local store aside', { to: moved });
  flags.force = true;
}

export async function backfillCommand(ctx: CommandContext, flags: BackfillFlags): Promise<number> {
  const codexHome = ctx.config.codexHome;
  const idleMs = parseDuration(flags.idle ?? '30m', '--idle');
  let found;
  try {
    // synchronous walk: about three times faster, and nothing else runs yet
    found = await discover(codexHome, { since: parseDate(flags.since, '--since'), until: parseDate(flags.until, '--until'), sync: true });
  } catch (err) {
    if (err instanceof CodexHomeMissing) throw new UsageError(err.message); // the message already says how to point at it
    throw err;
  }
  for (const w of found.warnings) ctx.log.warn('skipped path', { path: w.path, reason: w.reason });
  const files = await selectFiles(found.files, flags);
  if (flags.rebuild) rebuildStore(ctx, flags);
  // whole files on pipeline threads (one per core) when there are several: this thread commits
  // their rows; otherwise SQLite's work runs in a writer thread, beside reading and reducing
  const workers = files.length >= 2 ? poolWorkers(flags.workers === undefined ? undefined : Number(flags.workers)) : 0;
  const outputs = buildOutputs(ctx, true, { writerThread: workers < 2 });
  try {
    const set = new TracerSet({ delivery: outputs.delivery, reducer: { content: ctx.contentFilter, llmInput: ctx.llmInput }, log: ctx.log, batchBytes: outputs.delivery.writesInThread || workers >= 2 ? BATCH_BYTES : 4 * BATCH_BYTES });
    for (const f of found.files) set.noteFile(f.path);
    const totalBytes = files.reduce((a, f) => a + f.size, 0);
    const progress = createProgress(ctx.stderr, files.length, totalBytes, !flags.json);
    let concurrency = Number(flags.concurrency ?? 16);
    if (outputs.delivery.writesInThread) {
      // --concurrency files are read and reduced at once; more wait for their commit while the
      // writer thread writes, or gather into the next transaction (half go out at once)
      concurrency *= WAITING_FACTOR;
      outputs.delivery.groupCommits = Math.max(1, Math.floor(concurrency / 2));
    }
    const run: RunFilesOptions = {
      finalize: 'idle', idleMs, force: flags.force, concurrency,
      onProgress: (d) => progress.update(d, set.summary.spansDelivered),
    };
    // the pool needs the local store alone, holding the run's cursors (spans and cursor in one transaction)
    const only = outputs.sinks.length === 1 ? outputs.sinks[0] : undefined;
    const local = only instanceof LocalSink && outputs.delivery.cursors === only.cursors ? only : undefined;
    if (local && workers >= 2) {
      // per thread, a quarter of --concurrency in flight (memory), half when files are small on
      // average (each commit then holds more files: fewer transactions)
      const share = totalBytes / files.length < SMALL_FILE_BYTES ? 2 : 4;
      const perWorker = Math.max(2, Math.ceil(Number(flags.concurrency ?? 16) / share));
      ctx.log.debug('tracing on pipeline threads', { workers, files: files.length });
      await runFilesInPool(set, files.map(toJob), { ...run, concurrency: perWorker }, {
        workers, content: ctx.content, committer: local, groupCommits: perWorker,
        fallback: (jobs) => runFiles(set, jobs, run),
      });
    } else {
      await runFiles(set, files.map(toJob), run);
    }
    progress.done();
    const s = set.summary;
    if (!flags.json && s.filesRead === 0 && s.undeliveredFiles === 0) {
      ctx.stdout.write(`Nothing new: ${s.files} rollout file(s) under ${codexHome} are already traced (use --force to trace them again).\n`);
    } else {
      reportRun(ctx, s, { json: flags.json, title: 'codex-tracer backfill', extra: { codexHome, sinks: outputs.names } });
    }
    return s.undeliveredFiles > 0 ? 1 : 0;
  } finally {
    await closeOutputs(outputs);
  }
}
