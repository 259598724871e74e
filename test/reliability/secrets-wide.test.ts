/**
 * The wide leak corpus (106 formats, test/reliability/leak-corpus.ts) planted in every content
 * position of real rollouts — prompt, answer, tool arguments, tool output (plain, JSON-escaped and
 * coloured), reasoning summary, an MCP tool result — and traced into every sink at once. Counts
 * what reaches each sink (store bytes incl. WAL and the spans read back, jsonl, OTLP bodies,
 * Braintrust bodies, logs) and prints the figures the README quotes; each must be zero.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cli, jsonlSpans, storedSpans } from '../helpers/cli.js';
import { fixtureText, putRollout, withNewIds } from '../helpers/fixtures.js';
import type { MockServer } from '../helpers/http.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { LEAK_CORPUS } from './leak-corpus.js';
import { leaks, plantSecrets } from './plant.js';
import { dirBytes, traceEverywhere } from './trace-everywhere.js';

let servers: MockServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});
afterAll(runCleanups);

const TEXT = LEAK_CORPUS.map((p) => p.text).join('\n');
/** each format as written, inside JSON-escaped tool output, and in colour */
const BLOB = [TEXT, JSON.stringify({ output: TEXT, metadata: { exit_code: 0 } }), `\x1b[33m${TEXT.replace(/\n/g, '\x1b[0m\n\x1b[33m')}\x1b[0m`].join('\n');
const SECRETS = [...new Set(LEAK_CORPUS.flatMap((p) => p.secrets))];

/** an MCP tool call and its result (Codex's function_call / function_call_output shapes) after line `at` */
function withMcpCall(rollout: string, at: number): string {
  const lines = rollout.split('\n');
  const base = JSON.parse(lines[at] as string) as { timestamp: string; payload: Record<string, unknown> };
  const call = {
    ...base,
    payload: { type: 'function_call', name: 'mcp__docs__fetch_page', arguments: JSON.stringify({ url: 'https://docs.internal/setup' }), call_id: 'call_mcp_1' },
  };
  const output = {
    ...base,
    payload: { type: 'function_call_output', call_id: 'call_mcp_1', output: JSON.stringify({ content: [{ type: 'text', text: 'page' }], isError: false }) },
  };
  lines.splice(at + 1, 0, JSON.stringify(call), JSON.stringify(output));
  return lines.join('\n');
}

function plantedHome(): string {
  const home = testDir();
  putRollout(home, plantSecrets(withMcpCall(fixtureText('e-multi-tool.jsonl'), 11), BLOB));
  putRollout(home, plantSecrets(fixtureText('g-reasoning.jsonl'), BLOB));
  putRollout(home, plantSecrets(withNewIds(fixtureText('b-shell.jsonl', '0.100.0'), 7), BLOB));
  return home;
}

const POSITIONS = ['prompt', 'answer', 'tool arguments', 'tool output', 'reasoning summary', 'MCP result'];

describe('the wide leak corpus in every position and every sink', () => {
  it('planting reaches every position (redaction off)', async () => {
    const home = plantedHome();
    const dir = join(home, 'sessions/2026/11/25');
    const r = await cli(['--no-redact', '--max-field-bytes', '10000000', 'show', ...readdirSync(dir).map((f) => join(dir, f)), '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const spans = jsonlSpans(r.stdout);
    const text = (pred: (s: (typeof spans)[number]) => boolean, key: string): string => JSON.stringify(spans.filter(pred).map((s) => s.attributes[key]));
    const at: Record<string, string> = {
      prompt: text((s) => s.kind === 'turn', 'input.value'),
      answer: text((s) => s.kind === 'turn', 'output.value'),
      'tool arguments': text((s) => s.kind === 'tool', 'input.value'),
      'tool output': text((s) => s.kind === 'tool', 'output.value'),
      'reasoning summary': text((s) => s.kind === 'llm', 'output.value'),
      'MCP result': text((s) => s.kind === 'tool' && s.attributes['gen_ai.tool.call.id'] === 'call_mcp_1', 'output.value'),
    };
    for (const p of POSITIONS)
      expect(
        SECRETS.filter((x) => !leaks(at[p] ?? '', SECRETS).includes(x)),
        p,
      ).toEqual([]);
    expect(at['reasoning summary']).toContain('Locating the working directory');
  });

  it('no sink receives any of them', async () => {
    const t = await traceEverywhere(plantedHome(), servers, ['--max-field-bytes', '10000000']);
    expect(t.r.code).toBe(0);
    const spans = storedSpans(t.state);
    const perSink: Record<string, string[]> = {
      'local store bytes (db, WAL)': leaks(dirBytes(t.state), SECRETS),
      'local store spans': leaks(JSON.stringify(spans), SECRETS),
      jsonl: leaks(readFileSync(t.out), SECRETS),
      otlp: leaks(Buffer.concat(t.otlp.bodies), SECRETS),
      braintrust: leaks(Buffer.concat(t.bt.bodies), SECRETS),
      logs: leaks(t.r.stdout + t.r.stderr, SECRETS),
    };
    const formatsLeaked = LEAK_CORPUS.filter((p) => p.secrets.some((s) => Object.values(perSink).some((l) => l.includes(s)))).map((p) => p.format);
    process.stderr.write(
      `wide leak corpus: ${LEAK_CORPUS.length} formats × ${POSITIONS.length} positions × 3 forms; leaks per sink: ${Object.entries(perSink)
        .map(([k, v]) => `${k} ${v.length}`)
        .join(', ')}; formats leaked: ${formatsLeaked.length}${formatsLeaked.length ? ` (${formatsLeaked.join('; ')})` : ''}\n`,
    );
    expect(t.otlp.spans().length).toBeGreaterThanOrEqual(spans.length);
    expect(perSink).toEqual(Object.fromEntries(Object.keys(perSink).map((k) => [k, []])));
  });
});
