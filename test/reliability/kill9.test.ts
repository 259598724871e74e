/**
 * `kill -9` at random moments, repeated: during backfill, and during watch while
 * Codex keeps appending. After a final undisturbed run the local store holds exactly
 * the spans of a run that was never killed (sorted span JSON compared whole): nothing
 * lost, nothing duplicated, nothing half-written.
 */
import { appendFileSync, cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliBundle, runChild, spawnCli, storedSpans, storeJson, watchUntilStore } from '../helpers/cli.js';
import { fixtureText, makeCorpusHome, putRollout, withNewIds, writtenNow } from '../helpers/fixtures.js';
import { testDir } from '../helpers/temp.js';
import { sleep, waitFor } from '../helpers/wait.js';

const KILLS = 10;
/** the corpus' records are old (finalized at once); the live sessions' are shifted to now (kept open) */
const IDLE = '10m';

useCliBundle();

/** A deterministic pseudo-random sequence (the test is the same every run). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const storeOf = (state: string): string => (existsSync(join(state, 'traces.sqlite')) ? storeJson(state) : '');

async function reference(home: string): Promise<string> {
  const state = testDir();
  const r = await runChild(['backfill', '--codex-home', home, '--state-dir', state, '--idle', IDLE], {});
  expect(r.code, r.stderr).toBe(0);
  return storeJson(state);
}

function spanCount(state: string): number {
  if (!existsSync(join(state, 'traces.sqlite'))) return 0;
  try {
    return storedSpans(state).length;
  } catch {
    return 0; // being created right now
  }
}

/** Kills the run once it has visibly stored something new (plus a random delay): a kill mid-run, whatever the machine's speed. */
async function killMidRun(args: string[], state: string, extraMs: number): Promise<void> {
  const before = spanCount(state);
  const c = await spawnCli(args, {});
  let exited = false;
  void c.exited.then(() => {
    exited = true;
  });
  await waitFor(() => exited || spanCount(state) > before, 15_000, 'progress').catch(() => undefined);
  await sleep(extraMs);
  c.proc.kill('SIGKILL');
  await c.exited;
}

describe('kill -9', () => {
  it(`during backfill, ${KILLS} times: the finished store equals an undisturbed run`, async () => {
    const home = makeCorpusHome(8);
    const want = await reference(home);
    expect(want.split('\n').length).toBeGreaterThan(300);
    const state = testDir();
    // few files in flight: many small commits, so kills land between commits and mid-run
    const args = ['backfill', '--codex-home', home, '--state-dir', state, '--idle', IDLE, '--concurrency', '1'];
    const random = rng(7);
    let interrupted = 0; // kills that left a partial store behind: the kills did hit mid-run
    for (let i = 0; i < KILLS; i++) {
      await killMidRun(args, state, Math.floor(random() * 60));
      const got = storeOf(state);
      if (got !== '' && got !== want) interrupted++;
    }
    process.stderr.write(`kill -9 during backfill: ${interrupted}/${KILLS} kills left a partial store\n`);
    expect(interrupted).toBeGreaterThan(0);
    const last = await runChild(args, {});
    expect(last.code, last.stderr).toBe(0);
    expect(storeJson(state)).toBe(want);
  });

  it(`during watch while sessions are being written, ${KILLS} times: the finished store equals an undisturbed run`, async () => {
    const home = makeCorpusHome(2);
    const live = ['e-multi-tool.jsonl', 'f-resume.jsonl', 'h-compaction.jsonl'].map((f, i) => writtenNow(withNewIds(fixtureText(f), 900 + i)));
    const finalHome = testDir();
    cpSync(home, finalHome, { recursive: true });
    for (const text of live) putRollout(finalHome, text);
    const want = await reference(finalHome);

    const state = testDir();
    const args = ['watch', '--codex-home', home, '--state-dir', state, '--idle', IDLE];
    const chunks = live.map((text) => text.split(/(?<=\n)/));
    const paths = live.map((text) => putRollout(home, text.slice(0, text.indexOf('\n') + 1)));
    const written = chunks.map(() => 1);
    const random = rng(11);
    for (let i = 0; i < KILLS; i++) {
      const c = await spawnCli(args, {});
      const until = Date.now() + 200 + Math.floor(random() * 900);
      while (Date.now() < until) {
        const k = Math.floor(random() * chunks.length);
        const lines = chunks[k]!;
        const n = Math.min(lines.length, written[k]! + 1 + Math.floor(random() * 4));
        appendFileSync(paths[k]!, lines.slice(written[k], n).join(''));
        written[k] = n;
        await sleep(30 + Math.floor(random() * 60));
      }
      c.proc.kill('SIGKILL');
      await c.exited;
    }
    chunks.forEach((lines, k) => appendFileSync(paths[k]!, lines.slice(written[k]).join('')));
    const final = await watchUntilStore(args, state, want);
    expect(final.code, final.stderr.slice(-2000)).toBe(0);
    const got = final.got;
    if (got !== want) {
      const g = new Set(got.split('\n'));
      const w = new Set(want.split('\n'));
      process.stderr.write(
        `DIFF missing:\n${[...w]
          .filter((x) => !g.has(x))
          .map((x) => x.slice(0, 600))
          .join('\n')}\nEXTRA:\n${[...g]
          .filter((x) => !w.has(x))
          .map((x) => x.slice(0, 600))
          .join('\n')}\n`,
      );
    }
    expect(got).toBe(want);
  });
});
