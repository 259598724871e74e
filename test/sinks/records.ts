/** Hand-built spans of one session, as the sinks' tests feed them. */
import type { SpanEffect } from '../../src/trace/effects.js';
import { spanIdFor, traceIdFor } from '../../src/trace/ids.js';
import type { Attributes, Span, SpanKind } from '../../src/trace/span.js';

export const SESSION = '019a2b3c-4d5e-7f80-9a1b-2c3d4e5f6a7b';
export const TRACE = traceIdFor(SESSION);

/** A small hand-built span of the session above. */
export function span(kind: SpanKind, key: string, parentKey: string | null, over: Partial<Span> & { attributes?: Attributes } = {}): Span {
  return {
    traceId: TRACE,
    spanId: spanIdFor(SESSION, key),
    parentSpanId: parentKey === null ? null : spanIdFor(SESSION, parentKey),
    kind,
    name: kind,
    startTime: '2025-10-01T10:00:00.000Z',
    endTime: '2025-10-01T10:00:05.250Z',
    status: 'ok',
    ...over,
    attributes: over.attributes ?? {},
  };
}

export const ended = (s: Span, repeat?: boolean): SpanEffect => (repeat ? { type: 'span_ended', span: s, repeat } : { type: 'span_ended', span: s });
export const started = (s: Span): SpanEffect => ({ type: 'span_started', span: { ...s, endTime: null } });
export const updated = (s: Span): SpanEffect => ({ type: 'span_updated', span: { ...s, endTime: null } });

/** A session with one turn, one model call and one failing tool call. */
export function sampleTrace(): { session: Span; turn: Span; llm: Span; tool: Span } {
  const session = span('session', 'session', null, {
    name: 'session',
    endTime: '2025-10-01T10:30:00.000Z',
    attributes: { 'gen_ai.conversation.id': SESSION, 'codex.cwd': '/home/u/project', 'codex.cli_version': '0.169.0' },
  });
  const turn = span('turn', 'turn:t1', 'session', { name: 'turn', attributes: { 'codex.turn.index': 1, 'codex.turn.id': 't1', 'codex.thread.id': SESSION } });
  const llm = span('llm', 'model:t1:resp_1', 'turn:t1', {
    name: 'model call',
    startTime: '2025-10-01T10:00:01.123Z',
    endTime: '2025-10-01T10:00:03.456Z',
    attributes: {
      'gen_ai.request.model': 'gpt-5-codex',
      'gen_ai.response.id': 'resp_1',
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.cache_read.input_tokens': 1000,
      'gen_ai.usage.reasoning.output_tokens': 128,
      'codex.usage.total_tokens': 1500,
      'input.value': 'list the files',
      'output.value': 'I will run ls',
    },
  });
  const tool = span('tool', 'tool:call_1', 'turn:t1', {
    name: 'tool',
    status: 'error',
    statusMessage: 'exit code 2',
    startTime: '2025-10-01T10:00:03.500Z',
    endTime: '2025-10-01T10:00:04.000Z',
    attributes: {
      'gen_ai.tool.name': 'shell',
      'gen_ai.tool.call.id': 'call_1',
      'input.value': '{"command":["ls","/nope"]}',
      'output.value': 'ls: /nope: No such file',
      'codex.tool.exit_code': 2,
      'codex.tool.command': ['ls', '/nope'],
    },
  });
  return { session, turn, llm, tool };
}
