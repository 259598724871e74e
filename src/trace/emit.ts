/** Small helpers shared by the machines: span construction, snapshots, times. */
import type { Effect } from './effects.js';
import { spanIdFor } from './ids.js';
import { ATTR, type Attributes, type Span, type SpanKind } from './span.js';
import type { Emitter, ThreadState } from './state.js';

/** All times are ISO-8601 UTC with milliseconds (the normalizer guarantees it), so they compare as strings. */
export function maxTime(a: string, b: string): string {
  return a >= b ? a : b;
}

export function newSpan(
  th: ThreadState,
  kind: SpanKind,
  key: string,
  name: string,
  parentSpanId: string | null,
  startTime: string,
  attributes: Attributes,
): Span {
  if (th.untimed) {
    th.spanSeq = (th.spanSeq ?? 0) + 1;
    attributes[ATTR.seq] = th.spanSeq;
  }
  return {
    traceId: th.traceId,
    spanId: spanIdFor(th.threadId, key),
    parentSpanId,
    kind,
    name,
    startTime,
    endTime: null,
    status: 'unset',
    attributes,
  };
}

/** A copy in the key order of the Span type (statusMessage, set late by the machines, before attributes). */
function snapshot(span: Span): Span {
  const { statusMessage, attributes, ...head } = span;
  return statusMessage === undefined ? { ...head, attributes: { ...attributes } } : { ...head, statusMessage, attributes: { ...attributes } };
}

export function started(out: Emitter, span: Span): void {
  out.effects.push({ type: 'span_started', span: snapshot(span) });
}

export function updated(out: Emitter, span: Span): void {
  out.effects.push({ type: 'span_updated', span: snapshot(span) });
}

export function ended(out: Emitter, span: Span, endTime: string, repeat = false): void {
  span.endTime = maxTime(span.startTime, endTime);
  const e: Effect = { type: 'span_ended', span: snapshot(span) };
  if (repeat) e.repeat = true;
  out.effects.push(e);
}

/**
 * Emits the span as ended without ending it in the machine: a session that went idle
 * in the middle of a turn shows the turn ended, but the turn can still go on if the
 * session resumes. `edit` adjusts the copy (status, end attributes).
 */
export function endedCopy(out: Emitter, span: Span, endTime: string, edit: (copy: Span) => void): void {
  const copy: Span = { ...span, attributes: { ...span.attributes } };
  edit(copy);
  copy.endTime = maxTime(copy.startTime, endTime);
  out.effects.push({ type: 'span_ended', span: snapshot(copy) });
}

export function warn(out: Emitter, code: string, message: string): void {
  out.effects.push({ type: 'warning', code, message });
}

/** Sets an attribute only when the value is known (no undefined/empty values in spans). */
export function setAttr(attrs: Attributes, key: string, value: string | number | boolean | string[] | undefined | null): void {
  if (value === undefined || value === null || value === '') return;
  if (typeof value === 'number' && !Number.isFinite(value)) return;
  attrs[key] = value;
}
