/** CompactionMachine: a compaction span under its turn, holding the compaction's own model request. */
import { ended, newSpan, setAttr, started } from '../emit.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes } from '../span.js';
import type { CompactionState, Emitter, ThreadState, TurnState } from '../state.js';
import { emitCall, flushPendingUsage } from './model-call.js';

export function ensureCompaction(th: ThreadState, turn: TurnState, start: string, out: Emitter): CompactionState {
  if (turn.compaction && !turn.compaction.ended) return turn.compaction;
  const n = ++turn.compactionSeq;
  const attrs: Attributes = { [ATTR.threadId]: th.threadId, 'codex.compaction.index': n };
  const span = newSpan(th, 'compaction', spanKey.compaction(turn.turnId ?? `#${turn.index}`, n), 'compaction', turn.span.spanId, start, attrs);
  turn.compaction = { span, ended: false };
  started(out, span);
  return turn.compaction;
}

export interface CompactedFacts {
  summary?: string;
  trigger?: string;
  windowNumber?: number;
}

/** `compacted`: the history was replaced. Its model request is the call just made, or usage not yet claimed. */
export function onCompacted(th: ThreadState, turn: TurnState, time: string, facts: CompactedFacts, out: Emitter): void {
  const adopt = turn.unsettled;
  const start = adopt ? adopt.start : turn.lastChildEnd;
  const comp = ensureCompaction(th, turn, start, out);
  if (adopt) {
    // the summary request was written as an ordinary message-only response
    turn.unsettled = undefined;
    adopt.parentSpanId = comp.span.spanId;
    adopt.compaction = true;
    if (adopt.start < comp.span.startTime) comp.span.startTime = adopt.start;
    emitCall(th, turn, adopt, out);
  } else if (th.pendingUsage) {
    flushPendingUsage(th, turn, out, true);
  }
  const a = comp.span.attributes;
  setAttr(a, 'codex.compaction.trigger', facts.trigger ?? 'auto');
  setAttr(a, 'codex.compaction.window_number', facts.windowNumber);
  setAttr(a, ATTR.output, th.opts.content(facts.summary));
  comp.span.status = 'ok';
  ended(out, comp.span, time);
  comp.ended = true;
  turn.lastChildEnd = time > turn.lastChildEnd ? time : turn.lastChildEnd;
  turn.hadActivity = true;
}
