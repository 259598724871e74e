import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireWatchLock, isPidAlive, LockError, WATCH_LOCK_FILE } from '../../src/store/index.js';
import { testDir, runCleanups } from './helpers.js';

afterEach(runCleanups);

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { timeout: 10_000 });
  expect(r.pid).toBeGreaterThan(0);
  return r.pid as number;
}

describe('acquireWatchLock', () => {
  it('a second acquire fails naming the pid that holds the lock; release frees it', () => {
    const stateDir = testDir();
    const lock = acquireWatchLock(stateDir);
    expect(readFileSync(join(stateDir, WATCH_LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    let err: unknown;
    try {
      acquireWatchLock(stateDir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LockError);
    expect((err as LockError).pid).toBe(process.pid);
    expect((err as LockError).message).toContain(`pid ${process.pid}`);
    lock.release();
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    acquireWatchLock(stateDir).release();
  });

  it('takes over a lock left by a dead process', () => {
    const stateDir = testDir();
    const pid = deadPid();
    expect(isPidAlive(pid)).toBe(false);
    writeFileSync(join(stateDir, WATCH_LOCK_FILE), `${pid}\n`);
    const lock = acquireWatchLock(stateDir);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('treats garbage as stale, and an empty lock as being created unless it is old', () => {
    const stateDir = testDir();
    const file = join(stateDir, WATCH_LOCK_FILE);
    writeFileSync(file, 'not a pid');
    acquireWatchLock(stateDir).release();
    writeFileSync(file, '');
    expect(() => acquireWatchLock(stateDir)).toThrow(/is starting/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    acquireWatchLock(stateDir).release();
  });

  it('release leaves a lock that is no longer ours alone', () => {
    const stateDir = testDir();
    const lock = acquireWatchLock(stateDir);
    writeFileSync(lock.path, '1\n');
    lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe('1\n');
  });
});
