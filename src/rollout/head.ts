/**
 * What a rollout's first record (its `session_meta`) says about the file without
 * tracing it: the thread id, the parent thread of a subagent, the working directory.
 */
export interface SessionHead {
  threadId?: string;
  parentThreadId?: string;
  cwd?: string;
  /** when the session started (its `session_meta.timestamp`, else the record's), ISO */
  startTime?: string;
  /** a review thread (`source` review) whose header names no parent (0.104): linked by review-link.ts */
  unparentedReview?: boolean;
}

interface MetaShape {
  id?: unknown;
  cwd?: unknown;
  timestamp?: unknown;
  parent_thread_id?: unknown;
  source?: string | { subagent?: string | { thread_spawn?: { parent_thread_id?: unknown } } };
}

function isoOf(t: unknown): string | undefined {
  if (typeof t !== 'string') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Reads the head from the first line's text (an envelope's payload, or a bare legacy header). */
export function parseSessionHead(firstLine: string): SessionHead {
  const head: SessionHead = {};
  let v: unknown;
  try {
    v = JSON.parse(firstLine);
  } catch {
    return head; // not JSON: tracing the file reports it properly
  }
  if (typeof v !== 'object' || v === null) return head;
  const meta = ((v as { payload?: unknown }).payload ?? v) as MetaShape;
  if (typeof meta.id === 'string') head.threadId = meta.id;
  if (typeof meta.cwd === 'string') head.cwd = meta.cwd;
  const start = isoOf(meta.timestamp) ?? isoOf((v as { timestamp?: unknown }).timestamp);
  if (start !== undefined) head.startTime = start;
  const src = meta.source;
  const sub = typeof src === 'object' && src !== null ? src.subagent : undefined;
  const parent = meta.parent_thread_id ?? (typeof sub === 'object' && sub !== null ? sub.thread_spawn?.parent_thread_id : undefined);
  if (typeof parent === 'string') head.parentThreadId = parent;
  else if (src === 'review' || sub === 'review') head.unparentedReview = true;
  return head;
}
