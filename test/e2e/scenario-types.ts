/** Shapes of the end-to-end scenarios (see `scenarios.ts`). */
import type { Step } from './mock-types.js';

/** What a scenario's run must show, checkable without the tracer. */
export interface ScenarioExpectation {
  /** Model responses served in all (parent and subagent threads, compaction included). */
  responses: number;
  compactions: number;
  /** Tool call ids the model issued; each must appear in a rollout. */
  callIds: string[];
  /** Subagent threads (each has its own rollout file). */
  subagents: number;
  /** Call ids of commands expected to fail, with their exit code. */
  failing: { callId: string; exitCode: number }[];
}

/** One scripted Codex session: the user's prompts and the mock model's answers. */
export interface Scenario {
  name: string;
  description: string;
  /** The first prompt starts the session; each further one is `codex exec resume <thread>`. */
  prompts: string[];
  /** Extra top-level `config.toml` lines. */
  extraConfig?: string[];
  /** Extra `config.toml` tables (e.g. `[mcp_servers.echo]`), after the others. */
  extraTables?: string[];
  /** Prepares the work directory before Codex starts. */
  setup?: (workdir: string) => void;
  /**
   * How the `codex exec` runs end: `complete` (default; a run that fails is an error),
   * `may-fail` (a failing model request makes `codex exec` exit non-zero: expected),
   * `interrupt` (the first run is sent SIGINT once the mock's scripted stall begins).
   */
  runs?: 'complete' | 'may-fail' | 'interrupt';
  /** Runs the first prompt as `codex exec review PROMPT` (a code review) instead of a plain prompt. */
  review?: boolean;
  steps: Step[];
  expect: ScenarioExpectation;
}
