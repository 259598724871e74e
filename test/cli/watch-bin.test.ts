/**
 * The real `codex-tracer watch` process (built binary; `npm run build` first): it
 * follows a rollout written line by line, a new day folder, finalizes after
 * `--idle 1s`, shows as running in `status`, stops on SIGTERM with exit 0, and after
 * kill -9 a restart catches up with exactly the spans `show FILE` gives.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, showFiles, spanDiff } from '../helpers/cli.js';
import { addFixtures, DAY_DIR, fixturePath, rolloutName, splitAtResume, threadIdOf } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { waitForSpans, writeLineByLine } from '../helpers/watch.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'codex-tracer.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  runCleanups();
});

interface Watcher {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the watcher and resolves once it logged that it caught up. */
async function startWatcher(home: string, state: string): Promise<Watcher> {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'index.js')), 'run `npm run build` first').toBe(true);
  const child = spawn(process.execPath, [BIN, 'watch', '--codex-home', home, '--state-dir', state, '--idle', '1s'], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const caughtUp = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('msg="caught up"')) resolve();
    });
    void exit.then(() => reject(new Error(`watch exited early: ${err}`)));
  });
  await caughtUp;
  return { child, stderr: () => err, exit };
}

describe('watch (the binary)', () => {
  it('follows new files and day folders, finalizes after --idle, reports running, stops on SIGTERM', async () => {
    const home = testDir('ct-home-');
    const state = testDir('ct-state-');
    const w = await startWatcher(home, state);

    type Status = { watcher: { running: boolean; pid?: number; status?: { pid: number; caughtUp: boolean; sinks: { name: string; state: string }[] } } };
    const status = JSON.parse((await cli(['status', '--codex-home', home, '--state-dir', state, '--json'])).stdout) as Status;
    expect(status.watcher).toMatchObject({ running: true, pid: w.child.pid });
    // the running watcher's own report (watch-status.json): caught up, and each sink's state
    expect(status.watcher.status).toMatchObject({ pid: w.child.pid, caughtUp: true, sinks: [{ name: 'local', state: 'ok' }] });

    const day = join(home, DAY_DIR); // created after the watcher started
    mkdirSync(day, { recursive: true });
    const text = readFileSync(fixturePath('0.140.0', 'h-compaction.jsonl'), 'utf8');
    const path = join(day, rolloutName(threadIdOf(text)));
    await writeLineByLine(path, text);
    const [later] = addFixtures(home, '0.50.0', ['e-multi-tool.jsonl'], join('sessions', '2026', '11', '26'));

    for (const p of [path, later!.path]) {
      const expected = await showFiles([p]); // finalized, as --idle 1s makes the watcher do
      expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);
    }

    w.child.kill('SIGTERM');
    expect(await w.exit).toBe(0);
    expect(w.stderr()).toContain('msg=stopped');
  });

  it('after kill -9, a restart catches up (a resume of a finalized session) with exactly the spans of show FILE', async () => {
    const home = testDir('ct-home-');
    const state = testDir('ct-state-');
    const day = join(home, DAY_DIR);
    mkdirSync(day, { recursive: true });
    const text = readFileSync(fixturePath('0.169.0', 'f-resume.jsonl'), 'utf8');
    const [firstRun, resume] = splitAtResume(text);
    const path = join(day, rolloutName(threadIdOf(text)));

    const first = await startWatcher(home, state);
    await writeLineByLine(path, firstRun, 50);
    const finalized = await showFiles([path]);
    expect(spanDiff(finalized, await waitForSpans(state, finalized))).toEqual([]);
    first.child.kill('SIGKILL');
    await first.exit;

    appendFileSync(path, resume);
    const second = await startWatcher(home, state);
    const expected = await showFiles([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  });
});
