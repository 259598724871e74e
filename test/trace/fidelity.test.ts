/**
 * Issue 11 on hand-made records in Codex's own shapes (the protocol types of openai/codex:
 * EventMsg TurnAborted, ExecCommandEnd, TokenCount, review mode; the envelope lines of
 * 0.1xx files), for what the recorded cases do not hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import { ATTR, type Span } from '../../src/trace/span.js';
import { assertWellFormed, byKind, env, ev, fcall, fout, item, meta, num, resetClock, say, traceLines, usage } from './records.js';

const T = '11111111-2222-4333-8444-555555555555';
const TURN = '019a0000-0000-7000-8000-000000000001';
const start = (turnId: string, parent?: string, ms?: number): object =>
  ev(
    {
      type: 'task_started',
      turn_id: turnId,
      model_context_window: 258400,
      ...(parent ? { turn_attribution: { turn_id: turnId, parent_turn_id: parent } } : {}),
    },
    ms,
  );
const done = (turnId: string, extra: object = {}): object => ev({ type: 'task_complete', turn_id: turnId, last_agent_message: null, ...extra });
const prompt = (text: string): object => ev({ type: 'user_message', message: text, images: [] });
const aborted = (turnId: string, reason = 'interrupted'): object => ev({ type: 'turn_aborted', turn_id: turnId, reason, duration_ms: 1200 });
const reasoning = (text: string): object =>
  item({ type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text }], content: null, encrypted_content: 'x' });
const execEnd = (callId: string, turnId: string, extra: object, ms?: number): object =>
  ev(
    {
      type: 'exec_command_end',
      call_id: callId,
      turn_id: turnId,
      command: ['bash', '-lc', 'sleep 5'],
      cwd: '/w',
      stdout: '',
      stderr: '',
      aggregated_output: '',
      formatted_output: '',
      ...extra,
    },
    ms,
  );
const tool = (spans: Span[], callId: string): Span => {
  const t = byKind(spans, 'tool').find((s) => s.attributes[ATTR.toolCallId] === callId);
  if (!t) throw new Error(`no tool ${callId}`);
  return t;
};

beforeEach(() => resetClock());

describe('item 1: interrupted model call', () => {
  it('keeps a response that wrote only reasoning before the abort as an error span ending at the abort, usage absent', () => {
    const { spans, warnings } = traceLines([meta(T), start(TURN), prompt('think'), say('first'), usage(100, 100), reasoning('thinking…'), aborted(TURN)]);
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const [turn] = byKind(spans, 'turn');
    const llm = byKind(spans, 'llm').sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    expect(llm.map((s) => [s.status, s.statusMessage])).toEqual([
      ['ok', undefined],
      ['error', 'interrupted'],
    ]);
    expect(llm[1]?.endTime).toBe(turn?.endTime);
    expect(ATTR.inputTokens in (llm[1] as Span).attributes).toBe(false);
    expect(num(llm[0] as Span, ATTR.inputTokens)).toBe(100);
  });

  it('gives the request in flight when the user interrupted (tool output sent, nothing streamed yet) an error span', () => {
    const { spans } = traceLines([meta(T), start(TURN), prompt('q'), fcall('c1'), usage(10, 10), fout('c1'), aborted(TURN)]);
    const llm = byKind(spans, 'llm').sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    expect(llm.map((s) => s.status)).toEqual(['ok', 'error']);
    expect(llm[1]?.startTime).toBe(tool(spans, 'c1').endTime);
  });

  it('adds no model call when the interrupt stopped a running tool', () => {
    const { spans } = traceLines([meta(T), start(TURN), prompt('q'), fcall('c1'), usage(10, 10), aborted(TURN)]);
    expect(byKind(spans, 'llm').map((s) => s.status)).toEqual(['ok']);
  });
});

describe('item 2: interrupted or late-finishing tool', () => {
  it('updates the tool of an aborted turn from its exec_command_end that comes after turn_aborted: error, exit code kept', () => {
    const { spans, warnings } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      fcall('c1'),
      usage(10, 10),
      aborted(TURN),
      execEnd('c1', TURN, { exit_code: -1, duration: { secs: 3, nanos: 0 }, status: 'failed' }),
      fout('c1', 'Wall time: 3.0 seconds\naborted by user'),
    ]);
    expect(warnings).toEqual([]);
    expect(byKind(spans, 'turn')).toHaveLength(1);
    expect(byKind(spans, 'tool')).toHaveLength(1);
    const t = tool(spans, 'c1');
    expect([t.status, t.statusMessage, t.attributes[ATTR.exitCode]]).toEqual(['error', 'exit code -1', -1]);
    expect(t.attributes[ATTR.output]).toBe('Wall time: 3.0 seconds\naborted by user');
  });

  it('is an error when its output says it was aborted (shell and other tools)', () => {
    const { spans } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      fcall('c1'),
      fcall('c2', 'view_image', '{"path":"a.png"}'),
      usage(10, 10),
      fout('c1', 'Wall time: 1.2 seconds\naborted by user'),
      fout('c2', 'aborted by user after 1.2s'),
      aborted(TURN),
    ]);
    expect([tool(spans, 'c1').status, tool(spans, 'c1').statusMessage]).toEqual(['error', 'aborted by user']);
    expect([tool(spans, 'c2').status, tool(spans, 'c2').statusMessage]).toEqual(['error', 'aborted by user']);
  });

  it('lets a late output without turn id reach only a call its turn cut off, never open a new turn', () => {
    const { spans, warnings } = traceLines([meta(T), start(TURN), prompt('q'), fcall('c1'), usage(10, 10), aborted(TURN), fout('c1', 'aborted')]);
    expect(warnings).toEqual([]);
    expect(byKind(spans, 'turn')).toHaveLength(1);
    expect([tool(spans, 'c1').status, tool(spans, 'c1').statusMessage]).toEqual(['error', 'aborted by user']);
  });
});

describe('item 2: late records naming an ended turn', () => {
  it('traces a model item and its usage record that name an aborted turn in that turn, opening no new one', () => {
    const late = (payload: object): object => item({ ...payload, internal_chat_message_metadata_passthrough: { turn_id: TURN } });
    const { spans, warnings } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      aborted(TURN),
      late({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'too late' }] }),
      env('token_usage_record', {
        turn_id: TURN,
        response_id: 'resp_late',
        usage: { input_tokens: 50, cached_input_tokens: 0, output_tokens: 3, reasoning_output_tokens: 0, total_tokens: 53 },
      }),
    ]);
    expect(warnings).toEqual([]);
    const turns = byKind(spans, 'turn');
    expect(turns).toHaveLength(1);
    const under = byKind(spans, 'llm').filter((s) => s.parentSpanId === turns[0]?.spanId);
    // the request the abort cut off, then the late response with its usage
    expect(under.map((s) => [s.status, num(s, ATTR.inputTokens)])).toEqual([
      ['error', 0],
      ['ok', 50],
    ]);
  });
});

describe('item 2: a usage record written after its turn ended', () => {
  it("completes the turn's last response (sent without usage) instead of making another", () => {
    const { spans } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      say('answer'),
      done(TURN, { last_agent_message: 'answer' }),
      env('token_usage_record', {
        turn_id: TURN,
        response_id: 'resp_9',
        usage: { input_tokens: 70, cached_input_tokens: 0, output_tokens: 4, reasoning_output_tokens: 0, total_tokens: 74 },
      }),
    ]);
    const llm = byKind(spans, 'llm');
    expect(llm.map((s) => [s.status, num(s, ATTR.inputTokens), s.attributes[ATTR.responseId]])).toEqual([['ok', 70, 'resp_9']]);
  });
});

describe('item 3: tool timing', () => {
  it('covers the execution, not the wait for an approval, which is kept as an attribute', () => {
    const lines = [meta(T), start(TURN), prompt('q'), fcall('c1'), usage(10, 10)];
    const callTime = (lines[3] as { timestamp: string }).timestamp;
    // the user approved after an hour; the command ran 2 s
    const end = execEnd('c1', TURN, { exit_code: 0, duration: { secs: 2, nanos: 0 }, status: 'completed' }, 3_600_000);
    const { spans } = traceLines([...lines, end, fout('c1'), say('ok'), usage(20, 10), done(TURN)]);
    const t = tool(spans, 'c1');
    const endTime = (end as { timestamp: string }).timestamp;
    expect(t.endTime).toBe(endTime);
    expect(Date.parse(endTime) - Date.parse(t.startTime)).toBe(2000);
    expect(t.attributes['codex.tool.wait_ms']).toBe(Date.parse(t.startTime) - Date.parse(callTime));
    expect(t.attributes[ATTR.toolDurationMs]).toBe(2000);
  });

  it('ends parallel calls of one response each at its own completion, not at the slowest', () => {
    const { spans } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      fcall('fast'),
      fcall('slow', 'exec_command', '{"cmd":"sleep 2"}'),
      usage(10, 10),
      execEnd('fast', TURN, { exit_code: 0, duration: { secs: 0, nanos: 5e8 } }, 500),
      execEnd('slow', TURN, { exit_code: 0, duration: { secs: 2, nanos: 0 } }, 1500),
      fout('fast'),
      fout('slow'),
      say('done'),
      usage(20, 10),
      done(TURN),
    ]);
    const fast = tool(spans, 'fast');
    const slow = tool(spans, 'slow');
    expect(Date.parse(slow.endTime!) - Date.parse(fast.endTime!)).toBe(1500);
    expect(Date.parse(fast.endTime!) - Date.parse(fast.startTime)).toBe(500);
  });
});

describe('item 3: tool timing from the output text (0.13x–0.146: no completion record in the file)', () => {
  const at = (line: object): string => (line as { timestamp: string }).timestamp;
  const ms = (a: string, b: string): number => Date.parse(b) - Date.parse(a);
  const shellOut = (callId: string, secs: string): object => fout(callId, `Exit code: 0\nWall time: ${secs} seconds\nOutput:\nok`);
  const execOut = (callId: string, secs: string): object =>
    fout(callId, `Chunk ID: 3f2a1b\nWall time: ${secs} seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nok`);

  it('ends a lone call at its output and covers the wall time before it; an approval wait before it is kept as an attribute', () => {
    const call = fcall('c1', 'shell_command', '{"command":"make"}');
    const lines = [meta(T), start(TURN), prompt('q'), call, usage(10, 10)];
    // the user approved after an hour; the command ran 1.234 s
    const output = env(
      'response_item',
      { type: 'function_call_output', call_id: 'c1', output: 'Exit code: 0\nWall time: 1.234 seconds\nOutput:\nok' },
      3_600_000,
    );
    const { spans } = traceLines([...lines, output, say('ok'), usage(20, 10), done(TURN)]);
    assertWellFormed(spans);
    const t = tool(spans, 'c1');
    expect([t.status, t.endTime, ms(t.startTime, t.endTime!)]).toEqual(['ok', at(output), 1234]);
    expect(t.attributes['codex.tool.wait_ms']).toBe(ms(at(call), t.startTime));
    expect(t.attributes[ATTR.toolDurationMs]).toBe(1234);
    // the next model call starts when the output was written
    const llm = byKind(spans, 'llm').sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    expect(llm.map((s) => [s.startTime >= t.endTime!, num(s, ATTR.inputTokens)])).toEqual([
      [false, 10],
      [true, 10],
    ]);
  });

  it('ends parallel calls of one response each at its own completion (call + wall time), not when their outputs are written together', () => {
    const head = [meta(T), start(TURN), prompt('q')];
    const slow = fcall('slow', 'exec_command', '{"cmd":"sleep 5"}');
    const fast = fcall('fast', 'exec_command', '{"cmd":"ls"}');
    const response = usage(10, 10);
    // Codex writes the outputs in call order once the calls before are done: both after the slow one
    const slowOut = env('response_item', (execOut('slow', '5.0012') as { payload: object }).payload, 5100);
    const fastOut = execOut('fast', '0.0512');
    const { spans } = traceLines([...head, slow, fast, response, slowOut, fastOut, say('done'), usage(20, 10), done(TURN)]);
    assertWellFormed(spans);
    const s = tool(spans, 'slow');
    const f = tool(spans, 'fast');
    expect([s.startTime, ms(s.startTime, s.endTime!), s.status]).toEqual([at(slow), 5001, 'ok']);
    expect([f.startTime, ms(f.startTime, f.endTime!), f.status]).toEqual([at(fast), 51, 'ok']);
    expect(ms(f.endTime!, s.endTime!)).toBe(5001 - 51 - 10);
    expect(f.attributes['codex.tool.wait_ms']).toBeUndefined();
    // the next request went out after both outputs were written
    const answer = byKind(spans, 'llm').find((l) => String(l.attributes[ATTR.output]) === 'done');
    expect(answer?.startTime).toBe(at(fastOut));
    expect(num(answer as Span, ATTR.inputTokens)).toBe(10);
  });

  it('reads the shell_command and the 2025 JSON shapes the same way', () => {
    const head = [meta(T), start(TURN), prompt('q')];
    const c1 = fcall('c1', 'shell', '{"command":["make"]}');
    const r1 = usage(10, 10);
    const o1 = item({ type: 'function_call_output', call_id: 'c1', output: '{"output":"ok","metadata":{"exit_code":0,"duration_seconds":0.5}}' }, 900);
    const c2 = fcall('c2', 'shell_command', '{"command":"make test"}');
    const r2 = usage(20, 10);
    const o2 = env('response_item', (shellOut('c2', '2.5') as { payload: object }).payload, 3000);
    const { spans } = traceLines([...head, c1, r1, o1, c2, r2, o2, say('done'), usage(30, 10), done(TURN)]);
    const t1 = tool(spans, 'c1');
    const t2 = tool(spans, 'c2');
    expect([t1.endTime, ms(t1.startTime, t1.endTime!), t1.attributes['codex.tool.wait_ms']]).toEqual([at(o1), 500, ms(at(c1), at(o1)) - 500]);
    expect([t2.endTime, ms(t2.startTime, t2.endTime!), t2.attributes['codex.tool.wait_ms']]).toEqual([at(o2), 2500, ms(at(c2), at(o2)) - 2500]);
  });
});

describe('item 3: tool timing on real files whose only execution time is the output text (0.100, 0.140 `codex exec`)', () => {
  const file = (v: string): string => join(import.meta.dirname, `../../fixtures/codex-${v}/e-multi-tool.jsonl`);
  const recordTimes = (v: string): Map<string, string> => {
    const m = new Map<string, string>();
    for (const line of readFileSync(file(v), 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { timestamp: string; payload: { type?: string; call_id?: string } };
      if (r.payload.call_id && r.payload.type?.endsWith('_output')) m.set(`${r.payload.call_id}:out`, r.timestamp);
      else if (r.payload.call_id && r.payload.type?.endsWith('call')) m.set(r.payload.call_id, r.timestamp);
    }
    return m;
  };
  it.each([
    // version, wall times (ms) of call_e_2a and call_e_2b as their outputs say
    ['0.100.0', 51, 52],
    ['0.140.0', 56, 0],
  ])('%s: the parallel calls end at call + their own wall time, before their outputs written together', async (v, wallA, wallB) => {
    const truth = JSON.parse(readFileSync(file(v).replace('.jsonl', '.truth.json'), 'utf8')) as { model_calls: number; usage_sum: { input: number } };
    const { spans, warnings } = await traceInMemory([file(v)]);
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const times = recordTimes(v);
    const a = tool(spans, 'call_e_2a');
    const b = tool(spans, 'call_e_2b');
    expect([a.startTime, Date.parse(a.endTime!) - Date.parse(a.startTime)]).toEqual([times.get('call_e_2a'), wallA]);
    expect([b.startTime, Date.parse(b.endTime!) - Date.parse(b.startTime)]).toEqual([times.get('call_e_2b'), wallB]);
    expect(times.get('call_e_2a:out')).toBe(times.get('call_e_2b:out'));
    expect(a.endTime! < times.get('call_e_2a:out')!).toBe(true);
    // the lone first call ends at its output; the time before its wall time is the wait
    const first = tool(spans, 'call_e_1');
    expect(first.endTime).toBe(times.get('call_e_1:out'));
    expect(first.attributes['codex.tool.wait_ms']).toBe(Date.parse(first.startTime) - Date.parse(times.get('call_e_1')!));
    expect(byKind(spans, 'tool').map((t) => t.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // model calls and usage unchanged: the request after the parallel calls starts once both outputs were written
    const llm = byKind(spans, 'llm');
    expect(llm).toHaveLength(truth.model_calls);
    expect(llm.reduce((n, s) => n + num(s, ATTR.inputTokens), 0)).toBe(truth.usage_sum.input);
    expect(llm.filter((s) => s.startTime > a.endTime! && s.startTime < times.get('call_e_2a:out')!)).toEqual([]);
  });
});

describe('item 4: failure in text or objects', () => {
  const out = (text: string): Span => {
    resetClock();
    const { spans } = traceLines([meta(T), start(TURN), prompt('q'), fcall('c1', 'shell', '{"command":["ls"]}'), usage(10, 10), fout('c1', text), done(TURN)]);
    return tool(spans, 'c1');
  };
  it.each([
    [
      'a sandbox denial',
      'execution error: Sandbox(Denied { output: ExecToolCallOutput { exit_code: 1 } })',
      'execution error: Sandbox(Denied { output: ExecToolCallOutput { exit_code: 1 } })',
    ],
    ['failed in sandbox', 'failed in sandbox: permission denied', 'failed in sandbox: permission denied'],
    ['error: (older eras)', 'error: patch did not apply\nhunk 1', 'error: patch did not apply'],
    ['a rejection', 'exec command rejected by user', 'exec command rejected by user'],
    ['an object', '{"status":"failed","error":"quota exceeded"}', 'quota exceeded'],
    ['success:false', '{"success":false,"message":"no such tool"}', 'no such tool'],
  ])('%s is an error', (_name, text, message) => {
    const t = out(text);
    expect([t.status, t.statusMessage, t.attributes['error.type']]).toEqual(['error', message, 'tool_error']);
  });
  it.each([
    ['a command whose output says failed but exited 0', 'Exit code: 0\nWall time: 0 seconds\nOutput:\nfailed: 0 tests'],
    ['an object that did not fail', '{"status":"completed","result":"ok"}'],
    ['words that only mention an error', 'no error: all good'],
  ])('%s is ok', (_name, text) => {
    expect(out(text).status).toBe('ok');
  });
});

describe('item 12: failed requests', () => {
  it('makes the request that an `error` event reports (extended history) an error LLM span of the turn', () => {
    const { spans } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      ev({ type: 'error', message: 'unexpected status 502 Bad Gateway', codex_error_info: { http_connection_failed: { http_status_code: 502 } } }),
      done(TURN),
    ]);
    const [turn] = byKind(spans, 'turn');
    const llm = byKind(spans, 'llm');
    expect(turn?.status).toBe('error');
    expect(llm.map((s) => [s.status, s.statusMessage, s.parentSpanId])).toEqual([['error', 'unexpected status 502 Bad Gateway', turn?.spanId]]);
  });
});

describe('item 6: review mode', () => {
  it('ends the turn normally at a task_complete that names the turn which started the review', () => {
    const { spans, warnings } = traceLines([meta(T), start('review-turn', 'parent-turn'), prompt('review'), done('parent-turn')]);
    expect(warnings).toEqual([]);
    expect(byKind(spans, 'turn').map((t) => t.status)).toEqual(['ok']);
  });

  it('traces a 0.3x-era review (entered/exited_review_mode, no task events) as one turn with no model call for the mirrored output', () => {
    const { spans } = traceLines([
      meta(T),
      prompt('fix it'),
      say('fixed'),
      usage(10, 10),
      ev({ type: 'entered_review_mode', target: { type: 'uncommittedChanges' }, user_facing_hint: 'current changes' }),
      item({
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: '<user_action>\n  <action>review</action>\n  <results>\n  ok\n  </results>\n</user_action>' }],
      }),
      ev({ type: 'exited_review_mode', review_output: { findings: [], overall_correctness: 'patch is correct', overall_explanation: 'fine' } }),
      item({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'fine' }] }),
      prompt('thanks'),
      say('welcome'),
      usage(20, 10),
    ]);
    assertWellFormed(spans);
    const turns = byKind(spans, 'turn');
    expect(turns.map((t) => [t.attributes[ATTR.input], t.status])).toEqual([
      ['fix it', 'ok'],
      ['current changes', 'ok'],
      ['thanks', 'ok'],
    ]);
    expect(byKind(spans, 'llm').filter((s) => s.parentSpanId === turns[1]?.spanId)).toEqual([]);
    expect(byKind(spans, 'llm')).toHaveLength(2);
  });
});

describe('item 7: forked subagents and forks', () => {
  it('keeps the forked child its own first turn (model, prompt) however close in time to the copied history', () => {
    const child = 'c0000000-0000-4000-8000-000000000002';
    const lines = [
      meta(child, { forked_from_id: T, source: { subagent: { thread_spawn: { parent_thread_id: T, depth: 1 } } } }),
      env('session_meta', { id: T, cwd: '/w', cli_version: '0.140.0' }, 1),
      // the parent's history, copied in one burst: its turn is still running (it is spawning this child)
      start('p1', undefined, 1),
      env('turn_context', { turn_id: 'p1', model: 'parent-model' }, 1),
      prompt('parent task'),
      say('spawning'),
      usage(500, 500),
      fcall('spawn', 'spawn_agent', '{"message":"count"}'),
      // the child's own turn, 2 ms later
      start('c1', 'p1', 2),
      env('turn_context', { turn_id: 'c1', model: 'child-model' }, 1),
      prompt('count the files'),
      say('3 files'),
      usage(540, 40),
      done('c1', { last_agent_message: '3 files' }),
    ];
    const { spans } = traceLines(lines, { parentKnown: () => false });
    assertWellFormed(spans);
    const turns = byKind(spans, 'turn');
    expect(turns).toHaveLength(1);
    expect([turns[0]?.attributes[ATTR.input], turns[0]?.attributes[ATTR.requestModel], turns[0]?.status]).toEqual(['count the files', 'child-model', 'ok']);
    const llm = byKind(spans, 'llm');
    expect(llm.map((s) => [s.name, num(s, ATTR.inputTokens)])).toEqual([['chat child-model', 40]]);
  });

  it('links a fork that copied its parent history (a second session_meta) to the parent by attribute', () => {
    const fork = 'f0000000-0000-4000-8000-000000000003';
    const { spans } = traceLines([
      meta(fork),
      env('session_meta', { id: T, cwd: '/w' }, 1),
      start('old', undefined, 1),
      prompt('old'),
      done('old'),
      ev({ type: 'task_started', turn_id: 'new' }, 5000),
      prompt('new'),
      say('answer'),
      usage(10, 10),
      done('new'),
    ]);
    const [root] = byKind(spans, 'session');
    expect(root?.attributes['codex.forked_from_id']).toBe(T);
    expect(byKind(spans, 'turn').map((t) => t.attributes[ATTR.input])).toEqual(['new']);
  });
});

describe('item 9: a file cut off mid-turn', () => {
  const legacyHead = { id: T, timestamp: '2025-08-01T00:00:00.000Z', instructions: null };
  const user = (text: string): object => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
  it('ends an inferred turn that stopped short (a call with no output) with an error', () => {
    const { spans } = traceLines([legacyHead, user('run it'), { type: 'function_call', name: 'shell', arguments: '{"command":["make"]}', call_id: 'c1' }]);
    const [turn] = byKind(spans, 'turn');
    expect([turn?.status, turn?.statusMessage]).toEqual(['error', 'the session ended before the turn completed']);
  });
  it('keeps an inferred turn that ended with its answer ok', () => {
    const { spans } = traceLines([legacyHead, user('hi'), { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] }]);
    expect(byKind(spans, 'turn')[0]?.status).toBe('ok');
  });
  it('ends a turn whose format marks turn ends, cut off before its end, with an error', () => {
    const { spans } = traceLines([meta(T), start(TURN), prompt('q'), say('partial')]);
    expect(byKind(spans, 'turn')[0]?.statusMessage).toBe('the session ended before the turn completed');
  });
  it('makes the cut-off last response an error LLM span without usage; the responses before it keep theirs', () => {
    const { spans, warnings } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      fcall('c1'),
      usage(100, 100),
      fout('c1'),
      reasoning('so the'),
      say('the answer is'),
    ]);
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const [turn] = byKind(spans, 'turn');
    const llm = byKind(spans, 'llm').sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    expect(llm.map((s) => [s.status, s.statusMessage, s.attributes['error.type'], s.attributes[ATTR.inputTokens]])).toEqual([
      ['ok', undefined, undefined, 100],
      ['error', 'the session ended before the turn completed', 'incomplete', undefined],
    ]);
    expect(ATTR.outputTokens in (llm[1] as Span).attributes).toBe(false);
    expect(String(llm[1]?.attributes[ATTR.output])).toContain('the answer is');
    expect(llm[1]?.startTime).toBe(tool(spans, 'c1').endTime);
    expect((llm[1] as Span).endTime! <= (turn as Span).endTime!).toBe(true);
    expect([turn?.status, tool(spans, 'c1').status]).toEqual(['error', 'ok']);
  });
  it('keeps the response of an inferred turn that ended with its answer ok (legacy files record no usage at all)', () => {
    const { spans } = traceLines([legacyHead, user('hi'), { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'hello' }] }]);
    expect(byKind(spans, 'llm').map((s) => s.status)).toEqual(['ok']);
  });
});

describe('item 10: usage shapes', () => {
  const lastOnly = (n: number): object =>
    ev({
      type: 'token_count',
      info: { last_token_usage: { input_tokens: n, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: n + 5 } },
    });
  it('counts a token_count with last_token_usage but no total_token_usage as one response, once', () => {
    const { spans } = traceLines([
      meta(T),
      start(TURN),
      prompt('q'),
      fcall('c1'),
      lastOnly(100),
      lastOnly(100),
      fout('c1'),
      say('ok'),
      lastOnly(120),
      done(TURN),
    ]);
    const llm = byKind(spans, 'llm');
    expect(llm.map((s) => num(s, ATTR.inputTokens))).toEqual([100, 120]);
  });
  it('marks a response with an empty last_token_usage as one of unknown usage', () => {
    const empty = ev({ type: 'token_count', info: { total_token_usage: { input_tokens: 10, total_tokens: 10 }, last_token_usage: {} } });
    const { spans, warnings } = traceLines([meta(T), start(TURN), prompt('q'), fcall('c1'), empty, fout('c1'), say('ok'), usage(30, 20), done(TURN)]);
    expect(warnings).toEqual([]);
    const llm = byKind(spans, 'llm').sort((a, b) => (a.startTime < b.startTime ? -1 : 1));
    expect(llm).toHaveLength(2);
    expect(ATTR.inputTokens in (llm[0] as Span).attributes).toBe(false);
    expect(llm[0]?.attributes['codex.llm.tool_calls']).toEqual(['exec_command']);
    expect(num(llm[1] as Span, ATTR.inputTokens)).toBe(20);
  });
  it('gives a compaction whose request left no usage record its LLM span under the compaction span', () => {
    const { spans } = traceLines([
      meta(T),
      prompt('q'),
      say('a'),
      usage(10, 10),
      env('compacted', { message: 'summary' }),
      prompt('more'),
      say('b'),
      usage(30, 20),
    ]);
    const [comp] = byKind(spans, 'compaction');
    const under = byKind(spans, 'llm').filter((s) => s.parentSpanId === comp?.spanId);
    expect(under).toHaveLength(1);
    expect(under[0]?.attributes['codex.llm.compaction']).toBe(true);
  });
});

describe('item 11: overlapping turns', () => {
  it('ends t1 at its own task_complete with its answer while t2, started before it, stays open', () => {
    const lines = [
      meta(T),
      start('t1'),
      prompt('one'),
      start('t2'),
      prompt('two'),
      item({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'answer one' }],
        internal_chat_message_metadata_passthrough: { turn_id: 't1' },
      }),
    ];
    const t1end = done('t1', { last_agent_message: 'answer one' });
    const { spans } = traceLines([...lines, t1end], { finalize: false });
    const [t1, t2] = byKind(spans, 'turn');
    expect([t1?.status, t1?.attributes[ATTR.output], t1?.endTime]).toEqual(['ok', 'answer one', (t1end as { timestamp: string }).timestamp]);
    expect(t2?.endTime).toBeNull();
    expect(byKind(spans, 'llm').filter((s) => s.parentSpanId === t1?.spanId)).toHaveLength(1);
  });
});
