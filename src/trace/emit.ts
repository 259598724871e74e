/** Small helpers shared by the machines: the effect list, span snapshots, times. */
import type { Effect } from './effects.js';
import type { Attributes, Span } from './span.js';

/** Where a machine's effects go, in order. */
export interface Emitter {
  effects: Effect[];
}

/** All times are ISO-8601 UTC with milliseconds (the normalizer guarantees it), so they compare as strings. */
export function maxTime(a: string, b: string): string {
  return a >= b ? a : b;
}

export function minTime(a: string, b: string): string {
  return a <= b ? a : b;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (the core has no Date: times are arithmetic on strings). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The proleptic Gregorian date of a day count since 1970-01-01 (the inverse of daysFromCivil). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isoMs(t: string): number {
  const n = (from: number, len: number): number => Number(t.slice(from, from + len));
  return ((daysFromCivil(n(0, 4), n(5, 2), n(8, 2)) * 24 + n(11, 2)) * 60 + n(14, 2)) * 60000 + n(17, 2) * 1000 + n(20, 3);
}

/** Milliseconds from `a` to `b` (ISO-8601 UTC with milliseconds, as every time in the core). */
export function msBetween(a: string, b: string): number {
  return isoMs(b) - isoMs(a);
}

/** `t` moved by `ms` milliseconds (ISO-8601 UTC with milliseconds). */
export function addMs(t: string, ms: number): string {
  const total = isoMs(t) + Math.round(ms);
  const dayMs = 86_400_000;
  const days = Math.floor(total / dayMs);
  let rest = total - days * dayMs;
  const [y, m, d] = civilFromDays(days);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const min = Math.floor(rest / 60_000);
  rest -= min * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${p(y, 4)}-${p(m)}-${p(d)}T${p(h)}:${p(min)}:${p(sec)}.${p(rest - sec * 1000, 3)}Z`;
}

/**
 * A copy in the key order of the Span type (statusMessage, set late by the machines, before
 * attributes). Spelled out field by field: an object rest (`{ statusMessage, attributes, ...head }`)
 * is a generic runtime copy in V8, a literal is one allocation of a known shape, and every effect
 * takes a snapshot.
 */
function snapshot(s: Span): Span {
  const attributes = { ...s.attributes };
  const { traceId, spanId, parentSpanId, kind, name, startTime, endTime, status, statusMessage } = s;
  return statusMessage === undefined
    ? { traceId, spanId, parentSpanId, kind, name, startTime, endTime, status, attributes }
    : { traceId, spanId, parentSpanId, kind, name, startTime, endTime, status, statusMessage, attributes };
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
