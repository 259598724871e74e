/**
 * What a rollout's first record (its `session_meta`) says about the file without
 * tracing it: the thread id, the parent thread of a subagent, the working directory.
 */
export interface SessionHead {
  threadId?: string;
  parentThreadId?: string;
  cwd?: string;
}

interface MetaShape {
  id?: unknown;
  cwd?: unknown;
  parent_thread_id?: unknown;
  source?: { subagent?: { thread_spawn?: { parent_thread_id?: unknown } } };
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
  const parent = meta.parent_thread_id ?? meta.source?.subagent?.thread_spawn?.parent_thread_id;
  if (typeof parent === 'string') head.parentThreadId = parent;
  return head;
}
