/**
 * The live end-to-end run behind `trace-live.test.ts`: `codex-tracer watch` starts on an
 * empty `CODEX_HOME`, then every scenario runs in that home, one after another (they share
 * its `config.toml`). After each `codex exec` ends, the store is polled until the
 * scenario's trace is complete (or 10 s passed) and that snapshot is kept.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceStore } from '../../src/store/index.js';
import type { Span } from '../../src/trace/span.js';
import { CODEX_RELEASES, runScenario, scenarioMatrix, type MatrixCase, type ScenarioResult } from './run-scenario.js';
import { SCENARIOS } from './scenarios.js';
import { LatencyProbe, openStoreWhenReady, percentiles, pollUntil, storedTrace } from './store-probe.js';
import { traceComplete } from './trace-expect.js';
import { startWatchProcess, type WatchProcess } from './tracer-cli.js';

/**
 * `--idle` of the watcher: short, so every session is finalized soon after its scenario and
 * the watcher's store can be compared with `backfill`/`trace` (which finalize every session).
 */
export const WATCH_IDLE_MS = 2000;

/** How long a scenario's trace may take to appear after `codex exec` exited. */
export const LIVE_DEADLINE_MS = 10_000;

/** Every scenario with each installed release (pinned first), in the order they run. */
export const LIVE_MATRIX: readonly MatrixCase[] = scenarioMatrix(CODEX_RELEASES, SCENARIOS);

export interface LiveScenario {
  result: ScenarioResult;
  /** the scenario's trace as stored when it was complete (or at the deadline) */
  spans: Span[];
  /** ms from the last `codex exec` exit until the trace was complete; undefined if it never was */
  waitedMs: number | undefined;
  /** spans stored under a subagent thread's own trace id (there should be none) */
  strayChildSpans: Span[];
}

export interface LiveRun {
  codexHome: string;
  stateDir: string;
  watch: WatchProcess;
  store: TraceStore;
  scenarios: Map<string, LiveScenario | Error>;
  latency: ReturnType<typeof percentiles>;
  /** rollout lines the store's cursors never passed (there should be none) */
  unstoredLines: number;
}

/**
 * Before a resume, wait until the watcher finalized the session (idle for `--idle`): the
 * resumed turn must then re-open the finalized root, the path a later `codex resume` takes.
 */
async function sessionFinalized(store: TraceStore, threadId: string): Promise<void> {
  const finalized = (): boolean => store.getAllCursors().some((c) => c.sessionId === threadId && c.finalized);
  if (!(await pollUntil(finalized, WATCH_IDLE_MS + LIVE_DEADLINE_MS, 50))) {
    throw new Error(`the watcher did not finalize ${threadId} before the resume`);
  }
}

async function runOne(c: MatrixCase, root: string, codexHome: string, store: TraceStore): Promise<LiveScenario> {
  const result = await runScenario(c.scenario.name, {
    codexHome,
    tmpRoot: root,
    timeoutMs: 90_000,
    codex: c.codex,
    beforeResume: (id) => sessionFinalized(store, id),
  });
  const started = Date.now();
  const done = await pollUntil(() => traceComplete(storedTrace(store, result.threadId), result), LIVE_DEADLINE_MS);
  const children = new Set(result.served.responses.filter((r) => r.isSubagent).map((r) => r.threadId));
  return {
    result,
    spans: storedTrace(store, result.threadId),
    waitedMs: done ? Date.now() - started : undefined,
    strayChildSpans: [...children].flatMap((id) => storedTrace(store, id)),
  };
}

/** Starts the watcher under `root`, runs every scenario live, measures line → store latency. */
export async function runLive(root: string): Promise<LiveRun> {
  const codexHome = join(root, 'codex-home');
  const stateDir = join(root, 'state-watch');
  mkdirSync(join(codexHome, 'sessions'), { recursive: true });
  const watch = await startWatchProcess(['--codex-home', codexHome, '--state-dir', stateDir, '--idle', `${WATCH_IDLE_MS}ms`]);
  const store = await openStoreWhenReady(stateDir);
  const probe = new LatencyProbe(codexHome, store);
  probe.start();
  const scenarios = new Map<string, LiveScenario | Error>();
  try {
    for (const c of LIVE_MATRIX) {
      try {
        scenarios.set(c.key, await runOne(c, root, codexHome, store));
      } catch (err) {
        scenarios.set(c.key, err instanceof Error ? err : new Error(String(err)));
      }
    }
    await pollUntil(() => probe.unmatched === 0, LIVE_DEADLINE_MS);
  } finally {
    probe.stop();
  }
  const latency = percentiles(probe.samples);
  return { codexHome, stateDir, watch, store, scenarios, latency, unstoredLines: probe.unmatched };
}

/** Waits until the watcher finalized every rollout it follows (each session idle for `--idle`). */
export function allFinalized(store: TraceStore, files: number): boolean {
  const cursors = store.getAllCursors();
  return cursors.length === files && cursors.every((c) => c.finalized);
}
