/**
 * The zod schemas describe every record type of every dialect; the fast readers
 * used on the hot path must agree with them. Both are checked on every record of
 * every real fixture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readAbortReason,
  readEnvelope,
  readEventTag,
  readExecEnd,
  readResponseItem,
  readTaskComplete,
  readTaskStartedParent,
  readTokenCountInfo,
  readTurnContext,
} from '../../src/rollout/read.js';
import {
  Envelope,
  EventMsg,
  ExecEnd,
  ItemCompleted,
  LegacyHeader,
  ResponseItem,
  SessionMeta,
  TaskComplete,
  TaskStarted,
  TokenCountInfo,
  TokenUsageRecord,
  TurnAborted,
  TurnContext,
} from '../../src/rollout/schema.js';

const ROOT = join(import.meta.dirname, '../../fixtures');
const files = readdirSync(ROOT)
  .filter((d) => d.startsWith('codex-'))
  .flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => join(ROOT, d, f)),
  );
const records = files.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>),
);

describe('zod schemas on every fixture record', () => {
  it('accept every record of its type', () => {
    let checked = 0;
    for (const r of records) {
      if ('payload' in r) {
        expect(Envelope.safeParse(r).success).toBe(true);
        const p = r.payload as Record<string, unknown>;
        const schema = {
          session_meta: SessionMeta,
          response_item: ResponseItem,
          event_msg: EventMsg,
          turn_context: TurnContext,
          token_usage_record: TokenUsageRecord,
        }[r.type as string];
        if (schema) expect(schema.safeParse(p).success, JSON.stringify(p).slice(0, 200)).toBe(true);
        if (r.type === 'event_msg' && p.type === 'task_started') expect(TaskStarted.safeParse(p).success).toBe(true);
        if (r.type === 'event_msg' && p.type === 'task_complete') expect(TaskComplete.safeParse(p).success).toBe(true);
        if (r.type === 'event_msg' && p.type === 'item_completed') expect(ItemCompleted.safeParse(p).success).toBe(true);
        if (r.type === 'event_msg' && p.type === 'token_count') expect(TokenCountInfo.safeParse(p.info).success).toBe(true);
      } else if ('record_type' in r) {
        expect(typeof r.record_type).toBe('string');
      } else if (typeof r.type === 'string') {
        expect(ResponseItem.safeParse(r).success).toBe(true);
      } else {
        expect(LegacyHeader.safeParse(r).success).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('agree with the fast readers on the fields the trace uses', () => {
    for (const r of records) {
      if (!('payload' in r)) continue;
      const env = readEnvelope(r);
      const z = Envelope.parse(r);
      expect([env?.type, env?.timestamp, env?.ordinal]).toEqual([z.type, z.timestamp ?? undefined, z.ordinal ?? undefined]);
      const p = r.payload;
      if (r.type === 'response_item') {
        const fast = readResponseItem(p);
        const slow = ResponseItem.parse(p);
        for (const k of ['type', 'role', 'phase', 'name', 'namespace', 'call_id', 'id', 'status'] as const) expect(fast?.[k] ?? null).toEqual(slow[k] ?? null);
        expect(fast?.content ?? null).toEqual(slow.content ?? null);
        expect(fast?.internal_chat_message_metadata_passthrough?.turn_id ?? null).toEqual(slow.internal_chat_message_metadata_passthrough?.turn_id ?? null);
      }
      if (r.type === 'event_msg') {
        expect(readEventTag(p)?.type).toBe(EventMsg.parse(p).type);
        const info = (p as { info?: unknown }).info;
        if ((p as { type: string }).type === 'token_count' && info) {
          expect(readTokenCountInfo(info)?.total_token_usage?.total_tokens).toBe(TokenCountInfo.parse(info)?.total_token_usage?.total_tokens);
        }
      }
      if (r.type === 'turn_context') {
        const z2 = TurnContext.parse(p);
        expect(readTurnContext(p)).toEqual({ turn_id: z2.turn_id, cwd: z2.cwd, model: z2.model, effort: z2.effort });
      }
    }
  });
});

describe('the event readers', () => {
  type Payload = Record<string, unknown>;
  const payloads = (types: string[]): Payload[] =>
    records.flatMap((r) => {
      const p = r.payload as Payload | undefined;
      if (r.type !== 'event_msg' || !p) return [];
      if (types.includes(p.type as string)) return [p];
      const item = p.item as Payload | undefined;
      return p.type === 'item_completed' && item && types.includes(item.type as string) ? [item] : [];
    });
  // every field the schemas describe, given values of every JSON type (and the odd finite-ness case)
  const odd: unknown[] = [
    undefined,
    null,
    1,
    -2.5,
    Infinity,
    'x',
    '',
    true,
    false,
    [],
    ['a', 'b'],
    [1],
    {},
    { secs: 1, nanos: 2 },
    { secs: 'x' },
    { message: 'm' },
    { message: 1 },
    { parent_turn_id: 'p' },
    { parent_turn_id: 3 },
  ];
  const variants = (base: Payload[], fields: string[]): unknown[] => [
    ...base,
    ...base.slice(0, 3).flatMap((p) => fields.flatMap((f) => odd.map((v) => ({ ...p, [f]: v })))),
    null,
    'x',
    [],
    [{ call_id: 'c' }],
  ];

  it('readExecEnd: the same verdict and fields as ExecEnd.safeParse', () => {
    const base = payloads(['exec_command_end', 'patch_apply_end', 'mcp_tool_call_end', 'CommandExecution']);
    expect(base.length).toBeGreaterThan(0);
    for (const v of variants(base, ['call_id', 'command', 'cwd', 'exit_code', 'duration', 'status', 'aggregated_output', 'success'])) {
      const z = ExecEnd.safeParse(v);
      const fast = readExecEnd(v);
      expect(fast !== undefined, JSON.stringify(v)?.slice(0, 200)).toBe(z.success);
      if (fast && z.success) {
        for (const k of ['call_id', 'command', 'cwd', 'exit_code', 'duration', 'status', 'aggregated_output', 'success'] as const)
          expect(fast[k]).toEqual(z.data[k]);
      }
    }
  });

  it('readTaskComplete, readTaskStartedParent, readAbortReason: what TaskComplete, TaskStarted, TurnAborted say', () => {
    const done = payloads(['task_complete', 'turn_complete']);
    for (const v of variants(done, ['turn_id', 'last_agent_message', 'duration_ms', 'time_to_first_token_ms', 'error'])) {
      const z = TaskComplete.safeParse(v);
      const fast = readTaskComplete(v);
      expect(fast !== undefined, JSON.stringify(v)?.slice(0, 200)).toBe(z.success);
      if (fast && z.success)
        for (const k of ['turn_id', 'last_agent_message', 'duration_ms', 'time_to_first_token_ms', 'error'] as const) expect(fast[k]).toEqual(z.data[k]);
    }
    for (const v of variants(payloads(['task_started', 'turn_started']), ['turn_id', 'started_at', 'turn_attribution'])) {
      const z = TaskStarted.safeParse(v);
      expect(readTaskStartedParent(v)).toEqual(z.success ? (z.data.turn_attribution?.parent_turn_id ?? undefined) : undefined);
    }
    for (const v of variants([{ type: 'turn_aborted', turn_id: 't', reason: 'interrupted' }], ['turn_id', 'reason'])) {
      const z = TurnAborted.safeParse(v);
      expect(readAbortReason(v)).toEqual(z.success ? (z.data.reason ?? undefined) : undefined);
    }
  });
});
