/** TurnMachine: task_started .. task_complete | turn_aborted, or inferred from user prompts in older formats. */
import { ended, endedCopy, maxTime, newSpan, setAttr, started, updated, warn } from '../emit.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes, type Span } from '../span.js';
import type { Emitter, ThreadState, TurnState } from '../state.js';
import { closeOpenCall, emitCall, settle } from './model-call.js';
import { closeOpenTools } from './tool-call.js';

export function openTurn(th: ThreadState, time: string, turnId: string | undefined, out: Emitter): TurnState {
  const index = ++th.turnCount;
  const key = turnId ? spanKey.turn(turnId) : spanKey.turn(`#${index}`);
  const attrs: Attributes = { [ATTR.turnIndex]: index, [ATTR.threadId]: th.threadId };
  setAttr(attrs, ATTR.turnId, turnId);
  setAttr(attrs, ATTR.requestModel, th.model);
  const span = newSpan(th, 'turn', key, `turn ${index}`, th.rootSpanId, time, attrs);
  const turn: TurnState = {
    span, key, turnId, explicit: turnId !== undefined, index,
    lastChildEnd: time, lastActivity: time, modelSeq: 0, compactionSeq: 0,
    newInput: [], allInput: [], hadActivity: false,
  };
  th.turn = turn;
  started(out, span);
  return turn;
}

/** The open turn, or a new inferred one (records outside any turn are kept, never dropped). */
export function ensureTurn(th: ThreadState, time: string, out: Emitter): TurnState {
  return th.turn ?? openTurn(th, time, undefined, out);
}

export function onTurnStarted(th: ThreadState, time: string, turnId: string | undefined, out: Emitter): void {
  const open = th.turn;
  if (open) {
    if (turnId !== undefined && open.turnId === turnId) return;
    if (open.explicit) {
      closeTurn(th, open, open.lastActivity, { status: 'error', reason: 'no task_complete before the next turn started' }, out);
    } else if (!open.hadActivity && turnId !== undefined) {
      // an inferred turn opened by a prompt that the explicit start now names
      open.turnId = turnId;
      open.explicit = true;
      open.span.attributes[ATTR.turnId] = turnId;
      return;
    } else {
      closeTurn(th, open, open.lastActivity, { status: 'ok' }, out);
    }
  }
  openTurn(th, time, turnId, out);
}

export function onUserPrompt(th: ThreadState, time: string, text: string, out: Emitter): void {
  let turn = th.turn;
  if (turn && !turn.explicit && turn.hadActivity) {
    closeTurn(th, turn, turn.lastActivity, { status: 'ok' }, out);
    turn = undefined;
  }
  turn ??= openTurn(th, time, undefined, out);
  turn.prompt = turn.prompt === undefined ? text : `${turn.prompt}\n${text}`;
  turn.newInput.push(`user: ${text}`);
  turn.allInput.push(`user: ${text}`);
  touchTurn(turn, time);
}

export function touchTurn(turn: TurnState, time: string): void {
  turn.lastActivity = maxTime(turn.lastActivity, time);
}

export interface TurnEnd {
  status: 'ok' | 'error';
  reason?: string;
  lastAgentMessage?: string;
  durationMs?: number;
  ttftMs?: number;
}

export function onTurnEnded(th: ThreadState, time: string, turnId: string | undefined, end: TurnEnd, out: Emitter): void {
  const turn = th.turn;
  if (!turn) {
    warn(out, 'turn_end_without_turn', `turn end${turnId ? ` for ${turnId}` : ''} with no open turn`);
    return;
  }
  if (turnId !== undefined && turn.turnId !== undefined && turn.turnId !== turnId) {
    warn(out, 'turn_end_mismatch', `turn end for ${turnId} while turn ${turn.turnId} is open; ignored`);
    return;
  }
  closeTurn(th, turn, maxTime(turn.lastActivity, time), end, out);
}

export function closeTurn(th: ThreadState, turn: TurnState, time: string, end: TurnEnd, out: Emitter): void {
  closeOpenCall(th, turn, out);
  settle(th, turn, out);
  closeOpenTools(th, turn, time, out);
  if (turn.compaction && !turn.compaction.ended) {
    ended(out, turn.compaction.span, time);
    turn.compaction.ended = true;
  }
  applyTurnEnd(th, turn, end, turn.span);
  ended(out, turn.span, time);
  turn.suspended = false;
  if (th.turn === turn) th.turn = undefined;
  th.lastActivity = maxTime(th.lastActivity, time);
}

/** Sets the end-of-turn attributes and status on `span` (the turn's own, or a copy of it). */
function applyTurnEnd(th: ThreadState, turn: TurnState, end: TurnEnd, span: Span): void {
  const c = th.opts.content;
  setAttr(span.attributes, ATTR.input, c(turn.prompt));
  setAttr(span.attributes, ATTR.output, c(end.lastAgentMessage ?? turn.answer));
  setAttr(span.attributes, 'codex.turn.duration_ms', end.durationMs);
  setAttr(span.attributes, 'codex.turn.time_to_first_token_ms', end.ttftMs);
  setAttr(span.attributes, ATTR.requestModel, th.model);
  const failed = end.status === 'error' && (turn.explicit || end.reason !== SESSION_ENDED);
  if (failed || turn.error) {
    span.status = 'error';
    // error text can quote what the model or a tool said: it passes the content filter too
    span.statusMessage = (failed ? c(end.reason) : c(turn.error)) ?? 'error';
    setAttr(span.attributes, 'error.type', failed && end.reason?.startsWith('aborted') ? 'aborted' : 'turn_error');
  } else {
    span.status = 'ok';
  }
}

export const SESSION_ENDED = 'the session ended before the turn completed';

/**
 * The session went idle (or the run ends) during the turn: the turn and its calls
 * still waiting for output are sent as ended — an error for formats that mark turn
 * ends — but the machine keeps them open, so a session that goes on (a tool that
 * ran longer than --idle, a resume) continues the same spans instead of new ones.
 */
export function suspendTurn(th: ThreadState, turn: TurnState, time: string, out: Emitter): void {
  if (turn.suspended) return;
  settle(th, turn, out);
  // the call being collected is sent as it is and stays open in case more of its response arrives —
  // unless the format keys calls by response id, which only the usage record brings: sending it now
  // would leave a second span behind once the record arrives
  if (turn.call && !th.keysByResponseId) emitCall(th, turn, turn.call, out);
  for (const tool of th.tools.values()) {
    if (tool.span.parentSpanId !== turn.span.spanId) continue;
    endedCopy(out, tool.span, time, (copy) => {
      copy.status = 'error';
      copy.statusMessage = 'no output before the session went idle';
      copy.attributes['error.type'] = 'no_output';
    });
  }
  if (turn.compaction && !turn.compaction.ended) endedCopy(out, turn.compaction.span, time, () => undefined);
  endedCopy(out, turn.span, time, (copy) => applyTurnEnd(th, turn, { status: 'error', reason: SESSION_ENDED }, copy));
  turn.suspended = true;
}

/** More records after a suspension: the turn and its open calls are open again. */
export function resumeTurn(th: ThreadState, turn: TurnState, out: Emitter): void {
  if (!turn.suspended) return;
  turn.suspended = false;
  updated(out, turn.span);
  for (const tool of th.tools.values()) if (tool.span.parentSpanId === turn.span.spanId) updated(out, tool.span);
  if (turn.compaction && !turn.compaction.ended) updated(out, turn.compaction.span);
}
