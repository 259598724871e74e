import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const WATCH_LOCK_FILE = 'watch.lock';

/** Another live process holds the lock. */
export class LockError extends Error {
  constructor(
    readonly lockPath: string,
    readonly pid: number | null,
  ) {
    super(
      pid === null
        ? `another codex-tracer watch is starting on this state dir (lock ${lockPath})`
        : `another codex-tracer watch is already running (pid ${pid}); lock ${lockPath}`,
    );
    this.name = 'LockError';
  }
}

export interface WatchLock {
  readonly path: string;
  readonly pid: number;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/** True if a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** An empty lock file older than this was left by a process that died while creating it. */
const EMPTY_LOCK_STALE_MS = 5000;

function isOldFile(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > EMPTY_LOCK_STALE_MS;
  } catch {
    return true;
  }
}

function tryCreate(path: string, pid: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes a stale lock if it still holds the content we judged stale. */
function removeStale(path: string, seen: string): void {
  if (readLock(path) !== seen) return;
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Makes sure only one `watch` runs per state dir: an exclusively created lock file
 * holding the PID. A lock left by a dead process is taken over; a live one throws LockError.
 */
export function acquireWatchLock(stateDir: string, pid: number = process.pid): WatchLock {
  const path = join(stateDir, WATCH_LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(path, pid)) return makeLock(path, pid);
    const seen = readLock(path);
    if (seen === null) continue; // released between our two calls
    const holder = Number.parseInt(seen.trim(), 10);
    // An empty file is a lock being written right now by another starting process (or left by a crash).
    if (seen.trim() === '' && !isOldFile(path)) throw new LockError(path, null);
    if (isPidAlive(holder)) throw new LockError(path, holder);
    removeStale(path, seen);
  }
  throw new LockError(path, null);
}

function makeLock(path: string, pid: number): WatchLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const seen = readLock(path);
    if (seen !== null && Number.parseInt(seen.trim(), 10) === pid) {
      try {
        unlinkSync(path);
      } catch {
        // already gone: nothing to release
      }
    }
  };
  process.once('exit', release);
  return { path, pid, release };
}
