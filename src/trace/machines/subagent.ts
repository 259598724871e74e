/** The parent side of a subagent: an `invoke_agent` span under the spawning turn, ended when the child is done. */
import { ended, newSpan, setAttr, started } from '../emit.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes } from '../span.js';
import type { Emitter, ThreadState } from '../state.js';

export interface Spawn {
  childThreadId: string;
  callId?: string;
  nickname?: string;
  role?: string;
}

export function onSubagentSpawned(th: ThreadState, time: string, spawn: Spawn, out: Emitter): void {
  const known = th.subagents.get(spawn.childThreadId);
  if (known) return;
  const parent = th.turn?.span.spanId ?? th.rootSpanId;
  const start = (spawn.callId ? th.tools.get(spawn.callId)?.span.startTime : undefined) ?? time;
  const label = spawn.nickname ?? spawn.role ?? 'subagent';
  const attrs: Attributes = {
    [ATTR.operation]: 'invoke_agent',
    [ATTR.agentName]: label,
    [ATTR.subagentThreadId]: spawn.childThreadId,
    [ATTR.subagentParentThreadId]: th.threadId,
    [ATTR.threadId]: th.threadId,
  };
  setAttr(attrs, ATTR.subagentNickname, spawn.nickname);
  setAttr(attrs, ATTR.subagentRole, spawn.role);
  setAttr(attrs, ATTR.toolCallId, spawn.callId);
  const span = newSpan(th, 'subagent', spanKey.subagent(spawn.childThreadId), `invoke_agent ${label}`, parent, start, attrs);
  th.subagents.set(spawn.childThreadId, { span, ended: false });
  started(out, span);
}

export function onSubagentDone(th: ThreadState, time: string, childThreadId: string, status: 'ok' | 'error', message: string | undefined, out: Emitter): void {
  const sa = th.subagents.get(childThreadId);
  if (!sa || sa.ended) return;
  sa.ended = true;
  sa.span.status = status;
  if (status === 'error') sa.span.statusMessage = message ?? 'the subagent failed';
  setAttr(sa.span.attributes, ATTR.output, th.opts.content(message));
  ended(out, sa.span, time);
}

export function closeSubagents(th: ThreadState, time: string, out: Emitter): void {
  for (const sa of th.subagents.values()) {
    if (sa.ended) continue;
    sa.ended = true;
    ended(out, sa.span, time);
  }
}
