/**
 * Fast readers for the hot record shapes (envelope, response items, event tags,
 * token counts). They accept exactly what the zod schemas in schema.ts accept for
 * the fields we use (a test checks the two agree on every fixture record), but
 * copy only those fields and never clone the whole record: the schemas' loose
 * parse copies every field of every record, which dominated normalize time.
 */
import type { ExecEnd, ResponseItem, TaskComplete, TokenUsage } from './schema.js';

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const optStr = (v: unknown): string | null | undefined => (typeof v === 'string' ? v : v === null ? null : undefined);
const optNum = (v: unknown): number | null | undefined => (typeof v === 'number' ? v : v === null ? null : undefined);

/** `{type, payload, timestamp?, ordinal?, metadata?}` or undefined. */
export function readEnvelope(o: Obj): { timestamp?: string; type: string; payload: unknown; ordinal?: number; metadata?: unknown } | undefined {
  if (typeof o.type !== 'string' || !('payload' in o)) return undefined;
  if (o.timestamp !== undefined && o.timestamp !== null && typeof o.timestamp !== 'string') return undefined;
  if (o.ordinal !== undefined && o.ordinal !== null && typeof o.ordinal !== 'number') return undefined;
  return {
    timestamp: typeof o.timestamp === 'string' ? o.timestamp : undefined,
    type: o.type,
    payload: o.payload,
    ordinal: typeof o.ordinal === 'number' ? o.ordinal : undefined,
    metadata: o.metadata,
  };
}

function parts(v: unknown): { type?: string | null; text?: unknown }[] | null | undefined {
  if (v === null) return null;
  if (!Array.isArray(v)) return undefined;
  return v.filter(isObj) as { type?: string | null; text?: unknown }[];
}

export function readResponseItem(raw: unknown): ResponseItem | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string') return undefined;
  const meta = raw.internal_chat_message_metadata_passthrough;
  return {
    type: raw.type,
    role: optStr(raw.role),
    content: parts(raw.content),
    phase: optStr(raw.phase),
    summary: parts(raw.summary),
    name: optStr(raw.name),
    namespace: optStr(raw.namespace),
    arguments: raw.arguments,
    input: raw.input,
    call_id: optStr(raw.call_id),
    id: optStr(raw.id),
    output: raw.output,
    status: optStr(raw.status),
    action: raw.action,
    internal_chat_message_metadata_passthrough: isObj(meta) ? { turn_id: optStr(meta.turn_id) } : undefined,
  };
}

/** An event's tag and turn id. */
export function readEventTag(raw: unknown): { type: string; turn_id?: string | null } | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string') return undefined;
  return { type: raw.type, turn_id: optStr(raw.turn_id) };
}

export function readTokenUsage(v: unknown): TokenUsage | null | undefined {
  if (v === null) return null;
  if (!isObj(v)) return undefined;
  return {
    input_tokens: optNum(v.input_tokens),
    cached_input_tokens: optNum(v.cached_input_tokens),
    output_tokens: optNum(v.output_tokens),
    reasoning_output_tokens: optNum(v.reasoning_output_tokens),
    total_tokens: optNum(v.total_tokens),
  };
}

/** `token_count.info`: null (rate-limit ping), or the cumulative and last usage. */
export function readTokenCountInfo(v: unknown): { total_token_usage?: TokenUsage | null; last_token_usage?: TokenUsage | null } | null | undefined {
  if (v === null || v === undefined) return null;
  if (!isObj(v)) return undefined;
  return { total_token_usage: readTokenUsage(v.total_token_usage), last_token_usage: readTokenUsage(v.last_token_usage) };
}

export function readTurnContext(raw: unknown): {
  turn_id?: string | null;
  cwd?: string | null;
  model?: string | null;
  effort?: string | null;
  service_tier?: string | null;
} {
  if (!isObj(raw)) return {};
  return { turn_id: optStr(raw.turn_id), cwd: optStr(raw.cwd), model: optStr(raw.model), effort: optStr(raw.effort), service_tier: optStr(raw.service_tier) };
}

/*
 * Event payloads read on every turn and tool call (`task_started`, `task_complete`, `turn_aborted`,
 * `exec_command_end`, `patch_apply_end`, `mcp_tool_call_end`, `CommandExecution` items): the same
 * verdict as the zod schema's `safeParse` (undefined where it fails: a field of the wrong type), the
 * fields as it returns them, without its copy of the record. zod numbers are finite; objects are not
 * arrays.
 */

/** what a zod `optStr`/`optNum`/`nullish()` accepts: undefined, null, or `ok` */
const nullishOr = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || v === null || ok(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every(isStr);

/** `ExecEnd.safeParse(raw)`'s data, or undefined where it fails. */
export function readExecEnd(raw: unknown): ExecEnd | undefined {
  if (!isObj(raw)) return undefined;
  const { call_id, command, cwd, exit_code, duration, status, aggregated_output, success } = raw;
  if (!nullishOr(call_id, isStr) || !nullishOr(cwd, isStr) || !nullishOr(status, isStr) || !nullishOr(aggregated_output, isStr)) return undefined;
  if (!nullishOr(exit_code, isNum) || !nullishOr(success, (v) => typeof v === 'boolean')) return undefined;
  if (!nullishOr(command, (v) => isStr(v) || isStrings(v))) return undefined;
  if (!nullishOr(duration, (d) => isObj(d) && nullishOr(d.secs, isNum) && nullishOr(d.nanos, isNum))) return undefined;
  return raw as ExecEnd;
}

/** `TaskComplete.safeParse(raw)`'s data, or undefined where it fails. */
export function readTaskComplete(raw: unknown): TaskComplete | undefined {
  if (!isObj(raw)) return undefined;
  const { turn_id, last_agent_message, duration_ms, time_to_first_token_ms, error } = raw;
  if (!nullishOr(turn_id, isStr) || !nullishOr(last_agent_message, isStr)) return undefined;
  if (!nullishOr(duration_ms, isNum) || !nullishOr(time_to_first_token_ms, isNum)) return undefined;
  if (!nullishOr(error, (e) => isStr(e) || (isObj(e) && nullishOr(e.message, isStr)))) return undefined;
  return raw as TaskComplete;
}

/** The parent turn of a `task_started` (`TaskStarted.safeParse`), or undefined where it fails or has none. */
export function readTaskStartedParent(raw: unknown): string | undefined {
  if (!isObj(raw)) return undefined;
  const { turn_id, started_at, turn_attribution: a } = raw;
  if (!nullishOr(turn_id, isStr) || !nullishOr(started_at, isNum)) return undefined;
  if (!nullishOr(a, (v) => isObj(v) && nullishOr(v.parent_turn_id, isStr))) return undefined;
  return isObj(a) && isStr(a.parent_turn_id) ? a.parent_turn_id : undefined;
}

/** The reason of a `turn_aborted` (`TurnAborted.safeParse`), or undefined where it fails or has none. */
export function readAbortReason(raw: unknown): string | undefined {
  if (!isObj(raw) || !nullishOr(raw.turn_id, isStr) || !nullishOr(raw.reason, isStr)) return undefined;
  return isStr(raw.reason) ? raw.reason : undefined;
}
