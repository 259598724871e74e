/** `codex-tracer watch`: follow every rollout as Codex writes it, until SIGINT/SIGTERM. */
import { existsSync } from 'node:fs';
import { startWatch, type WatchHandle } from '../pipeline/watch.js';
import { SinkLanes } from '../pipeline/sink-lanes.js';
import { acquireWatchLock, LockError, ensureStateDir, type StoreError } from '../store/index.js';
import { UsageError, type CommandContext } from './context.js';
import { recordingLogger, snapshotStatus, writeStatus } from './watch-status.js';
import { parseDuration, resolveConfig, type ConfigFlags, type SinkFlags } from './config.js';
import { abandonOutputs, buildOutputs, closeOutputs, type Outputs } from './setup.js';
import type { Logger } from './log.js';
import { SessionEvents } from './watch-events.js';
import { serviceIo, type ServiceIoFlags } from './watch-io.js';
import { signalStop } from './signals.js';

export interface WatchFlags extends SinkFlags, ServiceIoFlags {
  codexHome?: string;
  idle?: string;
}

export interface WatchControl {
  /** resolves when the watcher should stop (signals, or a test) */
  stopSignal: Promise<void>;
}

/** After a stop signal, this long to flush and commit what the sinks acknowledge; then the rest is left pending. */
export const STOP_GRACE_MS = 4000;

export async function watchCommand(outer: CommandContext, flags: WatchFlags, control: WatchControl = { stopSignal: signalStop() }): Promise<number> {
  const io = serviceIo(outer, flags);
  try {
    // variables from --env-file count as the environment: the config is resolved again with them
    const ctx = flags.envFile ? { ...io.ctx, config: resolveConfig(flags as ConfigFlags, io.ctx.env) } : io.ctx;
    return await watchWith(ctx, flags, control);
  } finally {
    io.close();
  }
}

async function watchWith(ctx: CommandContext, flags: WatchFlags, control: WatchControl): Promise<number> {
  const codexHome = ctx.config.codexHome;
  const idleMs = parseDuration(flags.idle ?? '30m', '--idle');
  const stateDir = ensureStateDir(ctx.config.stateDir);
  let lock;
  try {
    lock = acquireWatchLock(stateDir);
  } catch (err) {
    if (err instanceof LockError) throw new UsageError(err.message);
    throw err;
  }
  const outputs = buildOutputs(ctx, true);
  // a commit per pass, at once: grouping waits a turn of the event loop, which at start-up is
  // full of the watcher's scan (each wait cost ~10 ms), and live appends come one file at a time
  for (const d of outputs.deliveries) d.groupCommits = 1;
  const { log, recent } = recordingLogger(ctx.log);
  let timer: NodeJS.Timeout | undefined;
  let abandoned = false;
  let why: StoreError | undefined;
  try {
    const events = new SessionEvents(log);
    const lanes = new SinkLanes(outputs.deliveries, {
      reducer: { content: ctx.contentFilter, llmInput: ctx.llmInput },
      log,
      batchBytes: 1024 * 1024,
      onDelivered: (path, effects) => events.observe(path, effects),
    });
    const set = lanes.primary;
    if (!existsSync(codexHome)) log.warn('CODEX_HOME does not exist yet; waiting for it', { codexHome });
    log.info('watching', { codexHome, stateDir, sinks: outputs.names.join(','), idle: flags.idle ?? '30m' });
    const base: Parameters<typeof snapshotStatus>[2] = {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      codexHome,
      caughtUp: false,
      recentErrors: recent,
    };
    const publish = (): void => {
      try {
        writeStatus(stateDir, snapshotStatus(lanes, outputs.sinks, base));
      } catch (err) {
        log.debug('could not write the status file', { error: (err as Error).message });
      }
    };
    const handle = await startWatch(lanes.sets, {
      codexHome,
      idleMs,
      onCaughtUp: (files, ms) => {
        base.caughtUp = true;
        events.live = true;
        log.info('caught up', { files, ms, spans: set.summary.spansDelivered });
        publish();
      },
    });
    const publishWithLimit = (): void => {
      const d = handle.degraded();
      if (d !== undefined) base.watchLimit = d;
      publish();
    };
    publishWithLimit();
    timer = setInterval(publishWithLimit, 2000);
    timer.unref();
    // the store's files deleted or replaced under us: every commit would be lost, so stop (exit 1);
    // the cursors stored hold what was really committed, and the next run traces the rest
    const broken = new Promise<StoreError>((resolve) => outputs.store?.onBroken(resolve));
    why = await Promise.race([control.stopSignal.then(() => undefined), broken]);
    if (why) log.error('stopping: the local store was changed under the watcher; restart it', { error: why.message });
    else log.info('stopping: flushing and committing cursors');
    abandoned = !(await stopWithin(handle, STOP_GRACE_MS));
    publish();
    if (abandoned && !why) reportPending(lanes, outputs, log);
    log.info('stopped', { spans: set.summary.spansDelivered, warnings: set.summary.warnings });
    return why ? 1 : 0;
  } finally {
    if (timer) clearInterval(timer);
    if (!abandoned) await closeOutputs(outputs);
    else {
      abandonOutputs(outputs);
      // closed even then: the last connection's close folds its write-ahead log into the file it
      // opened and removes it, so that no stale log is left beside a database that replaced it
      if (why) outputs.store?.close();
    }
    lock.release();
  }
}

/** Stops the watcher; false when it did not finish within `graceMs` (deliveries still pending). */
async function stopWithin(handle: WatchHandle, graceMs: number): Promise<boolean> {
  let grace: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    handle.stop().then(() => true),
    new Promise<boolean>((resolve) => {
      grace = setTimeout(() => resolve(false), graceMs);
    }),
  ]);
  clearTimeout(grace);
  return stopped;
}

function reportPending(lanes: SinkLanes, outputs: Outputs, log: Logger): void {
  const pending = lanes.waiting();
  const spansPending = outputs.sinks.reduce((a, k) => a + (k.status?.().pending ?? 0), 0);
  const down = outputs.monitor.downNow();
  log.warn('stopped with deliveries pending: what was acknowledged is committed; the rollout files keep the rest and the next run delivers it', {
    files: pending.length,
    spansPending,
    sinks: down.map((d) => d.name).join(',') || undefined,
    error: down[0]?.error,
    first: pending[0],
  });
}
