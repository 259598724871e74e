/**
 * Old dialects, on real recordings (fixtures/codex-0.50.0: the 0.3x–0.9x envelope era with a
 * `turn_context` per model request and no task_started/task_complete; fixtures/codex-0.20.0:
 * legacy bare JSONL without timestamps) and on TS-era `.json` documents built to the shapes
 * the issue names: turns end at their last output item, injected wrappers are not turns,
 * typeless TS-era items are messages, each real prompt is a turn.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import { ATTR, type Span } from '../../src/trace/span.js';
import { assertWellFormed, byKind, traceLines } from './records.js';

const ROOT = join(import.meta.dirname, '../../fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'ct-dialects-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lines(version: string, scenario: string): string[] {
  return readFileSync(join(ROOT, version, `${scenario}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

const turnsOf = (spans: Span[]): Span[] => byKind(spans, 'turn').sort((a, b) => Number(a.attributes[ATTR.turnIndex]) - Number(b.attributes[ATTR.turnIndex]));
const childrenOf = (spans: Span[], p: Span): Span[] => spans.filter((s) => s.parentSpanId === p.spanId);
const lastChildEnd = (spans: Span[], p: Span): string =>
  childrenOf(spans, p)
    .map((s) => String(s.endTime))
    .sort()
    .at(-1) ?? '';

/** The line with every timestamp moved `ms` later (a copy of a real record at a later time). */
function later(line: string, ms: number): string {
  const rec = JSON.parse(line) as { timestamp: string };
  return JSON.stringify({ ...rec, timestamp: new Date(Date.parse(rec.timestamp) + ms).toISOString() });
}

describe('0.3x envelope era (turn_context per request, no task_started/task_complete): a turn ends at its last output item', () => {
  it.each(['a-text', 'b-shell', 'd-failing-command', 'e-multi-tool', 'f-resume', 'g-reasoning', 'h-compaction'])('0.50.0 %s', (scenario) => {
    const { spans } = traceLines(lines('codex-0.50.0', scenario), { file: `${scenario}.jsonl` });
    assertWellFormed(spans);
    for (const t of turnsOf(spans)) expect(t.endTime, `turn ${String(t.attributes[ATTR.turnIndex])}`).toBe(lastChildEnd(spans, t));
  });

  it('a turn closed by the next prompt ends at its final answer, not where its last model call started', () => {
    const rec = lines('codex-0.50.0', 'f-resume');
    // a third turn (the first turn's prompt and answer, copied 5 s later) closes turn 2
    const first = rec.findIndex((l) => l.includes('"user_message"')) - 1;
    const answer = rec.findIndex((l) => l.includes('"role":"assistant"'));
    const third = rec.slice(first, answer + 1).map((l) => later(l, 5000));
    const { spans } = traceLines([...rec, ...third], { file: 'f.jsonl' });
    const turns = turnsOf(spans);
    expect(turns).toHaveLength(3);
    const two = turns[1] as Span;
    const calls = childrenOf(spans, two)
      .filter((s) => s.kind === 'llm')
      .sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    expect(calls).toHaveLength(2);
    const finalAnswer = JSON.parse(rec.filter((l) => l.includes('"role":"assistant"')).at(-1) as string) as { timestamp: string };
    expect(two.endTime).toBe(finalAnswer.timestamp);
    expect(two.endTime).toBe(calls[1]?.endTime);
    expect(two.endTime! > (calls[1]?.startTime as string)).toBe(true);
    expect(two.attributes[ATTR.output]).toBe('The number is 42.');
    expect(turns.map((t) => t.status)).toEqual(['ok', 'ok', 'ok']);
  });
});

describe('legacy bare JSONL: injected wrappers are context, not turns', () => {
  const legacyUser = (text: string): string => JSON.stringify({ type: 'message', id: null, role: 'user', content: [{ type: 'input_text', text }] });
  const wrappers = [
    '<user_instructions>\n\nAlways answer in English.\n\n</user_instructions>',
    '\n<user_instructions>\nBe brief.\n</user_instructions>\n\n<environment_context>\n  <cwd>/w</cwd>\n  <approval_policy>never</approval_policy>\n</environment_context>',
    '<environment_context>\n  <cwd>/w</cwd>\n</environment_context>\n<user_instructions>x</user_instructions>',
  ];

  it.each(wrappers.map((w, i) => [i, w] as const))('wrapper %i before the first prompt leaves the two real turns', (_i, wrapper) => {
    const rec = lines('codex-0.20.0', 'f-resume');
    const { spans, warnings } = traceLines([rec[0] as string, legacyUser(wrapper), ...rec.slice(1)], { file: 'f.jsonl' });
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const turns = turnsOf(spans);
    expect(turns.map((t) => t.attributes[ATTR.input])).toEqual([
      'Remember the number 42. Reply OK.',
      'Echo the number I asked you to remember using the shell.',
    ]);
    expect(turns.map((t) => childrenOf(spans, t).length)).toEqual([1, 3]);
  });

  it("a prompt that only starts with a wrapper is still the human's", () => {
    const rec = lines('codex-0.20.0', 'a-text');
    const prompt = '<environment_context><cwd>/w</cwd></environment_context>\nfix the bug please';
    const { spans } = traceLines([rec[0] as string, legacyUser(prompt), ...rec.slice(1)], { file: 'a.jsonl' });
    // no model output between it and the recorded prompt: one turn, both texts its input
    expect(turnsOf(spans).map((t) => t.attributes[ATTR.input])).toEqual([`${prompt}\nSay hello in one short sentence.`]);
  });
});

describe('TS-era .json documents: items without type', () => {
  const doc = {
    session: { id: '5f0c2a9e-1d7b-4c3e-9a51-2b6f8d4e7a10', timestamp: '2025-04-20T09:00:00.000Z', instructions: '' },
    items: [
      { role: 'user', content: [{ type: 'text', text: '<user_instructions>be nice</user_instructions>' }] },
      { role: 'user', content: [{ type: 'text', text: 'list the files' }] },
      { type: 'function_call', id: 'fc_1', name: 'shell', arguments: '{"command":["ls"]}', call_id: 'call_ts_1' },
      { type: 'function_call_output', call_id: 'call_ts_1', output: '{"output":"a.txt\\n","metadata":{"exit_code":0,"duration_seconds":0.01}}' },
      { role: 'assistant', content: [{ type: 'text', text: 'There is a.txt.' }] },
      { role: 'user', content: 'and now say bye' },
      { role: 'assistant', content: [{ type: 'output_text', text: 'Bye.' }] },
    ],
  };

  it('each real prompt is a turn, with its answer; the tool call is in the first', async () => {
    const path = join(tmp, 'rollout-2025-04-20-5f0c2a9e-1d7b-4c3e-9a51-2b6f8d4e7a10.json');
    writeFileSync(path, JSON.stringify(doc));
    const { spans, warnings } = await traceInMemory([path]);
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const turns = turnsOf(spans);
    expect(turns.map((t) => [t.attributes[ATTR.input], t.attributes[ATTR.output], t.status])).toEqual([
      ['list the files', 'There is a.txt.', 'ok'],
      ['and now say bye', 'Bye.', 'ok'],
    ]);
    const tools = byKind(spans, 'tool');
    expect(tools.map((t) => [t.attributes[ATTR.toolCallId], t.attributes[ATTR.exitCode], t.parentSpanId])).toEqual([['call_ts_1', 0, turns[0]?.spanId]]);
    // TS-era documents mark no request boundaries: each turn has its model output, whatever the grouping
    for (const t of turns) expect(childrenOf(spans, t).filter((s) => s.kind === 'llm').length).toBeGreaterThan(0);
    expect(byKind(spans, 'llm').every((s) => turns.some((t) => t.spanId === s.parentSpanId))).toBe(true);
  });
});

describe('lines without timestamps keep file order', () => {
  it('0.20.0 e-multi-tool: every span starts at the header time, yet the spans come in the order of their records', async () => {
    const path = join(ROOT, 'codex-0.20.0', 'e-multi-tool.jsonl');
    const { spans } = await traceInMemory([path]);
    expect(new Set(spans.map((s) => s.startTime)).size).toBe(1); // no line has a time of its own
    const turn = byKind(spans, 'turn')[0] as Span;
    const kids = spans.filter((s) => s.parentSpanId === turn.spanId); // as sorted for show and sinks
    // the file: message, call, output, [state] call, output, call, output, [state] call, output, call, output, [state] message
    const expected = ['llm', 'mkdir', 'llm', 'cat', 'ls', 'llm', 'apply_patch', 'wc', 'llm'];
    const label = (s: Span): string =>
      s.kind === 'llm'
        ? 'llm'
        : (String(s.attributes[ATTR.command])
            .split(/[ ']/)
            .find((w) => w !== '') ?? '');
    expect(kids.map(label)).toEqual(expected);
    const seqs = kids.map((s) => Number(s.attributes[ATTR.seq]));
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('0.20.0 f-resume: turns in file order; timed recordings carry no order attribute', async () => {
    const legacy = await traceInMemory([join(ROOT, 'codex-0.20.0', 'f-resume.jsonl')]);
    expect(legacy.spans.filter((s) => s.kind === 'turn').map((t) => t.attributes[ATTR.turnIndex])).toEqual([1, 2]);
    const timed = await traceInMemory([join(ROOT, 'codex-0.169.0', 'f-resume.jsonl')]);
    expect(timed.spans.some((s) => s.attributes[ATTR.seq] !== undefined)).toBe(false);
  });
});
