/**
 * Out of inotify watches: the watcher says so once, with the fix, polls what it could
 * not watch, and status/doctor show it. The limit is set inside a user namespace
 * (`unshare -Ur`, /proc/sys/user/max_inotify_watches), so nothing else on the machine
 * is touched.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FallbackPoller } from '../../src/source/index.js';
import { cli as runCli, cliBundle, removeBundle, storedSpans } from '../helpers/cli.js';
import { fixturePath } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

afterAll(() => {
  runCleanups();
  removeBundle();
});
const temp = (): string => testDir('ct-wl-');

const FIXTURE = fixturePath('0.169.0', '');
const rollout = (i: number): string => `rollout-2026-11-25T10-00-00-01a213a3-0000-7000-8000-${String(i).padStart(12, '0')}.jsonl`;

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['-Ur', 'sh', '-c', 'echo 40 > /proc/sys/user/max_inotify_watches'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('FallbackPoller', () => {
  it('reports new rollouts in a polled folder, growth and removal of polled files', () => {
    const dir = temp();
    const events: string[] = [];
    const p = new FallbackPoller((e) => events.push(`${e.type} ${e.path.slice(dir.length + 1)}`), 60_000);
    writeFileSync(join(dir, rollout(1)), 'a\n');
    p.addDir(dir);
    expect(p.fileCount).toBe(1);
    p.poll();
    expect(events).toEqual([]);
    writeFileSync(join(dir, rollout(2)), 'b\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a rollout');
    appendFileSync(join(dir, rollout(1)), 'more\n');
    p.poll();
    expect(events.sort()).toEqual([`add ${rollout(2)}`, `change ${rollout(1)}`]);
    events.length = 0;
    unlinkSync(join(dir, rollout(2)));
    p.poll();
    expect(events).toEqual([`unlink ${rollout(2)}`]);
    p.close();
  });

  it('polls files untouched for two days only on full passes', () => {
    const dir = temp();
    const events: string[] = [];
    const p = new FallbackPoller((e) => events.push(e.type), 60_000, 3);
    const old = join(dir, rollout(3));
    writeFileSync(old, 'a\n');
    const then = new Date(Date.now() - 5 * 86_400_000);
    utimesSync(old, then, then);
    p.addFile(old);
    p.poll(); // full pass (the first)
    appendFileSync(old, 'b\n');
    utimesSync(old, then, then);
    p.poll(); // recent-only pass: the old file is not stat-ed
    expect(events).toEqual([]);
    p.poll();
    p.poll(); // full again
    expect(events).toEqual(['change']);
    p.close();
  });
});

describe.runIf(canUnshare())('watch with more rollouts than inotify watches', () => {
  it('warns once with the fix, traces appends to unwatched files by polling, and status/doctor show it', async () => {
    const home = temp();
    const state = temp();
    const day = join(home, 'sessions', '2026', '11', '25');
    mkdirSync(day, { recursive: true });
    const text = readFileSync(join(FIXTURE, 'a-text.jsonl'), 'utf8');
    for (let i = 1; i <= 120; i++)
      writeFileSync(join(day, rollout(i)), text.replaceAll('01a213a5-3967-77d3-9b66-afc3cf5c9f56', `01a213a5-3967-77d3-9b66-${String(i).padStart(12, '0')}`));
    const resume = readFileSync(join(FIXTURE, 'f-resume.jsonl'), 'utf8').split('\n');
    const target = join(day, rollout(120));
    writeFileSync(target, `${resume.slice(0, 15).join('\n')}\n`);
    const cli = await cliBundle();
    // no native watch at all: watches are set per folder (home, sessions, 2026, 11, 25), so any
    // limit of 5 or more would be enough here
    const cmd = `echo 0 > /proc/sys/user/max_inotify_watches && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} watch --codex-home ${JSON.stringify(home)} --state-dir ${JSON.stringify(state)} --idle 1h`;
    const proc = spawn('unshare', ['-Ur', 'sh', '-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, HOME: home } });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitFor(() => stderr.includes('out of inotify watches'), 20_000, 'the limit warning');
      await waitFor(() => stderr.includes('caught up'), 20_000, 'caught up');
      const turns = (): number => storedSpans(state).filter((s) => s.kind === 'turn' && s.traceId === '01a213a34edd7c02886369064682647b').length;
      expect(turns()).toBe(1);
      appendFileSync(target, `${resume.slice(15).join('\n')}`);
      await waitFor(() => turns() === 2, 20_000, 'the resumed turn traced through polling');
      await waitFor(async () => (await runCli(['status', '--state-dir', state, '--codex-home', home])).stdout.includes('degraded:'), 10_000, 'status shows it');
      const st = await runCli(['status', '--state-dir', state, '--codex-home', home]);
      expect(st.stdout).toMatch(
        /degraded: +out of inotify watches \(limit 0\): 120 files and 5 folders are polled instead; raise it: sudo sysctl fs\.inotify\.max_user_watches=/,
      );
      const doc = await runCli(['doctor', '--state-dir', state, '--codex-home', home]);
      expect(doc.stdout).toMatch(/FAIL\s+inotify watches/);
    } finally {
      proc.kill('SIGTERM');
    }
    await new Promise((r) => proc.once('close', r));
    expect(stderr.match(/out of inotify watches/g)).toHaveLength(1);
    expect(stderr).not.toMatch(/ENOSPC/);
    expect(stderr).not.toMatch(/watcher error/);
  });
});
