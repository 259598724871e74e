/**
 * kill -9 during a backfill of many files, then a restart: the store ends with
 * exactly the span set of a clean run (the rollout files are the write-ahead log;
 * spans and cursor commit together, so nothing is lost and nothing duplicated).
 * Spawns the built binary (`npm run build` first; `npm test` does).
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbPathIn } from '../../src/store/index.js';
import { cli, spanDiff, storeSpans } from '../helpers/cli.js';
import { runCleanups, testDir } from '../helpers/temp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/codex-tracer.js`;

let home: string;
let files: number;
let clean: string[];

beforeAll(async () => {
  home = testDir('ct-corpus-');
  execFileSync(process.execPath, [`${ROOT}bench/make-corpus.js`, '--out', home, '--mb', '10'], { stdio: 'ignore' });
  const state = testDir('ct-clean-');
  const r = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json']);
  expect(r.code, r.stderr).toBe(0);
  files = (JSON.parse(r.stdout) as { files: number }).files;
  clean = storeSpans(state);
}, 60_000);
afterAll(runCleanups);

/** When to kill: after a delay, or once the child committed this many file cursors. */
type KillAt = { ms: number } | { cursors: number } | { partial: true };

/** Starts `backfill` in a child process and SIGKILLs it at `at`; resolves once it is gone. */
async function killedBackfill(state: string, at: KillAt, codexHome = home): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'backfill', '--codex-home', codexHome, '--state-dir', state], { stdio: 'ignore' });
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running = false;
      resolve();
    }),
  );
  if ('ms' in at) await Promise.race([exited, sleep(at.ms)]);
  else if ('cursors' in at) while (running && cursorCount(state) < at.cursors) await sleep(5);
  else while (running && partialCursors(state) === 0) await sleep(2);
  child.kill('SIGKILL');
  await exited;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function count(state: string, sql: string): number {
  if (!existsSync(dbPathIn(state))) return 0;
  try {
    const db = new Database(dbPathIn(state), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // created but not migrated yet
  }
}

const cursorCount = (state: string): number => count(state, 'SELECT COUNT(*) AS n FROM cursors');
/** cursors in the middle of their file: a restart replays the file and drops what was delivered */
const partialCursors = (state: string): number => count(state, 'SELECT COUNT(*) AS n FROM cursors WHERE committed_offset > 0 AND committed_offset < size');

describe('kill -9 during backfill, then restart', () => {
  const progress: number[] = [];

  const moments: KillAt[] = [{ ms: 50 }, { ms: 200 }, { ms: 500 }, { cursors: 100 }, { cursors: 250 }];
  it.each(moments)('killed at %o: the restart ends with the clean span set', async (at) => {
    expect(existsSync(`${ROOT}dist/cli/index.js`), 'run `npm run build` first').toBe(true);
    const state = testDir('ct-killed-');
    await killedBackfill(state, at);
    progress.push(cursorCount(state));
    const r = await cli(['backfill', '--codex-home', home, '--state-dir', state]);
    expect(r.code, r.stderr).toBe(0);
    expect(spanDiff(clean, storeSpans(state))).toEqual([]);
    expect(cursorCount(state)).toBe(files);
  });

  it('killed again and again during the restarts', async () => {
    const state = testDir('ct-killed-');
    for (const n of [80, 240]) {
      await killedBackfill(state, { cursors: n });
      progress.push(cursorCount(state));
    }
    expect((await cli(['backfill', '--codex-home', home, '--state-dir', state])).code).toBe(0);
    expect(spanDiff(clean, storeSpans(state))).toEqual([]);
  });

  it('some kill landed in the middle of the run', () => {
    expect(progress.filter((n) => n > 0 && n < files).length >= 3, `cursors committed at each kill: ${progress.join(', ')} of ${files}`).toBe(true);
  });
});

describe('kill -9 in the middle of one large file, then restart', () => {
  it('replays the file, drops what was delivered, and ends with the clean span set', async () => {
    const big = testDir('ct-huge-');
    execFileSync(process.execPath, [`${ROOT}bench/make-corpus.js`, '--out', big, '--mb', '0', '--huge-mb', '12'], { stdio: 'ignore' });
    const cleanState = testDir('ct-clean-');
    expect((await cli(['backfill', '--codex-home', big, '--state-dir', cleanState])).code).toBe(0);
    const expected = storeSpans(cleanState);
    const state = testDir('ct-killed-');
    await killedBackfill(state, { partial: true }, big);
    expect(partialCursors(state), 'the kill should land between two batches of the file').toBe(1);
    expect((await cli(['backfill', '--codex-home', big, '--state-dir', state])).code).toBe(0);
    expect(spanDiff(expected, storeSpans(state))).toEqual([]);
    expect(partialCursors(state)).toBe(0);
  });
});
