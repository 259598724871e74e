/**
 * watch: catch up on what changed while we were not running, then follow every
 * rollout as Codex writes it. Sessions idle for `idleMs` are finalized; a file
 * whose delivery failed is retried with backoff (its cursor holds meanwhile).
 */
import { createCoalescer, discover, fileIdentity, watchRoots, type Coalescer } from '../source/index.js';
import type { TracerSet } from './tracers.js';

export interface WatchOptions {
  codexHome: string;
  idleMs: number;
  /** how often idle sessions and blocked files are checked */
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
  const pass = async (path: string): Promise<void> => {
    let id;
    try {
      id = await fileIdentity(path);
    } catch {
      return; // deleted (or moved: its new name arrives as its own event)
    }
    set.noteFile(path);
    const r = await set.step(path, id.dev, id.ino);
    const t = set.tracer(path);
    const last = t.lastRecordTime;
    if (r !== 'blocked' && !t.isFinalized && t.processor && last !== undefined && now() - Date.parse(last) >= opts.idleMs) {
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
    const found = await discover(opts.codexHome).catch(() => ({ files: [], warnings: [] }));
    for (const w of found.warnings) log.warn('skipped path', { path: w.path, reason: w.reason });
    for (const f of found.files) set.noteFile(f.path);
    for (const f of found.files) coalescer.notify(f.path);
    await coalescer.idle();
    opts.onCaughtUp?.(found.files.length, now() - started);
  })();
  const tick = setInterval(() => housekeeping(set, coalescer, retryAt, opts, now), opts.tickMs ?? Math.min(10_000, Math.max(250, opts.idleMs / 4)));
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

function housekeeping(
  set: TracerSet, coalescer: Coalescer, retryAt: Map<string, { at: number; delay: number }>, opts: WatchOptions, now: () => number,
): void {
  for (const [path, r] of retryAt) if (r.at <= now()) coalescer.notify(path);
  for (const t of set.tracers.values()) {
    const last = t.lastRecordTime;
    if (t.isFinalized || !t.processor || last === undefined || t.isBlocked) continue;
    // finalizing happens inside the file's own pass: never two passes over one file at once
    if (now() - Date.parse(last) >= opts.idleMs) coalescer.notify(t.path);
  }
}
