/** Temporary directories: one removed by `runCleanups` (call it in `afterEach`/`afterAll`), or one a test removes itself. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanups: (() => void)[] = [];

/** A temp dir removed by `runCleanups`. */
export function testDir(prefix = 'ct-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `fn` at the next `runCleanups`, before the directories are removed (close a store, say). */
export function onCleanup(fn: () => void): void {
  cleanups.unshift(fn);
}

export function runCleanups(): void {
  cleanups.splice(0).forEach((f) => f());
}

/** A fresh temp dir and its cleanup, for a test that scopes it itself. */
export function tempDir(prefix = 'ct-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
