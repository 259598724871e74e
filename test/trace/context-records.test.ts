/**
 * Context records are not tools: Codex adds context for the model as items shaped like tool
 * outputs but naming no call (`name: "goal_objective"`, `additional_context_tool_output: true`,
 * no `call_id`). Injected into real recordings, they leave the trace exactly as it was: no
 * span, no warning, the same model calls and usage.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTR } from '../../src/trace/span.js';
import { assertWellFormed, byKind, traceLines } from './records.js';

const ROOT = join(import.meta.dirname, '../../fixtures');

function recording(version: string, scenario: string): string[] {
  return readFileSync(join(ROOT, version, `${scenario}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/** A context item in the line's own envelope (paginated lines carry `ordinal`), 1 ms after it. */
function contextLike(line: string, payload: Record<string, unknown>): string {
  const rec = JSON.parse(line) as { timestamp: string; ordinal?: number };
  const timestamp = new Date(Date.parse(rec.timestamp) + 1).toISOString();
  return JSON.stringify({ timestamp, ...(rec.ordinal !== undefined ? { ordinal: rec.ordinal } : {}), type: 'response_item', payload });
}

const GOAL = {
  type: 'function_call_output',
  id: 'fco_goal_objective_1',
  name: 'goal_objective',
  output: 'Objective: count the lines of notes.txt. Status: in progress.',
  additional_context_tool_output: true,
};

const CASES = [
  { version: 'codex-0.169.0', scenario: 'b-shell', payload: { ...GOAL, internal_chat_message_metadata_passthrough: { turn_id: 'x' } } },
  { version: 'codex-0.140.0', scenario: 'b-shell', payload: GOAL },
  { version: 'codex-0.140.0', scenario: 'e-multi-tool', payload: { ...GOAL, type: 'custom_tool_call_output', id: undefined } },
];

describe.each(CASES)('$version $scenario with a $payload.type context record after each tool output', ({ version, scenario, payload }) => {
  it('traces exactly as without it: no span, no warning', () => {
    const lines = recording(version, scenario);
    const injected = lines.flatMap((l) => (/"type":"(function|custom_tool)_call_output"/.test(l) ? [l, contextLike(l, payload)] : [l]));
    expect(injected.length).toBeGreaterThan(lines.length);
    const plain = traceLines(lines, { file: `${scenario}.jsonl` });
    const withContext = traceLines(injected, { file: `${scenario}.jsonl` });
    assertWellFormed(withContext.spans);
    expect(withContext.warnings).toEqual([]);
    expect(withContext.proc.stats.warnings ?? 0).toBe(plain.proc.stats.warnings ?? 0);
    const tools = byKind(withContext.spans, 'tool');
    expect(tools.map((t) => t.attributes[ATTR.toolName])).not.toContain('goal_objective');
    expect(tools.map((t) => t.attributes[ATTR.toolName])).not.toContain('unknown');
    expect(withContext.spans).toEqual(plain.spans);
  });
});
