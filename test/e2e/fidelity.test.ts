/**
 * The real-world cases (`scenarios-fidelity.ts`) run live with both installed Codex releases
 * against the mock, then traced in memory (what `show FILE…` does): an interrupted turn,
 * failing model requests, MCP calls and a code review. Each trace is checked against what
 * the mock served (`test/cases/expect.ts`: statuses, counts, usage, MCP names) — the same
 * checks the unit tests run on the saved recordings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceInMemory, type InMemoryTrace } from '../../src/pipeline/in-memory.js';
import { CASE_EXPECTATIONS } from '../cases/expect.js';
import { truthOf } from '../cases/truth.js';
import { CODEX_RELEASES, killAllCodex, runMatrix, scenarioMatrix, type ScenarioResult } from './run-scenario.js';
import { FIDELITY_SCENARIOS } from './scenarios-fidelity.js';

const MATRIX = scenarioMatrix(CODEX_RELEASES, FIDELITY_SCENARIOS);
let results = new Map<string, ScenarioResult | Error>();
const traces = new Map<string, InMemoryTrace>();

beforeAll(async () => {
  results = await runMatrix(MATRIX, 2, 60_000);
  for (const [key, r] of results) if (!(r instanceof Error)) traces.set(key, await traceInMemory(r.rolloutPaths));
}, 300_000);

afterAll(() => {
  killAllCodex();
  for (const r of results.values()) if (!(r instanceof Error)) r.dispose();
});

describe.each(MATRIX.map((c) => [c.key, c.scenario.name] as const))('%s', (key, name) => {
  it('traces as the mock served it', () => {
    const r = results.get(key);
    if (r === undefined) throw new Error(`${key} did not run`);
    if (r instanceof Error) throw r;
    expect(r.served.unscripted).toEqual([]);
    const check = CASE_EXPECTATIONS[name];
    if (!check) throw new Error(`no expectation for ${name}`);
    check(traces.get(key) as InMemoryTrace, truthOf(r));
  });
});
