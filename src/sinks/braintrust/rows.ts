import { ATTR, type AttrValue, type Span, type SpanKind } from '../../trace/span.js';

/**
 * Span -> Braintrust project-logs row. The row id is the spanId, so a re-run or a
 * replay writes the same rows again instead of new ones.
 */
export interface BraintrustRow {
  id: string;
  span_id: string;
  root_span_id: string;
  span_parents?: string[];
  span_attributes: { name: string; type: 'task' | 'llm' | 'tool' };
  input?: string;
  output?: string;
  error?: string;
  metadata: Record<string, AttrValue>;
  metrics: Record<string, number>;
  /** false: insert (replace) the row; true: deep-merge into the row with this id */
  _is_merge: boolean;
}

const TYPE: Record<SpanKind, BraintrustRow['span_attributes']['type']> = {
  session: 'task',
  turn: 'task',
  llm: 'llm',
  tool: 'tool',
  compaction: 'task',
  subagent: 'task',
};

/** llm-span token attributes -> Braintrust metric names (only on llm rows, so Monitor never counts twice) */
const TOKEN_METRICS: readonly (readonly [string, string])[] = [
  [ATTR.inputTokens, 'prompt_tokens'],
  [ATTR.outputTokens, 'completion_tokens'],
  [ATTR.cacheReadTokens, 'prompt_cached_tokens'],
  [ATTR.reasoningTokens, 'completion_reasoning_tokens'],
  [ATTR.totalTokens, 'tokens'],
];

const CONTENT = new Set<string>([ATTR.input, ATTR.output]);

function epochSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

function metrics(span: Span): Record<string, number> {
  const m: Record<string, number> = { start: epochSeconds(span.startTime) };
  if (span.endTime) m.end = epochSeconds(span.endTime);
  if (span.kind !== 'llm') return m;
  for (const [attr, metric] of TOKEN_METRICS) {
    const v = span.attributes[attr];
    if (typeof v === 'number') m[metric] = v;
  }
  if (m.tokens === undefined && m.prompt_tokens !== undefined && m.completion_tokens !== undefined) {
    m.tokens = m.prompt_tokens + m.completion_tokens;
  }
  return m;
}

function metadata(span: Span, extra: Record<string, unknown> | undefined): Record<string, AttrValue> {
  const md: Record<string, AttrValue> = {};
  if (extra) Object.assign(md, extra);
  for (const [k, v] of Object.entries(span.attributes)) if (!CONTENT.has(k)) md[k] = v;
  const model = span.attributes[ATTR.requestModel];
  if (span.kind === 'llm' && typeof model === 'string') md.model = model;
  return md;
}

function text(v: AttrValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * `rootSpanId`: the trace's session span (see TraceRoots). `rootMetadata`
 * (BRAINTRUST_ADDITIONAL_METADATA) goes on the root row only; the span's own keys win.
 */
export function toRow(span: Span, rootSpanId: string, isMerge: boolean, rootMetadata?: Record<string, unknown>): BraintrustRow {
  const isRoot = span.parentSpanId === null;
  const row: BraintrustRow = {
    id: span.spanId,
    span_id: span.spanId,
    root_span_id: isRoot ? span.spanId : rootSpanId,
    span_attributes: { name: span.name, type: TYPE[span.kind] },
    metadata: metadata(span, isRoot ? rootMetadata : undefined),
    metrics: metrics(span),
    _is_merge: isMerge,
  };
  if (span.parentSpanId) row.span_parents = [span.parentSpanId];
  const input = text(span.attributes[ATTR.input]);
  const output = text(span.attributes[ATTR.output]);
  if (input !== undefined) row.input = input;
  if (output !== undefined) row.output = output;
  if (span.status === 'error') row.error = span.statusMessage || 'error';
  return row;
}

/**
 * Several rows for one id in one request become one: the latest state, inserted
 * if any of them was an insert (a merge never reaches a row before it exists).
 */
export function collapseRows(rows: readonly BraintrustRow[]): BraintrustRow[] {
  const byId = new Map<string, BraintrustRow>();
  for (const row of rows) {
    const prev = byId.get(row.id);
    byId.set(row.id, prev ? { ...row, _is_merge: prev._is_merge && row._is_merge } : row);
  }
  return [...byId.values()];
}
