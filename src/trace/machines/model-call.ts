/**
 * ModelCallMachine: one LLM span per model response, collected inside a turn.
 * Responses are delimited by usage markers (deduplicated by the normalizer) and by
 * request boundaries, not by the order of calls and outputs: old Codex writes the
 * parallel calls of one response as call, output, call, output, and some versions
 * write a response's usage before its items.
 *
 * The turn owns a `CallsState` and offers a `CallHost`: the calls ask it where a new
 * call starts and hangs, take its new input, and tell it when a call is complete.
 */
import { ended, maxTime, setAttr, warn, type Emitter } from '../emit.js';
import type { OutputItem } from '../events.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes, type Usage } from '../span.js';
import type { InputPart } from '../state.js';
import { newSpan, nextSeq, type Scope } from './scope.js';

/** The end marker of a response whose items have not been seen (yet), with its usage when known. */
export interface PendingUsage {
  usage?: Usage;
  responseId?: string;
  time: string;
}

export interface ModelCallState {
  readonly seq: number;
  parentSpanId: string;
  readonly start: string;
  end: string;
  readonly outputs: OutputItem[];
  readonly toolNames: string[];
  /** its input as parts (joined and filtered once, when its span is made) */
  readonly input?: readonly InputPart[];
  /** a usage marker ended it (its usage may still be unknown) */
  measured: boolean;
  usage?: Usage;
  responseId?: string;
  usageTime?: string;
  /** the request failed or was cut off: the span is an error */
  failure?: CallFailure;
  /** collecting: more output items may belong to it; complete: it has all of them */
  status: 'collecting' | 'complete';
  compaction: boolean;
  /** file order of the call's first item, on untimed sessions (its span is made only when the call ends) */
  order?: number;
  /** its span key's last part, fixed when the span was first sent (a later update keeps the span) */
  sentAs?: string | number;
}

export interface CallFailure {
  message: string;
  /** `error.type`: aborted (interrupted, replaced…), request_failed, incomplete */
  type: string;
}

export interface CallsState {
  seq: number;
  /** the call being collected */
  open?: ModelCallState;
  /** a complete message-only call not yet emitted: a following `compacted` may adopt it */
  unsettled?: ModelCallState;
  /** usage no output item claimed yet */
  pending?: PendingUsage;
  /** the call whose span was sent last */
  lastSent?: ModelCallState;
}

/** What a turn offers its model calls. */
export interface CallHost {
  readonly scope: Scope;
  /** the turn's part of LLM span keys */
  key(): string;
  /** where a new call starts: the end of the turn's previous child */
  start(): string;
  /** the content new since the previous call (taking it) */
  takeInput(): readonly InputPart[] | undefined;
  /** the span a new call hangs under (the turn, or its compaction) */
  parentFor(compaction: boolean, out: Emitter): string;
  /** a call has all its items; it ended at `end` */
  closed(end: string): void;
}

export function initialCalls(pending: PendingUsage | undefined): CallsState {
  return { seq: 0, pending };
}

function newCall(calls: CallsState, host: CallHost, compaction: boolean, out: Emitter): ModelCallState {
  const parentSpanId = host.parentFor(compaction, out);
  const start = host.start();
  const call: ModelCallState = {
    seq: ++calls.seq,
    parentSpanId,
    start,
    end: start,
    outputs: [],
    toolNames: [],
    input: host.takeInput(),
    measured: false,
    status: 'collecting',
    compaction,
  };
  if (host.scope.untimed) call.order = nextSeq(host.scope);
  const pending = calls.pending;
  if (pending) {
    claim(call, pending);
    calls.pending = undefined;
  }
  calls.open = call;
  return call;
}

function claim(call: ModelCallState, marker: PendingUsage): void {
  call.measured = true;
  call.usage = marker.usage;
  call.responseId = marker.responseId;
  call.usageTime = marker.time;
}

/** A model output item (message, reasoning, or a tool call) belongs to the open call or starts a new one. */
export function onModelItem(
  calls: CallsState,
  host: CallHost,
  time: string,
  item: OutputItem | { kind: 'tool_call'; name: string },
  compaction: boolean,
  out: Emitter,
): void {
  settle(calls, host, out);
  let call = calls.open;
  if (call && (call.status === 'complete' || call.compaction !== compaction)) {
    closeOpenCall(calls, host, out);
    call = undefined;
  }
  call ??= newCall(calls, host, compaction, out);
  if (item.kind === 'tool_call') call.toolNames.push(item.name);
  else call.outputs.push(item);
  call.end = maxTime(call.end, time);
}

export function onUsage(calls: CallsState, host: CallHost, time: string, usage: Usage | undefined, responseId: string | undefined, out: Emitter): void {
  const call = calls.open;
  if (call && call.status === 'collecting' && !call.measured) {
    claim(call, { usage, responseId, time });
    call.status = 'complete';
    closeOpenCall(calls, host, out);
    return;
  }
  if (call && call.measured) closeOpenCall(calls, host, out);
  if (calls.pending) {
    // two usage markers and no output between them: a response without output items
    flushPendingUsage(calls, host, out);
  }
  calls.pending = { usage, responseId, time };
}

/** A new model request starts: the open call has all its items. */
export function onRequestBoundary(calls: CallsState, host: CallHost, out: Emitter): void {
  if (calls.open) closeOpenCall(calls, host, out);
  if (calls.pending) flushPendingUsage(calls, host, out);
}

/** Usage that no output item claimed still is a model response: an LLM span with no output. */
export function flushPendingUsage(calls: CallsState, host: CallHost, out: Emitter, compaction = false): void {
  const pending = calls.pending;
  if (!pending) return;
  calls.pending = undefined;
  const call = newCall(calls, host, compaction, out);
  claim(call, pending);
  call.end = maxTime(call.start, pending.time);
  call.status = 'complete';
  calls.open = call;
  closeOpenCall(calls, host, out);
}

/** The open call is complete; message-only calls wait (unsettled) in case a `compacted` record claims them. */
export function closeOpenCall(calls: CallsState, host: CallHost, out: Emitter): void {
  const call = calls.open;
  if (!call) return;
  calls.open = undefined;
  call.status = 'complete';
  host.closed(call.end);
  settle(calls, host, out);
  if (call.toolNames.length === 0 && !call.compaction) calls.unsettled = call;
  else send(calls, host, call, out);
}

/** The unsettled call is not a compaction's after all: it is emitted as it is. */
export function settle(calls: CallsState, host: CallHost, out: Emitter): void {
  const u = calls.unsettled;
  if (!u) return;
  calls.unsettled = undefined;
  send(calls, host, u, out);
}

function send(calls: CallsState, host: CallHost, call: ModelCallState, out: Emitter): void {
  calls.lastSent = call;
  emitCall(host.scope, host.key(), call, out);
}

/**
 * The turn ended on a failure (an abort, a failed request): the response being collected — or the
 * request in flight when nothing of it was written (`inFlight`) — is an error span ending at `time`,
 * with no usage. A response that already has its usage was complete and keeps its own status.
 */
export function failOpenCall(calls: CallsState, host: CallHost, time: string, failure: CallFailure, inFlight: boolean, out: Emitter): void {
  let call: ModelCallState | undefined;
  if (calls.open && !calls.open.measured) {
    call = calls.open;
    calls.open = undefined;
  } else if (!calls.open && calls.unsettled && !calls.unsettled.measured) {
    call = takeUnsettled(calls);
  } else if (!calls.open && inFlight) {
    call = newCall(calls, host, false, out);
    calls.open = undefined;
  }
  if (!call) return;
  call.failure = failure;
  call.status = 'complete';
  call.end = maxTime(call.end, time);
  host.closed(call.end);
  send(calls, host, call, out);
}

/** A compaction whose request left no trace (no message, no usage: older versions) still made one. */
export function unrecordedCompactionCall(calls: CallsState, host: CallHost, time: string, out: Emitter): void {
  const call = newCall(calls, host, true, out);
  calls.open = undefined;
  call.status = 'complete';
  call.end = maxTime(call.start, time);
  host.closed(call.end);
  send(calls, host, call, out);
}

/** A `compacted` record claims the call just made, when it was message-only. */
export function takeUnsettled(calls: CallsState): ModelCallState | undefined {
  const u = calls.unsettled;
  calls.unsettled = undefined;
  return u;
}

/**
 * A usage record that comes after its turn ended (the turn's end was written first): it completes
 * the turn's last response when that one was sent without usage, and its span is sent again.
 */
export function onLateUsage(calls: CallsState, host: CallHost, time: string, usage: Usage | undefined, responseId: string | undefined, out: Emitter): void {
  const last = calls.lastSent;
  if (calls.open || !last || last.measured || last.failure) return onUsage(calls, host, time, usage, responseId, out);
  claim(last, { usage, responseId, time });
  emitCall(host.scope, host.key(), last, out);
}

/** The call is the request of a compaction: it hangs under the compaction span. */
export function adoptAsCompaction(call: ModelCallState, compactionSpanId: string): void {
  call.parentSpanId = compactionSpanId;
  call.compaction = true;
}

function outputText(call: ModelCallState): string | undefined {
  const parts: string[] = [];
  for (const o of call.outputs) parts.push(o.kind === 'reasoning' ? `[reasoning] ${o.text}` : o.text);
  for (const n of call.toolNames) parts.push(`[tool call] ${n}`);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * The call's LLM span, ended. `turnKey` is the turn's part of the span key. `failure` (else the
 * call's own) makes it an error: a session that ends while the call is collecting sends it cut off.
 */
export function emitCall(scope: Scope, turnKey: string, call: ModelCallState, out: Emitter, failure = call.failure): void {
  const model = scope.model ?? 'unknown';
  // keyed by its response id (DESIGN: model:<turnId>:<responseId or seq>), else its place in the turn;
  // fixed when first sent, so a usage record that comes after a cut-off span was sent updates that span
  call.sentAs ??= call.responseId ?? call.seq;
  const key = spanKey.model(turnKey, call.sentAs);
  const attrs: Attributes = { [ATTR.operation]: 'chat', [ATTR.requestModel]: model, [ATTR.threadId]: scope.threadId };
  setAttr(attrs, ATTR.providerName, scope.provider);
  setAttr(attrs, ATTR.responseId, call.responseId);
  setAttr(attrs, ATTR.serviceTier, scope.serviceTier);
  if (call.usage) {
    attrs[ATTR.inputTokens] = call.usage.input;
    attrs[ATTR.outputTokens] = call.usage.output;
    attrs[ATTR.cacheReadTokens] = call.usage.cached;
    attrs[ATTR.reasoningTokens] = call.usage.reasoning;
    attrs[ATTR.totalTokens] = call.usage.total;
  }
  if (call.toolNames.length > 0) attrs['codex.llm.tool_calls'] = call.toolNames;
  if (call.compaction) attrs['codex.llm.compaction'] = true;
  const c = scope.opts.content;
  setAttr(attrs, ATTR.input, call.input === undefined ? undefined : c.joined(call.input));
  setAttr(attrs, ATTR.output, c(outputText(call)));
  const span = newSpan(scope, 'llm', key, `chat ${model}`, call.parentSpanId, call.start, attrs);
  if (call.order !== undefined) span.attributes[ATTR.seq] = call.order;
  if (failure) {
    // error text can quote what the model said: it passes the content filter
    span.status = 'error';
    span.statusMessage = c(failure.message) ?? 'error';
    attrs['error.type'] = failure.type;
  } else {
    span.status = 'ok';
    if (!call.measured && call.outputs.length === 0 && call.toolNames.length === 0) warn(out, 'empty_model_call', 'a model call with neither output nor usage');
  }
  ended(out, span, call.end);
}
