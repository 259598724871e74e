/**
 * The zod schemas describe every record type of every dialect; the fast readers
 * used on the hot path must agree with them. Both are checked on every record of
 * every real fixture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnvelope, readEventTag, readResponseItem, readTokenCountInfo, readTurnContext } from '../../src/rollout/read.js';
import {
  Envelope,
  EventMsg,
  ItemCompleted,
  LegacyHeader,
  ResponseItem,
  SessionMeta,
  TaskComplete,
  TaskStarted,
  TokenCountInfo,
  TokenUsageRecord,
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
