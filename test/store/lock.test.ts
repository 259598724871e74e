import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireWatchLock, LockError, WATCH_LOCK_FILE, watchLockHolder } from '../../src/store/index.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterEach(runCleanups);

const DIST_LOCK = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/store/lock.js');

describe('acquireWatchLock', () => {
  it('a second acquire fails naming the pid that holds the lock; release frees it', () => {
    const stateDir = testDir();
    const lock = acquireWatchLock(stateDir);
    expect(readFileSync(join(stateDir, WATCH_LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    expect(watchLockHolder(stateDir)).toEqual({ pid: process.pid });
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
    expect(watchLockHolder(stateDir)).toBeUndefined();
    acquireWatchLock(stateDir).release();
  });

  it('a pid file naming a live process that holds no lock (a reused pid, PID 1 in a container) does not block', () => {
    const stateDir = testDir();
    for (const pid of [1, process.pid]) {
      writeFileSync(join(stateDir, WATCH_LOCK_FILE), `${pid}\n`);
      expect(watchLockHolder(stateDir)).toBeUndefined();
      const lock = acquireWatchLock(stateDir, 4242);
      expect(readFileSync(lock.path, 'utf8').trim()).toBe('4242');
      lock.release();
    }
  });

  it('the lock of a watcher killed with SIGKILL is free at once (the kernel releases it)', async () => {
    expect(existsSync(DIST_LOCK), 'run `npm run build` first').toBe(true);
    const stateDir = testDir();
    const child = spawn(
      process.execPath,
      [
        '-e',
        `import(${JSON.stringify(DIST_LOCK)}).then((m) => { m.acquireWatchLock(${JSON.stringify(stateDir)}); console.log('held'); setInterval(() => {}, 1000); })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((res) => child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && res()));
    expect(watchLockHolder(stateDir)).toEqual({ pid: child.pid });
    expect(() => acquireWatchLock(stateDir)).toThrow(`pid ${child.pid}`);
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    expect(watchLockHolder(stateDir)).toBeUndefined();
    const lock = acquireWatchLock(stateDir);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('asking who holds the lock creates nothing in a state dir where no watcher ever ran', () => {
    const stateDir = testDir();
    expect(watchLockHolder(stateDir)).toBeUndefined();
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('release leaves a pid file that is no longer ours alone', () => {
    const stateDir = testDir();
    const lock = acquireWatchLock(stateDir);
    writeFileSync(lock.path, '1\n');
    lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe('1\n');
  });
});
