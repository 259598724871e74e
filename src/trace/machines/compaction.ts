/** CompactionMachine: a compaction span under its turn; the turn hangs the compaction's own model request under it. */
import { ended, endedCopy, setAttr, started, updated, type Emitter } from '../emit.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes, type Span } from '../span.js';
import { newSpan, type Scope } from './scope.js';

export interface CompactionState {
  readonly span: Span;
  status: 'open' | 'ended';
  /** model requests seen under it (the summary request) */
  requests: number;
}

export interface CompactedFacts {
  summary?: string;
  trigger?: string;
  windowNumber?: number;
}

/** The `n`th compaction of the turn keyed `turnKey`, hanging under `parentSpanId`. */
export function openCompaction(scope: Scope, parentSpanId: string, turnKey: string, n: number, start: string, out: Emitter): CompactionState {
  const attrs: Attributes = { [ATTR.threadId]: scope.threadId, 'codex.compaction.index': n };
  const span = newSpan(scope, 'compaction', spanKey.compaction(turnKey, n), 'compaction', parentSpanId, start, attrs);
  started(out, span);
  return { span, status: 'open', requests: 0 };
}

/** A request adopted as this compaction's started earlier: the span starts with it. */
export function startNoLaterThan(c: CompactionState, time: string): void {
  if (time < c.span.startTime) c.span.startTime = time;
}

/** `compacted`: the history was replaced. */
export function completeCompaction(scope: Scope, c: CompactionState, time: string, facts: CompactedFacts, out: Emitter): void {
  const a = c.span.attributes;
  setAttr(a, 'codex.compaction.trigger', facts.trigger ?? 'auto');
  setAttr(a, 'codex.compaction.window_number', facts.windowNumber);
  setAttr(a, ATTR.output, scope.opts.content(facts.summary));
  c.span.status = 'ok';
  ended(out, c.span, time);
  c.status = 'ended';
}

/** The turn ended with the compaction still open: it ends there, status unset. */
export function closeCompaction(c: CompactionState, time: string, out: Emitter): void {
  if (c.status !== 'open') return;
  ended(out, c.span, time);
  c.status = 'ended';
}

export function suspendCompaction(c: CompactionState, time: string, out: Emitter): void {
  if (c.status === 'open') endedCopy(out, c.span, time, () => undefined);
}

export function resumeCompaction(c: CompactionState, out: Emitter): void {
  if (c.status === 'open') updated(out, c.span);
}
