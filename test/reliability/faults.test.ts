/**
 * Faults around the tracer: sinks that answer 503, then refuse connections, then
 * come back (every span delivered afterwards, memory bounded); a full disk and a
 * read-only file system under the state dir (a clear error, an intact store, recovery
 * when space returns); two watchers on one state dir (the second refuses, exit 2).
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBundle, removeBundle, runChild, spawnCli, storedSpans, storeJson } from '../helpers/cli.js';
import { fixtureText, makeCorpusHome, putRollout, withNewIds } from '../helpers/fixtures.js';
import { startBraintrustMock, startOtlpReceiver } from '../helpers/http.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { sleep, waitFor } from '../helpers/wait.js';

beforeAll(async () => {
  await cliBundle();
});
afterAll(() => {
  removeBundle();
  if (canMount) execFileSync('umount', [mnt]); // before its folder is removed
  runCleanups();
});

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function referenceIds(home: string): Promise<string[]> {
  const state = testDir();
  const r = await runChild(['backfill', '--codex-home', home, '--state-dir', state], {});
  expect(r.code, r.stderr).toBe(0);
  return storedSpans(state)
    .map((s) => s.spanId)
    .sort();
}

describe('sink outage during watch', () => {
  it('503, then connection refused, then recovery: every span reaches OTLP (at least once) and Braintrust (once per id)', async () => {
    const home = makeCorpusHome(1);
    const later = withNewIds(fixtureText('e-multi-tool.jsonl'), 777);
    const finalHome = testDir();
    execFileSync('cp', ['-r', `${home}/.`, finalHome]);
    putRollout(finalHome, later);
    const want = await referenceIds(finalHome);

    const otlp = await startOtlpReceiver();
    const bt = await startBraintrustMock('bt-key-outage-0123456789');
    otlp.mode = '503';
    bt.mode = '503';
    const state = testDir();
    const env = { BRAINTRUST_API_KEY: bt.apiKey, BRAINTRUST_API_URL: bt.url, OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url };
    const w = await spawnCli(['watch', '--codex-home', home, '--state-dir', state, '--sink', 'otlp', '--sink', 'braintrust'], env);
    let peak = 0;
    let recovered: number | undefined;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(w.proc.pid!));
    }, 100);
    try {
      await waitFor(() => otlp.bodies.length > 0 && bt.bodies.length > 0, 10_000, 'first attempts');
      await sleep(1500); // 503s
      await otlp.down();
      await bt.down(); // connection refused
      putRollout(home, later); // Codex keeps working meanwhile
      await sleep(1500);
      otlp.mode = 'ok';
      bt.mode = 'ok';
      await otlp.up();
      await bt.up();
      recovered = Date.now();
      await waitFor(() => bt.rows.size >= want.length && new Set(otlp.spans().map((s) => s.spanId)).size >= want.length, 40_000, 'delivery after recovery');
    } finally {
      clearInterval(sampler);
      w.proc.kill('SIGTERM');
    }
    const exit = await w.exited;
    await otlp.close();
    await bt.close();
    expect(exit.code, w.stderr().slice(-1500)).toBe(0);
    // the outage was seen (short ones are absorbed by the sinks' own retries, longer ones block the file's cursor)
    expect(otlp.rejected).toBeGreaterThan(0);
    expect(bt.rejected).toBeGreaterThan(0);
    expect([...new Set(otlp.spans().map((s) => s.spanId))].sort()).toEqual(want);
    expect([...bt.rows.keys()].sort()).toEqual(want);
    expect(bt.orphanMerges).toEqual([]);
    for (const row of bt.rows.values()) expect(row.span_attributes ?? row.metrics ?? row.id, 'a full row').toBeDefined();
    process.stderr.write(`sink outage: peak watcher RSS ${peak.toFixed(0)} MB; all delivered ${Date.now() - (recovered ?? 0)} ms after recovery\n`);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(300);
  });
});

describe('two watchers on one state dir', () => {
  it('the second refuses with a clear message and exit code 2; the first keeps running', async () => {
    const home = testDir();
    putRollout(home, fixtureText('b-shell.jsonl'));
    const state = testDir();
    const first = await spawnCli(['watch', '--codex-home', home, '--state-dir', state], {});
    try {
      await waitFor(() => first.stderr().includes('caught up'), 10_000, 'the first watcher');
      const second = await runChild(['watch', '--codex-home', home, '--state-dir', state], {}, 10_000);
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`another codex-tracer watch is already running (pid ${first.proc.pid})`);
      expect(first.proc.exitCode).toBeNull();
    } finally {
      first.proc.kill('SIGTERM');
    }
    expect((await first.exited).code).toBe(0);
  });
});

function tryMount(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function integrity(state: string): string {
  const db = new Database(join(state, 'traces.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

const mnt = join(testDir('ct-mnt-'), 'disk');
mkdirSync(mnt);
const canMount = tryMount(mnt, '192k');

describe.skipIf(!canMount)('a full disk and a read-only file system under the state dir (tmpfs)', () => {
  it('full: a clear error, an intact store; more space: the store ends equal to an undisturbed run', async () => {
    const home = makeCorpusHome(6);
    const refState = testDir();
    expect((await runChild(['backfill', '--codex-home', home, '--state-dir', refState], {})).code).toBe(0);
    const want = storeJson(refState);
    const state = join(mnt, 'state');
    const full = await runChild(['backfill', '--codex-home', home, '--state-dir', state], {});
    expect(full.code).not.toBe(0);
    expect(full.stdout + full.stderr).toMatch(/disk is full/);
    expect(full.stdout + full.stderr).toContain(join(state, 'traces.sqlite'));
    expect(full.stderr).not.toMatch(/\n\s+at /);
    expect(integrity(state)).toBe('ok');

    execFileSync('mount', ['-o', 'remount,size=64m', mnt]);
    const again = await runChild(['backfill', '--codex-home', home, '--state-dir', state], {});
    expect(again.code, again.stderr).toBe(0);
    expect(integrity(state)).toBe('ok');
    expect(storeJson(state)).toBe(want);

    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    putRollout(home, withNewIds(fixtureText('b-shell.jsonl'), 4242));
    const ro = await runChild(['backfill', '--codex-home', home, '--state-dir', state], {});
    expect(ro.code).not.toBe(0);
    expect(ro.code).not.toBe(-1);
    expect(ro.stderr).toMatch(/read-only|permission denied/);
    expect(ro.stderr).not.toMatch(/\n\s+at /);
    // watch too: a clear error naming the file, no stack trace
    const w = await runChild(['watch', '--codex-home', home, '--state-dir', state], {});
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/local store .*watch\.lock\.sqlite: cannot write: the file system is read-only/);
    expect(w.stderr).not.toMatch(/\n\s+at /);
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    const back = await runChild(['backfill', '--codex-home', home, '--state-dir', state], {});
    expect(back.code, back.stderr).toBe(0);
    expect(integrity(state)).toBe('ok');
    expect(
      storedSpans(state)
        .map((s) => s.spanId)
        .sort(),
    ).toEqual(await referenceIds(home));
  });
});
