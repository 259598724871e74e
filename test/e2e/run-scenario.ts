/**
 * Runs one end-to-end scenario with the real Codex CLI against the mock Responses API and
 * returns where Codex wrote its rollouts together with what the mock actually served.
 * Tests that check traces (`codex-tracer watch/backfill/trace`) build on `runScenario`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CODEX_PINNED, codexConfig, findRollouts, prepareCodexDirs, runCodexExec, type CodexRelease, type CodexRun } from './codex.js';
import { startMockResponses, type MockResponsesServer } from './mock-responses.js';
import type { ServedLog } from './mock-types.js';
import { scenarioByName, type Scenario } from './scenarios.js';

export { CODEX_LATEST, CODEX_PINNED, CODEX_RELEASES, killAllCodex, type CodexRelease } from './codex.js';
export type { ServedLog, ServedResponse, ServedToolCall } from './mock-types.js';

export interface RunScenarioOptions {
  /** Hard limit for each `codex exec` process (killed after it). Default 90 s. */
  timeoutMs?: number;
  /** Parent of the scenario's temporary directory. Default: the OS temp dir. */
  tmpRoot?: string;
  /**
   * An existing `CODEX_HOME` to run in (e.g. one a tracer already watches) instead of a
   * fresh one. Its `config.toml` is rewritten for this scenario's mock, so scenarios sharing
   * a home must run one at a time; `dispose()` leaves it in place, and `rolloutPaths` holds
   * only the rollouts this scenario created.
   */
  codexHome?: string;
  /** Awaited before each `codex exec resume` (e.g. to let a watcher finalize the session first). */
  beforeResume?: (threadId: string) => Promise<void>;
  /** Which Codex release runs the scenario (default: the pinned one). */
  codex?: CodexRelease;
}

export interface ScenarioResult {
  scenario: Scenario;
  /** The Codex release that ran it. */
  codex: CodexRelease;
  /** The isolated `CODEX_HOME` (sessions under `sessions/YYYY/MM/DD/`). */
  codexHome: string;
  workdir: string;
  /** The main thread's rollout first, then any subagent rollouts, sorted by path. */
  rolloutPaths: string[];
  served: ServedLog;
  /** Main thread id, from `codex exec --json`'s `thread.started`. */
  threadId: string;
  /** One entry per `codex exec` process (the first run, then each resume). */
  runs: CodexRun[];
  /** Deletes the scenario's temporary directory. */
  dispose(): void;
}

function describeFailure(name: string, run: CodexRun): string {
  const why = run.timedOut ? 'timed out' : `exited ${String(run.exitCode ?? run.signal)}`;
  return `e2e scenario ${name}: codex ${why}\nstderr:\n${run.stderr.slice(-2000)}\nstdout:\n${run.stdout.slice(-2000)}`;
}

function orderRollouts(paths: string[], threadId: string): string[] {
  const isMain = (p: string): boolean => basename(p).includes(threadId);
  return [...paths.filter(isMain), ...paths.filter((p) => !isMain(p))];
}

function promptArgs(scenario: Scenario, prompt: string, threadId: string | undefined): string[] {
  if (threadId !== undefined) return ['resume', threadId, prompt];
  return scenario.review ? ['review', prompt] : [prompt];
}

/** SIGINT to Codex 700 ms after the mock's scripted interrupt point (a stream stalled mid-response, or a response whose tools now run). */
function interruptOnStall(mock: MockResponsesServer): (child: ChildProcess) => void {
  return (child) => {
    void mock.stalled.then(() => setTimeout(() => child.kill('SIGINT'), 700));
  };
}

function runFailed(scenario: Scenario, run: CodexRun, first: boolean): boolean {
  if (run.timedOut) return true;
  if (scenario.runs === 'may-fail') return false;
  // SIGINT: `codex exec` aborts the turn (`turn_aborted`) and exits non-zero (1 in 0.169)
  if (scenario.runs === 'interrupt' && first) return run.exitCode === 0;
  return run.exitCode !== 0;
}

async function runPrompts(
  scenario: Scenario,
  dirs: ReturnType<typeof prepareCodexDirs>,
  mock: MockResponsesServer,
  opts: RunScenarioOptions,
): Promise<{ runs: CodexRun[]; threadId: string }> {
  const runs: CodexRun[] = [];
  let threadId: string | undefined;
  for (const prompt of scenario.prompts) {
    if (threadId !== undefined) await opts.beforeResume?.(threadId);
    const first = runs.length === 0;
    const run = await runCodexExec(dirs, promptArgs(scenario, prompt, threadId), {
      timeoutMs: opts.timeoutMs ?? 90_000,
      codex: opts.codex,
      onSpawn: scenario.runs === 'interrupt' && first ? interruptOnStall(mock) : undefined,
    });
    runs.push(run);
    if (runFailed(scenario, run, first)) throw new Error(describeFailure(scenario.name, run));
    threadId ??= run.threadId;
    if (threadId === undefined) throw new Error(`no thread.started event\n${describeFailure(scenario.name, run)}`);
  }
  if (threadId === undefined) throw new Error(`e2e scenario ${scenario.name} has no prompts`);
  return { runs, threadId };
}

/** Runs the scenario called `name` from start to end; throws when Codex fails or times out. */
export async function runScenario(name: string, opts: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const scenario = scenarioByName(name);
  const mock = await startMockResponses(scenario.steps);
  const codex = opts.codex ?? CODEX_PINNED;
  const root = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), `codex-e2e-${codex.version}-${name}-`));
  const dispose = (): void => rmSync(root, { recursive: true, force: true });
  try {
    const config = codexConfig(mock.origin, scenario.extraConfig, scenario.extraTables);
    const dirs = prepareCodexDirs(root, config, opts.codexHome);
    const before = new Set(findRollouts(dirs.codexHome));
    scenario.setup?.(dirs.workdir);
    const { runs, threadId } = await runPrompts(scenario, dirs, mock, { ...opts, codex });
    return {
      scenario,
      codex,
      codexHome: dirs.codexHome,
      workdir: dirs.workdir,
      rolloutPaths: orderRollouts(
        findRollouts(dirs.codexHome).filter((p) => !before.has(p)),
        threadId,
      ),
      served: mock.served,
      threadId,
      runs,
      dispose,
    };
  } catch (err) {
    // CODEX_E2E_KEEP=1 keeps the Codex home of a failed run for inspection.
    if (process.env.CODEX_E2E_KEEP) throw new Error(`${String(err)}\n(kept ${root})`, { cause: err });
    dispose();
    throw err;
  } finally {
    await mock.close();
  }
}

/** One run of a matrix: a scenario with one Codex release, keyed `<version>/<scenario>`. */
export interface MatrixCase {
  key: string;
  codex: CodexRelease;
  scenario: Scenario;
}

/** Every scenario with each release, pinned release first. */
export function scenarioMatrix(releases: readonly CodexRelease[], scenarios: readonly Scenario[]): MatrixCase[] {
  return releases.flatMap((codex) => scenarios.map((scenario) => ({ key: `${codex.version}/${scenario.name}`, codex, scenario })));
}

/** Runs the cases `concurrency` at a time; each result (or the error it ended with) by key. */
export async function runMatrix(cases: readonly MatrixCase[], concurrency: number, timeoutMs = 90_000): Promise<Map<string, ScenarioResult | Error>> {
  const results = new Map<string, ScenarioResult | Error>();
  const queue = [...cases];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      try {
        results.set(next.key, await runScenario(next.scenario.name, { timeoutMs, codex: next.codex }));
      } catch (err) {
        results.set(next.key, err instanceof Error ? err : new Error(String(err)));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
