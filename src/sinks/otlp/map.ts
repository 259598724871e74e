import { SpanKind, SpanStatusCode, TraceFlags, type Attributes as OtelAttributes, type HrTime, type SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { priceSpan } from '../../pricing/cost.js';
import { ATTR, type Attributes, type Span } from '../../trace/span.js';

/**
 * Our finished Span -> an OpenTelemetry ReadableSpan with our own ids and the
 * historical timestamps, named and attributed after the GenAI semantic conventions
 * plus OpenInference span kinds. Every attribute the span already has is kept.
 */

export const SCOPE: InstrumentationScope = { name: 'codex-tracer' };

const OI_KIND = 'openinference.span.kind';

interface Mapped {
  name: string;
  kind: SpanKind;
  extra: Attributes;
}

function str(attrs: Attributes, name: string): string | undefined {
  const v = attrs[name];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function num(attrs: Attributes, name: string): number | undefined {
  const v = attrs[name];
  return typeof v === 'number' ? v : undefined;
}

function mirror(out: Attributes, attrs: Attributes, pairs: readonly (readonly [string, string])[]): void {
  for (const [from, to] of pairs) {
    const v = attrs[from];
    if (v !== undefined && out[to] === undefined && attrs[to] === undefined) out[to] = v;
  }
}

function agent(a: Attributes, agentName: string): Attributes {
  return {
    [ATTR.operation]: 'invoke_agent',
    [ATTR.agentName]: agentName,
    [ATTR.providerName]: str(a, ATTR.providerName) ?? 'openai',
    [OI_KIND]: 'AGENT',
  };
}

function llm(a: Attributes, span: Span): Mapped {
  const model = str(a, ATTR.requestModel) ?? str(a, 'gen_ai.response.model');
  const extra: Attributes = {
    [ATTR.operation]: 'chat',
    [ATTR.providerName]: str(a, ATTR.providerName) ?? 'openai',
    [OI_KIND]: 'LLM',
  };
  if (model) extra['llm.model_name'] = model;
  mirror(extra, a, [
    [ATTR.inputTokens, 'llm.token_count.prompt'],
    [ATTR.outputTokens, 'llm.token_count.completion'],
    [ATTR.totalTokens, 'llm.token_count.total'],
    [ATTR.cacheReadTokens, 'llm.token_count.prompt_details.cache_read'],
    [ATTR.reasoningTokens, 'llm.token_count.completion_details.reasoning'],
  ]);
  if (extra['llm.token_count.total'] === undefined && a['llm.token_count.total'] === undefined) {
    const input = num(a, ATTR.inputTokens);
    const output = num(a, ATTR.outputTokens);
    if (input !== undefined && output !== undefined) extra['llm.token_count.total'] = input + output;
  }
  // OpenInference cost, in dollars, priced at the call's own time; nothing (never 0) when the model has no price
  const price = priceSpan(span);
  if (price?.priced) {
    extra['llm.cost.prompt'] = price.inputMicros / 1e6;
    extra['llm.cost.completion'] = price.outputMicros / 1e6;
    extra['llm.cost.total'] = price.micros / 1e6;
  }
  return { name: model ? `chat ${model}` : 'chat', kind: SpanKind.CLIENT, extra };
}

function tool(a: Attributes, fallback: string): Mapped {
  const name = str(a, ATTR.toolName);
  const extra: Attributes = { [ATTR.operation]: 'execute_tool', [OI_KIND]: 'TOOL' };
  if (name) extra['tool.name'] = name;
  mirror(extra, a, [
    [ATTR.input, 'gen_ai.tool.call.arguments'],
    [ATTR.output, 'gen_ai.tool.call.result'],
  ]);
  return { name: name ? `execute_tool ${name}` : fallback, kind: SpanKind.INTERNAL, extra };
}

function turnName(span: Span): string {
  const n = num(span.attributes, ATTR.turnIndex);
  return n !== undefined ? `turn ${n}` : span.name;
}

function mapKind(span: Span): Mapped {
  const a = span.attributes;
  switch (span.kind) {
    case 'session':
      return { name: 'invoke_agent codex', kind: SpanKind.INTERNAL, extra: agent(a, 'codex') };
    case 'turn':
      return { name: turnName(span), kind: SpanKind.INTERNAL, extra: { [OI_KIND]: 'CHAIN' } };
    case 'llm':
      return llm(a, span);
    case 'tool':
      return tool(a, span.name);
    case 'compaction':
      return { name: span.name || 'compaction', kind: SpanKind.INTERNAL, extra: { [OI_KIND]: 'CHAIN' } };
    case 'subagent': {
      const who = str(a, ATTR.subagentNickname) ?? str(a, ATTR.subagentRole) ?? 'subagent';
      return { name: `invoke_agent ${who}`, kind: SpanKind.INTERNAL, extra: agent(a, who) };
    }
  }
}

/** ISO-8601 -> [seconds, nanoseconds] */
export function isoToHrTime(iso: string): HrTime {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad timestamp ${iso}`);
  const seconds = Math.floor(ms / 1000);
  return [seconds, (ms - seconds * 1000) * 1_000_000];
}

function hrDiff(end: HrTime, start: HrTime): HrTime {
  let s = end[0] - start[0];
  let n = end[1] - start[1];
  if (n < 0) {
    s -= 1;
    n += 1_000_000_000;
  }
  return s < 0 ? [0, 0] : [s, n];
}

function status(span: Span): { status: SpanStatus; extra: Attributes } {
  if (span.status === 'error') {
    const type = str(span.attributes, 'error.type') ?? '_OTHER';
    const message = span.statusMessage ?? '';
    return { status: { code: SpanStatusCode.ERROR, message }, extra: { 'error.type': type } };
  }
  return { status: { code: span.status === 'ok' ? SpanStatusCode.OK : SpanStatusCode.UNSET }, extra: {} };
}

function toOtelAttributes(attrs: Attributes): OtelAttributes {
  const out: OtelAttributes = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}

/** `sessionId`: the trace's conversation id, set as `session.id` when known. */
export function toReadableSpan(span: Span, resource: Resource, sessionId?: string): ReadableSpan {
  const mapped = mapKind(span);
  const st = status(span);
  const attributes = toOtelAttributes({ ...span.attributes, ...mapped.extra, ...st.extra });
  if (sessionId && attributes['session.id'] === undefined) attributes['session.id'] = sessionId;
  const startTime = isoToHrTime(span.startTime);
  const endTime = isoToHrTime(span.endTime ?? span.startTime);
  const ctx = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  return {
    name: mapped.name,
    kind: mapped.kind,
    spanContext: () => ctx,
    ...(span.parentSpanId ? { parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: false } } : {}),
    startTime,
    endTime,
    duration: hrDiff(endTime, startTime),
    status: st.status,
    attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
