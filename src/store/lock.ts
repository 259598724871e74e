/**
 * One `watch` per state dir, with a lock the kernel releases when its holder dies.
 *
 * A pid file cannot tell a dead watcher from an unrelated process that got its pid (a
 * watcher that is PID 1 in a container and restarts after an OOM kill finds "itself"
 * holding the lock forever). So the lock is a POSIX advisory lock, taken through SQLite
 * (which we already ship, and which does the fcntl dance portably): `watch.lock.sqlite`
 * opened in `locking_mode=EXCLUSIVE` and written once keeps an exclusive lock on the file
 * until the connection closes — or the process dies, whatever the pid does next. The pid
 * goes into `watch.lock` beside it, for people and `status` to read: it says who holds the
 * lock, it never decides whether the lock is held.
 */
import Database from 'better-sqlite3';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { guard } from './errors.js';

export const WATCH_LOCK_FILE = 'watch.lock';
const KERNEL_LOCK_FILE = 'watch.lock.sqlite';

/** Another live process holds the lock. */
export class LockError extends Error {
  constructor(
    readonly lockPath: string,
    readonly pid: number | null,
  ) {
    super(
      pid === null
        ? `another codex-tracer watch holds the lock on this state dir (${lockPath})`
        : `another codex-tracer watch is already running (pid ${pid}); lock ${lockPath}`,
    );
    this.name = 'LockError';
  }
}

export interface WatchLock {
  readonly path: string;
  readonly pid: number;
  /** Releases the lock (and removes the pid file if it is still ours). Safe to call twice. */
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

function readPid(path: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

const isBusy = (err: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? '');

/**
 * Takes the exclusive lock, or undefined when another connection holds it. `waitMs` rides
 * over a `watchLockHolder` probe, which holds the lock for a moment.
 */
function takeKernelLock(stateDir: string, waitMs: number, fileMustExist = false): Database.Database | undefined {
  const file = join(stateDir, KERNEL_LOCK_FILE);
  if (!fileMustExist) closeSync(openSync(file, 'a', 0o600)); // private like every file of the state dir
  const db = new Database(file, { timeout: waitMs, fileMustExist });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lock (held INTEGER); COMMIT');
    return db;
  } catch (err) {
    db.close();
    if (isBusy(err)) return undefined;
    throw err;
  }
}

/** Makes sure only one `watch` runs per state dir; a live holder throws LockError naming its pid. */
export function acquireWatchLock(stateDir: string, pid: number = process.pid): WatchLock {
  const path = join(stateDir, WATCH_LOCK_FILE);
  // a read-only or full file system, a state dir of another user: a clear error naming the file
  const db = guard(join(stateDir, KERNEL_LOCK_FILE), () => takeKernelLock(stateDir, 250));
  if (db === undefined) throw new LockError(path, readPid(path));
  guard(path, () => {
    const fd = openSync(path, 'w', 0o600);
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
  });
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    if (readPid(path) === pid) {
      try {
        unlinkSync(path);
      } catch {
        // already gone: nothing to remove
      }
    }
    db.close();
  };
  process.once('exit', release);
  return { path, pid, release };
}

/**
 * Who holds the watch lock of a state dir: `{pid}` (null when the pid file is unreadable)
 * while a watcher runs, undefined when none does. A pid file left by a dead watcher, or a
 * pid since reused by another process, says nothing: only the kernel lock counts.
 */
export function watchLockHolder(stateDir: string): { pid: number | null } | undefined {
  let db: Database.Database | undefined;
  try {
    db = takeKernelLock(stateDir, 0, true);
  } catch {
    return undefined; // no lock file (no watcher ever ran here), or not ours to open
  }
  if (db === undefined) return { pid: readPid(join(stateDir, WATCH_LOCK_FILE)) };
  db.close();
  return undefined;
}
