import { spanIdFor, traceIdFor } from '../trace/ids.js';
import { ATTR, type Span } from '../trace/span.js';

/**
 * What a sink needs to know about a span's trace that the span itself may not
 * carry: the conversation (session) id and the root span id.
 *
 * The trace's session id is found, in order:
 *  1. from a session root span seen earlier in this process (traceId -> its spanId
 *     and `gen_ai.conversation.id`);
 *  2. from an id on the span that produces its traceId (traceIdFor(id) === traceId):
 *     `gen_ai.conversation.id`, `codex.thread.id`, `codex.subagent.parent_thread_id`,
 *     `codex.parent_thread_id`;
 *  3. from the traceId itself read back as a UUID (for UUID session ids the traceId is
 *     the UUID without dashes, see trace/ids.ts; subagent spans share the parent's trace).
 * The root span id is the session span's: spanIdFor(sessionId, 'session'), or the
 * span's own id when it has no parent.
 */
export class TraceRoots {
  private readonly byTrace = new Map<string, { rootSpanId: string; conversationId?: string }>();

  constructor(private readonly capacity = 10_000) {}

  observe(span: Span): void {
    if (span.kind !== 'session' || span.parentSpanId !== null) return;
    const conv = span.attributes[ATTR.conversationId];
    this.byTrace.delete(span.traceId);
    this.byTrace.set(span.traceId, { rootSpanId: span.spanId, ...(typeof conv === 'string' ? { conversationId: conv } : {}) });
    if (this.byTrace.size > this.capacity) {
      const oldest = this.byTrace.keys().next().value;
      if (oldest !== undefined) this.byTrace.delete(oldest);
    }
  }

  /** the trace's session id, or undefined when it cannot be derived */
  conversationId(span: Span): string | undefined {
    return this.byTrace.get(span.traceId)?.conversationId ?? sessionIdOf(span);
  }

  rootSpanId(span: Span): string {
    const known = this.byTrace.get(span.traceId)?.rootSpanId;
    if (known) return known;
    if (span.parentSpanId === null) return span.spanId;
    const session = sessionIdOf(span);
    return session ? spanIdFor(session, 'session') : span.spanId;
  }
}

const CANDIDATES = [ATTR.conversationId, ATTR.threadId, ATTR.subagentParentThreadId, ATTR.parentThreadId];

function sessionIdOf(span: Span): string | undefined {
  for (const name of CANDIDATES) {
    const v = span.attributes[name];
    if (typeof v === 'string' && v && traceIdFor(v) === span.traceId) return v;
  }
  return uuidFromTraceId(span.traceId);
}

/** 32 hex -> 8-4-4-4-12 UUID text (lower case). */
export function uuidFromTraceId(traceId: string): string | undefined {
  const m = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(traceId);
  return m ? `${m[1]}-${m[2]}-${m[3]}-${m[4]}-${m[5]}` : undefined;
}
