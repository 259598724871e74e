/**
 * The scope of one thread (one rollout file): the ids every span of it carries, where
 * its turns hang, the model in use and what the file's dialect revealed so far. The
 * session sets it up and updates it; the other machines read it.
 */
import { spanIdFor, spanKey, traceIdFor } from '../ids.js';
import { ATTR, type Attributes, type Span, type SpanKind } from '../span.js';
import type { ReducerOptions } from '../state.js';
import type { SessionInfo } from '../events.js';

export interface Scope {
  readonly opts: ReducerOptions;
  readonly threadId: string;
  readonly traceId: string;
  /** the span turns hang under: this thread's session span, or the parent's subagent span */
  readonly rootSpanId: string;
  /** false for a subagent traced inside its parent's trace: the parent holds its root */
  readonly ownRoot: boolean;
  readonly provider?: string;
  model?: string;
  /** the service tier the session recorded last (priority, flex …); absent: standard or not recorded */
  serviceTier?: string;
  /** every completed response has its own usage record (the header's version says so, or a token_usage_record did) */
  usagePerResponse: boolean;
  /** how often each tool call id was seen: a repeated id still gets its own span */
  readonly callIdUses: Map<string, number>;
  /** the file's lines have no timestamps (legacy, TS era): spans carry their file order (`codex.seq`) */
  readonly untimed?: boolean;
  spanSeq: number;
}

export function openScope(opts: ReducerOptions, info: SessionInfo): Scope {
  const parent = info.parentThreadId;
  const base = {
    opts,
    threadId: info.threadId,
    provider: info.modelProvider,
    usagePerResponse: info.usagePerResponse === true,
    callIdUses: new Map<string, number>(),
    untimed: info.untimed,
    spanSeq: 0,
  };
  if (parent && opts.parentKnown(parent)) {
    // a subagent: its turns hang under the subagent span its parent's trace holds
    const rootSession = info.rootSessionId ?? parent;
    return { ...base, traceId: traceIdFor(rootSession), rootSpanId: spanIdFor(parent, spanKey.subagent(info.threadId)), ownRoot: false };
  }
  return { ...base, traceId: traceIdFor(info.threadId), rootSpanId: spanIdFor(info.threadId, spanKey.session()), ownRoot: true };
}

/** A new open span of this thread. */
export function newSpan(scope: Scope, kind: SpanKind, key: string, name: string, parentSpanId: string | null, startTime: string, attributes: Attributes): Span {
  if (scope.untimed) attributes[ATTR.seq] = nextSeq(scope);
  return {
    traceId: scope.traceId,
    spanId: spanIdFor(scope.threadId, key),
    parentSpanId,
    kind,
    name,
    startTime,
    endTime: null,
    status: 'unset',
    attributes,
  };
}

/** The next position in the file's order (untimed files). */
export function nextSeq(scope: Scope): number {
  return ++scope.spanSeq;
}

/** The span key of a tool call: a call id seen again in the thread (replayed scripts, retries) gets `#n`. */
export function toolKey(scope: Scope, callId: string): string {
  const uses = scope.callIdUses.get(callId) ?? 0;
  scope.callIdUses.set(callId, uses + 1);
  return spanKey.tool(uses === 0 ? callId : `${callId}#${uses + 1}`);
}
