/**
 * Per-call usage out of the store, for pricing when asked (`sessions`, `report`): tokens are stored,
 * money is computed by src/pricing/ at read time, so a price update re-prices all history.
 */
import type Database from 'better-sqlite3';
import { attrSql } from './blocks.js';
import type { Db } from './db.js';

export interface UsageQuery {
  /** calls at or after this instant (the call's end, else its start) */
  since?: Date;
  /** calls before this instant */
  until?: Date;
  /** only these traces */
  traceIds?: readonly string[];
}

/** One LLM span with its trace's session context. */
export interface CallRow {
  traceId: string;
  spanId: string;
  /** the call's end, else its start (ISO) */
  time: string;
  model: string | null;
  provider: string | null;
  serviceTier: string | null;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** the thread the call belongs to (a subagent's own thread id for its calls) */
  threadId: string | null;
  /** the trace's session (root thread) id, cwd and repository, when the session span is stored */
  sessionId: string | null;
  sessionStart: string | null;
  cwd: string | null;
  repository: string | null;
}

interface Row {
  trace_id: string;
  span_id: string;
  time: string;
  model: string | null;
  provider: string | null;
  service_tier: string | null;
  input_tokens: number;
  cached_tokens: number | null;
  output_tokens: number | null;
  reasoning_tokens: number | null;
  thread_id: string | null;
  session_id: string | null;
  session_start: string | null;
  cwd: string | null;
  repository: string | null;
}

interface Params {
  since: string | null;
  until: string | null;
  traces: string | null;
}

/** `byTrace`: the calls of the given traces only, through the `spans_trace` index (an OR with "no filter" would scan every span). */
const sql = (byTrace: boolean): string => `
WITH calls AS (
  SELECT trace_id, span_id, COALESCE(end_time, start_time) AS time, model, input_tokens, cached_tokens, output_tokens, reasoning_tokens,
    ${attrSql('gen_ai.provider.name')} AS provider,
    ${attrSql('openai.request.service_tier')} AS service_tier,
    ${attrSql('codex.thread.id')} AS thread_id
  FROM spans
  WHERE kind = 'llm' AND input_tokens IS NOT NULL
    ${byTrace ? 'AND trace_id IN (SELECT value FROM json_each(@traces))' : ''}
),
sess AS (
  SELECT trace_id, MIN(session_id) AS session_id, MIN(start_time) AS session_start, MIN(cwd) AS cwd,
    MIN(${attrSql('vcs.repository.url.full')}) AS repository
  FROM spans WHERE kind = 'session' AND trace_id IN (SELECT DISTINCT trace_id FROM calls)
  GROUP BY trace_id
)
SELECT calls.*, sess.session_id, sess.session_start, sess.cwd, sess.repository
FROM calls LEFT JOIN sess ON sess.trace_id = calls.trace_id
WHERE (@since IS NULL OR calls.time >= @since) AND (@until IS NULL OR calls.time < @until)
ORDER BY calls.time, calls.span_id`;

function toCall(r: Row): CallRow {
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    time: r.time,
    model: r.model,
    provider: r.provider,
    serviceTier: r.service_tier,
    inputTokens: r.input_tokens,
    cachedTokens: r.cached_tokens ?? 0,
    outputTokens: r.output_tokens ?? 0,
    reasoningTokens: r.reasoning_tokens ?? 0,
    threadId: r.thread_id,
    sessionId: r.session_id,
    sessionStart: r.session_start,
    cwd: r.cwd,
    repository: r.repository,
  };
}

export class UsageQueries {
  private readonly all: Database.Statement<[Params], Row>;
  private readonly some: Database.Statement<[Params], Row>;

  constructor(db: Db) {
    this.all = db.prepare<[Params], Row>(sql(false));
    this.some = db.prepare<[Params], Row>(sql(true));
  }

  llmCalls(q: UsageQuery = {}): CallRow[] {
    return (q.traceIds === undefined ? this.all : this.some)
      .all({
        since: q.since?.toISOString() ?? null,
        until: q.until?.toISOString() ?? null,
        traces: q.traceIds === undefined ? null : JSON.stringify(q.traceIds),
      })
      .map(toCall);
  }
}
