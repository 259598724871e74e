/**
 * The viewer's sessions list: one page of sessions with filters, sort and a total, read-only.
 * Sorting by start or duration pages on the session spans alone (index order, then sums for the
 * page only); sorting by a per-trace sum, or filtering on errors, sums every filtered trace first.
 */
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import { projectOf, type SessionRow } from './sessions.js';
import type { SessionFacets, SessionListRow, SessionPage, SessionPageQuery, SessionSort } from './views.js';

export { SESSION_SORTS } from './views.js';
export type { SessionFacets, SessionListRow, SessionPage, SessionPageQuery, SessionSort } from './views.js';

interface Row extends Omit<SessionRow, 'model'> {
  branch: string | null;
  title: string | null;
  models: string | null;
  subagents: number;
}

interface Params {
  since: string | null;
  until: string | null;
  cwd: string | null;
  model: string | null;
  limit: number;
  offset: number;
}

const FILTERED = `SELECT trace_id, span_id, session_id, start_time, end_time, status, cwd,
    (julianday(COALESCE(end_time, start_time)) - julianday(start_time)) AS dur
  FROM spans
  WHERE kind = 'session'
    AND (@since IS NULL OR start_time >= @since)
    AND (@until IS NULL OR start_time < @until)
    AND (@cwd IS NULL OR cwd = @cwd)
    AND (@model IS NULL OR model = @model)`;

const PER_MODEL = (from: string): string => `SELECT trace_id, model,
    SUM(kind = 'turn') AS turns, SUM(kind = 'llm') AS llm_calls, SUM(kind = 'tool') AS tool_calls,
    SUM(kind = 'subagent') AS subagents, SUM(status = 'error') AS errors,
    TOTAL(CASE WHEN kind = 'llm' THEN input_tokens END) AS input_tokens,
    TOTAL(CASE WHEN kind = 'llm' THEN output_tokens END) AS output_tokens,
    TOTAL(CASE WHEN kind = 'llm' THEN cached_tokens END) AS cached_tokens,
    TOTAL(CASE WHEN kind = 'llm' THEN reasoning_tokens END) AS reasoning_tokens
  FROM spans WHERE trace_id IN (SELECT trace_id FROM ${from}) GROUP BY trace_id, model`;

const AGG = `SELECT trace_id, SUM(turns) AS turns, SUM(llm_calls) AS llm_calls, SUM(tool_calls) AS tool_calls,
    SUM(subagents) AS subagents, SUM(errors) AS errors, SUM(input_tokens) AS input_tokens,
    SUM(output_tokens) AS output_tokens, SUM(cached_tokens) AS cached_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
    (SELECT group_concat(model, char(31)) FROM (SELECT model FROM per_model m WHERE m.trace_id = per_model.trace_id
       AND m.model IS NOT NULL AND m.llm_calls > 0 ORDER BY m.llm_calls DESC, m.model)) AS models
  FROM per_model GROUP BY trace_id`;

const DETAIL = `(SELECT json_extract(s.attributes, '$."vcs.ref.head.name"') FROM spans s WHERE s.span_id = p.span_id) AS branch,
  (SELECT substr(json_extract(t.attributes, '$."input.value"'), 1, 200) FROM spans t
    WHERE t.trace_id = p.trace_id AND t.kind = 'turn' AND t.parent_span_id = p.span_id
    ORDER BY t.start_time LIMIT 1) AS title`;

const ORDER: Record<SessionSort, string> = {
  start: 'start_time',
  duration: 'dur',
  tokens: '(input_tokens + output_tokens)',
  turns: 'turns',
  errors: 'errors',
};

const AGG_COLUMNS = 'a.turns, a.llm_calls, a.tool_calls, a.subagents, a.errors, a.input_tokens, a.output_tokens, a.cached_tokens, a.reasoning_tokens, a.models';

/** Page first (session spans only), then sums for that page. */
function pageFirstSql(sort: SessionSort, dir: string): string {
  const order = `${ORDER[sort]} ${dir}, span_id ${dir}`;
  return `WITH page AS MATERIALIZED (SELECT * FROM (${FILTERED}) ORDER BY ${order} LIMIT @limit OFFSET @offset),
per_model AS MATERIALIZED (${PER_MODEL('page')}),
agg AS (${AGG})
SELECT p.trace_id, p.span_id, p.session_id, p.start_time, p.end_time, p.status, p.cwd, ${AGG_COLUMNS}, ${DETAIL}
FROM page p JOIN agg a ON a.trace_id = p.trace_id
ORDER BY ${order}`;
}

/** Sums for every filtered trace, then filter, sort and page on them. */
function sumsFirstSql(sort: SessionSort, dir: string, hasErrors: boolean): string {
  const order = `${ORDER[sort]} ${dir}, span_id ${dir}`;
  return `WITH sess AS MATERIALIZED (${FILTERED}),
per_model AS MATERIALIZED (${PER_MODEL('sess')}),
agg AS (${AGG}),
page AS MATERIALIZED (SELECT sess.*, ${AGG_COLUMNS} FROM sess JOIN agg a ON a.trace_id = sess.trace_id
  ${hasErrors ? 'WHERE a.errors > 0' : ''} ORDER BY ${order} LIMIT @limit OFFSET @offset)
SELECT p.*, ${DETAIL} FROM page p ORDER BY ${order}`;
}

function toRow(r: Row): SessionListRow {
  const d = r.end_time === null ? NaN : Date.parse(r.end_time) - Date.parse(r.start_time);
  return {
    traceId: r.trace_id, sessionId: r.session_id, title: r.title, startTime: r.start_time, endTime: r.end_time,
    durationMs: Number.isFinite(d) ? d : null, status: r.status, cwd: r.cwd, project: projectOf(r.cwd), branch: r.branch,
    models: r.models === null ? [] : r.models.split('\x1f'),
    turns: r.turns, llmCalls: r.llm_calls, toolCalls: r.tool_calls, subagents: r.subagents, errors: r.errors,
    inputTokens: r.input_tokens, outputTokens: r.output_tokens, cachedTokens: r.cached_tokens, reasoningTokens: r.reasoning_tokens,
  };
}

/** Read-only queries behind the viewer's sessions page. */
export class SessionPages {
  private readonly statements = new Map<string, Database.Statement<[Params], Row>>();
  private readonly count: Database.Statement<[Params], { n: number }>;
  private readonly countWithErrors: Database.Statement<[Params], { n: number }>;

  constructor(private readonly db: Db) {
    this.count = db.prepare<[Params], { n: number }>(`SELECT COUNT(*) AS n FROM (${FILTERED})`);
    this.countWithErrors = db.prepare<[Params], { n: number }>(
      `WITH sess AS MATERIALIZED (${FILTERED}) SELECT COUNT(*) AS n FROM sess
       WHERE EXISTS (SELECT 1 FROM spans e WHERE e.trace_id = sess.trace_id AND e.status = 'error')`,
    );
  }

  private statement(sort: SessionSort, ascending: boolean, hasErrors: boolean): Database.Statement<[Params], Row> {
    const key = `${sort}:${ascending}:${hasErrors}`;
    let st = this.statements.get(key);
    if (st === undefined) {
      const dir = ascending ? 'ASC' : 'DESC';
      const pageFirst = !hasErrors && (sort === 'start' || sort === 'duration');
      st = this.db.prepare<[Params], Row>(pageFirst ? pageFirstSql(sort, dir) : sumsFirstSql(sort, dir, hasErrors));
      this.statements.set(key, st);
    }
    return st;
  }

  page(q: SessionPageQuery = {}): SessionPage {
    const params: Params = {
      since: q.since ?? null, until: q.until ?? null, cwd: q.cwd ?? null, model: q.model ?? null,
      limit: Math.max(1, Math.min(q.limit ?? 50, 500)), offset: Math.max(0, q.offset ?? 0),
    };
    const sort = q.sort ?? 'start';
    const rows = this.statement(sort, q.ascending === true, q.hasErrors === true).all(params).map(toRow);
    const total = (q.hasErrors === true ? this.countWithErrors : this.count).get(params)?.n ?? 0;
    return { total, offset: params.offset, rows };
  }

  facets(): SessionFacets {
    const projects = this.db
      .prepare<[], { cwd: string; n: number }>(`SELECT cwd, COUNT(*) AS n FROM spans WHERE kind = 'session' AND cwd IS NOT NULL GROUP BY cwd ORDER BY n DESC, cwd`)
      .all()
      .map((r) => ({ cwd: r.cwd, project: projectOf(r.cwd) ?? r.cwd, sessions: r.n }));
    const models = this.db
      .prepare<[], { model: string; n: number }>(`SELECT model, COUNT(*) AS n FROM spans WHERE kind = 'session' AND model IS NOT NULL GROUP BY model ORDER BY n DESC, model`)
      .all()
      .map((r) => ({ model: r.model, sessions: r.n }));
    const range = this.db
      .prepare<[], { first: string | null; last: string | null }>(`SELECT MIN(start_time) AS first, MAX(start_time) AS last FROM spans WHERE kind = 'session'`)
      .get();
    return { projects, models, first: range?.first ?? null, last: range?.last ?? null };
  }
}
