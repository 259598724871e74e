import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { toReadableSpan } from '../../src/sinks/otlp/map.js';
import { TraceRoots, uuidFromTraceId } from '../../src/sinks/trace-roots.js';
import { spanIdFor, traceIdFor } from '../../src/trace/ids.js';
import { SESSION, TRACE, sampleTrace, span } from './records.js';

describe('TraceRoots', () => {
  it('reads a UUID session back from the trace id', () => {
    expect(uuidFromTraceId(TRACE)).toBe(SESSION);
    const roots = new TraceRoots();
    const { llm } = sampleTrace();
    expect(roots.conversationId(llm)).toBe(SESSION);
    expect(roots.rootSpanId(llm)).toBe(spanIdFor(SESSION, 'session'));
  });

  it('uses a session span it saw, then ids on the span that match the trace', () => {
    const other = 'not-a-uuid-session';
    const traceId = traceIdFor(other);
    const child = { ...span('turn', 'turn:a', 'session'), traceId, attributes: { 'codex.thread.id': other } };
    const roots = new TraceRoots();
    expect(roots.conversationId(child)).toBe(other);
    expect(roots.rootSpanId(child)).toBe(spanIdFor(other, 'session'));

    const root = { ...span('session', 'custom-root', null), traceId, attributes: { 'gen_ai.conversation.id': 'conv-x' } };
    roots.observe(root);
    expect(roots.rootSpanId(child)).toBe(root.spanId);
    expect(roots.conversationId(child)).toBe('conv-x');
  });
});

describe('toReadableSpan', () => {
  const resource = resourceFromAttributes({ 'service.name': 'codex' });

  it('names subagents and compactions, keeps arrays, marks errors', () => {
    const sub = toReadableSpan(span('subagent', 'subagent:c', 'turn:t1', { attributes: { 'codex.subagent.nickname': 'reviewer' } }), resource, SESSION);
    expect(sub.name).toBe('invoke_agent reviewer');
    expect(sub.kind).toBe(SpanKind.INTERNAL);
    expect(sub.attributes).toMatchObject({ 'gen_ai.agent.name': 'reviewer', 'openinference.span.kind': 'AGENT', 'session.id': SESSION });
    expect(sub.parentSpanContext?.spanId).toBe(spanIdFor(SESSION, 'turn:t1'));

    const comp = toReadableSpan(span('compaction', 'compaction:t1:1', 'turn:t1', { name: 'compaction', status: 'error', statusMessage: 'aborted' }), resource);
    expect(comp.name).toBe('compaction');
    expect(comp.status).toEqual({ code: SpanStatusCode.ERROR, message: 'aborted' });
    expect(comp.attributes['error.type']).toBe('_OTHER');
    expect(comp.attributes['session.id']).toBeUndefined();
    expect(comp.startTime).toEqual([1759312800, 0]);
    expect(comp.endTime).toEqual([1759312805, 250_000_000]);
    expect(comp.duration).toEqual([5, 250_000_000]);
    expect(comp.spanContext()).toMatchObject({ traceId: TRACE, spanId: spanIdFor(SESSION, 'compaction:t1:1') });
  });
});
