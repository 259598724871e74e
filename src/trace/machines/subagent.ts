/** The parent side of a subagent: an `invoke_agent` span under the spawning turn, ended when the child is done. */
import { ended, setAttr, started, type Emitter } from '../emit.js';
import type { DomainEvent } from '../events.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes, type Span } from '../span.js';
import { newSpan, type Scope } from './scope.js';

export interface SubagentState {
  readonly span: Span;
  status: 'running' | 'ended';
}

/** The thread's subagents, by child thread id. */
export type Subagents = Map<string, SubagentState>;

export type Spawn = Extract<DomainEvent, { type: 'subagent_spawned' }>;
export type SubagentDone = Extract<DomainEvent, { type: 'subagent_done' }>;

/** Where a new subagent span goes: under `parentSpanId`, from `start`. */
export interface SpawnPlace {
  parentSpanId: string;
  start: string;
}

export function isKnown(subagents: Subagents, childThreadId: string): boolean {
  return subagents.has(childThreadId);
}

export function onSubagentSpawned(scope: Scope, subagents: Subagents, spawn: Spawn, place: SpawnPlace, out: Emitter): void {
  if (subagents.has(spawn.childThreadId)) return;
  const label = spawn.nickname ?? spawn.role ?? 'subagent';
  const attrs: Attributes = {
    [ATTR.operation]: 'invoke_agent',
    [ATTR.agentName]: label,
    [ATTR.subagentThreadId]: spawn.childThreadId,
    [ATTR.subagentParentThreadId]: scope.threadId,
    [ATTR.threadId]: scope.threadId,
  };
  setAttr(attrs, ATTR.subagentNickname, spawn.nickname);
  setAttr(attrs, ATTR.subagentRole, spawn.role);
  setAttr(attrs, ATTR.toolCallId, spawn.callId);
  const span = newSpan(scope, 'subagent', spanKey.subagent(spawn.childThreadId), `invoke_agent ${label}`, place.parentSpanId, place.start, attrs);
  subagents.set(spawn.childThreadId, { span, status: 'running' });
  started(out, span);
}

export function onSubagentDone(scope: Scope, subagents: Subagents, done: SubagentDone, out: Emitter): void {
  const sa = subagents.get(done.childThreadId);
  if (!sa || sa.status === 'ended') return;
  sa.status = 'ended';
  sa.span.status = done.status;
  if (done.status === 'error') sa.span.statusMessage = done.message ?? 'the subagent failed';
  setAttr(sa.span.attributes, ATTR.output, scope.opts.content(done.message));
  ended(out, sa.span, done.time);
}

export function closeSubagents(subagents: Subagents, time: string, out: Emitter): void {
  for (const sa of subagents.values()) {
    if (sa.status === 'ended') continue;
    sa.status = 'ended';
    ended(out, sa.span, time);
  }
}
