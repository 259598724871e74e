/**
 * normalize: rollout record → domain events. All knowledge of Codex format
 * versions lives in this folder. The normalizer keeps a little per-file state
 * (the file's own thread id, inherited-history blocks, running token totals,
 * the last timestamp seen) and is otherwise a pure function of its input.
 */
import type { DomainEvent, SessionInfo } from '../trace/events.js';
import type { Usage } from '../trace/span.js';
import { normalizeEventMsg } from './event-msg.js';
import { normalizeItem } from './items.js';
import type { RolloutRecord } from './parse.js';
import { readTokenCountInfo, readTurnContext } from './read.js';
import { SessionMeta, SubagentSource, TokenUsageRecord, type TokenUsage } from './schema.js';

export interface NormalizerState {
  threadId?: string;
  /** inside a block of history copied from another thread (fork, fork-context subagent) */
  inheritedSince?: number;
  /** the file has `token_usage_record`s: they, not `token_count`, carry per-response usage */
  usageRecords: boolean;
  /** the last cumulative `token_count` total seen (dedupe of re-emits) */
  lastTotalKey?: string;
  lastTime?: string;
  syntheticIds: number;
}

export interface NormalizeResult {
  events: DomainEvent[];
  /** the record type or event name when it was not one we know (counted by the caller) */
  unknown?: string;
  /** the record's timestamp was missing or invalid (the previous one was used) */
  badTimestamp?: boolean;
}

/** Copied history is written in one burst; a record this long after the foreign meta is the file's own again. */
export const INHERITED_BURST_MS = 1000;
const EPOCH = '1970-01-01T00:00:00.000Z';
const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

export function initialNormalizerState(): NormalizerState {
  return { usageRecords: false, syntheticIds: 0 };
}

function recordTime(state: NormalizerState, ts: string | undefined): { time: string; bad: boolean } {
  if (ts !== undefined) {
    if (ISO_RE.test(ts) && ts.endsWith('Z') && ts.length === 24) return { time: ts, bad: false };
    const ms = Date.parse(ts);
    if (!Number.isNaN(ms)) return { time: new Date(ms).toISOString(), bad: false };
  }
  return { time: state.lastTime ?? EPOCH, bad: ts !== undefined };
}

export function normalize(state: NormalizerState, rec: RolloutRecord): NormalizeResult {
  const { time, bad } = recordTime(state, rec.timestamp);
  if (rec.timestamp !== undefined && !bad) state.lastTime = time;
  else if (state.lastTime === undefined && rec.type !== 'session_meta') state.lastTime = time;
  const result = dispatch(state, rec, time);
  if (bad) result.badTimestamp = true;
  return result;
}

function dispatch(state: NormalizerState, rec: RolloutRecord, time: string): NormalizeResult {
  if (rec.type === 'session_meta') return { events: sessionMeta(state, rec, time) };
  if (state.inheritedSince !== undefined) {
    if (Date.parse(time) - state.inheritedSince < INHERITED_BURST_MS) {
      if (rec.type === 'event_msg') trackTotals(state, rec.payload);
      return { events: [] };
    }
    state.inheritedSince = undefined;
  }
  const legacy = rec.dialect === 'legacy' || rec.dialect === 'ts';
  switch (rec.type) {
    case 'response_item': {
      const md = rec.metadata as { compaction_output?: unknown } | undefined;
      return {
        events: normalizeItem(rec.payload, {
          time,
          legacy,
          compactionOutput: md?.compaction_output === true,
          nextSyntheticId: (prefix) => `${prefix}:${++state.syntheticIds}`,
        }),
      };
    }
    case 'event_msg': {
      const ev = normalizeEventMsg(rec.payload, { time, onTokenCount: (p, at) => tokenCount(state, p, at) });
      if (ev === 'unknown') {
        const t = (rec.payload as { type?: unknown } | null)?.type;
        return { events: [], unknown: `event_msg:${typeof t === 'string' ? t : '?'}` };
      }
      return { events: ev };
    }
    case 'turn_context': {
      const d = readTurnContext(rec.payload);
      const tc: DomainEvent = { type: 'turn_context', time, turnId: d.turn_id ?? undefined, model: d.model ?? undefined, cwd: d.cwd ?? undefined, effort: d.effort ?? undefined };
      // turn_context may omit the tier (older versions never wrote one): absent keeps the thread's
      if (d.service_tier !== undefined) tc.serviceTier = d.service_tier;
      return { events: [tc] };
    }
    case 'legacy_state':
      return { events: [{ type: 'request_boundary', time }] };
    case 'compacted':
      return { events: [compacted(rec.payload, time)] };
    case 'token_usage_record':
      return { events: usageRecord(state, rec.payload, time) };
    default:
      return { events: [], unknown: rec.type };
  }
}

function sessionMeta(state: NormalizerState, rec: RolloutRecord, time: string): DomainEvent[] {
  const m = SessionMeta.safeParse(rec.payload);
  if (!m.success) return [];
  const d = m.data;
  if (state.threadId === undefined) {
    state.threadId = d.id;
    if (rec.timestamp === undefined && d.timestamp) state.lastTime = recordTime(state, d.timestamp).time;
    return [{ type: 'session_meta', time: state.lastTime ?? time, info: sessionInfo(d) }];
  }
  if (d.id !== state.threadId) state.inheritedSince = Date.parse(time);
  // same id again: a metadata refresh (0.145/0.146), not a new session
  return [];
}

function sessionInfo(d: SessionMeta): SessionInfo {
  const src = SubagentSource.safeParse(d.source);
  const spawn = src.success && typeof src.data.subagent === 'object' ? src.data.subagent.thread_spawn : undefined;
  const source = typeof d.source === 'string' ? d.source : src.success ? (typeof src.data.subagent === 'string' ? `subagent:${src.data.subagent}` : 'subagent') : undefined;
  const parent = d.parent_thread_id ?? spawn?.parent_thread_id ?? undefined;
  return {
    threadId: d.id,
    rootSessionId: d.session_id && d.session_id !== d.id ? d.session_id : undefined,
    parentThreadId: parent,
    forkedFromId: d.forked_from_id ?? undefined,
    startTime: d.timestamp ?? undefined,
    cwd: d.cwd ?? undefined,
    cliVersion: d.cli_version ?? undefined,
    originator: d.originator ?? undefined,
    source,
    modelProvider: d.model_provider ?? undefined,
    gitCommit: d.git?.commit_hash ?? undefined,
    gitBranch: d.git?.branch ?? undefined,
    gitRepositoryUrl: d.git?.repository_url ?? undefined,
    agentNickname: d.agent_nickname ?? spawn?.agent_nickname ?? undefined,
    agentRole: d.agent_role ?? spawn?.agent_role ?? undefined,
    depth: spawn?.depth ?? undefined,
  };
}

function toUsage(u: TokenUsage): Usage {
  const input = u.input_tokens ?? 0;
  const output = u.output_tokens ?? 0;
  return { input, cached: u.cached_input_tokens ?? 0, output, reasoning: u.reasoning_output_tokens ?? 0, total: input + output };
}

function totalsKey(u: TokenUsage | null | undefined): string | undefined {
  if (!u) return undefined;
  return `${u.input_tokens ?? 0}/${u.cached_input_tokens ?? 0}/${u.output_tokens ?? 0}/${u.reasoning_output_tokens ?? 0}/${u.total_tokens ?? 0}`;
}

/** Keep the running total current even inside inherited history (the file's own counts continue from it). */
function trackTotals(state: NormalizerState, payload: unknown): void {
  if ((payload as { type?: unknown } | null)?.type !== 'token_count') return;
  const info = readTokenCountInfo((payload as { info?: unknown }).info);
  const key = totalsKey(info?.total_token_usage);
  if (key) state.lastTotalKey = key;
}

/**
 * `token_count` carries cumulative totals and is re-emitted (rate-limit pings with
 * `info: null`, unchanged totals, post-compaction estimates with zero `last`):
 * a response is counted only when the cumulative total moved.
 */
function tokenCount(state: NormalizerState, payload: unknown, at: { time: string; turnId?: string }): DomainEvent[] {
  if (state.usageRecords) return [];
  const info = readTokenCountInfo((payload as { info?: unknown }).info);
  if (!info) return [];
  const key = totalsKey(info.total_token_usage);
  if (key === undefined || key === state.lastTotalKey) return [];
  state.lastTotalKey = key;
  const last = info.last_token_usage;
  if (!last || ((last.total_tokens ?? 0) === 0 && (last.input_tokens ?? 0) === 0)) return [];
  return [{ type: 'usage', ...at, usage: toUsage(last) }];
}

function usageRecord(state: NormalizerState, payload: unknown, time: string): DomainEvent[] {
  const r = TokenUsageRecord.safeParse(payload);
  if (!r.success || !r.data.usage) return [];
  state.usageRecords = true;
  return [{ type: 'usage', time, turnId: r.data.turn_id ?? undefined, responseId: r.data.response_id ?? undefined, usage: toUsage(r.data.usage) }];
}

function compacted(payload: unknown, time: string): DomainEvent {
  const p = (payload ?? {}) as { message?: unknown; window_number?: unknown; trigger?: unknown };
  return {
    type: 'compaction',
    time,
    summary: typeof p.message === 'string' && p.message !== '' ? p.message : undefined,
    windowNumber: typeof p.window_number === 'number' ? p.window_number : undefined,
    trigger: typeof p.trigger === 'string' ? p.trigger : undefined,
  };
}
