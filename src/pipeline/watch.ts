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

export async function startWatch(set: TracerSet, opts: WatchOptions): Promise<WatchHandle> {
  const now = opts.now ?? Date.now;
  const log = set.opts.log;
  const retryAt = new Map<string, RetryAt>();
  const state: PassState = { caughtUp: false, stopping: false };
  const coalescer: Coalescer = createCoalescer(makePass(set, opts, retryAt, state), {
    concurrency: 4,
    onError: (err, path) => log.error('could not trace file', { file: path, error: err instanceof Error ? err.message : String(err) }),
  });
  const started = now();
  const startWatcher = (): Promise<RootWatcher> =>
    watchRoots(
      opts.codexHome,
      (e) => {
        if (e.type !== 'unlink') coalescer.notify(e.path);
      },
      {
        onError: (err) => log.warn('watcher error', { error: err instanceof Error ? err.message : String(err) }),
        onWatchLimit: (info) =>
          log.warn('out of inotify watches: the files and folders that could not be watched are polled instead (every 2 s if recent, else every 30 s)', {
            limit: info.limit,
            fix: info.fix,
          }),
      },
    );
  let root: RootWatcher | undefined;
  let starting: Promise<RootWatcher> | undefined;
  const watching = (): Promise<RootWatcher> => (starting ??= startWatcher().then((w) => (root = w)));
  /** One synchronous walk (~3x faster than the async one, and the event loop has little else to do). */
  const discoverAndPass = async (needsPass: (f: DiscoveredFile) => boolean): Promise<DiscoveredFile[]> => {
    const found = await discover(opts.codexHome, { sync: true }).catch(() => ({ files: [], warnings: [] }));
    for (const w of found.warnings) log.warn('skipped path', { path: w.path, reason: w.reason });
    for (const f of found.files) set.noteFile(f.path);
    // a file as its finalized cursor left it needs no pass now: it is watched, and its next change gets one
    for (const f of found.files) if (needsPass(f) && !set.settled(f.path, f)) coalescer.notify(f.path);
    await coalescer.idle();
    return found.files;
  };
  // chokidar starts once caught up, or after WATCHER_LATEST_MS if the catch-up is slow (a long
  // backlog, sinks down): its initial scan (an lstat of every entry of every folder) would compete
  // with the catch-up's passes for the CPU and the thread pool at each of their awaits
  const ready = (async () => {
    const homeMissing = !(await isDir(opts.codexHome));
    if (homeMissing) await (await watching()).ready; // nothing to catch up on until the home appears
    const slow = setTimeout(() => state.stopping || void watching(), WATCHER_LATEST_MS);
    const files = await discoverAndPass(() => true).finally(() => clearTimeout(slow));
    state.caughtUp = true;
    opts.onCaughtUp?.(files.length, now() - started);
    return homeMissing ? undefined : files;
  })();
  // Once the watcher is live, a second walk closes the gap: a file made or changed after the
  // first walk but before chokidar took in its folder sent no event, and gets its pass here.
  const live = (async () => {
    const first = await ready.catch(() => undefined);
    if (state.stopping) return;
    await (
      await watching()
    ).ready;
    if (!first || state.stopping) return;
    const before = new Map(first.map((f) => [f.path, f]));
    let changed = 0;
    await discoverAndPass((f) => changedSince(before.get(f.path), f) && ++changed > 0);
    log.debug('watcher live', { changedSinceCatchUp: changed, ms: now() - started });
  })();
  const tick = setInterval(() => housekeeping(set, coalescer, retryAt, now), opts.tickMs ?? 250);
  tick.unref();
  return {
    ready: ready.then(() => undefined),
    live,
    degraded: () => root?.degraded(),
    async stop() {
      clearInterval(tick);
      state.stopping = true;
      await (await starting)?.close();
      await live.catch(() => undefined);
      await coalescer.idle();
      await set.opts.delivery.flush().catch(() => undefined);
    },
  };
}

interface PassState {
  /** after the catch-up, bytes that appear were written just now, whatever their record times say */
  caughtUp: boolean;
  stopping: boolean;
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
