/**
 * SessionMachine: one thread (one rollout file). It holds the thread's scope and
 * root span, the one record clock, the open turn and the subagents; it opens and
 * closes turns and hands them the events that are theirs.
 */
import { ended, maxTime, setAttr, started, updated, warn, type Emitter } from '../emit.js';
import type { DomainEvent, SessionInfo } from '../events.js';
import { spanKey } from '../ids.js';
import { stripUrlCredentials } from '../../content/redact.js';
import { ATTR, type Attributes, type Span } from '../span.js';
import type { ReducerOptions } from '../state.js';
import type { CallFailure, PendingUsage } from './model-call.js';
import { newSpan, openScope, type Scope } from './scope.js';
import { closeSubagents, onSubagentDone, onSubagentSpawned, type Subagents } from './subagent.js';
import { runningSince } from './tool-call.js';
import {
  claimPendingUsage,
  cutOff,
  endTurn,
  onLateTurnEvent,
  leftoverUsage,
  nameTurn,
  onLateToolRecord,
  onTurnEvent,
  openTurn,
  ownsCall,
  resumeTurn,
  settleLate,
  suspendTurn,
  type TurnEnd,
  type TurnEvent,
  type TurnState,
} from './turn.js';

/** open: never ended; ended: finalized (idle, or the run ended); resumed: records came after an end. */
export type SessionStatus = 'open' | 'ended' | 'resumed';

export interface SessionState {
  readonly scope: Scope;
  /** the session root span; none for a subagent traced inside its parent's trace */
  readonly root?: Span;
  status: SessionStatus;
  /** the record clock: the latest record time seen */
  clock: string;
  turnCount: number;
  /** the current turn */
  turn?: TurnState;
  /** turns that started before the current one and have not ended yet (overlapping turns) */
  readonly background: TurnState[];
  /** the last turns that ended: late records that name them still update their spans */
  readonly recent: TurnState[];
  readonly subagents: Subagents;
  /** usage seen outside any turn (or left by one): the next turn's first response claims it */
  looseUsage?: PendingUsage;
  /** the linked review thread of the review mode in progress (`linkedReviewChild`) */
  reviewChild?: string;
}

function sessionAttributes(info: SessionInfo): Attributes {
  const a: Attributes = {};
  setAttr(a, ATTR.conversationId, info.threadId);
  setAttr(a, ATTR.threadId, info.threadId);
  setAttr(a, ATTR.operation, 'invoke_agent');
  setAttr(a, ATTR.agentName, 'codex');
  setAttr(a, ATTR.providerName, info.modelProvider);
  setAttr(a, ATTR.cliVersion, info.cliVersion);
  setAttr(a, ATTR.cwd, info.cwd);
  setAttr(a, ATTR.originator, info.originator);
  setAttr(a, ATTR.source, info.source);
  // a remote like https://user:token@host/x.git must not carry its token into any sink
  setAttr(a, 'vcs.repository.url.full', info.gitRepositoryUrl === undefined ? undefined : stripUrlCredentials(info.gitRepositoryUrl));
  setAttr(a, 'vcs.ref.head.name', info.gitBranch);
  setAttr(a, 'vcs.ref.head.revision', info.gitCommit);
  setAttr(a, 'codex.forked_from_id', info.forkedFromId);
  setAttr(a, ATTR.parentThreadId, info.parentThreadId);
  return a;
}

function normalizeStart(meta: string, fallback: string): string {
  // `session_meta.timestamp` is ISO but not always millisecond-shaped; keep it only when it is
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(meta) ? meta : fallback;
}

/** Opens the session from its `session_meta` (or from the fallback id when the file has none). */
export function openSession(opts: ReducerOptions, info: SessionInfo, time: string, out: Emitter): SessionState {
  // a thread the run linked to a parent its header does not name (a 0.104 review thread)
  const linked = info.parentThreadId === undefined ? opts.linkedParent?.(info.threadId) : undefined;
  if (linked !== undefined) info = { ...info, parentThreadId: linked };
  const scope = openScope(opts, info);
  let root: Span | undefined;
  if (scope.ownRoot) {
    const start = info.startTime && info.startTime < time ? normalizeStart(info.startTime, time) : time;
    root = newSpan(scope, 'session', spanKey.session(), 'invoke_agent codex', null, start, sessionAttributes(info));
    started(out, root);
  }
  return { scope, root, status: 'open', clock: time, turnCount: 0, background: [], recent: [], subagents: new Map() };
}

export type SessionEvent = Exclude<DomainEvent, { type: 'session_meta' | 'finalize' }>;

export function onSessionEvent(s: SessionState, ev: SessionEvent, out: Emitter): void {
  advance(s, ev.time, out);
  switch (ev.type) {
    case 'turn_started':
      return onTurnStarted(s, ev.time, ev.turnId, ev.parentTurnId, out);
    case 'user_prompt':
      return onTurnEvent(promptTurn(s, ev.time, out), ev, out);
    case 'turn_context':
      setModel(s, ev.model, out);
      if (ev.serviceTier !== undefined) setServiceTier(s, ev.serviceTier ?? undefined);
      return toTurn(s, ev, out);
    case 'request_boundary':
    case 'error':
      return toTurn(s, ev, out);
    case 'tool_output':
    case 'tool_result': {
      const late = lateTurn(s, ev);
      if (late) return onLateToolRecord(late, ev, out);
      if (ev.type === 'tool_result') return toTurn(s, ev, out);
      return onTurnEvent(routed(s, ev) ?? ensureTurn(s, ev.time, out), ev, out);
    }
    case 'model_output':
    case 'tool_call':
    case 'compaction': {
      const ended = endedTurnNamed(s, ev);
      if (ended) return onLateTurnEvent(ended, ev, out);
      return onTurnEvent(routed(s, ev) ?? ensureTurn(s, ev.time, out), ev, out);
    }
    case 'usage': {
      if (ev.responseId !== undefined) s.scope.responseKeyed = true;
      const ended = endedTurnNamed(s, ev);
      if (ended) return onLateTurnEvent(ended, ev, out);
      const turn = routed(s, ev);
      if (turn) onTurnEvent(turn, ev, out);
      else s.looseUsage = { usage: ev.usage, responseId: ev.responseId, time: ev.time };
      return;
    }
    case 'compaction_done':
      return;
    case 'turn_ended':
      return onTurnEnded(s, ev, out);
    case 'review_started':
      return onReviewStarted(s, ev, out);
    case 'review_ended':
      if (s.reviewChild !== undefined) onSubagentDone(s.scope, s.subagents, { ...ev, type: 'subagent_done', childThreadId: s.reviewChild, status: 'ok' }, out);
      s.reviewChild = undefined;
      // formats without turn ends: the review turn is over when review mode is
      if (s.turn?.review && !s.turn.explicit) closeTurn(s, s.turn, ev.time, { status: 'ok' }, out);
      return;
    case 'forked_from':
      return forkedFrom(s, ev.threadId, out);
    case 'subagent_spawned': {
      const turn = s.turn;
      const since = ev.callId && turn ? runningSince(turn.tools, ev.callId) : undefined;
      return onSubagentSpawned(s.scope, s.subagents, ev, { parentSpanId: turn?.span.spanId ?? s.scope.rootSpanId, start: since ?? ev.time }, out);
    }
    case 'subagent_done':
      return onSubagentDone(s.scope, s.subagents, ev, out);
  }
}

/** The open turn an event belongs to: the one it names (an overlapping turn), or the current one. */
function routed(s: SessionState, ev: SessionEvent): TurnState | undefined {
  if (ev.turnId !== undefined && s.turn?.turnId !== ev.turnId) {
    const named = s.background.find((t) => t.turnId === ev.turnId);
    if (named) return named;
  }
  return s.turn;
}

function toTurn(s: SessionState, ev: TurnEvent, out: Emitter): void {
  const turn = routed(s, ev);
  if (turn) onTurnEvent(turn, ev, out);
}

/** A turn that ended, named by a record that came after its end (a late item or usage record). */
function endedTurnNamed(s: SessionState, ev: SessionEvent): TurnState | undefined {
  if (ev.turnId === undefined || routed(s, ev)?.turnId === ev.turnId) return undefined;
  for (let i = s.recent.length - 1; i >= 0; i--) if (s.recent[i]?.turnId === ev.turnId) return s.recent[i];
  return undefined;
}

/**
 * A tool record that belongs to a turn that already ended: it names that turn (and one of its
 * calls), or it is the output of a call the turn's end cut off. Its spans are updated.
 */
function lateTurn(s: SessionState, ev: Extract<SessionEvent, { type: 'tool_output' | 'tool_result' }>): TurnState | undefined {
  const callId = ev.result.callId;
  const open = routed(s, ev);
  if (open && ownsCall(open, callId)) return undefined;
  for (let i = s.recent.length - 1; i >= 0; i--) {
    const t = s.recent[i] as TurnState;
    if (ev.turnId !== undefined ? t.turnId === ev.turnId && ownsCall(t, callId) : cutOff(t, callId)) return t;
  }
  return undefined;
}

/** Any record: the clock moves, and a finalized session re-opens (a resume). */
function advance(s: SessionState, time: string, out: Emitter): void {
  s.clock = maxTime(s.clock, time);
  if (s.root && s.status === 'ended') {
    // back to the shape of a root that never ended: what finalize added goes
    // (the store and `show FILE` must agree, attribute order included)
    s.status = 'resumed';
    s.root.endTime = null;
    s.root.status = 'unset';
    delete s.root.attributes['codex.turn_count'];
    updated(out, s.root);
  }
  if (s.turn) resumeTurn(s.turn, out);
}

function setModel(s: SessionState, model: string | undefined, out: Emitter): void {
  if (!model || model === s.scope.model) return;
  s.scope.model = model;
  if (s.root && s.status !== 'ended') {
    s.root.attributes[ATTR.requestModel] = model;
    updated(out, s.root);
  }
}

/** The tier the session recorded (null in the record: standard); later model calls carry it. */
function setServiceTier(s: SessionState, tier: string | undefined): void {
  s.scope.serviceTier = tier;
}

function newTurn(s: SessionState, time: string, turnId: string | undefined, parentTurnId: string | undefined, out: Emitter): TurnState {
  const turn = openTurn(s.scope, ++s.turnCount, time, turnId, parentTurnId, s.looseUsage, out);
  s.looseUsage = undefined;
  s.turn = turn;
  return turn;
}

/** The open turn, or a new inferred one (records outside any turn are kept, never dropped). */
function ensureTurn(s: SessionState, time: string, out: Emitter): TurnState {
  return s.turn ?? newTurn(s, time, undefined, undefined, out);
}

/** How many ended turns stay reachable for late records. */
const RECENT_TURNS = 4;

function closeTurn(s: SessionState, turn: TurnState, time: string, end: TurnEnd, out: Emitter, failure?: CallFailure): void {
  endTurn(turn, time, end, out, failure);
  const left = leftoverUsage(turn);
  s.looseUsage ??= left;
  if (s.turn === turn) s.turn = undefined;
  const i = s.background.indexOf(turn);
  if (i >= 0) s.background.splice(i, 1);
  s.recent.push(turn);
  if (s.recent.length > RECENT_TURNS) {
    const gone = s.recent.shift() as TurnState;
    settleLate(gone, gone.lastActivity, out);
  }
}

const NO_END = 'no task_complete before the next turn started';

function onTurnStarted(s: SessionState, time: string, turnId: string | undefined, parentTurnId: string | undefined, out: Emitter): void {
  const open = s.turn;
  if (open) {
    if (turnId !== undefined && open.turnId === turnId) return;
    // the review thread's turn, mirrored into the file of the turn that runs the review
    if (open.review && parentTurnId !== undefined && parentTurnId === open.turnId) return;
    if (open.explicit) {
      // it may still be running (overlapping turns): it ends at its own end record, or at the session's end
      s.background.push(open);
    } else if (!open.hadActivity && turnId !== undefined) {
      return nameTurn(open, turnId, parentTurnId);
    } else {
      closeTurn(s, open, open.lastActivity, { status: 'ok' }, out);
    }
  }
  newTurn(s, time, turnId, parentTurnId, out);
}

/** `/review`: the turn that runs it (opened here when the format has no turn start for it). */
function onReviewStarted(s: SessionState, ev: Extract<SessionEvent, { type: 'review_started' }>, out: Emitter): void {
  // it runs in the open turn it names, or — the record names none (0.1xx event_msg) — in the turn the format started for it
  const inOpen = s.turn !== undefined && (ev.turnId !== undefined ? s.turn.turnId === ev.turnId : s.turn.explicit);
  if (!inOpen) onTurnStarted(s, ev.time, ev.turnId, undefined, out);
  const turn = ensureTurn(s, ev.time, out);
  turn.review = true;
  if (ev.hint && turn.prompt === undefined) onTurnEvent(turn, { type: 'user_prompt', time: ev.time, text: ev.hint }, out);
  // the review thread the run linked to this review (its header names no parent): it nests under the turn
  const child = s.scope.opts.linkedReviewChild?.(s.scope.threadId, ev.time);
  if (child === undefined) return;
  s.reviewChild = child;
  const spawn = { type: 'subagent_spawned', time: ev.time, childThreadId: child, role: 'review' } as const;
  onSubagentSpawned(s.scope, s.subagents, spawn, { parentSpanId: turn.span.spanId, start: ev.time }, out);
}

/** A prompt: in formats without turn starts, a prompt after the turn's activity starts the next turn. */
function promptTurn(s: SessionState, time: string, out: Emitter): TurnState {
  const turn = s.turn;
  if (turn && !turn.explicit && turn.hadActivity) closeTurn(s, turn, turn.lastActivity, { status: 'ok' }, out);
  return ensureTurn(s, time, out);
}

/** What the failure that ended a turn did to its request in flight, if it was one. */
function failureOf(turn: TurnState, ev: Extract<SessionEvent, { type: 'turn_ended' }>): CallFailure | undefined {
  if (ev.abort !== undefined) return { message: ev.abort, type: 'aborted' };
  if (ev.requestFailed || turn.error !== undefined) return { message: ev.reason ?? turn.error ?? 'the request failed', type: 'request_failed' };
  return undefined;
}

function onTurnEnded(s: SessionState, ev: Extract<SessionEvent, { type: 'turn_ended' }>, out: Emitter): void {
  const named = ev.turnId !== undefined && s.turn?.turnId !== ev.turnId ? s.background.find((t) => t.turnId === ev.turnId) : undefined;
  const turn = named ?? s.turn;
  if (!turn) {
    warn(out, 'turn_end_without_turn', `turn end${ev.turnId ? ` for ${ev.turnId}` : ''} with no open turn`);
    return;
  }
  claimPendingUsage(turn, out);
  // a review's turn can end under the id of the turn that started it
  if (ev.turnId !== undefined && turn.turnId !== undefined && turn.turnId !== ev.turnId && turn.parentTurnId !== ev.turnId) {
    warn(out, 'turn_end_mismatch', `turn end for ${ev.turnId} while turn ${turn.turnId} is open; ignored`);
    return;
  }
  closeTurn(s, turn, maxTime(turn.lastActivity, ev.time), ev, out, failureOf(turn, ev));
}

/** The file copied another thread's history (a fork): the session is linked to it. */
function forkedFrom(s: SessionState, threadId: string, out: Emitter): void {
  if (!s.root || s.root.attributes['codex.forked_from_id'] !== undefined) return;
  s.root.attributes['codex.forked_from_id'] = threadId;
  updated(out, s.root);
}

/** The session went idle or the run ends (at `time`, or its last record if later): close what is open, end the root span. */
export function finalizeSession(s: SessionState, time: string, out: Emitter): void {
  const end = maxTime(s.clock, time);
  // a turn another one overlapped that never got its end record: it ends where it stopped
  for (const t of [...s.background]) closeTurn(s, t, t.lastActivity, { status: 'error', reason: NO_END }, out);
  for (const t of s.recent) settleLate(t, t.lastActivity, out);
  if (s.turn) suspendTurn(s.turn, end, out);
  closeSubagents(s.subagents, end, out);
  if (s.root && s.status !== 'ended') {
    s.root.attributes['codex.turn_count'] = s.turnCount;
    if (s.root.status === 'unset') s.root.status = 'ok';
    ended(out, s.root, end, s.status === 'resumed');
    s.status = 'ended';
  }
}
