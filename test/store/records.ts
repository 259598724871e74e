/** Spans and stores for the store's tests: hand-built spans with sensible defaults, a fresh store per test. */
import { createHash } from 'node:crypto';
import { TraceStore, type Cursor } from '../../src/store/index.js';
import type { SpanEffect } from '../../src/trace/effects.js';
import type { Attributes, Span, SpanKind } from '../../src/trace/span.js';
import { onCleanup, testDir } from '../helpers/temp.js';

let seq = 0;

/** A span with sensible defaults; ids are unique per call unless given. */
export function span(p: Partial<Span> & { traceId: string; kind: SpanKind }): Span {
  seq += 1;
  const head = {
    traceId: p.traceId,
    spanId: p.spanId ?? seq.toString(16).padStart(16, '0'),
    parentSpanId: p.parentSpanId ?? null,
    kind: p.kind,
    name: p.name ?? p.kind,
    startTime: p.startTime ?? '2025-01-01T00:00:00.000Z',
    endTime: p.endTime === undefined ? '2025-01-01T00:01:00.000Z' : p.endTime,
    status: p.status ?? 'ok',
  };
  const attributes = p.attributes ?? {};
  // key order as in the Span type, as `show --format jsonl` prints it
  return p.statusMessage === undefined ? { ...head, attributes } : { ...head, statusMessage: p.statusMessage, attributes };
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

/** A fresh store in a temp state dir, closed and removed after the current test (call `afterEach(runCleanups)` in the file). */
export function testStore(): TraceStore {
  const store = TraceStore.open({ stateDir: testDir('ct-store-') });
  onCleanup(() => store.close());
  return store;
}

/** A cursor of a 10-byte file, not finalized, unless told otherwise. */
export function cursorAt(path: string, p: Partial<Cursor> = {}): Cursor {
  return { path, dev: 1, ino: 2, sessionId: null, committedOffset: 10, size: 10, mtimeMs: 1, finalized: false, firstLineHash: null, ...p };
}

/** base64 of a hash chain: deterministic text no compressor shrinks (one byte a character) */
export function incompressible(seed: number, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}/${i}`).digest('base64');
  return out.slice(0, length);
}
