/**
 * watch: catch up on what changed while we were not running, then follow every
 * rollout as Codex writes it. Sessions idle for `idleMs` are finalized; a file
 * whose delivery failed is retried with backoff (its cursor holds meanwhile).
 */
import { createCoalescer, discover, fileIdentity, watchRoots, type Coalescer } from '../source/index.js';
import type { FileTracer } from './file-tracer.js';
import type { TracerSet } from './tracers.js';

export interface WatchOptions {
  codexHome: string;
  idleMs: number;
  /** how often open sessions are polled, idle ones finalized, blocked files retried (default 250 ms) */
  tickMs?: number;
  now?: () => number;
  onCaughtUp?: (files: number, ms: number) => void;
}

export interface WatchHandle {
  ready: Promise<void>;
  stop(): Promise<void>;
}

export async function startWatch(set: TracerSet, opts: WatchOptions): Promise<WatchHandle> {
  const now = opts.now ?? Date.now;
  const log = set.opts.log;
  const retryAt = new Map<string, { at: number; delay: number }>();
  /** after the catch-up, bytes that appear were written just now, whatever their record times say */
  let caughtUp = false;
  const pass = async (path: string): Promise<void> => {
    let id;
    try {
      id = await fileIdentity(path);
    } catch {
      return; // deleted (or moved: its new name arrives as its own event)
    }
    set.noteFile(path);
    const followed = (set.tracers.get(path)?.reads ?? 0) > 0;
    const r = await set.step(path, id);
    const t = set.tracer(path);
    if (r === 'read' && (followed || caughtUp)) t.lastLiveGrowth = now();
    if (r !== 'blocked' && !t.isFinalized && t.processor && isIdle(t, opts.idleMs, now())) {
      if (!(await t.finalize())) set.noteBlocked(path);
    }
    if (r === 'blocked' || t.isBlocked) {
      const prev = retryAt.get(path)?.delay ?? 500;
      const delay = Math.min(prev * 2, 30_000);
      retryAt.set(path, { at: now() + delay, delay });
    } else {
      retryAt.delete(path);
    }
  };
  const coalescer: Coalescer = createCoalescer(pass, {
    concurrency: 4,
    onError: (err, path) => log.error('could not trace file', { file: path, error: err instanceof Error ? err.message : String(err) }),
  });
  const started = now();
  const watcher = await watchRoots(opts.codexHome, (e) => {
    if (e.type !== 'unlink') coalescer.notify(e.path);
  }, { onError: (err) => log.warn('watcher error', { error: err instanceof Error ? err.message : String(err) }) });
  const ready = (async () => {
    await watcher.ready;
    // synchronous: ~3x faster than the async walk, and nothing else needs the event loop yet
    const found = await discover(opts.codexHome, { sync: true }).catch(() => ({ files: [], warnings: [] }));
    for (const w of found.warnings) log.warn('skipped path', { path: w.path, reason: w.reason });
    for (const f of found.files) set.noteFile(f.path);
    // a file as its finalized cursor left it needs no pass now: it is watched, and its next change gets one
    for (const f of found.files) if (!set.settled(f.path, f)) coalescer.notify(f.path);
    await coalescer.idle();
    caughtUp = true;
    opts.onCaughtUp?.(found.files.length, now() - started);
  })();
  const tick = setInterval(() => housekeeping(set, coalescer, retryAt, now), opts.tickMs ?? 250);
  tick.unref();
  return {
    ready,
    async stop() {
      clearInterval(tick);
      await watcher.close();
      await ready.catch(() => undefined);
      await coalescer.idle();
      await set.opts.delivery.flush().catch(() => undefined);
    },
  };
}

/** Idle: no record newer than `idleMs`, and (when followed live) no growth for that long either. */
function isIdle(t: FileTracer, idleMs: number, nowMs: number): boolean {
  const last = t.lastRecordTime;
  if (last === undefined) return false;
  const since = Math.max(Date.parse(last), t.lastLiveGrowth ?? 0);
  return nowMs - since >= idleMs;
}

/**
 * Every tick: blocked files whose retry time came are retried, and every open
 * session gets a pass — a stat when nothing changed. It catches appends whose
 * change event the watcher coalesced away, and finalizes idle sessions (inside the
 * file's own pass: never two passes over one file at once).
 */
function housekeeping(set: TracerSet, coalescer: Coalescer, retryAt: Map<string, { at: number; delay: number }>, now: () => number): void {
  for (const [path, r] of retryAt) if (r.at <= now()) coalescer.notify(path);
  for (const t of set.tracers.values()) {
    if (!t.isFinalized && t.processor && !t.isBlocked) coalescer.notify(t.path);
  }
}
