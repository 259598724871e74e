/**
 * watch: catch up on what changed while we were not running, then follow every
 * rollout as Codex writes it. Sessions idle for `idleMs` are finalized; a file
 * whose delivery failed is retried with backoff (its cursor holds meanwhile).
 */
import { stat } from 'node:fs/promises';
import {
  classifyChange,
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
  /** the watcher is live too, and what changed between the catch-up and that moment has had its pass */
  live: Promise<void>;
  stop(): Promise<void>;
  /** set once native watches ran out: what is polled instead */
  degraded(): Degraded | undefined;
}

/** chokidar starts at the latest this long after the catch-up began (see startWatch). */
const WATCHER_LATEST_MS = 1000;

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
  const watcher = lateWatcher(opts.codexHome, notify, log, stopping);
  /** One synchronous walk (~3x faster than the async one, and the event loop has little else to do); each lane gets its passes. */
  const walk = async (needsPass: (f: DiscoveredFile) => boolean): Promise<DiscoveredFile[]> => {
    const found = await discover(opts.codexHome, { sync: true }).catch(() => ({ files: [], warnings: [] }));
    for (const w of found.warnings) log.warn('skipped path', { path: w.path, reason: w.reason });
    for (const f of found.files) first.noteFile(f.path);
    const todo = found.files.filter((f) => needsPass(f) && passes.some((p) => !p.set.settled(f.path, f)));
    // review threads whose header names no parent (0.104) are linked before their pass, as backfill does
    if (todo.length > 0) await linkReviewsIn(first, todo, found.files).catch((err: unknown) => log.debug('review linking failed', { error: String(err) }));
    // a file as its finalized cursor left it needs no pass now: it is watched, and its next change gets one
    for (const f of todo) for (const p of passes) if (!p.set.settled(f.path, f)) p.coalescer.notify(f.path);
    return found.files;
  };
  const firstWalk = (async () => {
    const homeMissing = !(await isDir(opts.codexHome));
    if (homeMissing) await (await watcher.start()).ready; // nothing to catch up on until the home appears
    return { files: await walk(() => true), homeMissing };
  })();
  // each lane is caught up when its own passes are done (a lane whose sink hangs does not hold up the others)
  const ready = (async () => {
    const { files } = await firstWalk;
    await Promise.all(passes.map(async (p) => p.coalescer.idle().then(() => (p.state.caughtUp = true))));
    opts.onCaughtUp?.(files.length, now() - started);
    if (!stopping.value) void watcher.start();
  })();
  // Once the watcher is live, a second walk closes the gap: a file made or changed after the
  // first walk but before chokidar took in its folder sent no event, and gets its pass here.
  const live = (async () => {
    const before = await firstWalk.catch(() => undefined);
    await watcher.started;
    if (stopping.value) return;
    await (
      await watcher.start()
    ).ready;
    if (!before || before.homeMissing || stopping.value) return;
    const seen = new Map(before.files.map((f) => [f.path, f]));
    let changed = 0;
    await walk((f) => changedSince(seen.get(f.path), f) && ++changed > 0);
    await idle();
    log.debug('watcher live', { changedSinceCatchUp: changed, ms: now() - started });
  })();
  const tick = setInterval(() => {
    for (const p of passes) housekeeping(p.set, p.coalescer, p.retryAt, now);
  }, opts.tickMs ?? 250);
  tick.unref();
  return {
    ready,
    live,
    degraded: () => watcher.degraded(),
    async stop() {
      clearInterval(tick);
      stopping.value = true;
      await watcher.close();
      await live.catch(() => undefined);
      await idle();
      await Promise.all(lanes.map((set) => set.opts.delivery.flush().catch(() => undefined)));
    },
  };
}

interface LateWatcher {
  /** starts chokidar (once) */
  start(): Promise<RootWatcher>;
  /** resolves once start() was called, or close() */
  started: Promise<void>;
  degraded(): Degraded | undefined;
  close(): Promise<void>;
}

/**
 * chokidar, started once caught up (`start()`), or after WATCHER_LATEST_MS when the catch-up is
 * slow (a long backlog, a sink down): its initial scan (an lstat of every entry of every folder)
 * would compete with the catch-up's passes for the CPU and the thread pool at each of their awaits.
 */
function lateWatcher(codexHome: string, notify: (path: string) => void, log: Reporter, stopping: { value: boolean }): LateWatcher {
  let root: RootWatcher | undefined;
  let starting: Promise<RootWatcher> | undefined;
  let markStarted = (): void => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const start = (): Promise<RootWatcher> => {
    markStarted();
    return (starting ??= watchRoots(
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
    ).then((w) => (root = w)));
  };
  const slow = setTimeout(() => stopping.value || void start(), WATCHER_LATEST_MS);
  return {
    start,
    started,
    degraded: () => root?.degraded(),
    async close() {
      clearTimeout(slow);
      markStarted(); // nothing waits for a watcher that will not start
      await (await starting)?.close();
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
    const r = await set.step(path, id);
    const t = set.tracer(path);
    if (!t) return;
    // growth counts for idleness once live; a file with no record yet counts from its first read, so it
    // stays followed (and polled) for --idle before the idle rule may end it
    if (r === 'read' && (followed || state.caughtUp || t.lastRecordTime === undefined)) t.lastLiveGrowth = now();
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

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (st) => st.isDirectory(),
    () => false,
  );
}

/** New since the first walk, or not the same bytes (the one change rule, `classifyChange`). */
function changedSince(before: DiscoveredFile | undefined, now: DiscoveredFile): boolean {
  return !before || classifyChange({ ...before, committedOffset: before.size }, now) !== 'unchanged';
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
