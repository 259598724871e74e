/**
 * `export --format otlp-json`: the OpenTelemetry file-exporter format, one
 * `ExportTraceServiceRequest` (OTLP/JSON) per line, mapped exactly as the OTLP sink maps spans
 * and serialized by @opentelemetry/otlp-transformer.
 */
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Span } from '../../trace/span.js';
import { toReadableSpan } from '../../sinks/otlp/map.js';

/** Spans per request line, as the OTLP sink sends them by default. */
export const SPANS_PER_LINE = 512;

export function exportOtlpJson(spans: readonly Span[], resource: Record<string, string>, sessionId: string | undefined): string {
  const res = resourceFromAttributes(resource);
  const decoder = new TextDecoder();
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += SPANS_PER_LINE) {
    const batch = spans.slice(i, i + SPANS_PER_LINE).map((s) => toReadableSpan(s, res, sessionId));
    const bytes = JsonTraceSerializer.serializeRequest(batch);
    if (bytes === undefined) throw new Error('the OTLP JSON serializer returned nothing');
    lines.push(decoder.decode(bytes));
  }
  return lines.map((l) => `${l}\n`).join('');
}
