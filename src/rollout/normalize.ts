/**
 * normalize: rollout record → domain events. All knowledge of Codex format
 * versions lives in this folder. The normalizer keeps a little per-file state
 * (the file's own thread id, inherited-history blocks, running token totals,
 * the last timestamp seen) and is otherwise a pure function of its input.
 */
import type { DomainEvent, SessionInfo } from '../trace/events.js';
import type { Usage } from '../trace/span.js';
import { KNOWN_COMPLETED_ITEMS, normalizeEventMsg } from './event-msg.js';
import { KNOWN_ITEM_TYPES, normalizeItem } from './items.js';
import type { RolloutRecord } from './parse.js';
import { readTokenCountInfo, readTurnContext } from './read.js';
import { forwarded, initialReview, isMirror, reviewEntered, reviewExited, type ReviewState } from './review.js';
import { SessionMeta, SubagentSource, TokenUsageRecord, type TokenUsage } from './schema.js';
import { checkUsage, plainUtcInRange, strictTime, usableId } from './values.js';

export interface NormalizerState {
  threadId?: string;
  /** inside a block of history copied from another thread (fork, fork-context subagent) */
  inherited?: Inherited;
  /** the file has `token_usage_record`s: they, not `token_count`, carry per-response usage */
  usageRecords: boolean;
  /** the last cumulative `token_count` total seen (dedupe of re-emits) */
  lastTotalKey?: string;
  lastTime?: string;
  syntheticIds: number;
  review: ReviewState;
  /** the id a file's name gives, for a session header whose own id is empty or unusable */
  fallbackThreadId?: string;
  /** no record of the file can be later than this (its last write, plus clock slack): later ones are bad */
  notAfterMs?: number;
  /** `notAfterMs` as an ISO string (when it has the 24-character form), for string comparisons */
  notAfterIso?: { ms: number; iso: string | undefined };
  /** what the current record had wrong (dropped or clamped values), handed out with its result */
  problems: Problem[];
}

export interface Problem {
  code: 'bad_usage' | 'bad_session_id';
  message: string;
}

/** A block of copied history: when it began, and the copied turns (started, and still running). */
interface Inherited {
  since: number;
  seen: Set<string>;
  running: Set<string>;
}

export interface NormalizeResult {
  events: DomainEvent[];
  /** the record type or event name when it was not one we know (counted by the caller) */
  unknown?: string;
  /** the record's timestamp was invalid or impossible, and why (the previous one was used) */
  badTimestamp?: string;
  /** values dropped or clamped (the rest of the record was used) */
  problems?: Problem[];
}

/** Copied history is written in one burst; a record this long after the foreign meta is the file's own again. */
export const INHERITED_BURST_MS = 1000;
const EPOCH = '1970-01-01T00:00:00.000Z';
/** `d` a digit, anything else itself: the shape `toISOString` gives, and nearly every record has */
const PLAIN_UTC = 'dddd-dd-ddTdd:dd:dd.dddZ';

/**
 * `YYYY-MM-DDTHH:MM:SS.mmmZ`, checked character by character (a regex test per record cost more):
 * the same as `/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/`, a final `Z` and 24
 * characters together.
 */
function isPlainUtc(ts: string): boolean {
  if (ts.length !== PLAIN_UTC.length) return false;
  for (let i = 0; i < PLAIN_UTC.length; i++) {
    const c = ts.charCodeAt(i);
    const want = PLAIN_UTC.charCodeAt(i);
    if (want === 0x64 ? c < 0x30 || c > 0x39 : c !== want) return false;
  }
  return true;
}

/** mtimes of years 0–9999 have a 24-character ISO form, which orders as the instants do */
const PLAIN_UTC_MS_LIMIT = Date.UTC(10000, 0, 1);

/**
 * Whether a record's time (ISO-8601 UTC with milliseconds) is past the file's last write. The bound
 * is kept as an ISO string too, so that a plain time is compared as a string instead of being
 * parsed for every record. A time has whole milliseconds: later than `notAfterMs` is later than its
 * floor.
 */
function laterThanFile(state: NormalizerState, time: string): boolean {
  const ms = state.notAfterMs;
  if (ms === undefined) return false;
  if (state.notAfterIso?.ms !== ms) {
    state.notAfterIso = { ms, iso: ms >= 0 && ms < PLAIN_UTC_MS_LIMIT ? new Date(Math.floor(ms)).toISOString() : undefined };
  }
  const iso = state.notAfterIso.iso;
  return iso !== undefined && time.length === PLAIN_UTC.length ? time > iso : Date.parse(time) > ms;
}

export function initialNormalizerState(opts: { fallbackThreadId?: string; notAfterMs?: number } = {}): NormalizerState {
  return { usageRecords: false, syntheticIds: 0, review: initialReview(), problems: [], ...opts };
}

function recordTime(state: NormalizerState, ts: string | undefined): { time: string; bad?: string } {
  if (ts !== undefined) {
    let time: string | undefined;
    if (isPlainUtc(ts)) time = plainUtcInRange(ts) ? ts : undefined;
    else {
      const ms = strictTime(ts);
      if (!Number.isNaN(ms)) time = new Date(ms).toISOString();
    }
    if (time === undefined) return { time: state.lastTime ?? EPOCH, bad: 'invalid timestamp; the previous one was used' };
    if (laterThanFile(state, time)) {
      return { time: state.lastTime ?? EPOCH, bad: 'timestamp later than the file was last written; the previous one was used' };
    }
    return { time };
  }
  return { time: state.lastTime ?? EPOCH };
}

export function normalize(state: NormalizerState, rec: RolloutRecord): NormalizeResult {
  const { time, bad } = recordTime(state, rec.timestamp);
  if (rec.timestamp !== undefined && bad === undefined) state.lastTime = time;
  else if (state.lastTime === undefined && rec.type !== 'session_meta') state.lastTime = time;
  const result = dispatch(state, rec, time);
  if (bad !== undefined) result.badTimestamp = bad;
  if (state.problems.length > 0) {
    result.problems = state.problems;
    state.problems = [];
  }
  return result;
}

function dispatch(state: NormalizerState, rec: RolloutRecord, time: string): NormalizeResult {
  if (rec.type === 'session_meta') return { events: sessionMeta(state, rec, time) };
  const inh = state.inherited;
  if (inh !== undefined) {
    if (Date.parse(time) - inh.since < INHERITED_BURST_MS && !ownTurnStarts(inh, rec)) {
      if (rec.type === 'event_msg') trackTotals(state, rec.payload);
      return { events: [] };
    }
    state.inherited = undefined;
  }
  const legacy = rec.dialect === 'legacy' || rec.dialect === 'ts';
  switch (rec.type) {
    case 'response_item': {
      if (isMirror(state.review, rec.payload)) return { events: [] };
      const md = rec.metadata as { compaction_output?: unknown } | undefined;
      return {
        unknown: unknownItem(rec.payload),
        events: normalizeItem(rec.payload, {
          time,
          legacy,
          compactionOutput: md?.compaction_output === true,
          nextSyntheticId: (prefix) => `${prefix}:${++state.syntheticIds}`,
        }),
      };
    }
    case 'event_msg': {
      const review = reviewEvent(state, rec.payload, time);
      if (review) return { events: review };
      const ev = normalizeEventMsg(rec.payload, { time, onTokenCount: (p, at) => tokenCount(state, p, at) });
      if (ev === 'unknown') {
        const t = (rec.payload as { type?: unknown } | null)?.type;
        return { events: [], unknown: `event_msg:${typeof t === 'string' ? t : '?'}` };
      }
      return { events: ev, unknown: unknownCompletedItem(rec.payload) };
    }
    case 'turn_context': {
      const d = readTurnContext(rec.payload);
      const tc: DomainEvent = {
        type: 'turn_context',
        time,
        turnId: d.turn_id ?? undefined,
        model: d.model ?? undefined,
        cwd: d.cwd ?? undefined,
        effort: d.effort ?? undefined,
      };
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

/** `response_item:<type>` for an item kind we do not know (drift), else undefined. */
function unknownItem(payload: unknown): string | undefined {
  const t = (payload as { type?: unknown } | null)?.type;
  if (typeof t !== 'string') return undefined; // a TS-era bare {role, content} message
  return KNOWN_ITEM_TYPES.has(t) ? undefined : `response_item:${t}`;
}

/** `event_msg:item_completed:<Type>` for an `item_completed` item type we do not know. */
function unknownCompletedItem(payload: unknown): string | undefined {
  const p = payload as { type?: unknown; item?: { type?: unknown } } | null;
  if (p?.type !== 'item_completed' || typeof p.item?.type !== 'string') return undefined;
  return KNOWN_COMPLETED_ITEMS.has(p.item.type) ? undefined : `event_msg:item_completed:${p.item.type}`;
}

/** Review-mode records (see review.ts), or undefined for any other event. */
function reviewEvent(state: NormalizerState, payload: unknown, time: string): DomainEvent[] | undefined {
  const p = payload as { type?: unknown; turn_id?: unknown; thread_id?: unknown; item?: { type?: unknown } } | null;
  if (!p) return undefined;
  const at = { time, turnId: typeof p.turn_id === 'string' ? p.turn_id : undefined };
  const itemType = p.type === 'item_completed' ? p.item?.type : undefined;
  if (p.type === 'entered_review_mode') return reviewEntered(state.review, p as object, at);
  if (itemType === 'EnteredReviewMode') return reviewEntered(state.review, p.item as object, at);
  if (p.type === 'exited_review_mode' || itemType === 'ExitedReviewMode') return reviewExited(state.review, at);
  if (itemType !== undefined && state.review.active && typeof p.thread_id === 'string' && p.thread_id !== state.threadId) {
    return forwarded(state.review, p.thread_id, at);
  }
  return undefined;
}

function sessionMeta(state: NormalizerState, rec: RolloutRecord, time: string): DomainEvent[] {
  const m = SessionMeta.safeParse(rec.payload);
  if (!m.success) return [];
  const id = usableId(m.data.id) ?? state.fallbackThreadId;
  if (id === undefined) return [];
  if (id !== m.data.id)
    state.problems.push({
      code: 'bad_session_id',
      message: `session id ${JSON.stringify(m.data.id.slice(0, 40))} is not usable; the id in the file name is used`,
    });
  const d = { ...m.data, id };
  if (state.threadId === undefined) {
    state.threadId = d.id;
    if (rec.timestamp === undefined && d.timestamp) state.lastTime = recordTime(state, d.timestamp).time;
    const info = sessionInfo(d);
    if (rec.dialect === 'legacy' || rec.dialect === 'ts') info.untimed = true;
    return [{ type: 'session_meta', time: state.lastTime ?? time, info }];
  }
  // same id again: a metadata refresh (0.145/0.146), not a new session
  if (d.id === state.threadId) return [];
  state.inherited = { since: Date.parse(time), seen: new Set(), running: new Set() };
  return [{ type: 'forked_from', time, threadId: d.id }];
}

/**
 * Whether this Codex writes a `token_usage_record` for every response it completed: it came between
 * 0.150.1 and 0.160.0, so from 0.160 on for sure (earlier files show it by writing one).
 */
function writesUsagePerResponse(cliVersion: string | null | undefined): boolean {
  const m = /^(\d+)\.(\d+)\./.exec(cliVersion ?? '');
  return m !== null && (Number(m[1]) > 0 || Number(m[2]) >= 160);
}

function sessionInfo(d: SessionMeta): SessionInfo {
  const src = SubagentSource.safeParse(d.source);
  const spawn = src.success && typeof src.data.subagent === 'object' ? src.data.subagent.thread_spawn : undefined;
  const source =
    typeof d.source === 'string' ? d.source : src.success ? (typeof src.data.subagent === 'string' ? `subagent:${src.data.subagent}` : 'subagent') : undefined;
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
    usagePerResponse: writesUsagePerResponse(d.cli_version) || undefined,
  };
}

/** The usage of a record, checked (see values.ts); what was wrong goes to the record's problems. */
function toUsage(state: NormalizerState, u: TokenUsage): Usage | undefined {
  const { usage, problems } = checkUsage(u);
  for (const message of problems) state.problems.push({ code: 'bad_usage', message });
  return usage;
}

/** A usage event: without usage when the counts were impossible (the response's usage is unknown). */
function usageEvent(state: NormalizerState, u: TokenUsage, at: { time: string; turnId?: string; responseId?: string }): DomainEvent {
  const usage = toUsage(state, u);
  return usage === undefined ? { type: 'usage', ...at } : { type: 'usage', ...at, usage };
}

function totalsKey(u: TokenUsage | null | undefined): string | undefined {
  if (!u) return undefined;
  return `${u.input_tokens ?? 0}/${u.cached_input_tokens ?? 0}/${u.output_tokens ?? 0}/${u.reasoning_output_tokens ?? 0}/${u.total_tokens ?? 0}`;
}

/**
 * Whether this record is the file's own first turn starting, inside a block of copied history
 * (however close in time to it). A copied turn still running when the copy ends is the parent's
 * turn that spawned or forked this thread, so a turn start then — or one whose parent turn was
 * copied — is this thread's own. Otherwise the record is copied history (its turns are tracked).
 */
function ownTurnStarts(inh: Inherited, rec: RolloutRecord): boolean {
  if (rec.type !== 'event_msg') return false;
  const p = rec.payload as { type?: unknown; turn_id?: unknown; turn_attribution?: { parent_turn_id?: unknown } | null } | null;
  const turnId = typeof p?.turn_id === 'string' ? p.turn_id : undefined;
  if (p?.type === 'task_started' || p?.type === 'turn_started') {
    const parent = p.turn_attribution?.parent_turn_id;
    if (inh.running.size > 0 || (typeof parent === 'string' && inh.seen.has(parent))) return true;
    if (turnId !== undefined) {
      inh.seen.add(turnId);
      inh.running.add(turnId);
    }
  } else if ((p?.type === 'task_complete' || p?.type === 'turn_complete' || p?.type === 'turn_aborted') && turnId !== undefined) {
    inh.running.delete(turnId);
  }
  return false;
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
  const last = info.last_token_usage;
  // no cumulative total (some versions): the response's own usage is the key, a re-emit repeats it
  const key = totalsKey(info.total_token_usage) ?? (last ? `last:${totalsKey(last)}` : undefined);
  if (key === undefined || key === state.lastTotalKey) return [];
  state.lastTotalKey = key;
  if (!last) return [];
  // an empty `last_token_usage` ({}) still ends a response, whose usage is unknown
  if (isEmptyUsage(last)) return [{ type: 'usage', ...at }];
  if ((last.total_tokens ?? 0) === 0 && (last.input_tokens ?? 0) === 0) return [];
  return [usageEvent(state, last, at)];
}

function isEmptyUsage(u: TokenUsage): boolean {
  return u.input_tokens == null && u.cached_input_tokens == null && u.output_tokens == null && u.reasoning_output_tokens == null && u.total_tokens == null;
}

function usageRecord(state: NormalizerState, payload: unknown, time: string): DomainEvent[] {
  const r = TokenUsageRecord.safeParse(payload);
  if (!r.success || !r.data.usage) return [];
  state.usageRecords = true;
  return [usageEvent(state, r.data.usage, { time, turnId: r.data.turn_id ?? undefined, responseId: r.data.response_id ?? undefined })];
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
