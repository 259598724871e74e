/** SessionMachine: the thread's scope, the session root span, idle/finalize and re-open on resume. */
import { ended, maxTime, newSpan, setAttr, started, updated } from '../emit.js';
import type { SessionInfo } from '../events.js';
import { spanIdFor, spanKey, traceIdFor } from '../ids.js';
import { stripUrlCredentials } from '../../content/redact.js';
import { ATTR, type Attributes } from '../span.js';
import type { Emitter, ReducerOptions, ThreadState, TraceState } from '../state.js';
import { closeSubagents } from './subagent.js';
import { resumeTurn, suspendTurn } from './turn.js';

function newThread(opts: ReducerOptions, threadId: string, traceId: string, rootSpanId: string, time: string): ThreadState {
  return {
    opts,
    threadId,
    traceId,
    rootSpanId,
    sessionEnded: false,
    everEnded: false,
    lastActivity: time,
    turnCount: 0,
    tools: new Map(),
    callIdUses: new Map(),
    orphanOutputs: new Map(),
    subagents: new Map(),
  };
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

/** Opens the thread's scope from its `session_meta` (or from the fallback id when the file has none). */
export function openThread(state: TraceState, info: SessionInfo, time: string, out: Emitter): ThreadState {
  const parent = info.parentThreadId;
  if (parent && state.opts.parentKnown(parent)) {
    // a subagent: its turns hang under the subagent span its parent's trace holds
    const rootSession = info.rootSessionId ?? parent;
    const th = newThread(state.opts, info.threadId, traceIdFor(rootSession), spanIdFor(parent, spanKey.subagent(info.threadId)), time);
    th.provider = info.modelProvider;
    th.untimed = info.untimed;
    state.thread = th;
    return th;
  }
  const th = newThread(state.opts, info.threadId, traceIdFor(info.threadId), spanIdFor(info.threadId, spanKey.session()), time);
  th.provider = info.modelProvider;
  th.untimed = info.untimed;
  const start = info.startTime && info.startTime < time ? normalizeStart(info.startTime, time) : time;
  th.session = newSpan(th, 'session', spanKey.session(), 'invoke_agent codex', null, start, sessionAttributes(info));
  state.thread = th;
  started(out, th.session);
  return th;
}

function normalizeStart(meta: string, fallback: string): string {
  // `session_meta.timestamp` is ISO but not always millisecond-shaped; keep it only when it is
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(meta) ? meta : fallback;
}

/** The thread every event needs; created from the fallback id when the file has no `session_meta`. */
export function ensureThread(state: TraceState, time: string, out: Emitter): ThreadState {
  return state.thread ?? openThread(state, { threadId: state.opts.fallbackThreadId }, time, out);
}

/** Any activity: the clock of the thread moves, and a finalized session re-opens (a resume). */
export function touch(th: ThreadState, time: string, out: Emitter): void {
  th.lastActivity = maxTime(th.lastActivity, time);
  if (th.session && th.sessionEnded) {
    // back to the shape of a root that never ended: what finalizeThread added goes
    // (the store and `show FILE` must agree, attribute order included)
    th.sessionEnded = false;
    th.session.endTime = null;
    th.session.status = 'unset';
    delete th.session.attributes['codex.turn_count'];
    updated(out, th.session);
  }
  if (th.turn?.suspended) resumeTurn(th, th.turn, out);
}

export function setSessionModel(th: ThreadState, model: string | undefined, out: Emitter): void {
  if (!model || model === th.model) return;
  th.model = model;
  if (th.session && !th.sessionEnded) {
    th.session.attributes[ATTR.requestModel] = model;
    updated(out, th.session);
  }
}

/** The session went idle or the run ends: close what is open and end the root span. */
export function finalizeThread(th: ThreadState, out: Emitter): void {
  const end = th.lastActivity;
  if (th.turn) suspendTurn(th, th.turn, end, out);
  closeSubagents(th, end, out);
  if (th.session && !th.sessionEnded) {
    th.session.attributes['codex.turn_count'] = th.turnCount;
    if (th.session.status === 'unset') th.session.status = 'ok';
    ended(out, th.session, end, th.everEnded);
    th.sessionEnded = true;
    th.everEnded = true;
  }
}
