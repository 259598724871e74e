/**
 * Runs every end-to-end scenario once with each installed Codex release (the pinned 0.169.0
 * and the newest, 0.171.0) against the mock Responses API (two at a time) and checks what
 * the harness itself can: the rollouts exist, the mock
 * served what the scenario scripted, the call ids and response ids reached the rollouts,
 * resume appended to the same file, subagent files name their parent.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_RELEASES, killAllCodex, runMatrix, scenarioMatrix, type ScenarioResult } from './run-scenario.js';
import { SCENARIOS } from './scenarios.js';

type Line = Record<string, unknown> & { type?: string; payload?: Record<string, unknown> };

let results = new Map<string, ScenarioResult | Error>();

function lines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

function result(key: string): ScenarioResult {
  const r = results.get(key);
  if (r === undefined) throw new Error(`scenario ${key} did not run`);
  if (r instanceof Error) throw r;
  return r;
}

/** Every (release, scenario) pair, keyed `<version>/<scenario>`. */
const MATRIX = scenarioMatrix(CODEX_RELEASES, SCENARIOS);

function payloadsOfType(all: Line[], type: string): Record<string, unknown>[] {
  return all.filter((l) => l.type === type && l.payload).map((l) => l.payload as Record<string, unknown>);
}

function completedItem(all: Line[], id: string): Record<string, unknown> | undefined {
  for (const p of payloadsOfType(all, 'event_msg')) {
    const item = p.item as Record<string, unknown> | undefined;
    if (p.type === 'item_completed' && item?.id === id) return item;
  }
  return undefined;
}

beforeAll(async () => {
  results = await runMatrix(MATRIX, 2);
}, 600_000);

afterAll(() => {
  killAllCodex();
  for (const r of results.values()) if (!(r instanceof Error)) r.dispose();
});

describe.each(MATRIX.map((c) => [c.key, c.codex, c.scenario] as const))('e2e %s', (name, codex, scenario) => {
  it('ran the release it was given', () => {
    const r = result(name);
    expect(r.codex.version).toBe(codex.version);
    const meta = payloadsOfType(lines(r.rolloutPaths[0] ?? ''), 'session_meta')[0];
    expect(meta?.cli_version).toBe(codex.version);
  });

  it('runs to the end and writes the expected rollouts', () => {
    const r = result(name);
    expect(r.rolloutPaths).toHaveLength(1 + scenario.expect.subagents);
    expect(r.rolloutPaths[0]).toContain(r.threadId);
  });

  it('served exactly the scripted responses', () => {
    const { served } = result(name);
    expect(served.unscripted).toEqual([]);
    expect(served.responses).toHaveLength(scenario.expect.responses);
    expect(served.responses.filter((s) => s.compaction)).toHaveLength(scenario.expect.compactions);
    expect(served.responses.map((s) => s.step).sort()).toEqual(scenario.steps.map((s) => s.label).sort());
    const servedIds = served.responses.flatMap((s) => s.toolCalls.map((c) => c.callId));
    expect(servedIds.sort()).toEqual([...scenario.expect.callIds].sort());
  });

  it('the rollouts carry every call id and one usage record per served response', () => {
    const r = result(name);
    const all = r.rolloutPaths.flatMap(lines);
    const callIds = new Set(
      payloadsOfType(all, 'response_item')
        .map((p) => p.call_id)
        .filter((id) => typeof id === 'string'),
    );
    for (const id of scenario.expect.callIds) expect(callIds, id).toContain(id);
    const usageIds = payloadsOfType(all, 'token_usage_record').map((p) => p.response_id);
    expect([...usageIds].sort()).toEqual(r.served.responses.map((s) => s.responseId).sort());
  });

  if (scenario.expect.failing.length > 0)
    it('failing commands keep their exit code', () => {
      const all = lines(result(name).rolloutPaths[0] ?? '');
      for (const f of scenario.expect.failing) expect(completedItem(all, f.callId)?.exit_code).toBe(f.exitCode);
    });

  if (scenario.prompts.length > 1)
    it('resume appends to the same file', () => {
      const r = result(name);
      expect(r.runs.map((run) => run.threadId)).toEqual(scenario.prompts.map(() => r.threadId));
      const all = lines(r.rolloutPaths[0] ?? '');
      expect(payloadsOfType(all, 'session_meta').map((p) => p.id)).toEqual([r.threadId]);
      const turns = payloadsOfType(all, 'event_msg').filter((p) => p.type === 'task_started');
      expect(turns).toHaveLength(scenario.prompts.length);
    });

  if (scenario.expect.subagents > 0)
    it('subagent files name their parent thread', () => {
      const r = result(name);
      for (const path of r.rolloutPaths.slice(1)) {
        const meta = payloadsOfType(lines(path), 'session_meta')[0];
        expect(meta?.parent_thread_id).toBe(r.threadId);
      }
      const childResponses = r.served.responses.filter((s) => s.isSubagent);
      expect(new Set(childResponses.map((s) => s.threadId)).size).toBe(scenario.expect.subagents);
      expect(new Set(childResponses.map((s) => s.parentThreadId))).toEqual(new Set([r.threadId]));
    });
});
