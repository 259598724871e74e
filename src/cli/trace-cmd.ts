/** `codex-tracer trace PATH...`: for CI. Everything finalized and flushed before exit; non-zero if anything was not delivered. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runFiles } from '../pipeline/run-files.js';
import { SinkLanes } from '../pipeline/sink-lanes.js';
import type { TracerSet } from '../pipeline/tracers.js';
import { noteThreadsOf } from '../pipeline/heads.js';
import { UsageError, type CommandContext } from './context.js';
import { reportRun, type NotDelivered } from './run-report.js';
import { SessionStats } from './session-stats.js';
import { parseDuration, type SinkFlags } from './config.js';
import { abandonOutputs, buildOutputs, closeOutputs, stdoutIsData } from './setup.js';

export interface TraceFlags extends SinkFlags {
  summaryMd?: string;
  json?: boolean;
  timeout?: string;
  allowEmpty?: boolean;
}

const ROLLOUT_FILE = /(\.jsonl|\.jsonl\.zst)$|^rollout-.*\.json$/;

/** The rollout files under the given files and folders (folders are walked; `.truth.json` and other JSON are not rollouts). */
export async function collectPaths(targets: string[]): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch {
      if (top) throw new UsageError(`no such file or directory: ${p}`);
      return;
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const n of names) await walk(join(p, n), false);
    } else if (st.isFile() && (top || ROLLOUT_FILE.test(p.split('/').pop() as string))) {
      out.push({ path: p, size: st.size });
    }
  };
  for (const t of targets) await walk(t, true);
  return out;
}

/** The files whose spans did not all reach every sink: no acknowledged final cursor in some lane, or blocked on delivery. */
function undelivered(lanes: SinkLanes, files: { path: string }[]): string[] {
  return files
    .map((f) => f.path)
    .filter((p) =>
      lanes.sets.some((set) => {
        const c = set.opts.delivery.cursors.get(p);
        return !c?.finalized || set.tracers.get(p)?.isBlocked === true;
      }),
    );
}

/** One lane's work: every file, then the blocked ones again with backoff until the deadline. */
async function traceLane(set: TracerSet, files: { path: string; size: number }[], deadline: number): Promise<void> {
  await runFiles(set, files, { finalize: 'all', idleMs: 0 });
  let delay = 500;
  while (Date.now() < deadline && [...set.tracers.values()].some((t) => t.isBlocked)) {
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 15_000);
    set.summary.undeliveredFiles = 0;
    set.summary.errors = [];
    await runFiles(
      set,
      files.filter((f) => set.tracer(f.path)?.isBlocked === true),
      { finalize: 'all', idleMs: 0 },
    );
  }
}

/**
 * Traces, finalizes and delivers, retrying blocked files with backoff. `--timeout` bounds
 * the whole command: when it passes, what was not delivered is named and the command
 * returns 1 without waiting for exports still in flight (the process exits).
 */
export async function traceCommand(ctx: CommandContext, targets: string[], flags: TraceFlags): Promise<number> {
  if (targets.length === 0) throw new UsageError('trace needs at least one file or folder');
  const timeoutMs = parseDuration(flags.timeout ?? '5m', '--timeout');
  const deadline = Date.now() + timeoutMs;
  const files = await collectPaths(targets);
  if (files.length === 0 && !flags.allowEmpty) {
    ctx.stderr.write(
      `codex-tracer: no rollouts under ${targets.join(', ')} (looked for rollout-*.jsonl, *.jsonl and *.jsonl.zst); pass --allow-empty if none is fine\n`,
    );
    return 1;
  }
  const outputs = buildOutputs(ctx, false);
  const sessions = new SessionStats();
  // each sink at its own pace (one lane per sink): a sink that hangs delays only itself
  const lanes = new SinkLanes(outputs.deliveries, {
    reducer: { content: ctx.contentFilter, llmInput: ctx.llmInput },
    log: ctx.log,
    batchBytes: 4 * 1024 * 1024,
    onDelivered: (_p, effects) => sessions.add(effects),
  });
  const set = lanes.primary;
  const work = (async (): Promise<void> => {
    await noteThreadsOf(
      set,
      files.map((f) => f.path),
    );
    await Promise.all(lanes.sets.map((lane) => traceLane(lane, files, deadline)));
  })();
  work.catch(() => undefined); // a failure after the deadline is not this command's any more
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    work.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now()));
    }),
  ]);
  clearTimeout(timer);
  lanes.gather();
  const s = set.summary;
  s.files = files.length;
  const missing = undelivered(lanes, files);
  const down = outputs.monitor.downNow();
  const notDelivered: NotDelivered | undefined =
    missing.length === 0
      ? undefined
      : {
          reason: timedOut ? `--timeout ${flags.timeout ?? '5m'} passed` : 'delivery failed',
          files: missing,
          sinks:
            down.length > 0
              ? down
              : outputs.monitored.map((m) => ({
                  name: m.sink.name,
                  endpoint: m.endpoint,
                  ...(m.sink.status?.().lastError ? { error: m.sink.status?.().lastError } : {}),
                })),
        };
  if (notDelivered) s.undeliveredFiles = missing.length;
  reportRun(ctx, s, {
    json: flags.json,
    summaryMd: flags.summaryMd,
    title: 'codex-tracer trace',
    extra: { sinks: outputs.names },
    stdoutTaken: stdoutIsData(flags),
    sessions: sessions.list(),
    notDelivered,
  });
  if (timedOut) {
    abandonOutputs(outputs); // exports still in flight are given up: the process exits now
    return 1;
  }
  await closeOutputs(outputs);
  return notDelivered ? 1 : 0;
}
