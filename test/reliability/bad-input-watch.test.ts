/**
 * Bad input while `watch` runs, and hostile CODEX_HOME layouts (missing home,
 * unreadable folder, symlink loops, a file deleted while followed): the watcher
 * stays up, says what it skipped (file and offset), and traces everything else.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import { cli, storedSpans, watchInProcess } from '../helpers/cli.js';
import { DAY_DIR, fixtureText, putRollout, withNewIds } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

afterAll(runCleanups);

const E = fixtureText('e-multi-tool.jsonl');
const B = fixtureText('b-shell.jsonl');

async function idsOf(text: string): Promise<string[]> {
  const path = putRollout(testDir(), text);
  return (await traceInMemory([path])).spans.map((s) => s.spanId).sort();
}

/** the fixtures' records are old: a long idle keeps a followed session open, as a live one would be */
const LIVE = '3650d';

const storedIds = (state: string): string[] =>
  existsSync(join(state, 'traces.sqlite'))
    ? storedSpans(state)
        .map((s) => s.spanId)
        .sort()
    : [];

function hasAll(state: string, want: string[]): boolean {
  const got = new Set(storedIds(state));
  return want.every((id) => got.has(id));
}

describe('watch with bad input', () => {
  it('a truncated last line waits, a garbage line is skipped with file and offset, the rest is traced', async () => {
    const home = testDir();
    const state = testDir();
    const lines = E.split('\n').slice(0, -1);
    const cut = 20;
    const head = `${lines.slice(0, cut).join('\n')}\n`;
    const partial = lines[cut]!.slice(0, 50);
    const path = putRollout(home, head + partial);
    const w = await watchInProcess({ codexHome: home, stateDir: state, idle: LIVE });
    try {
      await waitFor(() => storedIds(state).length > 0, 10_000, 'first spans');
      expect(w.stderr()).not.toContain('code=bad_line'); // the partial line is not bad: it is not finished yet
      const garbageAt = Buffer.byteLength(head + lines[cut]!) + 1;
      appendFileSync(path, `${lines[cut]!.slice(50)}\n{"this is": garbage\n${lines.slice(cut + 1).join('\n')}\n`);
      const want = await idsOf(E);
      await waitFor(() => hasAll(state, want), 10_000, 'all spans after the garbage line');
      await waitFor(() => w.stderr().includes(`file=${path} offset=${garbageAt} code=bad_line`), 5000, 'the bad line warning');
    } finally {
      expect(await w.stop()).toBe(0);
    }
  });

  it('a rollout deleted while followed: the watcher stays up and traces the next file', async () => {
    const home = testDir();
    const state = testDir();
    const lines = E.split('\n').slice(0, -1);
    const doomed = putRollout(home, `${lines.slice(0, 10).join('\n')}\n`);
    const w = await watchInProcess({ codexHome: home, stateDir: state, idle: LIVE });
    try {
      await waitFor(() => storedIds(state).length > 0, 10_000, 'first spans');
      appendFileSync(doomed, `${lines.slice(10, 20).join('\n')}\n`);
      unlinkSync(doomed);
      const other = withNewIds(B, 7);
      putRollout(home, other);
      const want = await idsOf(other);
      await waitFor(() => hasAll(state, want), 10_000, 'the next file');
      expect(w.stderr()).not.toMatch(/level=error/);
    } finally {
      expect(await w.stop()).toBe(0);
    }
  });

  it('CODEX_HOME missing: watch waits for it, then traces what appears', async () => {
    const home = join(testDir(), 'not-yet');
    const state = testDir();
    const w = await watchInProcess({ codexHome: home, stateDir: state });
    try {
      await waitFor(() => w.stderr().includes('does not exist yet'), 5000, 'the waiting message');
      mkdirSync(join(home, DAY_DIR), { recursive: true });
      putRollout(home, B);
      const want = await idsOf(B);
      await waitFor(() => hasAll(state, want), 15_000, 'spans of the file that appeared');
    } finally {
      expect(await w.stop()).toBe(0);
    }
  });
});

describe('hostile CODEX_HOME layouts', () => {
  it('CODEX_HOME missing: backfill exits 2 with a clear message', async () => {
    const home = join(testDir(), 'nope');
    const r = await cli(['backfill', '--codex-home', home, '--state-dir', testDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Codex home ${home} does not exist`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const env = await cli(['backfill', '--state-dir', testDir()], { CODEX_HOME: home });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('set CODEX_HOME or');
  });

  it('a folder without read permission and symlink loops: skipped, the rest traced (backfill and watch)', async () => {
    const home = testDir();
    putRollout(home, B);
    const day = join(home, DAY_DIR);
    const locked = join(home, 'sessions', '2026', '11', '24');
    mkdirSync(locked, { recursive: true });
    writeFileSync(join(locked, 'rollout-2026-11-24T10-00-00-01a213a3-3aa0-7ca0-8550-00000000beef.jsonl'), withNewIds(E, 9));
    chmodSync(locked, 0o000);
    symlinkSync('..', join(day, 'loop')); // a directory loop
    symlinkSync(
      join(day, 'rollout-2026-11-25T00-00-00-01a213a3-3aa0-7ca0-8550-00000000aaaa.jsonl'),
      join(day, 'rollout-2026-11-25T00-00-00-01a213a3-3aa0-7ca0-8550-00000000aaaa.jsonl'),
    ); // a file that links to itself
    symlinkSync(join(home, 'sessions'), join(home, 'sessions', '2026', 'up')); // back to the root
    const want = await idsOf(B);
    try {
      const state = testDir();
      const r = await cli(['backfill', '--codex-home', home, '--state-dir', state]);
      expect(r.stderr).not.toContain('THROWN');
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `msg="skipped path" path=${join(day, 'rollout-2026-11-25T00-00-00-01a213a3-3aa0-7ca0-8550-00000000aaaa.jsonl')} reason="ELOOP`,
      );
      expect(hasAll(state, want)).toBe(true);
      if (process.getuid?.() !== 0) expect(r.stderr).toContain(`msg="skipped path" path=${locked}`); // root reads it anyway

      const state2 = testDir();
      const w = await watchInProcess({ codexHome: home, stateDir: state2 });
      try {
        await waitFor(() => hasAll(state2, want), 10_000, 'watch catch-up');
        const next = withNewIds(E, 11);
        putRollout(home, next);
        const more = await idsOf(next);
        await waitFor(() => hasAll(state2, more), 10_000, 'a new file after the loops');
      } finally {
        expect(await w.stop()).toBe(0);
      }
    } finally {
      chmodSync(locked, 0o700);
      rmSync(join(day, 'loop'));
    }
  });
});
