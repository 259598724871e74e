/**
 * The trace of every real fixture session (5 Codex versions × 9 scenarios) checked
 * against the ground truth recorded by the mock model server that served it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import type { Span } from '../../src/trace/span.js';
import { foldSpans } from '../../src/trace/reduce.js';
import { assertWellFormed, byKind, num, traceLines } from './records.js';

const ROOT = join(import.meta.dirname, '../../fixtures');
const VERSIONS = readdirSync(ROOT)
  .filter((d) => d.startsWith('codex-'))
  .sort();

interface Truth {
  model_calls: number;
  model_calls_compaction: number;
  usage_sum: { input: number; cached: number; output: number; reasoning: number; total: number };
  usage_per_request: { response_id: string; compaction: boolean; usage: { input_tokens: number; output_tokens: number } }[];
  tool_calls: { call_id: string; name: string }[];
  failing_calls: { call_id: string; expected_exit_code: number }[];
  turns: number;
  compactions: number;
  subagents: string[];
  thread_id: string;
}

function scenarios(version: string): string[] {
  return readdirSync(join(ROOT, version))
    .filter((f) => f.endsWith('.jsonl') && !f.includes('.1.'))
    .map((f) => f.replace('.jsonl', ''))
    .sort();
}

function truthOf(version: string, scenario: string): Truth {
  return JSON.parse(readFileSync(join(ROOT, version, `${scenario}.truth.json`), 'utf8')) as Truth;
}

async function traceScenario(version: string, scenario: string): Promise<Span[]> {
  const files = [join(ROOT, version, `${scenario}.jsonl`)];
  const child = join(ROOT, version, `${scenario}.1.jsonl`);
  if (readdirSync(join(ROOT, version)).includes(`${scenario}.1.jsonl`)) files.push(child);
  return (await traceInMemory(files)).spans;
}

const sum = (spans: Span[], key: string): number => spans.reduce((a, s) => a + num(s, key), 0);

describe.each(VERSIONS)('%s', (version) => {
  it.each(scenarios(version))('%s matches the ground truth', async (scenario) => {
    const truth = truthOf(version, scenario);
    const spans = await traceScenario(version, scenario);
    assertWellFormed(spans);
    const mainTrace = spans.filter((s) => s.traceId === truth.thread_id.replace(/-/g, ''));
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1); // subagent files join the parent's trace
    expect(byKind(mainTrace, 'session')).toHaveLength(1);
    const session = byKind(mainTrace, 'session')[0] as Span;
    expect(session.attributes['gen_ai.conversation.id']).toBe(truth.thread_id);
    expect(session.endTime).not.toBeNull();

    // the main thread's own spans (a subagent's spans live in the same trace, under the subagent span)
    const childIds = new Set(truth.subagents);
    const own = spans.filter((s) => !childIds.has(String(s.attributes['codex.thread.id'])));
    const turns = byKind(own, 'turn');
    expect(turns).toHaveLength(truth.turns);
    expect(turns.map((t) => t.attributes['codex.turn.index']).sort()).toEqual(turns.map((_, i) => i + 1));
    const llm = byKind(own, 'llm');
    expect(llm).toHaveLength(truth.model_calls);
    const tools = byKind(own, 'tool');
    expect(tools.map((t) => t.attributes['gen_ai.tool.call.id']).sort()).toEqual(truth.tool_calls.map((c) => c.call_id).sort());

    if (version === 'codex-0.20.0') {
      // 0.20 persists no usage at all: nothing may be invented
      expect(llm.every((s) => s.attributes['gen_ai.usage.input_tokens'] === undefined)).toBe(true);
    } else {
      expect(sum(llm, 'gen_ai.usage.input_tokens')).toBe(truth.usage_sum.input);
      expect(sum(llm, 'gen_ai.usage.cache_read.input_tokens')).toBe(truth.usage_sum.cached);
      expect(sum(llm, 'gen_ai.usage.output_tokens')).toBe(truth.usage_sum.output);
      expect(sum(llm, 'gen_ai.usage.reasoning.output_tokens')).toBe(truth.usage_sum.reasoning);
      for (const s of llm) {
        expect(num(s, 'gen_ai.usage.cache_read.input_tokens')).toBeLessThanOrEqual(num(s, 'gen_ai.usage.input_tokens'));
        expect(num(s, 'gen_ai.usage.reasoning.output_tokens')).toBeLessThanOrEqual(num(s, 'gen_ai.usage.output_tokens'));
        expect(num(s, 'codex.usage.total_tokens')).toBe(num(s, 'gen_ai.usage.input_tokens') + num(s, 'gen_ai.usage.output_tokens'));
      }
    }
    if (version === 'codex-0.169.0') {
      // token_usage_record: one per response, with its id
      expect(llm.map((s) => s.attributes['gen_ai.response.id']).sort()).toEqual(truth.usage_per_request.map((u) => u.response_id).sort());
      for (const u of truth.usage_per_request) {
        const s = llm.find((x) => x.attributes['gen_ai.response.id'] === u.response_id) as Span;
        expect(num(s, 'gen_ai.usage.input_tokens')).toBe(u.usage.input_tokens);
        expect(num(s, 'gen_ai.usage.output_tokens')).toBe(u.usage.output_tokens);
      }
    }

    for (const f of truth.failing_calls) {
      const t = tools.find((x) => x.attributes['gen_ai.tool.call.id'] === f.call_id) as Span;
      expect(t.attributes['codex.tool.exit_code']).toBe(f.expected_exit_code);
      expect(t.status).toBe('error');
      expect(turns[0]?.status).toBe('ok'); // the turn still completes
    }
    for (const t of tools.filter((x) => !truth.failing_calls.some((f) => f.call_id === x.attributes['gen_ai.tool.call.id']))) {
      expect(t.status).toBe('ok');
    }

    const comps = byKind(own, 'compaction');
    expect(comps).toHaveLength(truth.compactions);
    for (const c of comps) {
      const compLlm = llm.filter((s) => s.parentSpanId === c.spanId);
      // Codex up to ~0.39 records no usage for the compaction request; every version here does
      expect(compLlm).toHaveLength(1);
      expect(turns.some((t) => t.spanId === c.parentSpanId)).toBe(true);
    }
    expect(llm.filter((s) => comps.some((c) => c.spanId === s.parentSpanId))).toHaveLength(truth.model_calls_compaction);

    // model calls of a turn follow each other: each starts where the previous child ended, none overlap
    for (const turn of turns) {
      const calls = llm.filter((s) => s.parentSpanId === turn.spanId).sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
      for (let i = 1; i < calls.length; i++) expect((calls[i - 1] as Span).endTime! <= (calls[i] as Span).startTime).toBe(true);
    }
    if (scenario === 'b-shell') {
      // the first call ends at its last output item (the tool call), not at a token_count written after the tool ran
      const first = llm.sort((a, b) => (a.startTime < b.startTime ? -1 : 1))[0] as Span;
      // (a tool span covers the execution where the format says when it ran: the wait before it is an attribute)
      const tool = tools[0] as Span;
      expect(Date.parse(first.endTime as string) + num(tool, 'codex.tool.wait_ms')).toBe(Date.parse(tool.startTime));
    }

    const subs = byKind(spans, 'subagent');
    expect(subs.map((s) => s.attributes['codex.subagent.thread_id'])).toEqual(truth.subagents);
    for (const sa of subs) {
      expect(sa.attributes['codex.subagent.parent_thread_id']).toBe(truth.thread_id);
      expect(turns.some((t) => t.spanId === sa.parentSpanId)).toBe(true); // under the spawning turn
      const childTurns = byKind(spans, 'turn').filter((t) => t.parentSpanId === sa.spanId);
      expect(childTurns.length).toBeGreaterThan(0);
      expect(byKind(spans, 'llm').some((s) => childTurns.some((t) => t.spanId === s.parentSpanId))).toBe(true);
    }
  });
});

describe('determinism and order independence', () => {
  it('gives the same ids in every run and whatever the order of files', async () => {
    const dir = join(ROOT, 'codex-0.169.0');
    const a = await traceInMemory([join(dir, 'i-subagent.jsonl'), join(dir, 'i-subagent.1.jsonl')]);
    const b = await traceInMemory([join(dir, 'i-subagent.1.jsonl'), join(dir, 'i-subagent.jsonl')]);
    expect(JSON.stringify(b.spans)).toBe(JSON.stringify(a.spans));
  });

  it('traces a subagent file alone as its own trace, linked by attribute', async () => {
    const dir = join(ROOT, 'codex-0.140.0');
    const { spans } = await traceInMemory([join(dir, 'i-subagent.1.jsonl')]);
    assertWellFormed(spans);
    const root = byKind(spans, 'session');
    expect(root).toHaveLength(1);
    expect(root[0]?.attributes['codex.parent_thread_id']).toBe(truthOf('codex-0.140.0', 'i-subagent').thread_id);
  });

  it('keeps a resumed session in one trace with two turns', async () => {
    for (const v of VERSIONS) {
      const { spans } = await traceInMemory([join(ROOT, v, 'f-resume.jsonl')]);
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
      expect(byKind(spans, 'turn')).toHaveLength(2);
    }
  });
});

/**
 * Where a format writes a usage record for each response (0.160+: `token_usage_record`, which
 * brings the response id its span is keyed by), a response's items and that record are written
 * within a millisecond or two: an idle pause cannot fall between them. A cut there moves past the
 * record (what a pause in that window gives is tested in cutoff-keyed.test.ts).
 */
function pastWritingResponse(lines: string[], cut: number): number {
  if (!lines.some((l) => l.includes('"type":"token_usage_record"'))) return cut;
  const writing = (l: string): boolean => {
    const v = JSON.parse(l) as { type?: string; payload?: { type?: string; role?: string } };
    if (v.type !== 'response_item') return false;
    const t = v.payload?.type ?? '';
    return t === 'message' ? v.payload?.role === 'assistant' : !t.endsWith('_output');
  };
  let c = cut;
  for (;;) {
    const last = lines.slice(0, c).findLast((l) => l.includes('"type":"response_item"') || l.includes('"type":"token_usage_record"'));
    if (last === undefined || !writing(last) || c >= lines.length) return c;
    c++;
  }
}

describe('a session that goes idle in the middle of a turn and then goes on', () => {
  it.each(VERSIONS.filter((v) => v !== 'codex-0.20.0'))('%s: gives the same spans as one that never paused', (version) => {
    const lines = readFileSync(join(ROOT, version, 'e-multi-tool.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const whole = traceLines(lines, { file: 'e.jsonl' });
    for (const at of [6, 10, 14, Math.floor(lines.length / 2)]) {
      const cut = pastWritingResponse(lines, at);
      const paused = traceLines(lines.slice(0, cut), { file: 'e.jsonl' });
      // the idle session was sent as ended; then the rest of the file arrives
      const rest = lines.slice(cut).flatMap((l) => paused.proc.push({ offset: 0, text: l }));
      const final = foldSpans([...paused.effects, ...rest, ...paused.proc.finalize()]);
      expect([...final.values()].sort((a, b) => (a.spanId < b.spanId ? -1 : 1))).toEqual(whole.spans.sort((a, b) => (a.spanId < b.spanId ? -1 : 1)));
    }
  });
});
