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
import type { PendingUsage } from './model-call.js';
import { newSpan, openScope, type Scope } from './scope.js';
import { closeSubagents, onSubagentDone, onSubagentSpawned, type Subagents } from './subagent.js';
import { runningSince } from './tool-call.js';
import {
  claimPendingUsage, endTurn, leftoverUsage, nameTurn, onTurnEvent, openTurn, resumeTurn, suspendTurn,
  type TurnEnd, type TurnState,
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
  turn?: TurnState;
  readonly subagents: Subagents;
  /** usage seen outside any turn (or left by one): the next turn's first response claims it */
  looseUsage?: PendingUsage;
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
  const scope = openScope(opts, info);
  let root: Span | undefined;
  if (scope.ownRoot) {
    const start = info.startTime && info.startTime < time ? normalizeStart(info.startTime, time) : time;
    root = newSpan(scope, 'session', spanKey.session(), 'invoke_agent codex', null, start, sessionAttributes(info));
    started(out, root);
  }
  return { scope, root, status: 'open', clock: time, turnCount: 0, subagents: new Map() };
}

export type SessionEvent = Exclude<DomainEvent, { type: 'session_meta' | 'finalize' }>;

export function onSessionEvent(s: SessionState, ev: SessionEvent, out: Emitter): void {
  advance(s, ev.time, out);
  switch (ev.type) {
    case 'turn_started':
      return onTurnStarted(s, ev.time, ev.turnId, out);
    case 'user_prompt':
      return onTurnEvent(promptTurn(s, ev.time, out), ev, out);
    case 'turn_context':
      setModel(s, ev.model, out);
      if (s.turn) onTurnEvent(s.turn, ev, out);
      return;
    case 'request_boundary':
    case 'tool_result':
    case 'error':
      if (s.turn) onTurnEvent(s.turn, ev, out);
      return;
    case 'model_output':
    case 'tool_call':
    case 'tool_output':
    case 'compaction':
      return onTurnEvent(ensureTurn(s, ev.time, out), ev, out);
    case 'usage':
      if (ev.responseId !== undefined) s.scope.responseKeyed = true;
      if (s.turn) onTurnEvent(s.turn, ev, out);
      else s.looseUsage = { usage: ev.usage, responseId: ev.responseId, time: ev.time };
      return;
    case 'compaction_done':
      return;
    case 'turn_ended':
      return onTurnEnded(s, ev, out);
    case 'subagent_spawned': {
      const turn = s.turn;
      const since = ev.callId && turn ? runningSince(turn.tools, ev.callId) : undefined;
      return onSubagentSpawned(s.scope, s.subagents, ev, { parentSpanId: turn?.span.spanId ?? s.scope.rootSpanId, start: since ?? ev.time }, out);
    }
    case 'subagent_done':
      return onSubagentDone(s.scope, s.subagents, ev, out);
  }
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

function newTurn(s: SessionState, time: string, turnId: string | undefined, out: Emitter): TurnState {
  const turn = openTurn(s.scope, ++s.turnCount, time, turnId, s.looseUsage, out);
  s.looseUsage = undefined;
  s.turn = turn;
  return turn;
}

/** The open turn, or a new inferred one (records outside any turn are kept, never dropped). */
function ensureTurn(s: SessionState, time: string, out: Emitter): TurnState {
  return s.turn ?? newTurn(s, time, undefined, out);
}

function closeTurn(s: SessionState, turn: TurnState, time: string, end: TurnEnd, out: Emitter): void {
  endTurn(turn, time, end, out);
  s.looseUsage = leftoverUsage(turn);
  if (s.turn === turn) s.turn = undefined;
}

function onTurnStarted(s: SessionState, time: string, turnId: string | undefined, out: Emitter): void {
  const open = s.turn;
  if (open) {
    if (turnId !== undefined && open.turnId === turnId) return;
    if (open.explicit) {
      closeTurn(s, open, open.lastActivity, { status: 'error', reason: 'no task_complete before the next turn started' }, out);
    } else if (!open.hadActivity && turnId !== undefined) {
      return nameTurn(open, turnId);
    } else {
      closeTurn(s, open, open.lastActivity, { status: 'ok' }, out);
    }
  }
  newTurn(s, time, turnId, out);
}

/** A prompt: in formats without turn starts, a prompt after the turn's activity starts the next turn. */
function promptTurn(s: SessionState, time: string, out: Emitter): TurnState {
  const turn = s.turn;
  if (turn && !turn.explicit && turn.hadActivity) closeTurn(s, turn, turn.lastActivity, { status: 'ok' }, out);
  return ensureTurn(s, time, out);
}

function onTurnEnded(s: SessionState, ev: Extract<SessionEvent, { type: 'turn_ended' }>, out: Emitter): void {
  const turn = s.turn;
  if (!turn) {
    warn(out, 'turn_end_without_turn', `turn end${ev.turnId ? ` for ${ev.turnId}` : ''} with no open turn`);
    return;
  }
  claimPendingUsage(turn, out);
  if (ev.turnId !== undefined && turn.turnId !== undefined && turn.turnId !== ev.turnId) {
    warn(out, 'turn_end_mismatch', `turn end for ${ev.turnId} while turn ${turn.turnId} is open; ignored`);
    return;
  }
  closeTurn(s, turn, maxTime(turn.lastActivity, ev.time), ev, out);
}

/** The session went idle or the run ends (at `time`, or its last record if later): close what is open, end the root span. */
export function finalizeSession(s: SessionState, time: string, out: Emitter): void {
  const end = maxTime(s.clock, time);
  if (s.turn) suspendTurn(s.turn, end, out);
  closeSubagents(s.subagents, end, out);
  if (s.root && s.status !== 'ended') {
    s.root.attributes['codex.turn_count'] = s.turnCount;
    if (s.root.status === 'unset') s.root.status = 'ok';
    ended(out, s.root, end, s.status === 'resumed');
    s.status = 'ended';
  }
}
