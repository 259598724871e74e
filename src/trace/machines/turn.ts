/**
 * TurnMachine: task_started .. task_complete | turn_aborted, or inferred from user
 * prompts in older formats. A turn owns its model calls, its tool calls and its
 * compaction; they report to it through the hosts it gives them (a call closed, a
 * tool finished), and it keeps its own facts (where the next child starts, the input
 * new since the last model call).
 */
import { ended, endedCopy, maxTime, setAttr, started, updated, type Emitter } from '../emit.js';
import type { DomainEvent } from '../events.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes, type Span } from '../span.js';
import type { InputPart } from '../state.js';
import {
  closeCompaction,
  completeCompaction,
  openCompaction,
  resumeCompaction,
  startNoLaterThan,
  suspendCompaction,
  type CompactionState,
} from './compaction.js';
import {
  adoptAsCompaction,
  closeOpenCall,
  emitCall,
  failOpenCall,
  flushPendingUsage,
  initialCalls,
  onLateUsage,
  onModelItem,
  onRequestBoundary,
  onUsage,
  settle,
  takeUnsettled,
  unrecordedCompactionCall,
  type CallFailure,
  type CallHost,
  type CallsState,
  type ModelCallState,
  type PendingUsage,
} from './model-call.js';
import { newSpan, type Scope } from './scope.js';
import {
  awaitsOutput,
  closeTools,
  hasCall,
  initialTools,
  onLateOutput,
  onToolCall,
  onToolOutput,
  onToolResult,
  resumeTools,
  suspendTools,
  type ToolHost,
  type ToolsState,
} from './tool-call.js';

/** open: taking records; suspended: sent as ended (the session went idle) but may go on; ended. */
export type TurnStatus = 'open' | 'suspended' | 'ended';

export interface TurnState {
  readonly scope: Scope;
  readonly span: Span;
  readonly index: number;
  turnId?: string;
  /** the turn that started this one (`turn_attribution.parent_turn_id`: a review's parent turn) */
  parentTurnId?: string;
  /** a review turn (`/review`): its work runs in a review thread */
  review: boolean;
  /** opened by the format's own turn start (task_started), not inferred from a prompt */
  explicit: boolean;
  status: TurnStatus;
  /** the turn has had model output or a compaction (an inferred turn without any can still be named) */
  hadActivity: boolean;
  /** end of the turn's previous child: where the next model call starts */
  lastChildEnd: string;
  /** the last record of the turn's own (its start, prompts, tool records): where an implicit end puts it */
  lastActivity: string;
  readonly calls: CallsState;
  readonly callHost: CallHost;
  readonly tools: ToolsState;
  readonly toolHost: ToolHost;
  compaction?: CompactionState;
  compactionSeq: number;
  prompt?: string;
  answer?: string;
  error?: string;
  /** content new since the previous model call (user prompt, tool results) */
  newInput: InputPart[];
  /** a tool output since the previous model call says the call was interrupted: the turn was aborted during its tools */
  toolAborted: boolean;
  allInput: InputPart[];
}

/** The events a turn handles itself. */
export type TurnEvent = Extract<
  DomainEvent,
  {
    type: 'user_prompt' | 'turn_context' | 'request_boundary' | 'model_output' | 'tool_call' | 'tool_output' | 'tool_result' | 'usage' | 'compaction' | 'error';
  }
>;

export interface TurnEnd {
  status: 'ok' | 'error';
  reason?: string;
  lastAgentMessage?: string;
  durationMs?: number;
  ttftMs?: number;
}

export const SESSION_ENDED = 'the session ended before the turn completed';

/** The turn's part of its children's span keys. */
function turnKey(turn: TurnState): string {
  return turn.turnId ?? `#${turn.index}`;
}

/** Opens turn number `index`; `carried` is usage the session holds for the next response. */
export function openTurn(
  scope: Scope,
  index: number,
  time: string,
  turnId: string | undefined,
  parentTurnId: string | undefined,
  carried: PendingUsage | undefined,
  out: Emitter,
): TurnState {
  const attrs: Attributes = { [ATTR.turnIndex]: index, [ATTR.threadId]: scope.threadId };
  setAttr(attrs, ATTR.turnId, turnId);
  setAttr(attrs, ATTR.requestModel, scope.model);
  const span = newSpan(scope, 'turn', spanKey.turn(turnId ?? `#${index}`), `turn ${index}`, scope.rootSpanId, time, attrs);
  const turn: TurnState = {
    scope,
    span,
    index,
    turnId,
    parentTurnId,
    review: false,
    explicit: turnId !== undefined,
    status: 'open',
    hadActivity: false,
    lastChildEnd: time,
    lastActivity: time,
    calls: initialCalls(carried),
    callHost: callHost(() => turn),
    tools: initialTools(),
    toolHost: toolHost(() => turn),
    compactionSeq: 0,
    newInput: [],
    toolAborted: false,
    allInput: [],
  };
  started(out, span);
  return turn;
}

function callHost(self: () => TurnState): CallHost {
  return {
    get scope() {
      return self().scope;
    },
    key: () => turnKey(self()),
    start: () => self().lastChildEnd,
    takeInput: () => {
      const turn = self();
      // a copy of allInput: the turn goes on adding to it
      const parts = turn.scope.opts.llmInput === 'full' ? turn.allInput.slice() : turn.newInput;
      turn.newInput = [];
      turn.toolAborted = false;
      return parts.length > 0 ? parts : undefined;
    },
    parentFor: (compaction, out) => {
      const turn = self();
      if (!compaction) return turn.span.spanId;
      const comp = ensureCompaction(turn, turn.lastChildEnd, out);
      comp.requests++;
      return comp.span.spanId;
    },
    closed: (end) => {
      const turn = self();
      turn.lastChildEnd = maxTime(turn.lastChildEnd, end);
    },
  };
}

function toolHost(self: () => TurnState): ToolHost {
  return {
    get scope() {
      return self().scope;
    },
    get spanId() {
      return self().span.spanId;
    },
    touched: (time) => touch(self(), time),
    finished: (time, part, aborted) => {
      const turn = self();
      turn.lastChildEnd = maxTime(turn.lastChildEnd, time);
      touch(turn, time);
      if (aborted) turn.toolAborted = true;
      if (part === undefined) return;
      turn.newInput.push(part);
      if (turn.scope.opts.llmInput === 'full') turn.allInput.push(part);
    },
  };
}

function touch(turn: TurnState, time: string): void {
  turn.lastActivity = maxTime(turn.lastActivity, time);
}

/** An inferred turn opened by a prompt that the format's turn start now names. */
export function nameTurn(turn: TurnState, turnId: string, parentTurnId?: string): void {
  turn.turnId = turnId;
  turn.parentTurnId = parentTurnId;
  turn.explicit = true;
  turn.span.attributes[ATTR.turnId] = turnId;
}

function ensureCompaction(turn: TurnState, start: string, out: Emitter): CompactionState {
  if (turn.compaction?.status === 'open') return turn.compaction;
  const n = ++turn.compactionSeq;
  turn.compaction = openCompaction(turn.scope, turn.span.spanId, turnKey(turn), n, start, out);
  return turn.compaction;
}

export function onTurnEvent(turn: TurnState, ev: TurnEvent, out: Emitter): void {
  switch (ev.type) {
    case 'user_prompt':
      turn.prompt = turn.prompt === undefined ? ev.text : `${turn.prompt}\n${ev.text}`;
      turn.newInput.push({ label: 'user: ', text: ev.text });
      turn.allInput.push({ label: 'user: ', text: ev.text });
      return touch(turn, ev.time);
    case 'turn_context':
    case 'request_boundary':
      return onRequestBoundary(turn.calls, turn.callHost, out);
    case 'model_output':
      return modelItem(turn, ev.time, ev.item, ev.compaction === true, out);
    case 'tool_call':
      modelItem(turn, ev.time, { kind: 'tool_call', name: ev.call.name }, false, out);
      return onToolCall(turn.tools, turn.toolHost, ev.time, ev.call, out);
    case 'tool_output':
      return onToolOutput(turn.tools, turn.toolHost, ev.time, ev.result, out);
    case 'tool_result':
      return onToolResult(turn.tools, turn.scope, ev.result, out);
    case 'usage':
      return onUsage(turn.calls, turn.callHost, ev.time, ev.usage, ev.responseId, out);
    case 'compaction':
      return compacted(turn, ev.time, ev, out);
    case 'error':
      turn.error = ev.message;
      return;
  }
}

function modelItem(turn: TurnState, time: string, item: Parameters<typeof onModelItem>[3], compaction: boolean, out: Emitter): void {
  onModelItem(turn.calls, turn.callHost, time, item, compaction, out);
  // a turn without an end record (0.3x envelope, legacy) ends at its last output item, not at the start of its last call
  touch(turn, time);
  if (item.kind === 'message' && !compaction) turn.answer = item.text;
  turn.hadActivity = true;
}

/** `compacted`: the history was replaced. Its model request is the call just made, or usage not yet claimed. */
function compacted(turn: TurnState, time: string, facts: { summary?: string; trigger?: string; windowNumber?: number }, out: Emitter): void {
  const adopt = takeUnsettled(turn.calls);
  const comp = ensureCompaction(turn, adopt ? adopt.start : turn.lastChildEnd, out);
  if (adopt) {
    // the summary request was written as an ordinary message-only response
    adoptAsCompaction(adopt, comp.span.spanId);
    comp.requests++;
    startNoLaterThan(comp, adopt.start);
    emitCall(turn.scope, turnKey(turn), adopt, out);
  } else if (turn.calls.pending) {
    flushPendingUsage(turn.calls, turn.callHost, out, true);
  } else if (comp.requests === 0) {
    // no message and no usage of its own (older versions): the request still was made
    unrecordedCompactionCall(turn.calls, turn.callHost, time, out);
  }
  completeCompaction(turn.scope, comp, time, facts, out);
  turn.lastChildEnd = maxTime(turn.lastChildEnd, time);
  turn.hadActivity = true;
}

/** The format says the turn ended: usage not yet claimed is its last response. */
export function claimPendingUsage(turn: TurnState, out: Emitter): void {
  if (turn.calls.pending) flushPendingUsage(turn.calls, turn.callHost, out);
}

/** Usage the turn leaves unclaimed when it ends: the session takes it for the next turn. */
export function leftoverUsage(turn: TurnState): PendingUsage | undefined {
  const pending = turn.calls.pending;
  turn.calls.pending = undefined;
  return pending;
}

/** Whether a tool call of this turn is known by its id. */
export function ownsCall(turn: TurnState, callId: string): boolean {
  return hasCall(turn.tools, callId);
}

/** A call the turn's end cut off: it ended with no output. */
export function cutOff(turn: TurnState, callId: string): boolean {
  return awaitsOutput(turn.tools, callId);
}

/** A record about one of the turn's calls that came after the turn ended (a late output, an `exec_command_end`). */
export function onLateToolRecord(turn: TurnState, ev: Extract<TurnEvent, { type: 'tool_output' | 'tool_result' }>, out: Emitter): void {
  if (ev.type === 'tool_result') onToolResult(turn.tools, turn.scope, ev.result, out);
  else onLateOutput(turn.tools, turn.scope, ev.time, ev.result, out);
}

/**
 * A model item, tool call or usage record naming the turn after it ended: it is traced in the turn
 * (its spans hang under the ended turn's span). A usage record completes the late response; what is
 * still open is closed when the turn is let go (`settleLate`).
 */
export function onLateTurnEvent(turn: TurnState, ev: Extract<TurnEvent, { type: 'model_output' | 'tool_call' | 'compaction' | 'usage' }>, out: Emitter): void {
  if (ev.type !== 'usage') return onTurnEvent(turn, ev, out);
  onLateUsage(turn.calls, turn.callHost, ev.time, ev.usage, ev.responseId, out);
  claimPendingUsage(turn, out);
}

/** An ended turn is let go (the session ends, or it is no longer among the recent ones): late spans still open end. */
export function settleLate(turn: TurnState, time: string, out: Emitter): void {
  claimPendingUsage(turn, out);
  closeOpenCall(turn.calls, turn.callHost, out);
  settle(turn.calls, turn.callHost, out);
  if (turn.tools.running.size > 0) closeTools(turn.tools, turn.toolHost, time, out);
  if (turn.compaction) closeCompaction(turn.compaction, time, out);
}

/**
 * A model request is in flight: no tool is running and the turn has input the model has not answered —
 * unless a tool's output says it was interrupted (the abort stopped the tools; no request followed).
 */
function requestInFlight(turn: TurnState): boolean {
  return turn.tools.running.size === 0 && turn.newInput.length > 0 && !turn.toolAborted;
}

/** The turn stopped short of an answer: a tool still runs, input waits for the model, or its last response was not a message. */
function stoppedShort(turn: TurnState): boolean {
  if (requestInFlight(turn) || turn.tools.running.size > 0) return true;
  const open = turn.calls.open;
  return open !== undefined && (open.toolNames.length > 0 || open.outputs[open.outputs.length - 1]?.kind !== 'message');
}

/**
 * The turn is over at `time`: its children close, then its own span ends. `failure` says the
 * format ended it on a failure (an abort, a failed request): the request it cut off is an error.
 */
export function endTurn(turn: TurnState, time: string, end: TurnEnd, out: Emitter, failure?: CallFailure): void {
  if (failure) failOpenCall(turn.calls, turn.callHost, time, failure, requestInFlight(turn), out);
  closeOpenCall(turn.calls, turn.callHost, out);
  settle(turn.calls, turn.callHost, out);
  closeTools(turn.tools, turn.toolHost, time, out);
  if (turn.compaction) closeCompaction(turn.compaction, time, out);
  applyTurnEnd(turn, end, turn.span);
  ended(out, turn.span, time);
  turn.status = 'ended';
}

/** Sets the end-of-turn attributes and status on `span` (the turn's own, or a copy of it). */
function applyTurnEnd(turn: TurnState, end: TurnEnd, span: Span, short = false): void {
  const c = turn.scope.opts.content;
  setAttr(span.attributes, ATTR.input, c(turn.prompt));
  setAttr(span.attributes, ATTR.output, c(end.lastAgentMessage ?? turn.answer));
  setAttr(span.attributes, 'codex.turn.duration_ms', end.durationMs);
  setAttr(span.attributes, 'codex.turn.time_to_first_token_ms', end.ttftMs);
  setAttr(span.attributes, ATTR.requestModel, turn.scope.model);
  // a file that ends mid-turn: an error where the format marks turn ends, or where the turn stopped short
  const failed = end.status === 'error' && (turn.explicit || short || end.reason !== SESSION_ENDED);
  if (failed || turn.error) {
    span.status = 'error';
    // error text can quote what the model or a tool said: it passes the content filter too
    span.statusMessage = (failed ? c(end.reason) : c(turn.error)) ?? 'error';
    setAttr(span.attributes, 'error.type', failed && end.reason?.startsWith('aborted') ? 'aborted' : 'turn_error');
  } else {
    span.status = 'ok';
  }
}

/**
 * A file cut off mid-turn while a response was being written (no usage yet): that response is cut
 * off too — one that made tool calls had delivered them, and they say how it went, unless the format
 * writes a usage record for every response it completed (0.169+: a response without one never completed).
 */
function cutOffCall(turn: TurnState, open: ModelCallState, short: boolean): CallFailure | undefined {
  const writing = !open.measured && (open.toolNames.length === 0 || turn.scope.usagePerResponse);
  return writing && (turn.explicit || short) ? { message: SESSION_ENDED, type: 'incomplete' } : undefined;
}

/**
 * The session went idle (or the run ends) during the turn: the turn and its calls
 * still waiting for output are sent as ended — an error for formats that mark turn
 * ends — but the machine keeps them open, so a session that goes on (a tool that
 * ran longer than --idle, a resume) continues the same spans instead of new ones.
 */
export function suspendTurn(turn: TurnState, time: string, out: Emitter): void {
  if (turn.status !== 'open') return;
  settle(turn.calls, turn.callHost, out);
  // the call being collected is sent as it is and stays open in case more of its response arrives
  // (its span id does not depend on its usage record: a record that comes later updates that span)
  const short = stoppedShort(turn);
  const open = turn.calls.open;
  if (open) emitCall(turn.scope, turnKey(turn), open, out, cutOffCall(turn, open, short));
  suspendTools(turn.tools, time, out);
  if (turn.compaction) suspendCompaction(turn.compaction, time, out);
  endedCopy(out, turn.span, time, (copy) => applyTurnEnd(turn, { status: 'error', reason: SESSION_ENDED }, copy, short));
  turn.status = 'suspended';
}

/** More records after a suspension: the turn and its open calls are open again. */
export function resumeTurn(turn: TurnState, out: Emitter): void {
  if (turn.status !== 'suspended') return;
  turn.status = 'open';
  updated(out, turn.span);
  resumeTools(turn.tools, out);
  if (turn.compaction) resumeCompaction(turn.compaction, out);
}
