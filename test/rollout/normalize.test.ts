/**
 * normalize, as a table: rollout lines in Codex's own shapes (copied from the lab
 * fixtures of each version, and from openai/codex's protocol types for records the
 * lab does not persist) → the domain events the reducer sees.
 */
import { describe, expect, it } from 'vitest';
import { initialNormalizerState, normalize, type NormalizeResult } from '../../src/rollout/normalize.js';
import { parseLine } from '../../src/rollout/parse.js';
import type { DomainEvent } from '../../src/trace/events.js';

const T0 = '2026-11-25T16:58:44.989Z';
const TS = '2026-11-25T16:58:45.068Z';
const TURN = '01a213a5-3978-7942-b8c3-6da23a9c3a52';
const THREAD = '01a213a5-3967-77d3-9b66-afc3cf5c9f56';

const metaLine = {
  timestamp: T0,
  type: 'session_meta',
  payload: {
    id: THREAD,
    session_id: THREAD,
    timestamp: '2026-11-25T16:58:44.970Z',
    cwd: '/w',
    originator: 'codex_exec',
    cli_version: '0.169.0',
    source: 'exec',
    model_provider: 'mock',
  },
};
const env = (type: string, payload: object, timestamp = TS): object => ({ timestamp, type, payload });
const evm = (payload: object): object => env('event_msg', payload);
const usage = (input: number, output: number, cached = 0, reasoning = 0) => ({
  input_tokens: input,
  cached_input_tokens: cached,
  output_tokens: output,
  reasoning_output_tokens: reasoning,
  total_tokens: input + output,
});

/** Feeds `lines` through the parser and one normalizer (a session_meta first unless the row says otherwise); the last line's result. */
function run(lines: object[], withMeta = true): NormalizeResult {
  const state = initialNormalizerState();
  let res: NormalizeResult = { events: [] };
  for (const l of withMeta ? [metaLine, ...lines] : lines) {
    const p = parseLine(JSON.stringify(l));
    if (p.kind === 'bad') throw new Error(`not a record: ${JSON.stringify(l)}`);
    // the reader skips lines that can never be traced (user-role message items in envelope files) undecoded
    res = p.kind === 'skipped' ? { events: [] } : normalize(state, p.record);
  }
  return res;
}

interface Row {
  name: string;
  lines: object[];
  events: DomainEvent[];
  withMeta?: boolean;
}

const rows: Row[] = [
  {
    name: 'session_meta (0.169 exec)',
    lines: [metaLine],
    withMeta: false,
    events: [
      {
        type: 'session_meta',
        time: T0,
        info: {
          threadId: THREAD,
          startTime: '2026-11-25T16:58:44.970Z',
          cwd: '/w',
          cliVersion: '0.169.0',
          originator: 'codex_exec',
          source: 'exec',
          modelProvider: 'mock',
          usagePerResponse: true,
        } as never,
      },
    ],
  },
  {
    name: 'task_started names its turn and parent turn',
    lines: [
      evm({
        type: 'task_started',
        turn_attribution: { turn_id: TURN, turn_trigger: 'exec', parent_turn_id: null, root_turn_id: TURN },
        turn_id: TURN,
        started_at: 1795625924,
        model_context_window: 258400,
      }),
    ],
    events: [{ type: 'turn_started', time: TS, turnId: TURN, parentTurnId: undefined }],
  },
  {
    name: 'turn_context gives the model of the turn',
    lines: [env('turn_context', { turn_id: TURN, cwd: '/w', approval_policy: 'never', model: 'gpt-5.5', summary: 'none' })],
    events: [{ type: 'turn_context', time: TS, turnId: TURN, model: 'gpt-5.5', cwd: '/w', effort: undefined }],
  },
  {
    name: 'user_message is the prompt',
    lines: [evm({ type: 'user_message', message: 'Say hello in one short sentence.', images: [] })],
    events: [{ type: 'user_prompt', time: TS, turnId: undefined, text: 'Say hello in one short sentence.' }],
  },
  {
    name: 'a user-role message item is not a prompt in envelope files (user_message is)',
    lines: [env('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello' }] })],
    events: [],
  },
  {
    name: 'an assistant message is model output with its phase and turn id',
    lines: [
      env('response_item', {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello!', annotations: [] }],
        phase: 'final_answer',
        internal_chat_message_metadata_passthrough: { turn_id: TURN },
      }),
    ],
    events: [{ type: 'model_output', time: TS, turnId: TURN, item: { kind: 'message', text: 'Hello!', phase: 'final_answer' }, compaction: undefined }],
  },
  {
    name: 'reasoning joins its summary parts',
    lines: [
      env('response_item', {
        type: 'reasoning',
        id: 'rs_1',
        summary: [
          { type: 'summary_text', text: 'a' },
          { type: 'summary_text', text: 'b' },
        ],
        content: [{ type: 'reasoning_text', text: 'x' }],
        encrypted_content: 'e',
      }),
    ],
    events: [{ type: 'model_output', time: TS, turnId: undefined, item: { kind: 'reasoning', text: 'a\nb' }, compaction: undefined }],
  },
  {
    name: 'function_call exec_command: the command comes from its arguments',
    lines: [
      env('response_item', {
        type: 'function_call',
        status: 'completed',
        id: 'fc_1',
        name: 'exec_command',
        arguments: '{"cmd":"ls -la","yield_time_ms":2000}',
        call_id: 'call_1',
      }),
    ],
    events: [
      {
        type: 'tool_call',
        time: TS,
        turnId: undefined,
        call: {
          callId: 'call_1',
          name: 'exec_command',
          toolType: 'function',
          namespace: undefined,
          arguments: '{"cmd":"ls -la","yield_time_ms":2000}',
          command: 'ls -la',
          cwd: undefined,
          noOutput: undefined,
        },
      },
    ],
  },
  {
    name: 'unified exec output: exit code and wall time from its text',
    lines: [
      env('response_item', {
        type: 'function_call_output',
        call_id: 'call_1',
        output: 'Chunk ID: e9acd7\nWall time: 0.2500 seconds\nProcess exited with code 3\nOriginal token count: 6\nOutput:\nboom\n',
      }),
    ],
    events: [
      {
        type: 'tool_output',
        time: TS,
        turnId: undefined,
        result: {
          callId: 'call_1',
          output: 'Chunk ID: e9acd7\nWall time: 0.2500 seconds\nProcess exited with code 3\nOriginal token count: 6\nOutput:\nboom\n',
          exitCode: 3,
          durationMs: 250,
        },
      },
    ],
  },
  {
    name: 'web_search_call is a hosted call without output',
    lines: [env('response_item', { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'q' } })],
    events: [
      {
        type: 'tool_call',
        time: TS,
        turnId: undefined,
        call: {
          callId: 'ws_1',
          name: 'web_search',
          toolType: 'web_search',
          namespace: undefined,
          arguments: '{"type":"search","query":"q"}',
          command: undefined,
          cwd: undefined,
          noOutput: true,
        },
      },
    ],
  },
  {
    name: 'exec_command_end (extended history): exit code, duration, failure',
    lines: [
      evm({
        type: 'exec_command_end',
        call_id: 'call_1',
        turn_id: TURN,
        command: ['bash', '-lc', 'make'],
        cwd: '/w',
        exit_code: -1,
        duration: { secs: 1, nanos: 133329300 },
        status: 'failed',
        aggregated_output: '',
      }),
    ],
    // the record is written when the command ends: it ran for `duration` before it
    events: [
      {
        type: 'tool_result',
        time: TS,
        turnId: TURN,
        result: {
          callId: 'call_1',
          exitCode: -1,
          durationMs: 1133,
          command: 'make',
          cwd: '/w',
          failed: true,
          startTime: '2026-11-25T16:58:43.935Z',
          endTime: TS,
        },
      },
    ],
  },
  {
    name: 'patch_apply_end success:false carries stderr',
    lines: [evm({ type: 'patch_apply_end', call_id: 'p1', turn_id: TURN, stdout: '', stderr: 'no such file', success: false, changes: {} })],
    events: [{ type: 'tool_result', time: TS, turnId: TURN, result: { callId: 'p1', failed: true, failureMessage: 'no such file' } }],
  },
  {
    name: 'token_count: last_token_usage is one response',
    lines: [
      evm({
        type: 'token_count',
        info: { total_token_usage: usage(6920, 7), last_token_usage: usage(6920, 7, 100, 3), model_context_window: 258400 },
        rate_limits: null,
      }),
    ],
    events: [{ type: 'usage', time: TS, turnId: undefined, usage: { input: 6920, cached: 100, output: 7, reasoning: 3, total: 6927 } }],
  },
  {
    name: 'token_count with info:null (a rate-limit ping) is no response',
    lines: [evm({ type: 'token_count', info: null, rate_limits: { primary: null } })],
    events: [],
  },
  {
    name: 'token_usage_record (0.169) names its response',
    lines: [
      env('token_usage_record', { thread_id: THREAD, turn_id: TURN, response_id: 'resp_mock_000', usage: usage(6920, 7), turn_token_usage: usage(6920, 7) }),
    ],
    events: [{ type: 'usage', time: TS, turnId: TURN, responseId: 'resp_mock_000', usage: { input: 6920, cached: 0, output: 7, reasoning: 0, total: 6927 } }],
  },
  {
    name: 'task_complete with timings',
    lines: [
      evm({
        type: 'task_complete',
        turn_id: TURN,
        last_agent_message: 'Hello',
        started_at: 1795625924,
        completed_at: 1795625925,
        duration_ms: 90,
        time_to_first_token_ms: 70,
      }),
    ],
    events: [{ type: 'turn_ended', time: TS, turnId: TURN, status: 'ok', reason: undefined, lastAgentMessage: 'Hello', durationMs: 90, ttftMs: 70 }],
  },
  {
    name: 'task_complete with an error (paginated files fold errors into it)',
    lines: [
      evm({
        type: 'task_complete',
        turn_id: TURN,
        last_agent_message: null,
        error: { message: 'stream disconnected', codex_error_info: 'internal_server_error' },
      }),
    ],
    events: [
      {
        type: 'turn_ended',
        time: TS,
        turnId: TURN,
        status: 'error',
        reason: 'stream disconnected',
        requestFailed: true,
        lastAgentMessage: undefined,
        durationMs: undefined,
        ttftMs: undefined,
      },
    ],
  },
  {
    name: 'turn_aborted interrupted',
    lines: [evm({ type: 'turn_aborted', turn_id: TURN, reason: 'interrupted', duration_ms: 49005 })],
    events: [{ type: 'turn_ended', time: TS, turnId: TURN, status: 'error', reason: 'aborted: interrupted', abort: 'interrupted' }],
  },
  {
    name: 'compacted carries the summary and window',
    lines: [env('compacted', { message: '## summary', window_number: 2, trigger: 'manual' })],
    events: [{ type: 'compaction', time: TS, summary: '## summary', windowNumber: 2, trigger: 'manual' }],
  },
  {
    name: 'item_completed CommandExecution (paginated): precise times and a file:// cwd',
    lines: [
      evm({
        type: 'item_completed',
        thread_id: THREAD,
        turn_id: TURN,
        item: {
          type: 'CommandExecution',
          id: 'call_1',
          command: 'pwd',
          cwd: 'file:///w',
          status: 'completed',
          exit_code: 0,
          duration: { secs: 0, nanos: 6039 },
        },
        started_at_ms: 1795625925020,
        completed_at_ms: 1795625925120,
      }),
    ],
    events: [
      {
        type: 'tool_result',
        time: TS,
        turnId: TURN,
        result: {
          callId: 'call_1',
          exitCode: 0,
          durationMs: 0,
          command: 'pwd',
          cwd: '/w',
          failed: undefined,
          startTime: '2026-11-25T16:58:45.020Z',
          endTime: '2026-11-25T16:58:45.120Z',
        },
      },
    ],
  },
  {
    name: 'collab_agent_spawn_end names the child thread',
    lines: [evm({ type: 'collab_agent_spawn_end', call_id: 'call_s', new_thread_id: 'child-1', new_agent_nickname: 'Ada', new_agent_role: 'worker' })],
    events: [{ type: 'subagent_spawned', time: TS, turnId: undefined, childThreadId: 'child-1', callId: 'call_s', nickname: 'Ada', role: 'worker' }],
  },
  {
    name: 'an aborted shell output is a failure in words',
    lines: [env('response_item', { type: 'function_call_output', call_id: 'call_1', output: 'Wall time: 1.2 seconds\naborted by user' })],
    events: [
      {
        type: 'tool_output',
        time: TS,
        turnId: undefined,
        result: {
          callId: 'call_1',
          output: 'Wall time: 1.2 seconds\naborted by user',
          exitCode: undefined,
          durationMs: 1200,
          failed: true,
          failureMessage: 'aborted by user',
          aborted: true,
        },
      },
    ],
  },
  {
    name: 'token_count with last_token_usage and no total_token_usage is one response',
    lines: [evm({ type: 'token_count', info: { last_token_usage: usage(30, 2) } })],
    events: [{ type: 'usage', time: TS, turnId: undefined, usage: { input: 30, cached: 0, output: 2, reasoning: 0, total: 32 } }],
  },
  {
    name: 'token_count with an empty last_token_usage ends a response of unknown usage',
    lines: [evm({ type: 'token_count', info: { total_token_usage: usage(30, 2), last_token_usage: {} } })],
    events: [{ type: 'usage', time: TS, turnId: undefined }],
  },
  {
    name: 'entered_review_mode (0.3x-0.9x event) starts a review with its hint',
    lines: [evm({ type: 'entered_review_mode', target: { type: 'uncommittedChanges' }, user_facing_hint: 'current changes' })],
    events: [{ type: 'review_started', time: TS, turnId: undefined, hint: 'current changes' }],
  },
  {
    name: 'item_completed of the review thread names it; ExitedReviewMode ends it; the mirrored assistant message is nothing',
    lines: [
      evm({
        type: 'item_completed',
        thread_id: THREAD,
        turn_id: TURN,
        item: { type: 'EnteredReviewMode', id: 'e1', target: { type: 'custom', instructions: 'Review a.txt' }, user_facing_hint: 'Review a.txt' },
      }),
      evm({
        type: 'item_completed',
        thread_id: 'review-thread',
        turn_id: 'r1',
        item: { type: 'UserMessage', id: 'u1', content: [{ type: 'text', text: 'Review a.txt' }] },
      }),
      evm({ type: 'item_completed', thread_id: THREAD, turn_id: TURN, item: { type: 'ExitedReviewMode', id: 'x1', review_output: { findings: [] } } }),
      env('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'No findings.' }] }),
    ],
    events: [],
  },
  {
    name: 'a second session_meta naming another thread: the file was forked from it',
    lines: [env('session_meta', { id: 'parent-thread', cwd: '/w' })],
    events: [{ type: 'forked_from', time: TS, threadId: 'parent-thread' }],
  },
  {
    name: 'a legacy state line is a request boundary',
    lines: [{ id: THREAD, timestamp: '2025-08-01T00:00:00.000Z', instructions: null }, { record_type: 'state' }],
    withMeta: false,
    events: [{ type: 'request_boundary', time: '2025-08-01T00:00:00.000Z' }],
  },
  {
    name: 'a legacy user message is the prompt, injected context is not',
    lines: [
      { id: THREAD, timestamp: '2025-08-01T00:00:00.000Z', instructions: null },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n<cwd>/w</cwd>\n</environment_context>' }] },
    ],
    withMeta: false,
    events: [],
  },
];

describe('normalize: record → domain events', () => {
  it.each(rows)('$name', ({ lines, events, withMeta }) => {
    const res = run(lines, withMeta);
    expect(res.events).toEqual(events);
    expect(res.unknown).toBeUndefined();
  });

  it('turns review mode records into review events and a subagent for the review thread', () => {
    const state = initialNormalizerState();
    const feed = (l: object): DomainEvent[] => {
      const p = parseLine(JSON.stringify(l));
      return p.kind === 'record' ? normalize(state, p.record).events : [];
    };
    feed(metaLine);
    expect(
      feed(evm({ type: 'item_completed', thread_id: THREAD, turn_id: TURN, item: { type: 'EnteredReviewMode', id: 'e1', user_facing_hint: 'Review a.txt' } })),
    ).toEqual([{ type: 'review_started', time: TS, turnId: TURN, hint: 'Review a.txt' }]);
    expect(feed(evm({ type: 'item_completed', thread_id: 'review-thread', turn_id: 'r1', item: { type: 'UserMessage', id: 'u1', content: [] } }))).toEqual([
      { type: 'subagent_spawned', time: TS, turnId: 'r1', childThreadId: 'review-thread', role: 'review' },
    ]);
    expect(feed(evm({ type: 'item_completed', thread_id: THREAD, turn_id: TURN, item: { type: 'ExitedReviewMode', id: 'x1' } }))).toEqual([
      { type: 'subagent_done', time: TS, turnId: TURN, childThreadId: 'review-thread', status: 'ok' },
      { type: 'review_ended', time: TS, turnId: TURN },
    ]);
    expect(feed(env('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'mirror' }] }))).toEqual([]);
    expect(feed(env('response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'real' }] }))).toHaveLength(1);
  });

  it('counts an unknown record type and an unknown event by name', () => {
    expect(run([env('brand_new_record', { x: 1 })]).unknown).toBe('brand_new_record');
    expect(run([evm({ type: 'brand_new_event' })]).unknown).toBe('event_msg:brand_new_event');
  });

  it('drops a token_count whose cumulative total did not move (a re-emit)', () => {
    const tc = evm({ type: 'token_count', info: { total_token_usage: usage(10, 1), last_token_usage: usage(10, 1) } });
    expect(run([tc]).events).toHaveLength(1);
    expect(run([tc, tc]).events).toEqual([]);
  });

  it('produces nothing for history copied after a foreign session_meta, then the file is its own again', () => {
    const foreign = env('session_meta', { id: 'parent-thread', cwd: '/w' }, '2026-11-25T16:58:45.000Z');
    const copied = { ...(evm({ type: 'user_message', message: 'old' }) as object), timestamp: '2026-11-25T16:58:45.100Z' };
    const own = { ...(evm({ type: 'user_message', message: 'mine' }) as object), timestamp: '2026-11-25T16:58:47.000Z' };
    expect(run([foreign, copied]).events).toEqual([]);
    expect(run([foreign, copied, own]).events).toEqual([{ type: 'user_prompt', time: '2026-11-25T16:58:47.000Z', turnId: undefined, text: 'mine' }]);
  });
});

describe('normalize: record times against the file’s last write', () => {
  const at = (timestamp: string) => ({ dialect: 'envelope' as const, timestamp, type: 'event_msg', payload: { type: 'task_started', turn_id: 't' } });
  it('takes a time up to the last write (fractional milliseconds included) and refuses a later one, whatever its form', () => {
    const notAfterMs = Date.UTC(2026, 10, 25, 16, 58, 45, 68) + 0.6;
    const verdicts = [
      '2026-11-25T16:58:45.068Z', // the last write's own millisecond
      '2026-11-25T16:58:45.069Z',
      '2026-11-25T17:58:45.068+01:00', // the same instant, another form
      '2026-11-25T17:58:45.069+01:00',
      '2026-11-25T16:58:45Z',
      '2026-11-25T16:58:46Z',
      '9999-12-31T23:59:59.999Z',
    ].map((t) => {
      const st = initialNormalizerState({ fallbackThreadId: 'x', notAfterMs });
      return normalize(st, at(t)).badTimestamp?.startsWith('timestamp later') ?? false;
    });
    expect(verdicts).toEqual([false, true, false, true, false, true, true]);
  });

  it('follows a bound that moves (a followed file grows)', () => {
    const st = initialNormalizerState({ fallbackThreadId: 'x', notAfterMs: Date.UTC(2026, 0, 1) });
    expect(normalize(st, at('2026-01-01T00:00:00.001Z')).badTimestamp).toBeDefined();
    st.notAfterMs = Date.UTC(2026, 0, 2);
    expect(normalize(st, at('2026-01-01T00:00:00.001Z')).badTimestamp).toBeUndefined();
  });
});
