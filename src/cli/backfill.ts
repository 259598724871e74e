/** `codex-tracer backfill`: the user's whole history once; a second run does nothing new. */
import { poolWorkers, runFilesInPool } from '../pipeline/pool/pool.js';
import { runFiles, type FileJob, type RunFilesOptions } from '../pipeline/run-files.js';
import type { RunSummary } from '../pipeline/summary.js';
import { LocalSink } from '../sinks/local.js';
import { runLanes, SinkLanes } from '../pipeline/sink-lanes.js';
import { CodexHomeMissing, discover, type DiscoveredFile } from '../source/index.js';
import { linkReviewsIn, readFileHead } from '../pipeline/heads.js';
import { moveStoreAside, watchLockHolder } from '../store/index.js';
import { UsageError, type CommandContext } from './context.js';
import { createProgress, groupingLogger } from './progress.js';
import type { Logger } from './log.js';
import { reportRun } from './run-report.js';
import { dayRange, parseCount, parseDate, parseDuration, type SinkFlags } from './config.js';
import { buildOutputs, closeOutputs, stdoutIsData, type Outputs } from './setup.js';
import { join } from 'node:path';

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

/**
 * The files the filters select. `--session ID` takes the session's subagent files too (a
 * child names its parent in its first line), at any depth: a session is its whole tree.
 */
async function selectFiles(files: DiscoveredFile[], flags: BackfillFlags): Promise<{ files: DiscoveredFile[]; unmatched: string[] }> {
  let out = files;
  const unmatched: string[] = [];
  if (flags.session && flags.session.length > 0) {
    const ids = flags.session.map((s) => s.toLowerCase());
    const starts = (f: DiscoveredFile, id: string): boolean => f.threadId !== undefined && f.threadId.toLowerCase().startsWith(id);
    for (const id of ids) if (!files.some((f) => starts(f, id))) unmatched.push(id);
    const chosen = new Set(files.filter((f) => ids.some((id) => starts(f, id))));
    if (chosen.size > 0) {
      const heads = await Promise.all(files.filter((f) => !chosen.has(f)).map(async (f) => ({ f, parent: (await readFileHead(f.path)).parentThreadId })));
      const threads = new Set([...chosen].map((f) => f.threadId));
      for (let grew = true; grew;) {
        grew = false;
        for (const h of heads) {
          if (chosen.has(h.f) || h.parent === undefined || !threads.has(h.parent)) continue;
          chosen.add(h.f);
          threads.add(h.f.threadId);
          grew = true;
        }
      }
    }
    out = out.filter((f) => chosen.has(f));
  }
  if (flags.cwd) {
    const want = flags.cwd.replace(/\/+$/, '');
    const heads = await Promise.all(out.map(async (f) => ({ f, cwd: (await readFileHead(f.path)).cwd })));
    out = heads.filter((h) => h.cwd !== undefined && (h.cwd === want || h.cwd.startsWith(`${want}/`))).map((h) => h.f);
  }
  return { files: out, unmatched };
}

/** The filters given, as the user typed them: `--since 2026-11-01 --cwd /src/app`. */
function filtersText(flags: BackfillFlags): string {
  const parts: string[] = [];
  if (flags.since) parts.push(`--since ${flags.since}`);
  if (flags.until) parts.push(`--until ${flags.until}`);
  for (const s of flags.session ?? []) parts.push(`--session ${s}`);
  if (flags.cwd) parts.push(`--cwd ${flags.cwd}`);
  return parts.join(' ');
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

/** Discovery and the filters; a number is the exit code of a run that found nothing to do (already said why). */
async function findFiles(
  ctx: CommandContext,
  flags: BackfillFlags,
  codexHome: string,
  log: Logger,
): Promise<{ files: DiscoveredFile[]; all: DiscoveredFile[] } | number> {
  let found;
  try {
    // synchronous walk: about three times faster, and nothing else runs yet
    found = await discover(codexHome, { ...dayRange(parseDate(flags.since, '--since'), parseDate(flags.until, '--until')), sync: true });
  } catch (err) {
    if (err instanceof CodexHomeMissing) throw new UsageError(err.message); // the message already says how to point at it
    throw err;
  }
  for (const w of found.warnings) log.warn('skipped path', { path: w.path, reason: w.reason });
  const searched = `${join(codexHome, 'sessions')} and ${join(codexHome, 'archived_sessions')}`;
  const named = flags.session && flags.session.length > 0;
  if (found.files.length === 0 && !flags.since && !flags.until) {
    ctx.stderr.write(`codex-tracer: no rollout files under ${searched} (rollout-*.jsonl); is ${codexHome} a Codex home? Set CODEX_HOME or pass --codex-home\n`);
    return named ? 1 : 0;
  }
  const { files, unmatched } = await selectFiles(found.files, flags);
  if (unmatched.length > 0) {
    ctx.stderr.write(
      `codex-tracer: no session ${unmatched.map((u) => `"${u}"`).join(', ')} among the ${found.files.length} rollout file(s) under ${searched}${flags.since || flags.until ? ' in the dates given' : ''}; see \`codex-tracer sessions\`\n`,
    );
    return 1;
  }
  if (files.length === 0) {
    ctx.stderr.write(`codex-tracer: no rollout file under ${searched} matches ${filtersText(flags)} (${found.files.length} file(s) there in all)\n`);
    return 0;
  }
  return { files, all: found.files };
}

/** The run's summary (or "nothing new"); the exit code: 1 when something was not delivered. */
function reportBackfill(ctx: CommandContext, flags: BackfillFlags, s: RunSummary, sinks: readonly string[]): number {
  const codexHome = ctx.config.codexHome;
  if (!flags.json && s.filesRead === 0 && s.undeliveredFiles === 0) {
    const which = filtersText(flags) ? ` matching ${filtersText(flags)}` : '';
    ctx.stderr.write(
      `Nothing new: the ${s.files} rollout file(s)${which} under ${codexHome} are already traced${flags.force ? '' : ' (use --force to trace them again)'}.\n`,
    );
  } else {
    reportRun(ctx, s, { json: flags.json, title: 'codex-tracer backfill', extra: { codexHome, sinks }, stdoutTaken: stdoutIsData(flags) });
  }
  return s.undeliveredFiles > 0 ? 1 : 0;
}

export async function backfillCommand(ctx: CommandContext, flags: BackfillFlags): Promise<number> {
  const codexHome = ctx.config.codexHome;
  const idleMs = parseDuration(flags.idle ?? '30m', '--idle');
  const baseConcurrency = parseCount(flags.concurrency, '--concurrency', 16);
  let outputs: Outputs | undefined;
  const progress = createProgress(ctx.stderr, ctx.errTerm, {
    enabled: !flags.json,
    phase: `finding rollouts under ${codexHome}`,
    stalled: () =>
      outputs?.monitor
        .downNow()
        .map((d) => `${d.name} down, retrying`)
        .join(', ') || undefined,
  });
  const log = groupingLogger(ctx.log, progress);
  try {
    const found = await findFiles(ctx, flags, codexHome, log);
    if (typeof found === 'number') return found;
    const { files } = found;
    if (flags.rebuild) rebuildStore(ctx, flags);
    // whole files on pipeline threads (one per core) when there are several: this thread commits
    // their rows; otherwise SQLite's work runs in a writer thread, beside reading and reducing
    const workers = files.length >= 2 ? poolWorkers(flags.workers === undefined ? undefined : Number(flags.workers)) : 0;
    outputs = buildOutputs({ ...ctx, log }, true, { writerThread: workers < 2 });
    const lanes = new SinkLanes(outputs.deliveries, {
      reducer: { content: ctx.contentFilter, llmInput: ctx.llmInput },
      log,
      batchBytes: outputs.delivery.writesInThread || workers >= 2 ? BATCH_BYTES : 4 * BATCH_BYTES,
    });
    const set = lanes.primary;
    for (const f of found.all) set.noteFile(f.path);
    await linkReviewsIn(set, files, found.all);
    const totalBytes = files.reduce((a, f) => a + f.size, 0);
    progress.start(files.length, totalBytes);
    let concurrency = baseConcurrency;
    if (outputs.delivery.writesInThread) {
      // --concurrency files are read and reduced at once; more wait for their commit while the
      // writer thread writes, or gather into the next transaction (half go out at once)
      concurrency *= WAITING_FACTOR;
      outputs.delivery.groupCommits = Math.max(1, Math.floor(concurrency / 2));
    }
    const run: RunFilesOptions = {
      finalize: 'idle',
      idleMs,
      force: flags.force,
      concurrency,
      release: true,
      onProgress: (d) => progress.update(d, set.summary.spansDelivered),
    };
    // the pool needs the local store alone, holding the run's cursors (spans and cursor in one transaction)
    const only = outputs.sinks.length === 1 ? outputs.sinks[0] : undefined;
    const local = only instanceof LocalSink && outputs.delivery.cursors === only.cursors ? only : undefined;
    if (local && workers >= 2) {
      // per thread, a quarter of --concurrency in flight (memory), half when files are small on
      // average (each commit then holds more files: fewer transactions)
      const share = totalBytes / files.length < SMALL_FILE_BYTES ? 2 : 4;
      const perWorker = Math.max(2, Math.ceil(baseConcurrency / share));
      log.debug('tracing on pipeline threads', { workers, files: files.length });
      await runFilesInPool(
        set,
        files.map(toJob),
        { ...run, concurrency: perWorker },
        {
          workers,
          content: ctx.content,
          committer: local,
          groupCommits: perWorker,
          fallback: (jobs) => runFiles(set, jobs, run),
        },
      );
    } else {
      await runLanes(lanes, files.map(toJob), run);
    }
    progress.done();
    log.summarize();
    return reportBackfill(ctx, flags, set.summary, outputs.names);
  } finally {
    progress.done();
    if (outputs) await closeOutputs(outputs);
  }
}
