/**
 * Live tracing end to end: `codex-tracer watch` (the built binary) follows a `CODEX_HOME`
 * while the real Codex CLI runs every scenario in it. Each scenario's trace must be in the
 * local store shortly after `codex exec` exits and match what the mock model served; the
 * same rollouts through `backfill` and through `trace --sink jsonl` give the same spans.
 * The line-written → span-stored latency is printed, not asserted (the benchmark owns it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/pipeline/summary.js';
import type { SessionSummary } from '../../src/store/index.js';
import type { Span } from '../../src/trace/span.js';
import { allFinalized, LIVE_DEADLINE_MS, LIVE_MATRIX, runLive, WATCH_IDLE_MS, type LiveRun, type LiveScenario } from './live-run.js';
import { findRollouts } from './codex.js';
import { killAllCodex } from './run-scenario.js';
import { pollUntil } from './store-probe.js';
import { expectModelCalls, expectSubagents, expectToolCalls, expectTurns } from './trace-expect.js';
import { killAllTracers, runTracerOk, type TracerRun } from './tracer-cli.js';

let root = '';
let live: LiveRun | undefined;
/** spans per thread id from each path, after the watcher finalized every session and stopped */
const finalSets: Record<'watch' | 'backfill' | 'trace', Map<string, Span[]>> = {
  watch: new Map(),
  backfill: new Map(),
  trace: new Map(),
};
/** `--json` summaries of the backfill and trace runs, and every span `trace` wrote */
const oneShot: { backfill?: RunSummary; trace?: RunSummary; traceSpans: Span[] } = { traceSpans: [] };
let watchExit: TracerRun | undefined;

function scenario(name: string): LiveScenario {
  const s = live?.scenarios.get(name);
  if (s === undefined) throw new Error(`scenario ${name} did not run`);
  if (s instanceof Error) throw s;
  return s;
}

function mainThreads(): string[] {
  return LIVE_MATRIX.map((c) => live?.scenarios.get(c.key)).flatMap((s) => (s && !(s instanceof Error) ? [s.result.threadId] : []));
}

/** Spans of `show --format jsonl` output, grouped by the thread (trace) they were asked for. */
function groupByTrace(spans: Span[], threads: string[]): Map<string, Span[]> {
  return new Map(threads.map((t) => [t, spans.filter((s) => s.traceId === t.replace(/-/g, ''))]));
}

function parseJsonl(text: string): Span[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Span);
}

async function collectFinalSets(run: LiveRun): Promise<void> {
  const threads = mainThreads();
  const watched = await runTracerOk(['show', ...threads, '--format', 'jsonl', '--state-dir', run.stateDir]);
  finalSets.watch = groupByTrace(parseJsonl(watched.stdout), threads);
  const backfillState = join(root, 'state-backfill');
  // `--idle 0s` finalizes every session, as the watcher did after `--idle` without new records.
  const bf = await runTracerOk(['backfill', '--codex-home', run.codexHome, '--state-dir', backfillState, '--idle', '0s', '--json']);
  oneShot.backfill = JSON.parse(bf.stdout) as RunSummary;
  const backfilled = await runTracerOk(['show', ...threads, '--format', 'jsonl', '--state-dir', backfillState]);
  finalSets.backfill = groupByTrace(parseJsonl(backfilled.stdout), threads);
  const out = join(root, 'trace.jsonl');
  // The CI use: the job's whole CODEX_HOME, not just its sessions folder.
  const tr = await runTracerOk(['trace', run.codexHome, '--sink', 'jsonl', '--out', out, '--json']);
  oneShot.trace = JSON.parse(tr.stdout) as RunSummary;
  oneShot.traceSpans = parseJsonl(readFileSync(out, 'utf8'));
  finalSets.trace = groupByTrace(oneShot.traceSpans, threads);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'codex-e2e-live-'));
  const run = await runLive(root);
  live = run;
  const { n, p50, p90, max } = run.latency;
  console.log(`watch latency, rollout line written -> stored: n=${n} p50=${p50}ms p90=${p90}ms max=${max}ms`);
  // Sessions are finalized only after `--idle` without new records, and a stopped watcher
  // leaves open sessions open (it does not finalize on SIGINT). So compare with backfill and
  // trace (which finalize every session) only once the watcher finalized every file, then stop it.
  const files = findRollouts(run.codexHome).length;
  const finalized = await pollUntil(() => allFinalized(run.store, files), WATCH_IDLE_MS + LIVE_DEADLINE_MS, 100);
  run.store.close();
  watchExit = await run.watch.stop();
  if (finalized) await collectFinalSets(run);
}, 300_000);

afterAll(() => {
  killAllCodex();
  killAllTracers();
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

describe.each(LIVE_MATRIX.map((c) => [c.key] as const))('live trace of %s', (name) => {
  it('is in the store shortly after codex exec exits', () => {
    const s = scenario(name);
    expect(s.waitedMs, `trace incomplete ${LIVE_DEADLINE_MS} ms after exit`).toBeDefined();
  });

  it('has one LLM span per served response, with its id and usage', () => {
    const s = scenario(name);
    expectModelCalls(s.spans, s.result);
  });

  it('has one tool span per call id, with exit code and status', () => {
    const s = scenario(name);
    expectToolCalls(s.spans, s.result);
  });

  it('has the turns under one session root', () => {
    const s = scenario(name);
    expectTurns(s.spans, s.result);
    expectSubagents(s.spans, s.result);
    expect(s.strayChildSpans, "spans under a subagent thread's own trace id").toEqual([]);
  });

  it('is the same span set through watch, backfill and trace', () => {
    const id = scenario(name).result.threadId;
    const watched = finalSets.watch.get(id);
    expect(watched, 'the watcher finalized every session').toBeDefined();
    const canon = (spans: Span[] | undefined): string[] => (spans ?? []).map(canonicalJson).sort();
    expect(canon(watched).length).toBeGreaterThan(0);
    expect(canon(finalSets.backfill.get(id))).toEqual(canon(watched));
    expect(canon(finalSets.trace.get(id))).toEqual(canon(watched));
  });
});

describe('after the live run', () => {
  it('every rollout line reached the store (its cursor passed it)', () => {
    expect((live as LiveRun).latency.n).toBeGreaterThan(0);
    expect((live as LiveRun).unstoredLines).toBe(0);
  });

  it('the watcher stopped cleanly on SIGINT, without warnings', () => {
    expect(watchExit?.code, watchExit?.stderr).toBe(0);
    const logged = (watchExit?.stderr ?? '').split('\n').filter((l) => l.startsWith('{'));
    const levels = logged.map((l) => (JSON.parse(l) as { level: string }).level);
    expect(
      levels.filter((l) => l !== 'info' && l !== 'debug'),
      watchExit?.stderr,
    ).toEqual([]);
  });

  it('backfill and trace read every rollout and count exactly the served work', () => {
    const run = live as LiveRun;
    const all = LIVE_MATRIX.map((c) => scenario(c.key).result);
    const served = all.flatMap((r) => r.served.responses);
    const want = {
      files: findRollouts(run.codexHome).length,
      sessions: all.length,
      modelCalls: served.length,
      toolCalls: served.reduce((a, r) => a + r.toolCalls.length, 0),
      inputTokens: served.reduce((a, r) => a + r.usage.input_tokens, 0),
      outputTokens: served.reduce((a, r) => a + r.usage.output_tokens, 0),
      warnings: 0,
      badLines: 0,
      undeliveredFiles: 0,
    };
    for (const summary of [oneShot.backfill, oneShot.trace]) {
      expect(summary && Object.fromEntries(Object.keys(want).map((k) => [k, summary[k as keyof RunSummary]]))).toEqual(want);
    }
  });

  it("trace wrote each span once, and only spans of the scenarios' traces", () => {
    const ids = oneShot.traceSpans.map((s) => s.spanId);
    expect(new Set(ids).size).toBe(ids.length);
    const grouped = [...finalSets.trace.values()].reduce((a, spans) => a + spans.length, 0);
    expect(grouped).toBe(ids.length);
  });

  it('sessions --json lists every scenario with the served token sums', async () => {
    const run = live as LiveRun;
    const { stdout } = await runTracerOk(['sessions', '--json', '--state-dir', run.stateDir]);
    const rows = JSON.parse(stdout) as SessionSummary[];
    for (const { key: name } of LIVE_MATRIX) {
      const { result } = scenario(name);
      const row = rows.find((r) => r.sessionId === result.threadId);
      const served = result.served.responses;
      const sum = (f: (u: (typeof served)[number]['usage']) => number): number => served.reduce((a, r) => a + f(r.usage), 0);
      expect({ llm: row?.llmCalls, input: row?.inputTokens, cached: row?.cachedTokens, output: row?.outputTokens }, name).toEqual({
        llm: served.length,
        input: sum((u) => u.input_tokens),
        cached: sum((u) => u.cached_tokens),
        output: sum((u) => u.output_tokens),
      });
      expect(row?.durationMs, `${name} finalized`).not.toBeNull();
    }
    expect(rows).toHaveLength(LIVE_MATRIX.length);
  });
});

/** JSON with object keys sorted, so equal spans compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
