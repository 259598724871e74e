/**
 * zod schemas for the Codex rollout records of every dialect we know.
 * Tolerant by design: only the fields we read are described, every object is
 * loose (unknown fields pass through), and almost everything is optional —
 * Codex adds and renames fields between versions.
 */
import { z } from 'zod';

const str = z.string();
const optStr = z.string().nullish();
const optNum = z.number().nullish();

/** The `{timestamp, type, payload}` envelope (0.34+), with `ordinal`/`metadata` in the paginated dialect. */
export const Envelope = z.looseObject({
  timestamp: optStr,
  type: str,
  payload: z.unknown(),
  ordinal: optNum,
  metadata: z.unknown().optional(),
});
export type Envelope = z.infer<typeof Envelope>;

const Git = z.looseObject({ commit_hash: optStr, branch: optStr, repository_url: optStr }).nullish();

const ThreadSpawn = z.looseObject({
  parent_thread_id: optStr,
  depth: optNum,
  agent_nickname: optStr,
  agent_role: optStr,
});

export const SessionMeta = z.looseObject({
  id: str,
  session_id: optStr,
  timestamp: optStr,
  cwd: optStr,
  originator: optStr,
  cli_version: optStr,
  source: z.unknown().optional(),
  model_provider: optStr,
  parent_thread_id: optStr,
  forked_from_id: optStr,
  agent_nickname: optStr,
  agent_role: optStr,
  git: Git,
});
export type SessionMeta = z.infer<typeof SessionMeta>;

/** `source` may be a string or `{subagent: {thread_spawn: {...}}}` and similar. */
export const SubagentSource = z.looseObject({
  subagent: z.union([z.string(), z.looseObject({ thread_spawn: ThreadSpawn.optional() })]),
});

const TokenUsage = z.looseObject({
  input_tokens: optNum,
  cached_input_tokens: optNum,
  output_tokens: optNum,
  reasoning_output_tokens: optNum,
  total_tokens: optNum,
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const TokenCountInfo = z.looseObject({ total_token_usage: TokenUsage.nullish(), last_token_usage: TokenUsage.nullish() }).nullish();

export const TokenUsageRecord = z.looseObject({
  thread_id: optStr,
  turn_id: optStr,
  response_id: optStr,
  usage: TokenUsage.nullish(),
});

export const TurnContext = z.looseObject({
  turn_id: optStr,
  cwd: optStr,
  model: optStr,
  effort: optStr,
});

const TextPart = z.looseObject({ type: optStr, text: z.unknown().optional() });

/** ResponseItem variants (payload of `response_item`, or a bare legacy line). */
export const ResponseItem = z.looseObject({
  type: str,
  role: optStr,
  content: z.array(TextPart).nullish(),
  phase: optStr,
  summary: z.array(TextPart).nullish(),
  name: optStr,
  namespace: optStr,
  arguments: z.unknown().optional(),
  input: z.unknown().optional(),
  call_id: optStr,
  id: optStr,
  output: z.unknown().optional(),
  status: optStr,
  action: z.unknown().optional(),
  internal_chat_message_metadata_passthrough: z.looseObject({ turn_id: optStr }).nullish(),
});
export type ResponseItem = z.infer<typeof ResponseItem>;

/** `event_msg` payloads: only the tag is required; each handler reads its own fields. */
export const EventMsg = z.looseObject({ type: str, turn_id: optStr });
export type EventMsg = z.infer<typeof EventMsg>;

export const TaskStarted = z.looseObject({
  turn_id: optStr,
  started_at: optNum,
  turn_attribution: z.looseObject({ parent_turn_id: optStr }).nullish(),
});

export const TaskComplete = z.looseObject({
  turn_id: optStr,
  last_agent_message: optStr,
  duration_ms: optNum,
  time_to_first_token_ms: optNum,
  error: z.union([z.string(), z.looseObject({ message: optStr, codex_error_info: z.unknown().optional() })]).nullish(),
});
export type TaskComplete = z.infer<typeof TaskComplete>;

export const TurnAborted = z.looseObject({ turn_id: optStr, reason: optStr });

const Duration = z.looseObject({ secs: optNum, nanos: optNum }).nullish();

export const ExecEnd = z.looseObject({
  call_id: optStr,
  command: z.union([z.array(z.string()), z.string()]).nullish(),
  cwd: optStr,
  exit_code: optNum,
  duration: Duration,
  status: optStr,
  aggregated_output: optStr,
  success: z.boolean().nullish(),
});
export type ExecEnd = z.infer<typeof ExecEnd>;

export const ItemCompleted = z.looseObject({
  turn_id: optStr,
  thread_id: optStr,
  started_at_ms: optNum,
  completed_at_ms: optNum,
  item: z.looseObject({ type: str, id: optStr }),
});

/** Legacy JSONL (≤0.3x): the bare first line. */
export const LegacyHeader = z.looseObject({ id: str, timestamp: optStr, instructions: z.unknown().optional(), git: Git });

/** TS-era `.json` rollout: one document. */
export const TsEraDocument = z.looseObject({
  session: z.looseObject({ id: str, timestamp: optStr, instructions: z.unknown().optional() }),
  items: z.array(z.unknown()),
});

export function durationMs(d: z.infer<typeof Duration>): number | undefined {
  if (!d) return undefined;
  return Math.round((d.secs ?? 0) * 1000 + (d.nanos ?? 0) / 1e6);
}
