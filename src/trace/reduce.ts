/**
 * The functional core: `reduce(state, event)` returns the effects of one domain event.
 * No I/O, no clock, no randomness: timestamps come from the records. The state is
 * opaque and owned by the reducer, which updates it in place (backfill pushes millions
 * of events through it): callers keep it and hand it back, nothing else.
 */
import { DEFAULT_CONTENT } from '../content/options.js';
import type { Effect } from './effects.js';
import type { Emitter } from './emit.js';
import type { DomainEvent, SessionInfo } from './events.js';
import { finalizeSession, onSessionEvent, openSession, type SessionState } from './machines/session.js';
import { makeContentFilter } from '../content/redact.js';
import type { Span } from './span.js';
import type { ReducerOptions } from './state.js';

export type { ReducerOptions } from './state.js';

/** Opaque: what `reduce` needs between events. */
export interface TraceState {
  readonly opts: ReducerOptions;
  /** the file's session, from its first record on */
  session?: SessionState;
  /** the file's thread and trace ids (the session's scope), from its first record on */
  thread?: { readonly threadId: string; readonly traceId: string };
}

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

/** One domain event in, its effects out (in order); `state` moves on. */
export function reduce(state: TraceState, ev: DomainEvent): Effect[] {
  const out: Emitter = { effects: [] };
  if (ev.type === 'session_meta') {
    if (!state.session) open(state, ev.info, ev.time, out);
  } else if (ev.type === 'finalize') {
    // a file with no record yet (empty, or only bad lines) has no session to end: inventing one would
    // put a 1970 root span in every sink, under the file name's id
    if (state.session) finalizeSession(state.session, ev.time, out);
  } else {
    const session = state.session ?? open(state, { threadId: state.opts.fallbackThreadId }, ev.time, out);
    onSessionEvent(session, ev, out);
  }
  return out.effects;
}

function open(state: TraceState, info: SessionInfo, time: string, out: Emitter): SessionState {
  const session = openSession(state.opts, info, time, out);
  state.session = session;
  state.thread = session.scope;
  return session;
}

/**
 * @deprecated the pipeline's old entry point: the state it returns is the one it was given.
 * Use `reduce`; this goes once `pipeline/processor.ts` calls `reduce`.
 */
export function reduceSession(state: TraceState, event: DomainEvent): { state: TraceState; effects: Effect[] } {
  return { state, effects: reduce(state, event) };
}

/** The record clock: the latest record time the reducer has seen. */
export function recordClock(state: TraceState): string | undefined {
  return state.session?.clock;
}

/** Folds effects into the final spans, by span id, last write wins (what an upserting sink holds). */
export function foldSpans(effects: Iterable<Effect>): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const e of effects) if (e.type !== 'warning') spans.set(e.span.spanId, e.span);
  return spans;
}
