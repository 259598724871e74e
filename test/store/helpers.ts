import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpanEffect } from '../../src/trace/effects.js';
import type { Attributes, Span, SpanKind } from '../../src/trace/span.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ct-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let seq = 0;

/** A span with sensible defaults; ids are unique per call unless given. */
export function span(p: Partial<Span> & { traceId: string; kind: SpanKind }): Span {
  seq += 1;
  return {
    spanId: p.spanId ?? seq.toString(16).padStart(16, '0'),
    parentSpanId: null,
    name: p.kind,
    startTime: '2025-01-01T00:00:00.000Z',
    endTime: '2025-01-01T00:01:00.000Z',
    status: 'ok',
    attributes: {},
    ...p,
  };
}

export function llmAttrs(model: string, input: number, output: number, cached: number, reasoning: number): Attributes {
  return {
    'gen_ai.request.model': model,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': output,
    'gen_ai.usage.cache_read.input_tokens': cached,
    'gen_ai.usage.reasoning.output_tokens': reasoning,
  };
}

export const ended = (s: Span): SpanEffect => ({ type: 'span_ended', span: s });
