import type Database from 'better-sqlite3';
import type { SpanEffect } from '../trace/effects.js';
import { ATTR, type Attributes, type AttrValue, type Span, type SpanKind, type SpanStatus } from '../trace/span.js';
import type { Db } from './db.js';

const COLUMNS = [
  'span_id', 'trace_id', 'parent_span_id', 'kind', 'name', 'start_time', 'end_time', 'status', 'status_message',
  'attributes', 'session_id', 'cwd', 'model', 'input_tokens', 'output_tokens', 'cached_tokens', 'reasoning_tokens',
] as const;

const UPSERT_SQL = `INSERT INTO spans (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(span_id) DO UPDATE SET ${COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`;

type Bind = string | number | null;

function str(v: AttrValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function int(v: AttrValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** One span as the positional parameters of the upsert. Last write wins, including a re-opened span. */
function toRow(s: Span): Bind[] {
  const a = s.attributes;
  return [
    s.spanId, s.traceId, s.parentSpanId, s.kind, s.name, s.startTime, s.endTime, s.status, s.statusMessage ?? null,
    JSON.stringify(a), str(a[ATTR.conversationId]), str(a[ATTR.cwd]), str(a[ATTR.requestModel]),
    int(a[ATTR.inputTokens]), int(a[ATTR.outputTokens]), int(a[ATTR.cacheReadTokens]), int(a[ATTR.reasoningTokens]),
  ];
}

export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  kind: string;
  name: string;
  start_time: string;
  end_time: string | null;
  status: string;
  status_message: string | null;
  attributes: string;
}

/** The exact `Span` record back from a row (key order as in the Span type; no undefined keys). */
export function rowToSpan(r: SpanRow): Span {
  const attributes = JSON.parse(r.attributes) as Attributes;
  const head = {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    kind: r.kind as SpanKind,
    name: r.name,
    startTime: r.start_time,
    endTime: r.end_time,
    status: r.status as SpanStatus,
  };
  return r.status_message === null ? { ...head, attributes } : { ...head, statusMessage: r.status_message, attributes };
}

/** The final state of each span in a batch, in first-seen order (a batch often holds started+ended of one span). */
export function latestSpans(effects: readonly SpanEffect[]): Span[] {
  const bySpan = new Map<string, Span>();
  for (const e of effects) bySpan.set(e.span.spanId, e.span);
  return [...bySpan.values()];
}

/** Prepared statements of the spans table, bound to one connection. */
export class SpanTable {
  private readonly upsert: Database.Statement<Bind[]>;
  private readonly byTrace: Database.Statement<[string], SpanRow>;

  constructor(db: Db) {
    this.upsert = db.prepare<Bind[]>(UPSERT_SQL);
    this.byTrace = db.prepare<[string], SpanRow>(
      `SELECT ${COLUMNS.slice(0, 10).join(', ')} FROM spans WHERE trace_id = ? ORDER BY start_time, span_id`,
    );
  }

  /** Upserts spans by span id. Call inside a transaction for speed. */
  upsertAll(spans: readonly Span[]): number {
    for (const s of spans) this.upsert.run(...toRow(s));
    return spans.length;
  }

  getTraceSpans(traceId: string): Span[] {
    return this.byTrace.all(traceId).map(rowToSpan);
  }
}
