/**
 * The truth of a real-world case: what the mock model served, in the shape saved beside each
 * recording (`fixtures/cases/codex-<version>/<case>.truth.json`). The recorder writes it from
 * a live run; the e2e test builds it the same way; unit tests read it from the file.
 */
import type { ScenarioResult } from '../e2e/run-scenario.js';

interface Usage {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
}

export interface CaseTruth {
  codex_version: string;
  scenario: string;
  description: string;
  thread_id: string;
  prompts: string[];
  runs: { exit_code: number | null; signal: string | null }[];
  model_calls: number;
  usage_sum: { input: number; cached: number; output: number; reasoning: number; total: number };
  usage_per_request: { response_id: string; thread_id: string; turn_id?: string; step: string; usage: Usage; output: string[] }[];
  failed_requests: {
    response_id: string;
    thread_id: string;
    turn_id?: string;
    step: string;
    failure: { kind: 'http_error' | 'failed' | 'stall'; status?: number; code?: string; message?: string };
    output: string[];
  }[];
  tool_calls: { callId: string; name: string; type: string; namespace?: string }[];
  subagents: string[];
  unscripted: unknown[];
}

export function truthOf(r: ScenarioResult): CaseTruth {
  const { served } = r;
  const sum = (k: keyof Usage): number => served.responses.reduce((a, s) => a + s.usage[k], 0);
  return {
    codex_version: r.codex.version,
    scenario: r.scenario.name,
    description: r.scenario.description,
    thread_id: r.threadId,
    prompts: r.scenario.prompts,
    runs: r.runs.map((run) => ({ exit_code: run.exitCode, signal: run.signal })),
    model_calls: served.responses.length,
    usage_sum: {
      input: sum('input_tokens'),
      cached: sum('cached_tokens'),
      output: sum('output_tokens'),
      reasoning: sum('reasoning_tokens'),
      total: sum('total_tokens'),
    },
    usage_per_request: served.responses.map((s) => ({
      response_id: s.responseId,
      thread_id: s.threadId,
      turn_id: s.turnId,
      step: s.step,
      usage: s.usage,
      output: s.itemTypes,
    })),
    failed_requests: served.failed.map((f) => ({
      response_id: f.responseId,
      thread_id: f.threadId,
      turn_id: f.turnId,
      step: f.step,
      failure: f.failure,
      output: f.itemTypes,
    })),
    tool_calls: [...served.responses, ...served.failed].flatMap((s) => s.toolCalls),
    subagents: [...new Set(served.responses.filter((s) => s.threadId !== r.threadId).map((s) => s.threadId))],
    unscripted: served.unscripted,
  };
}
