/**
 * ModelCallMachine: one LLM span per model response.
 * Responses are delimited by usage markers (deduplicated by the normalizer) and by
 * request boundaries, not by the order of calls and outputs: old Codex writes the
 * parallel calls of one response as call, output, call, output, and some versions
 * write a response's usage before its items.
 */
import { ended, maxTime, newSpan, setAttr, warn } from '../emit.js';
import type { OutputItem } from '../events.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes, type Usage } from '../span.js';
import type { Emitter, ModelCallState, ThreadState, TurnState } from '../state.js';
import { ensureCompaction } from './compaction.js';

function takeInput(th: ThreadState, turn: TurnState): string | undefined {
  const parts = th.opts.llmInput === 'full' ? turn.allInput : turn.newInput;
  const text = parts.length > 0 ? parts.join('\n\n') : undefined;
  turn.newInput = [];
  return text;
}

function newCall(th: ThreadState, turn: TurnState, compaction: boolean, out: Emitter): ModelCallState {
  const parentSpanId = compaction ? ensureCompaction(th, turn, turn.lastChildEnd, out).span.spanId : turn.span.spanId;
  const call: ModelCallState = {
    seq: ++turn.modelSeq,
    parentSpanId,
    start: turn.lastChildEnd,
    end: turn.lastChildEnd,
    outputs: [],
    toolNames: [],
    input: takeInput(th, turn),
    closed: false,
    compaction,
  };
  const pending = th.pendingUsage;
  if (pending) {
    call.usage = pending.usage;
    call.responseId = pending.responseId;
    call.usageTime = pending.time;
    th.pendingUsage = undefined;
  }
  turn.call = call;
  return call;
}

/** A model output item (message, reasoning, or a tool call) belongs to the open call or starts a new one. */
export function onModelItem(
  th: ThreadState, turn: TurnState, time: string, item: OutputItem | { kind: 'tool_call'; name: string },
  compaction: boolean, out: Emitter,
): void {
  settle(th, turn, out);
  let call = turn.call;
  if (call && (call.closed || call.compaction !== compaction)) {
    closeOpenCall(th, turn, out);
    call = undefined;
  }
  call ??= newCall(th, turn, compaction, out);
  if (item.kind === 'tool_call') call.toolNames.push(item.name);
  else call.outputs.push(item);
  if (item.kind === 'message' && !compaction) turn.answer = item.text;
  call.end = maxTime(call.end, time);
  turn.hadActivity = true;
}

export function onUsage(th: ThreadState, turn: TurnState | undefined, time: string, usage: Usage, responseId: string | undefined, out: Emitter): void {
  if (responseId !== undefined) th.keysByResponseId = true;
  const call = turn?.call;
  if (turn && call && !call.closed && !call.usage) {
    call.usage = usage;
    call.responseId = responseId;
    call.usageTime = time;
    call.closed = true;
    closeOpenCall(th, turn, out);
    return;
  }
  if (turn && call && call.usage) closeOpenCall(th, turn, out);
  if (th.pendingUsage) {
    // two usage markers and no output between them: a response without output items
    flushPendingUsage(th, turn, out);
  }
  th.pendingUsage = { usage, responseId, time };
}

/** A new model request starts: the open call has all its items. */
export function onRequestBoundary(th: ThreadState, turn: TurnState | undefined, out: Emitter): void {
  if (!turn) return;
  if (turn.call) closeOpenCall(th, turn, out);
  if (th.pendingUsage) flushPendingUsage(th, turn, out);
}

/** Usage that no output item claimed still is a model response: an LLM span with no output. */
export function flushPendingUsage(th: ThreadState, turn: TurnState | undefined, out: Emitter, compaction = false): void {
  const pending = th.pendingUsage;
  if (!pending || !turn) return;
  th.pendingUsage = undefined;
  const call = newCall(th, turn, compaction, out);
  call.usage = pending.usage;
  call.responseId = pending.responseId;
  call.usageTime = pending.time;
  call.end = maxTime(call.start, pending.time);
  call.closed = true;
  turn.call = call;
  closeOpenCall(th, turn, out);
}

/** The open call is complete; message-only calls wait (unsettled) in case a `compacted` record claims them. */
export function closeOpenCall(th: ThreadState, turn: TurnState, out: Emitter): void {
  const call = turn.call;
  if (!call) return;
  turn.call = undefined;
  call.closed = true;
  turn.lastChildEnd = maxTime(turn.lastChildEnd, call.end);
  settle(th, turn, out);
  if (call.toolNames.length === 0 && !call.compaction) turn.unsettled = call;
  else emitCall(th, turn, call, out);
}

export function settle(th: ThreadState, turn: TurnState, out: Emitter): void {
  const u = turn.unsettled;
  if (!u) return;
  turn.unsettled = undefined;
  emitCall(th, turn, u, out);
}

function outputText(call: ModelCallState): string | undefined {
  const parts: string[] = [];
  for (const o of call.outputs) parts.push(o.kind === 'reasoning' ? `[reasoning] ${o.text}` : o.text);
  for (const n of call.toolNames) parts.push(`[tool call] ${n}`);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

export function emitCall(th: ThreadState, turn: TurnState, call: ModelCallState, out: Emitter): void {
  const model = th.model ?? 'unknown';
  const key = spanKey.model(turn.turnId ?? `#${turn.index}`, call.responseId ?? call.seq);
  const attrs: Attributes = { [ATTR.operation]: 'chat', [ATTR.requestModel]: model, [ATTR.threadId]: th.threadId };
  setAttr(attrs, ATTR.providerName, th.provider);
  setAttr(attrs, ATTR.responseId, call.responseId);
  setAttr(attrs, ATTR.serviceTier, th.serviceTier);
  if (call.usage) {
    attrs[ATTR.inputTokens] = call.usage.input;
    attrs[ATTR.outputTokens] = call.usage.output;
    attrs[ATTR.cacheReadTokens] = call.usage.cached;
    attrs[ATTR.reasoningTokens] = call.usage.reasoning;
    attrs[ATTR.totalTokens] = call.usage.total;
  }
  if (call.toolNames.length > 0) attrs['codex.llm.tool_calls'] = call.toolNames;
  if (call.compaction) attrs['codex.llm.compaction'] = true;
  const c = th.opts.content;
  setAttr(attrs, ATTR.input, c(call.input));
  setAttr(attrs, ATTR.output, c(outputText(call)));
  const span = newSpan(th, 'llm', key, `chat ${model}`, call.parentSpanId, call.start, attrs);
  span.status = 'ok';
  if (!call.usage && call.outputs.length === 0 && call.toolNames.length === 0) warn(out, 'empty_model_call', 'a model call with neither output nor usage');
  ended(out, span, call.end);
}
