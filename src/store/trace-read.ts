/**
 * The viewer's read-only queries on one trace: its spans without their heavy content (the
 * waterfall), one span in full (the detail panel), and a search over names and attributes.
 */
import type Database from 'better-sqlite3';
import type { Span } from '../trace/span.js';
import type { Db } from './db.js';
import { rowToSpan, type SpanRow } from './spans.js';

/** Attributes left out of a trace's outline; fetched per span on demand. */
export const HEAVY_ATTRIBUTES = ['input.value', 'output.value'] as const;

const HEAD = 'trace_id, span_id, parent_span_id, kind, name, start_time, end_time, status, status_message';
const LIGHT_ATTRS = `json_remove(attributes, ${HEAVY_ATTRIBUTES.map((a) => `'$."${a}"'`).join(', ')}) AS attributes`;

/** At most this many matches are returned by a search. */
export const MAX_SEARCH_HITS = 10_000;

export class TraceReader {
  private readonly outline: Database.Statement<[string], SpanRow>;
  private readonly one: Database.Statement<[string, string], SpanRow>;
  private readonly find: Database.Statement<{ trace: string; q: string; max: number }, { span_id: string }>;

  constructor(db: Db) {
    this.outline = db.prepare<[string], SpanRow>(`SELECT ${HEAD}, ${LIGHT_ATTRS} FROM spans WHERE trace_id = ? ORDER BY start_time, span_id`);
    this.one = db.prepare<[string, string], SpanRow>(`SELECT ${HEAD}, attributes FROM spans WHERE trace_id = ? AND span_id = ?`);
    this.find = db.prepare<{ trace: string; q: string; max: number }, { span_id: string }>(
      `SELECT span_id FROM spans WHERE trace_id = @trace
         AND (instr(lower(name), @q) > 0 OR instr(lower(attributes), @q) > 0 OR instr(lower(COALESCE(status_message, '')), @q) > 0)
       ORDER BY start_time, span_id LIMIT @max`,
    );
  }

  /** Every span of the trace, content attributes (`HEAVY_ATTRIBUTES`) left out. */
  outlineSpans(traceId: string): Span[] {
    return this.outline.all(traceId).map(rowToSpan);
  }

  span(traceId: string, spanId: string): Span | undefined {
    const row = this.one.get(traceId, spanId);
    return row === undefined ? undefined : rowToSpan(row);
  }

  /** Ids of the spans whose name, status message or any attribute contains `query` (case-insensitive). */
  search(traceId: string, query: string): string[] {
    const q = query.trim().toLowerCase();
    if (q === '') return [];
    // attributes are stored as JSON: a quote or newline in the query is matched as JSON writes it
    const asJson = JSON.stringify(q).slice(1, -1);
    return this.find.all({ trace: traceId, q: asJson, max: MAX_SEARCH_HITS }).map((r) => r.span_id);
  }
}
