/**
 * The viewer's read-only queries on one trace: its spans without their heavy content (the
 * waterfall), one span in full (the detail panel), and a search over names and attributes.
 */
import type Database from 'better-sqlite3';
import { ATTR, type Span } from '../trace/span.js';
import { attrSql, blocksOf, CONTENT_SQL, type BlockReader } from './blocks.js';
import type { Db } from './db.js';
import { rowToSpan, type SpanRow } from './spans.js';

const HEAD = 'trace_id, span_id, parent_span_id, kind, name, start_time, end_time, status, status_message';

const attr = (name: string, max?: number): string => (max === undefined ? attrSql(name) : `substr(${attrSql(name)}, 1, ${max})`);

/**
 * The outline as one JSON array built by SQLite: per span what a waterfall row, the header sums
 * and the client-side search use. Token counts and the model come from their own columns; only
 * tool, subagent and session spans parse their attributes (for the command, names, cwd). Keys
 * whose value is null are left out (json_patch onto {}).
 */
const OUTLINE_JSON = `SELECT json_group_array(json(j)) AS spans FROM (
  SELECT json_remove(json_object('traceId', trace_id, 'spanId', span_id, 'parentSpanId', parent_span_id, 'kind', kind, 'name', name,
      'startTime', start_time, 'endTime', end_time, 'status', status, 'statusMessage', status_message,
      'attributes', json_patch('{}', CASE kind
        WHEN 'llm' THEN json_object('${ATTR.requestModel}', model, '${ATTR.inputTokens}', input_tokens, '${ATTR.outputTokens}', output_tokens,
          '${ATTR.cacheReadTokens}', cached_tokens, '${ATTR.reasoningTokens}', reasoning_tokens)
        WHEN 'tool' THEN json_object('${ATTR.toolName}', ${attr(ATTR.toolName)}, '${ATTR.toolCallId}', ${attr(ATTR.toolCallId)},
          '${ATTR.command}', ${attr(ATTR.command, 400)}, '${ATTR.exitCode}', ${attr(ATTR.exitCode)})
        WHEN 'subagent' THEN json_object('${ATTR.subagentNickname}', ${attr(ATTR.subagentNickname)}, '${ATTR.subagentRole}', ${attr(ATTR.subagentRole)})
        WHEN 'session' THEN json_object('${ATTR.cwd}', cwd, '${ATTR.requestModel}', model, '${ATTR.cliVersion}', ${attr(ATTR.cliVersion)})
        ELSE json_object('${ATTR.requestModel}', model) END)),
    CASE WHEN status_message IS NULL THEN '$.statusMessage' ELSE '$.__none' END) AS j
  FROM spans WHERE trace_id = ? ORDER BY start_time, span_id)`;

/** At most this many matches are returned by a search. */
export const MAX_SEARCH_HITS = 10_000;

export class TraceReader {
  private readonly outlineText: Database.Statement<[string], { spans: string }>;
  private readonly one: Database.Statement<[string, string], SpanRow>;
  private readonly find: Database.Statement<{ trace: string; q: string; max: number }, { span_id: string }>;

  private readonly blocks: BlockReader;

  constructor(db: Db) {
    this.blocks = blocksOf(db);
    this.outlineText = db.prepare<[string], { spans: string }>(OUTLINE_JSON);
    this.one = db.prepare<[string, string], SpanRow>(`SELECT ${HEAD}, attributes, content, block FROM spans WHERE trace_id = ? AND span_id = ?`);
    this.find = db.prepare<{ trace: string; q: string; max: number }, { span_id: string }>(
      `SELECT span_id FROM spans WHERE trace_id = @trace
         AND (instr(lower(name), @q) > 0 OR instr(lower(attributes), @q) > 0 OR instr(lower(COALESCE(span_content(${CONTENT_SQL}), '')), @q) > 0 OR instr(lower(COALESCE(status_message, '')), @q) > 0)
       ORDER BY start_time, span_id LIMIT @max`,
    );
  }

  /** Every span of the trace as its waterfall row needs it (no content), as JSON text (`[]` for an unknown trace). */
  outlineJson(traceId: string): string {
    return this.outlineText.get(traceId)?.spans ?? '[]';
  }

  span(traceId: string, spanId: string): Span | undefined {
    const row = this.one.get(traceId, spanId);
    return row === undefined ? undefined : rowToSpan(row, this.blocks);
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
