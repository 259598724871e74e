/**
 * The functional core: reduceSession(state, event) -> { state, effects }.
 * No I/O, no clock, no randomness: timestamps come from the records. The state
 * object is owned by the reducer and updated in place (backfill pushes millions
 * of events through it); callers treat it as opaque.
 */
import { DEFAULT_CONTENT } from '../content/options.js';
import type { Effect } from './effects.js';
import type { DomainEvent } from './events.js';
import { onCompacted } from './machines/compaction.js';
import { flushPendingUsage, onModelItem, onRequestBoundary, onUsage } from './machines/model-call.js';
import { ensureThread, finalizeThread, openThread, setSessionModel, touch } from './machines/session.js';
import { onSubagentDone, onSubagentSpawned } from './machines/subagent.js';
import { onToolCall, onToolOutput, onToolResult } from './machines/tool-call.js';
import { ensureTurn, onTurnEnded, onTurnStarted, onUserPrompt } from './machines/turn.js';
import { makeContentFilter } from '../content/redact.js';
import type { Emitter, ReducerOptions, TraceState } from './state.js';

export type { ReducerOptions, TraceState } from './state.js';

export function defaultReducerOptions(fallbackThreadId: string): ReducerOptions {
  return {
    content: makeContentFilter(DEFAULT_CONTENT),
    llmInput: DEFAULT_CONTENT.llmInput,
    fallbackThreadId,
    parentKnown: () => true,
  };
}

export function initialTraceState(opts: ReducerOptions): TraceState {
  return { opts };
}

export function reduceSession(state: TraceState, event: DomainEvent): { state: TraceState; effects: Effect[] } {
  const out: Emitter = { effects: [] };
  apply(state, event, out);
  return { state, effects: out.effects };
}

function apply(state: TraceState, ev: DomainEvent, out: Emitter): void {
  if (ev.type === 'session_meta') {
    if (!state.thread) openThread(state, ev.info, ev.time, out);
    return;
  }
  if (ev.type === 'finalize') {
    // a file with no record yet (empty, or only bad lines) has no session to end: inventing one would
    // put a 1970 root span in every sink, under the file name's id
    if (state.thread) finalizeThread(state.thread, out);
    return;
  }
  const th = ensureThread(state, ev.time, out);
  touch(th, ev.time, out);
  switch (ev.type) {
    case 'turn_started':
      return onTurnStarted(th, ev.time, ev.turnId, out);
    case 'turn_context':
      setSessionModel(th, ev.model, out);
      if (ev.serviceTier !== undefined) th.serviceTier = ev.serviceTier ?? undefined;
      return onRequestBoundary(th, th.turn, out);
    case 'request_boundary':
      return onRequestBoundary(th, th.turn, out);
    case 'user_prompt':
      return onUserPrompt(th, ev.time, ev.text, out);
    case 'model_output':
      return onModelItem(th, ensureTurn(th, ev.time, out), ev.time, ev.item, ev.compaction === true, out);
    case 'tool_call': {
      const turn = ensureTurn(th, ev.time, out);
      onModelItem(th, turn, ev.time, { kind: 'tool_call', name: ev.call.name }, false, out);
      return onToolCall(th, turn, ev.time, ev.call, out);
    }
    case 'tool_output':
      return onToolOutput(th, ensureTurn(th, ev.time, out), ev.time, ev.result, out);
    case 'tool_result':
      return onToolResult(th, ev.result);
    case 'usage':
      return onUsage(th, th.turn, ev.time, ev.usage, ev.responseId, out);
    case 'compaction':
      return onCompacted(th, ensureTurn(th, ev.time, out), ev.time, ev, out);
    case 'compaction_done':
      return;
    case 'turn_ended':
      if (th.turn && th.pendingUsage) flushPendingUsage(th, th.turn, out);
      return onTurnEnded(th, ev.time, ev.turnId, ev, out);
    case 'error':
      if (th.turn) th.turn.error = ev.message;
      return;
    case 'subagent_spawned':
      return onSubagentSpawned(th, ev.time, ev, out);
    case 'subagent_done':
      return onSubagentDone(th, ev.time, ev.childThreadId, ev.status, ev.message, out);
  }
}

/** Folds effects into the final spans, by span id, last write wins (what an upserting sink holds). */
export function foldSpans(effects: Iterable<Effect>): Map<string, import('./span.js').Span> {
  const spans = new Map<string, import('./span.js').Span>();
  for (const e of effects) if (e.type !== 'warning') spans.set(e.span.spanId, e.span);
  return spans;
}
