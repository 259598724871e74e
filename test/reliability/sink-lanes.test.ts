/**
 * Sinks are independent (issue 18): `watch --sink local --sink otlp` with an OTLP endpoint
 * that takes connections and never answers. The local store is complete within seconds
 * while every export hangs; when the endpoint answers again (in the same run, or after a
 * restart) OTLP gets every span at least once, and the store holds each span exactly once.
 * Also: kill -9 during a two-sink backfill, and `trace` into jsonl + a hanging OTLP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBundle, removeBundle, runChild, spawnCli, storedSpans, storeJson, type Child } from '../helpers/cli.js';
import { makeCorpusHome } from '../helpers/fixtures.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/http.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { sleep, waitFor } from '../helpers/wait.js';

let home: string;
let want: string[];
/** the store of an undisturbed run with the local sink alone, every span as JSON */
let wantStore: string;

beforeAll(async () => {
  await cliBundle();
  home = makeCorpusHome(9);
  const state = testDir();
  const r = await runChild(['backfill', '--codex-home', home, '--state-dir', state], {});
  expect(r.code, r.stderr).toBe(0);
  want = storedSpans(state)
    .map((s) => s.spanId)
    .sort();
  wantStore = storeJson(state);
});
afterAll(() => {
  removeBundle();
  runCleanups();
});

const storeIds = (state: string): string[] =>
  storedSpans(state)
    .map((s) => s.spanId)
    .sort();
const otlpIds = (otlp: OtlpReceiver): string[] => [...new Set(otlp.spans().map((s) => s.spanId))].sort();

/** `watch --sink local --sink otlp` into `state`; exports give up after 2 s (a hung request is retried sooner). */
function watchBoth(state: string, otlp: OtlpReceiver): Promise<Child> {
  return spawnCli(['watch', '--codex-home', home, '--state-dir', state, '--sink', 'local', '--sink', 'otlp'], {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
  });
}

interface StatusJson {
  files: { traced: number };
  sinkLag: { sink: string; behind: number; lagBytes: number }[];
}

async function status(state: string): Promise<StatusJson> {
  const r = await runChild(['status', '--codex-home', home, '--state-dir', state, '--json'], {});
  return JSON.parse(r.stdout) as StatusJson;
}

function spanCount(state: string): number {
  try {
    return storedSpans(state).length;
  } catch {
    return 0; // not made yet
  }
}

/** Waits until the local store holds every span; ms from `t0`. */
async function localComplete(state: string, w: Child, t0: number): Promise<number> {
  await waitFor(() => spanCount(state) >= want.length, 20_000, `the local store (${w.stderr().slice(-600)})`, 100);
  return Date.now() - t0;
}

describe('one sink that hangs does not stall the others', () => {
  it('the local store completes while every OTLP export hangs; OTLP gets every span once the endpoint answers', async () => {
    const otlp = await startOtlpReceiver();
    otlp.mode = 'hang';
    const state = testDir();
    const t0 = Date.now();
    const w = await watchBoth(state, otlp);
    let localMs: number;
    let otlpMs: number;
    try {
      localMs = await localComplete(state, w, t0);
      expect(storeIds(state)).toEqual(want);
      // the store may be complete before the OTLP lane sent its first export: that one hangs too
      await waitFor(() => otlp.hung > 0, 10_000, 'an OTLP export under way', 20);
      expect(otlp.spans()).toHaveLength(0);
      otlp.mode = 'ok';
      const t1 = Date.now();
      await waitFor(() => otlpIds(otlp).length >= want.length, 60_000, 'OTLP after the endpoint answers', 100);
      otlpMs = Date.now() - t1;
      // caught up: no sink behind (the watcher commits each lane's cursor after its acknowledgement)
      await waitFor(async () => (await status(state)).sinkLag.every((l) => l.lagBytes === 0), 10_000, 'every lane caught up', 250);
    } finally {
      w.proc.kill('SIGTERM');
    }
    expect((await w.exited).code, w.stderr().slice(-1500)).toBe(0);
    await otlp.close();
    expect(otlpIds(otlp)).toEqual(want);
    expect(storeIds(state)).toEqual(want);
    const st = await status(state);
    expect(st.sinkLag.map((l) => l.sink)).toEqual(['local', 'otlp']);
    process.stderr.write(
      `sink lanes: ${want.length} spans; local store complete in ${localMs} ms while OTLP hung (${otlp.hung} requests unanswered); ` +
        `OTLP complete ${otlpMs} ms after it answered (${otlp.spans().length} spans received, ${otlp.probes} probes), 0 missing\n`,
    );
    expect(localMs).toBeLessThan(15_000);
  }, 120_000);

  it('stopped while OTLP hangs, restarted when it answers: OTLP is served from its own cursor, the store is unchanged', async () => {
    const otlp = await startOtlpReceiver();
    otlp.mode = 'hang';
    const state = testDir();
    const first = await watchBoth(state, otlp);
    try {
      await localComplete(state, first, Date.now());
    } finally {
      first.proc.kill('SIGTERM');
    }
    expect((await first.exited).code, first.stderr().slice(-1500)).toBe(0);
    // what the stop left to OTLP is said: every file (its exports were not answered), none lost
    expect(first.stderr()).toMatch(/msg="stopped with deliveries pending[^"]*" files=[1-9]\d* spansPending=\d+ sinks=otlp/);
    const between = await status(state);
    const lag = Object.fromEntries(between.sinkLag.map((l) => [l.sink, l]));
    expect(lag.local?.lagBytes).toBe(0);
    expect(lag.otlp?.lagBytes).toBeGreaterThan(0);
    // the shared cursor is what every sink acknowledged: OTLP acknowledged nothing
    expect(between.files.traced).toBe(0);
    const text = await runChild(['status', '--codex-home', home, '--state-dir', state], {});
    expect(text.stdout).toContain(`by sink:     local 0 behind (0 bytes), otlp ${lag.otlp?.behind} behind (${lag.otlp?.lagBytes} bytes)`);

    otlp.mode = 'ok';
    const t0 = Date.now();
    const second = await watchBoth(state, otlp);
    let otlpMs: number;
    try {
      await waitFor(() => otlpIds(otlp).length >= want.length, 60_000, `OTLP after the restart (${second.stderr().slice(-600)})`, 100);
      otlpMs = Date.now() - t0;
    } finally {
      second.proc.kill('SIGTERM');
    }
    expect((await second.exited).code, second.stderr().slice(-1500)).toBe(0);
    // the store's lane had acknowledged everything: it read nothing again (its files settled)
    expect(second.stderr()).toMatch(/msg=stopped spans=0 /);
    await otlp.close();
    expect(otlpIds(otlp)).toEqual(want);
    expect(storeIds(state)).toEqual(want);
    const after = await status(state);
    expect(after.sinkLag.every((l) => l.lagBytes === 0)).toBe(true);
    expect(after.files.traced).toBeGreaterThan(0);
    process.stderr.write(
      `sink lanes, restart: OTLP complete ${otlpMs} ms after the restart (${otlp.spans().length} spans received for ${want.length}), 0 missing\n`,
    );
  }, 120_000);

  it('kill -9 during a two-sink backfill (local + jsonl), 8 times: the finished store equals an undisturbed run, the jsonl file has every span', async () => {
    const state = testDir();
    const out = join(testDir(), 'spans.jsonl');
    const args = ['backfill', '--codex-home', home, '--state-dir', state, '--sink', 'local', '--sink', 'jsonl', '--out', out, '--concurrency', '1'];
    let interrupted = 0;
    for (let i = 0; i < 8; i++) {
      const before = spanCount(state);
      const c = await spawnCli(args, {});
      await waitFor(() => c.proc.exitCode !== null || spanCount(state) > before, 15_000, 'progress').catch(() => undefined);
      await sleep((i * 37) % 80);
      c.proc.kill('SIGKILL');
      await c.exited;
      if (existsSync(join(state, 'traces.sqlite')) && spanCount(state) < want.length) interrupted++;
    }
    const last = await runChild(args, {});
    expect(last.code, last.stderr).toBe(0);
    expect(storeJson(state)).toBe(wantStore); // exactly once: nothing lost, nothing duplicated, nothing half-written
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const ids = lines.map((l) => (JSON.parse(l) as { spanId: string }).spanId);
    expect([...new Set(ids)].sort()).toEqual(want); // at least once
    process.stderr.write(
      `sink lanes, kill -9: ${interrupted}/8 kills left the store partial; then store = undisturbed run (${want.length} spans), jsonl ${ids.length} lines for ${want.length} spans, 0 missing\n`,
    );
  }, 180_000);

  it('trace --sink jsonl --sink otlp --timeout 4s with OTLP hanging: the jsonl file has every span, the files are named as not delivered', async () => {
    const otlp = await startOtlpReceiver();
    otlp.mode = 'hang';
    const out = join(testDir(), 'spans.jsonl');
    const r = await runChild(['trace', join(home, 'sessions'), '--sink', 'jsonl', '--out', out, '--sink', 'otlp', '--timeout', '4s'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    });
    await otlp.close();
    expect(r.code, r.stderr.slice(-1500)).toBe(1);
    expect(r.stderr).toMatch(/NOT DELIVERED \(--timeout 4s passed\): 144 file\(s\)/);
    const ids = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { spanId: string }).spanId);
    expect([...new Set(ids)].sort()).toEqual(want);
    expect(otlp.spans()).toHaveLength(0);
  }, 60_000);
});
