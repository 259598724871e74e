/**
 * watch: catch up on what changed while we were not running, then follow every
 * rollout as Codex writes it. Sessions idle for `idleMs` are finalized; a file
 * whose delivery failed is retried with backoff (its cursor holds meanwhile).
 */
import {
  createCoalescer,
  discover,
  fileIdentitySync,
  watchRoots,
  type Coalescer,
  type Degraded,
  type DiscoveredFile,
  type RootWatcher,
} from '../source/index.js';
import { linkReviewsIn } from './heads.js';
import { isIdle } from './lifecycle.js';
import type { Reporter } from './report.js';
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
  /** caught up: every file changed since its stored cursor has had its pass */
  ready: Promise<void>;
  /** the watcher is live (its native watches were set before the catch-up's walk): resolves with `ready` */
  live: Promise<void>;
  stop(): Promise<void>;
  /** set once native watches ran out: what is polled instead */
  degraded(): Degraded | undefined;
}

interface RetryAt {
  at: number;
  delay: number;
}

/**
 * Follows the rollouts for one TracerSet, or for several (the lanes of several sinks, see
 * sink-lanes.ts): one watcher and one walk for all, and per lane its own passes, retries
 * and housekeeping, so that a lane whose sink is slow or down holds up only itself.
 */
export async function startWatch(sets: TracerSet | readonly TracerSet[], opts: WatchOptions): Promise<WatchHandle> {
  const now = opts.now ?? Date.now;
  const lanes = (Array.isArray(sets) ? sets : [sets]) as readonly TracerSet[];
  const first = lanes[0] as TracerSet;
  const log = first.opts.log;
  const stopping = { value: false };
  const passes = lanes.map((set) => lanePasses(set, opts));
  const notify = (path: string): void => {
    for (const p of passes) p.coalescer.notify(path);
  };
  const idle = async (): Promise<void> => {
    await Promise.all(passes.map((p) => p.coalescer.idle()));
  };
  const started = now();
  const watcher = rootWatcher(opts.codexHome, notify, log);
  /** One synchronous walk (~3x faster than the async one, and the event loop has little else to do); each lane gets its passes. */
  const walk = async (): Promise<DiscoveredFile[]> => {
    const found = await discover(opts.codexHome, { sync: true }).catch(() => ({ files: [], warnings: [] }));
    for (const w of found.warnings) log.warn('skipped path', { path: w.path, reason: w.reason });
    for (const f of found.files) first.noteFile(f.path, f.threadId);
    const todo = found.files.filter((f) => passes.some((p) => !p.set.settled(f.path, f)));
    // review threads whose header names no parent (0.104) are linked before their pass, as backfill does
    if (todo.length > 0) await linkReviewsIn(first, todo, found.files).catch((err: unknown) => log.debug('review linking failed', { error: String(err) }));
    // a file as its finalized cursor left it needs no pass now: it is watched, and its next change gets one
    for (const f of todo) for (const p of passes) if (!p.set.settled(f.path, f)) p.coalescer.notify(f.path);
    return found.files;
  };
  // The native watches are set before the walk (chokidar lists the folders: ~0.1 s of CPU over
  // 8,193 rollouts, see FolderWatcher in source/watch.ts): a change after a folder's watch was set
  // sends an event, one before it is seen by the walk, so nothing falls in between and no second
  // walk is needed. A missing home is waited for there (the watcher is ready once it appears).
  const ready = (async () => {
    const root = await watcher.root;
    await root.ready;
    const files = stopping.value ? [] : await walk();
    // each lane is caught up when its own passes are done (a lane whose sink hangs does not hold up the others)
    await Promise.all(passes.map(async (p) => p.coalescer.idle().then(() => (p.state.caughtUp = true))));
    opts.onCaughtUp?.(files.length, now() - started);
    log.debug('watcher live', { ms: now() - started });
  })();
  const tick = setInterval(() => {
    for (const p of passes) housekeeping(p.set, p.coalescer, p.retryAt, now);
  }, opts.tickMs ?? 250);
  tick.unref();
  return {
    ready,
    live: ready,
    degraded: () => watcher.degraded(),
    async stop() {
      clearInterval(tick);
      stopping.value = true;
      await watcher.close();
      await ready.catch(() => undefined);
      await idle();
      await Promise.all(lanes.map((set) => set.opts.delivery.flush().catch(() => undefined)));
    },
  };
}

interface StartedWatcher {
  root: Promise<RootWatcher>;
  degraded(): Degraded | undefined;
  close(): Promise<void>;
}

/** chokidar over the home, started at once; its events become passes. */
function rootWatcher(codexHome: string, notify: (path: string) => void, log: Reporter): StartedWatcher {
  let started: RootWatcher | undefined;
  const root = watchRoots(
    codexHome,
    (e) => {
      if (e.type !== 'unlink') notify(e.path);
    },
    {
      onError: (err) => log.warn('watcher error', { error: err instanceof Error ? err.message : String(err) }),
      onWatchLimit: (info) =>
        log.warn('out of inotify watches: the files and folders that could not be watched are polled instead (every 2 s if recent, else every 30 s)', {
          limit: info.limit,
          fix: info.fix,
        }),
    },
  ).then((w) => (started = w));
  return {
    root,
    degraded: () => started?.degraded(),
    async close() {
      await (await root).close();
    },
  };
}

interface LanePasses {
  set: TracerSet;
  retryAt: Map<string, RetryAt>;
  coalescer: Coalescer;
  state: PassState;
}

/** One lane's passes over its files: at most 4 at once, one at a time per file. */
function lanePasses(set: TracerSet, opts: WatchOptions): LanePasses {
  const retryAt = new Map<string, RetryAt>();
  const state: PassState = { caughtUp: false };
  const coalescer = createCoalescer(makePass(set, opts, retryAt, state), {
    concurrency: 4,
    onError: (err, path) => set.opts.log.error('could not trace file', { file: path, error: err instanceof Error ? err.message : String(err) }),
  });
  return { set, retryAt, coalescer, state };
}

interface PassState {
  /** after the catch-up, bytes that appear were written just now, whatever their record times say */
  caughtUp: boolean;
}

/** One file's pass: read what is new, finalize it when idle, schedule a retry when delivery is blocked. */
function makePass(set: TracerSet, opts: WatchOptions, retryAt: Map<string, RetryAt>, state: PassState): (path: string) => Promise<void> {
  const now = opts.now ?? Date.now;
  return async (path) => {
    let id;
    try {
      id = fileIdentitySync(path); // sync: an async stat would queue behind the watcher's start-up scan in the thread pool
    } catch {
      return; // deleted (or moved: its new name arrives as its own event)
    }
    set.noteFile(path);
    const followed = (set.tracers.get(path)?.reads ?? 0) > 0;
    // growth counts for idleness once live; a file with no record yet counts from its first read, so it
    // stays followed (and polled) for --idle before the idle rule may end it
    const growsLive = (last: string | undefined): boolean => followed || state.caughtUp || last === undefined;
    // a session idle once read (by the rule below) ends in the read's own commit: one commit, not two
    // (at start-up a grown finalized file is replayed, re-opened and ended again)
    const finalizeWhen = (last: string | undefined): boolean => isIdle(last, growsLive(last) ? now() : set.tracer(path)?.lastLiveGrowth, opts.idleMs, now());
    const r = await set.step(path, id, { finalizeWhen });
    const t = set.tracer(path);
    if (!t) return;
    if (r === 'read' && growsLive(t.lastRecordTime)) t.lastLiveGrowth = now();
    if (r !== 'blocked' && t.status === 'open' && t.idle(opts.idleMs, now())) {
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
}

/**
 * Every tick: blocked files whose retry time came are retried, and every open
 * session gets a pass — a stat when nothing changed. It catches appends whose
 * change event the watcher coalesced away, and finalizes idle sessions (inside the
 * file's own pass: never two passes over one file at once).
 */
function housekeeping(set: TracerSet, coalescer: Coalescer, retryAt: Map<string, RetryAt>, now: () => number): void {
  for (const [path, r] of retryAt) if (r.at <= now()) coalescer.notify(path);
  for (const t of set.tracers.values()) {
    if (t.status === 'open' && !t.isBlocked) coalescer.notify(t.path);
  }
}
