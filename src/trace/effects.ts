import type { Span } from './span.js';

/**
 * What the reducer asks the outside world to do. Plain data; every span effect
 * carries the full span as it is now (sinks upsert by spanId).
 *  - span_started: a span opened (endTime null). Sinks that can update spans show it live.
 *  - span_updated: an open span changed (attributes, or a re-opened session root).
 *  - span_ended:   the span is finished (endTime set). OTLP sends a span only at this point;
 *                  `repeat: true` marks a span that was ended before (a session root re-ended
 *                  after a resume): sinks that cannot update a span skip it.
 *  - warning:      something in the input was odd; the trace is degraded, not broken.
 */
export type Effect =
  | { type: 'span_started'; span: Span }
  | { type: 'span_updated'; span: Span }
  | { type: 'span_ended'; span: Span; repeat?: boolean }
  | { type: 'warning'; code: string; message: string };

export type SpanEffect = Extract<Effect, { span: Span }>;
