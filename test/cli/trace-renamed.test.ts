import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import type { Span } from '../../src/trace/span.js';

const dir = mkdtempSync(join(tmpdir(), 'ct-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('trace of a folder of renamed rollouts still puts a subagent in its parent trace', async () => {
  const out = join(dir, 'spans.jsonl');
  const stdout = new PassThrough().resume();
  const stderr = new PassThrough().resume();
  const code = await main(['node', 'codex-tracer', 'trace', 'fixtures/codex-0.140.0', '--sink', 'jsonl', '--out', out], { stdout, stderr, env: {} });
  expect(code).toBe(0);
  const spans = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Span);
  const subagent = spans.find((s) => s.kind === 'subagent') as Span;
  const childTurns = spans.filter((s) => s.kind === 'turn' && s.parentSpanId === subagent.spanId);
  expect(childTurns).toHaveLength(1);
  expect(childTurns[0]?.traceId).toBe(subagent.traceId);
  expect(spans.filter((s) => s.kind === 'session')).toHaveLength(9);
});
