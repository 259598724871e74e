/**
 * The pure core on hand-made records: the cases the real fixtures do not have.
 * Records in, final spans out; no file system, no timers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { makeContentFilter } from '../../src/content/redact.js';
import { DEFAULT_CONTENT } from '../../src/content/options.js';
import type { Span } from '../../src/trace/span.js';
import { assertWellFormed, byKind, ev, fcall, fout, item, meta, num, resetClock, say, traceLines, usage, env } from './records.js';

const T = '11111111-2222-4333-8444-555555555555';
const start = (turnId: string): object => ev({ type: 'task_started', turn_id: turnId });
const done = (turnId: string, extra: object = {}): object => ev({ type: 'task_complete', turn_id: turnId, last_agent_message: 'ok', ...extra });
const prompt = (text: string): object => ev({ type: 'user_message', message: text });

beforeEach(() => resetClock());

describe('turns', () => {
  it('ends an aborted turn with status error and the reason', () => {
    const { spans } = traceLines([meta(T), start('t1'), prompt('hi'), ev({ type: 'turn_aborted', turn_id: 't1', reason: 'interrupted' })]);
    const [turn] = byKind(spans, 'turn');
    expect(turn?.status).toBe('error');
    expect(turn?.statusMessage).toContain('interrupted');
  });

  it('ends a turn whose task_complete carries an error with status error', () => {
    const { spans } = traceLines([meta(T), start('t1'), prompt('hi'), done('t1', { error: { message: 'stream disconnected', codex_error_info: 'other' } })]);
    expect(byKind(spans, 'turn')[0]?.statusMessage).toBe('stream disconnected');
  });

  it('infers turns from user prompts in formats without task_started, never from injected context', () => {
    const legacy = [
      { id: T, timestamp: '2025-08-01T00:00:00.000Z', instructions: null },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n<cwd>/w</cwd>\n</environment_context>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first question' }] },
      { record_type: 'state' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer 1' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>x</INSTRUCTIONS>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second question' }] },
      { record_type: 'state' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer 2' }] },
    ];
    const { spans } = traceLines(legacy);
    assertWellFormed(spans);
    const turns = byKind(spans, 'turn');
    expect(turns.map((t) => t.attributes['input.value'])).toEqual(['first question', 'second question']);
    expect(turns.map((t) => t.attributes['output.value'])).toEqual(['answer 1', 'answer 2']);
    expect(turns.every((t) => t.status === 'ok')).toBe(true);
  });

  it('keeps a turn that only compacts', () => {
    const { spans } = traceLines([meta(T), start('t1'), env('compacted', { message: 'summary' }), done('t1')]);
    const [turn] = byKind(spans, 'turn');
    expect(byKind(spans, 'compaction')[0]?.parentSpanId).toBe(turn?.spanId);
  });

  it('ends a turn at a token budget abort', () => {
    const { spans } = traceLines([meta(T), start('t1'), prompt('x'), ev({ type: 'token_budget_abort' })]);
    expect(byKind(spans, 'turn')[0]?.statusMessage).toBe('token budget exhausted');
  });
});

describe('model calls and usage', () => {
  it('counts a token_count only when the cumulative total moves (re-emits, info:null, estimates)', () => {
    const { spans } = traceLines([
      meta(T),
      start('t1'),
      prompt('q'),
      ev({ type: 'token_count', info: null }),
      say('a'),
      usage(100, 100),
      usage(100, 100), // re-emit: unchanged total
      ev({
        type: 'token_count',
        info: { total_token_usage: { input_tokens: 100, total_tokens: 100 }, last_token_usage: { input_tokens: 0, total_tokens: 0 } },
      }),
      done('t1'),
    ]);
    const llm = byKind(spans, 'llm');
    expect(llm).toHaveLength(1);
    expect(num(llm[0] as Span, 'gen_ai.usage.input_tokens')).toBe(100);
  });

  it('groups parallel calls written as call, output, call, output into one model call', () => {
    const { spans } = traceLines([
      meta(T),
      start('t1'),
      prompt('q'),
      env('turn_context', { model: 'm1' }),
      usage(10, 10),
      fcall('a'),
      fout('a'),
      fcall('b'),
      fout('b'),
      env('turn_context', { model: 'm1' }),
      usage(10, 10),
      usage(30, 20),
      say('done'),
      done('t1'),
    ]);
    const llm = byKind(spans, 'llm');
    expect(llm).toHaveLength(2);
    expect(llm.map((s) => s.attributes['codex.llm.tool_calls'] ?? [])).toEqual([['exec_command', 'exec_command'], []]);
    expect(llm.map((s) => s.name)).toEqual(['chat m1', 'chat m1']);
  });

  it('uses token_usage_record (with response id) and ignores token_count in files that have it', () => {
    const rec = (rid: string, n: number): object =>
      env('token_usage_record', {
        turn_id: 't1',
        response_id: rid,
        usage: { input_tokens: n, cached_input_tokens: 1, output_tokens: 2, reasoning_output_tokens: 1, total_tokens: n + 2 },
      });
    const { spans } = traceLines([
      meta(T),
      start('t1'),
      prompt('q'),
      fcall('a'),
      rec('resp_1', 50),
      fout('a'),
      usage(52, 52),
      say('x'),
      rec('resp_2', 60),
      usage(114, 62),
      done('t1'),
    ]);
    const llm = byKind(spans, 'llm');
    expect(llm.map((s) => s.attributes['gen_ai.response.id'])).toEqual(['resp_1', 'resp_2']);
    expect(llm.reduce((a, s) => a + num(s, 'gen_ai.usage.input_tokens'), 0)).toBe(110);
  });

  it('gives the compaction request its own LLM span under the compaction span', () => {
    const { spans } = traceLines([
      meta(T),
      start('t1'),
      prompt('q'),
      fcall('a'),
      usage(10, 10),
      fout('a'),
      say('## summary'),
      usage(17, 7),
      env('compacted', { message: 'prefix ## summary' }),
      say('answer'),
      usage(20, 3),
      ev({ type: 'task_complete', turn_id: 't1' }),
    ]);
    const [comp] = byKind(spans, 'compaction');
    const under = byKind(spans, 'llm').filter((s) => s.parentSpanId === comp?.spanId);
    expect(under).toHaveLength(1);
    expect(num(under[0] as Span, 'gen_ai.usage.input_tokens')).toBe(7);
    expect(byKind(spans, 'turn')[0]?.attributes['output.value']).toBe('answer');
  });
});

describe('tool calls', () => {
  it('ends a call still without output at the turn end with an error', () => {
    const { spans } = traceLines([meta(T), start('t1'), prompt('q'), fcall('a'), usage(5, 5), done('t1')]);
    const [tool] = byKind(spans, 'tool');
    expect(tool?.status).toBe('error');
    expect(tool?.statusMessage).toBe('no output before the turn ended');
  });

  it('keeps a call whose turn id matches no open turn, and an output that comes before its call', () => {
    const { spans, warnings } = traceLines([
      meta(T),
      start('t1'),
      prompt('q'),
      fout('early', 'Exit code: 2\nOutput:\nboom'),
      item({
        type: 'function_call',
        name: 'shell_command',
        arguments: '{"command":"false"}',
        call_id: 'early',
        internal_chat_message_metadata_passthrough: { turn_id: 'zzz' },
      }),
      done('t1'),
    ]);
    const [tool] = byKind(spans, 'tool');
    expect(tool?.attributes['codex.tool.exit_code']).toBe(2);
    expect(tool?.status).toBe('error');
    expect(tool?.attributes['codex.tool.command']).toBe('false');
    expect(warnings).toEqual([]);
  });

  it('traces hosted web search (no output item) and local_shell_call', () => {
    const { spans } = traceLines([
      meta(T),
      start('t1'),
      prompt('q'),
      item({ type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'x' } }),
      item({ type: 'local_shell_call', call_id: 'ls_1', status: 'completed', action: { type: 'exec', command: ['bash', '-lc', 'echo hi'] } }),
      fout('ls_1', '{"output":"hi\\n","metadata":{"exit_code":0,"duration_seconds":0.5}}'),
      done('t1'),
    ]);
    const tools = byKind(spans, 'tool');
    expect(tools.map((t) => [t.attributes['gen_ai.tool.name'], t.status])).toEqual([
      ['web_search', 'ok'],
      ['local_shell', 'ok'],
    ]);
    expect(tools[1]?.attributes['codex.tool.command']).toBe('echo hi');
    expect(tools[1]?.attributes['codex.tool.duration_ms']).toBe(500);
  });

  it('takes exit codes from exec_command_end and patch_apply_end', () => {
    const { spans } = traceLines([
      meta(T),
      start('t1'),
      prompt('q'),
      fcall('a'),
      fcall('p', 'apply_patch', '{}'),
      ev({ type: 'exec_command_end', call_id: 'a', exit_code: 7, duration: { secs: 1, nanos: 5e8 }, command: ['bash', '-lc', 'make'], cwd: '/w' }),
      ev({ type: 'patch_apply_end', call_id: 'p', success: false, stderr: 'no such file' }),
      fout('a', 'failed'),
      fout('p', 'failed'),
      done('t1'),
    ]);
    const [a, p] = byKind(spans, 'tool');
    expect([a?.attributes['codex.tool.exit_code'], a?.attributes['codex.tool.duration_ms'], a?.status]).toEqual([7, 1500, 'error']);
    expect([p?.status, p?.statusMessage]).toEqual(['error', 'no such file']);
  });
});

describe('sessions, forks and subagents', () => {
  it('produces no spans or usage from inherited history after a foreign session_meta', () => {
    const lines = [meta(T), env('session_meta', { id: 'parent-thread', cwd: '/w' }, 1)];
    for (let i = 0; i < 5; i++) lines.push(start(`p${i}`), prompt('old'), say('old answer'), usage(100 * (i + 1), 100), done(`p${i}`));
    lines.push(start('own'));
    lines[lines.length - 1] = ev({ type: 'task_started', turn_id: 'own' }, 5000);
    lines.push(prompt('mine'), say('my answer'), usage(600, 42), done('own'));
    const { spans } = traceLines(lines as object[]);
    assertWellFormed(spans);
    expect(byKind(spans, 'turn')).toHaveLength(1);
    const llm = byKind(spans, 'llm');
    expect(llm).toHaveLength(1);
    expect(num(llm[0] as Span, 'gen_ai.usage.input_tokens')).toBe(42);
  });

  it('treats a repeated session_meta with the same id as a refresh', () => {
    const { spans } = traceLines([meta(T), start('t1'), prompt('a'), done('t1'), meta(T), start('t2'), prompt('b'), done('t2')]);
    expect(byKind(spans, 'session')).toHaveLength(1);
    expect(byKind(spans, 'turn')).toHaveLength(2);
  });

  it('puts a subagent under its parent trace, or its own trace when the parent is unknown', () => {
    const child = [
      meta('child-thread', { session_id: T, source: { subagent: { thread_spawn: { parent_thread_id: T, depth: 1 } } } }),
      start('c1'),
      prompt('task'),
      say('done'),
      done('c1'),
    ];
    const inParent = traceLines(child, { parentKnown: () => true });
    expect(byKind(inParent.spans, 'session')).toHaveLength(0);
    expect(inParent.spans[0]?.traceId).toBe(T.replace(/-/g, ''));
    const alone = traceLines(child, { parentKnown: () => false });
    assertWellFormed(alone.spans);
    expect(byKind(alone.spans, 'session')[0]?.attributes['codex.parent_thread_id']).toBe(T);
  });

  it('re-opens a finalized session on resume and marks the second end as a repeat', () => {
    const first = [meta(T), start('t1'), prompt('a'), done('t1')];
    const { effects, proc } = traceLines(first);
    expect(effects.filter((e) => e.type === 'span_ended' && e.span.kind === 'session')).toHaveLength(1);
    const more = [start('t2'), prompt('b'), done('t2')].map((l) => proc.push({ offset: 0, text: JSON.stringify(l) })).flat();
    expect(more.some((e) => e.type === 'span_updated' && e.span.kind === 'session' && e.span.endTime === null)).toBe(true);
    const end = proc.finalize().find((e) => e.type === 'span_ended' && e.span.kind === 'session');
    expect(end && end.type === 'span_ended' && end.repeat).toBe(true);
  });
});

describe('bad input and dialects', () => {
  it('skips bad lines with a warning naming the byte offset and traces the rest', () => {
    const { spans, warnings, proc } = traceLines([
      meta(T),
      '{"truncated',
      'garbage',
      JSON.stringify(start('t1')),
      '[1,2]',
      prompt('q'),
      env('brand_new_record', { x: 1 }),
      ev({ type: 'brand_new_event' }),
      done('t1'),
    ]);
    expect(warnings.map((w) => w.code)).toEqual(['bad_line', 'bad_line', 'bad_line']);
    expect(warnings[0]?.offset).toBeGreaterThan(0);
    expect(byKind(spans, 'turn')).toHaveLength(1);
    expect(proc.stats.unknown).toEqual({ brand_new_record: 1, 'event_msg:brand_new_event': 1 });
  });

  it('never quotes a bad line in its warning (it may hold a secret)', () => {
    const secret = 'sk-proj-' + 'Z9y8X7w6V5u4T3s2'.repeat(3);
    const { warnings } = traceLines([meta(T), `{"cmd": ${secret}}`, `garbage ${secret}`, `{"cut": "${secret}`]);
    expect(warnings).toHaveLength(3);
    expect(warnings.every((w) => w.message.startsWith('not JSON') && !w.message.includes('sk-'))).toBe(true);
    expect(warnings[2]?.message).toBe('not JSON (cut short)');
  });

  it('reads a legacy file that a newer Codex resumed with envelope lines', () => {
    const { spans } = traceLines([
      { id: T, timestamp: '2025-08-01T00:00:00.000Z', instructions: null },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'old prompt' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'old answer' }] },
      start('t2'),
      prompt('new prompt'),
      say('new answer'),
      usage(10, 10),
      done('t2'),
    ]);
    assertWellFormed(spans);
    expect(byKind(spans, 'turn').map((t) => t.attributes['input.value'])).toEqual(['old prompt', 'new prompt']);
  });

  it('redacts content before it leaves the reducer, and keeps none with --content none', () => {
    const secret = 'sk-proj-' + 'A1b2C3d4E5f6G7h8'.repeat(3);
    const lines = [
      meta(T),
      start('t1'),
      prompt(`use ${secret}`),
      fcall('a', 'exec_command', JSON.stringify({ cmd: `curl -H "Authorization: Bearer ${secret}"` })),
      fout('a', secret),
      done('t1'),
    ];
    const { effects } = traceLines(lines);
    expect(JSON.stringify(effects)).not.toContain(secret);
    const none = traceLines(lines, { content: makeContentFilter({ ...DEFAULT_CONTENT, mode: 'none' }) });
    expect(none.spans.some((s) => 'input.value' in s.attributes || 'output.value' in s.attributes)).toBe(false);
  });
});
