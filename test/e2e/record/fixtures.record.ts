/**
 * Records the fidelity scenarios (`scenarios-fidelity.ts`) with every installed Codex release
 * and saves each rollout with a truth file (what the mock served) under
 * `fixtures/codex-<version>/`, for the unit tests. Run with `npm run record:fixtures`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CODEX_RELEASES, killAllCodex, runScenario, type ScenarioResult } from '../run-scenario.js';
import { FIDELITY_SCENARIOS } from '../scenarios-fidelity.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'cases');

function truthOf(r: ScenarioResult): Record<string, unknown> {
  const { served } = r;
  const sum = (k: 'input_tokens' | 'cached_tokens' | 'output_tokens' | 'reasoning_tokens' | 'total_tokens'): number =>
    served.responses.reduce((a, s) => a + s.usage[k], 0);
  return {
    codex_version: r.codex.version,
    scenario: r.scenario.name,
    description: r.scenario.description,
    thread_id: r.threadId,
    prompts: r.scenario.prompts,
    runs: r.runs.map((run) => ({ exit_code: run.exitCode, signal: run.signal })),
    model_calls: served.responses.length,
    usage_sum: { input: sum('input_tokens'), cached: sum('cached_tokens'), output: sum('output_tokens'), reasoning: sum('reasoning_tokens'), total: sum('total_tokens') },
    usage_per_request: served.responses.map((s) => ({
      response_id: s.responseId, thread_id: s.threadId, turn_id: s.turnId, step: s.step, usage: s.usage, output: s.itemTypes,
    })),
    failed_requests: served.failed.map((f) => ({
      response_id: f.responseId, thread_id: f.threadId, turn_id: f.turnId, step: f.step, failure: f.failure, output: f.itemTypes,
    })),
    tool_calls: [...served.responses, ...served.failed].flatMap((s) => s.toolCalls),
    subagents: [...new Set(served.responses.filter((s) => s.threadId !== r.threadId).map((s) => s.threadId))],
    unscripted: served.unscripted,
  };
}

afterAll(() => killAllCodex());

describe.each(CODEX_RELEASES.map((c) => [c.version, c] as const))('record with codex %s', (version, codex) => {
  it.each(FIDELITY_SCENARIOS.map((s) => s.name))('%s', async (name) => {
    const r = await runScenario(name, { codex, timeoutMs: 60_000 });
    try {
      const dir = join(FIXTURES, `codex-${version}`);
      mkdirSync(dir, { recursive: true });
      r.rolloutPaths.forEach((path, i) => copyFileSync(path, join(dir, `${name}${i === 0 ? '' : `.${i}`}.jsonl`)));
      writeFileSync(join(dir, `${name}.truth.json`), `${JSON.stringify(truthOf(r), null, 2)}\n`);
      expect(r.served.unscripted).toEqual([]);
    } finally {
      r.dispose();
    }
  });
});
