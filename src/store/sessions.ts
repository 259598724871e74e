import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import type { HeadRow } from './session-reads.js';
import type { SessionHead, SessionTotals } from './views.js';

export interface ListSessionsQuery {
  /** sessions that started at or after this instant */
  since?: Date;
  /** sessions that started before this instant */
  until?: Date;
  /** sessions whose cwd is this directory or inside it */
  cwd?: string;
  /** newest first; default: no limit */
  limit?: number;
}

/** One row per session span, with counts and token sums over its whole trace (subagent threads included). */
export interface SessionSummary extends SessionHead, SessionTotals {
  spanId: string;
  /** the most used `gen_ai.request.model` of the trace's model calls, else the session's own */
  model: string | null;
}

interface SessionRow extends HeadRow {
  turns: number;
  llm_calls: number;
  tool_calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
}

interface SessionParams {
  since: string | null;
  until: string | null;
  cwd: string | null;
  limit: number;
}

const SESSION_FILTER = `kind = 'session'
    AND (@since IS NULL OR start_time >= @since)
    AND (@until IS NULL OR start_time < @until)
    AND (@cwd IS NULL OR cwd = @cwd OR substr(cwd, 1, length(@cwd) + 1) = @cwd || '/')`;

const COUNT_SQL = `SELECT COUNT(*) AS n FROM spans WHERE ${SESSION_FILTER}`;

const LIST_SQL = `
WITH sess AS MATERIALIZED (
  SELECT trace_id, span_id, session_id, start_time, end_time, status, cwd, model
  FROM spans
  WHERE ${SESSION_FILTER}
  ORDER BY start_time DESC, span_id
  LIMIT @limit
),
per_model AS MATERIALIZED (
  SELECT trace_id, model,
    SUM(kind = 'turn') AS turns,
    SUM(kind = 'llm') AS llm_calls,
    SUM(kind = 'tool') AS tool_calls,
    SUM(status = 'error') AS errors,
    TOTAL(CASE WHEN kind = 'llm' THEN input_tokens END) AS input_tokens,
    TOTAL(CASE WHEN kind = 'llm' THEN output_tokens END) AS output_tokens,
    TOTAL(CASE WHEN kind = 'llm' THEN cached_tokens END) AS cached_tokens,
    TOTAL(CASE WHEN kind = 'llm' THEN reasoning_tokens END) AS reasoning_tokens
  FROM spans WHERE trace_id IN (SELECT trace_id FROM sess)
  GROUP BY trace_id, model
),
agg AS (
  SELECT trace_id, SUM(turns) AS turns, SUM(llm_calls) AS llm_calls, SUM(tool_calls) AS tool_calls, SUM(errors) AS errors,
    SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
    SUM(cached_tokens) AS cached_tokens, SUM(reasoning_tokens) AS reasoning_tokens
  FROM per_model GROUP BY trace_id
),
top_model AS (
  SELECT trace_id, model FROM (
    SELECT trace_id, model, ROW_NUMBER() OVER (PARTITION BY trace_id ORDER BY llm_calls DESC, model) AS rn
    FROM per_model WHERE model IS NOT NULL AND llm_calls > 0
  ) WHERE rn = 1
)
SELECT sess.trace_id, sess.span_id, sess.session_id, sess.start_time, sess.end_time, sess.status, sess.cwd,
  COALESCE(top_model.model, sess.model) AS model,
  agg.turns, agg.llm_calls, agg.tool_calls, agg.errors,
  agg.input_tokens, agg.output_tokens, agg.cached_tokens, agg.reasoning_tokens
FROM sess JOIN agg ON agg.trace_id = sess.trace_id
LEFT JOIN top_model ON top_model.trace_id = sess.trace_id
ORDER BY sess.start_time DESC, sess.span_id`;

/** Last component of a path, POSIX or Windows. */
export function projectOf(cwd: string | null): string | null {
  if (cwd === null) return null;
  const parts = cwd.split(/[\\/]+/).filter((p) => p !== '');
  return parts.length === 0 ? cwd : (parts[parts.length - 1] as string);
}

function durationMs(start: string, end: string | null): number | null {
  if (end === null) return null;
  const d = Date.parse(end) - Date.parse(start);
  return Number.isFinite(d) ? d : null;
}

function toSummary(r: SessionRow): SessionSummary {
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    sessionId: r.session_id,
    startTime: r.start_time,
    endTime: r.end_time,
    durationMs: durationMs(r.start_time, r.end_time),
    status: r.status,
    cwd: r.cwd,
    project: projectOf(r.cwd),
    model: r.model,
    turns: r.turns,
    llmCalls: r.llm_calls,
    toolCalls: r.tool_calls,
    errors: r.errors,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cachedTokens: r.cached_tokens,
    reasoningTokens: r.reasoning_tokens,
  };
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
}

function params(q: ListSessionsQuery): Omit<SessionParams, 'limit'> {
  return { since: q.since?.toISOString() ?? null, until: q.until?.toISOString() ?? null, cwd: q.cwd === undefined ? null : trimSlash(q.cwd) };
}

export class SessionQueries {
  private readonly list: Database.Statement<[SessionParams], SessionRow>;
  private readonly count: Database.Statement<[Omit<SessionParams, 'limit'>], { n: number }>;

  constructor(db: Db) {
    this.list = db.prepare<[SessionParams], SessionRow>(LIST_SQL);
    this.count = db.prepare<[Omit<SessionParams, 'limit'>], { n: number }>(COUNT_SQL);
  }

  listSessions(q: ListSessionsQuery = {}): SessionSummary[] {
    return this.list.all({ ...params(q), limit: q.limit ?? -1 }).map(toSummary);
  }

  /** How many sessions the query's filters match, whatever its limit. */
  countSessions(q: ListSessionsQuery = {}): number {
    return (this.count.get(params(q)) as { n: number }).n;
  }
}
