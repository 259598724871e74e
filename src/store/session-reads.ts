/**
 * The SQL behind the viewer's session index (read-only): each session span, the per-trace sums
 * (over the covering index `spans_trace`), which threads a trace holds, and which files a writer
 * committed since a given time (the cursors table: spans and cursors commit together).
 */
import type Database from 'better-sqlite3';
import { attrSql } from './blocks.js';
import type { Db } from './db.js';
import type { SessionTotals } from './views.js';

export interface HeadRow {
  trace_id: string;
  span_id: string;
  session_id: string | null;
  start_time: string;
  end_time: string | null;
  status: string;
  cwd: string | null;
  model: string | null;
}

export interface TotalsRow {
  trace_id: string;
  turns: number;
  llm_calls: number;
  tool_calls: number;
  subagents: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
}

export interface ModelRow {
  trace_id: string;
  model: string;
  n: number;
}

const HEAD = 'SELECT trace_id, span_id, session_id, start_time, end_time, status, cwd, model FROM spans';
const TOTALS = `SELECT trace_id, SUM(kind = 'turn') AS turns, SUM(kind = 'llm') AS llm_calls, SUM(kind = 'tool') AS tool_calls,
    SUM(kind = 'subagent') AS subagents, SUM(status = 'error') AS errors,
    TOTAL(CASE WHEN kind = 'llm' THEN input_tokens END) AS input_tokens, TOTAL(CASE WHEN kind = 'llm' THEN output_tokens END) AS output_tokens,
    TOTAL(CASE WHEN kind = 'llm' THEN cached_tokens END) AS cached_tokens, TOTAL(CASE WHEN kind = 'llm' THEN reasoning_tokens END) AS reasoning_tokens
  FROM spans`;
const MODELS = "SELECT trace_id, model, COUNT(*) AS n FROM spans WHERE kind = 'llm' AND model IS NOT NULL";
const THREADS = `SELECT trace_id, ${attrSql('codex.subagent.thread_id')} AS thread FROM spans WHERE kind = 'subagent'`;

export function toTotals(r: TotalsRow): SessionTotals & { subagents: number } {
  return {
    turns: r.turns,
    llmCalls: r.llm_calls,
    toolCalls: r.tool_calls,
    subagents: r.subagents,
    errors: r.errors,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cachedTokens: r.cached_tokens,
    reasoningTokens: r.reasoning_tokens,
  };
}

export class SessionReads {
  readonly allHeads: Database.Statement<[], HeadRow>;
  readonly allTotals: Database.Statement<[], TotalsRow>;
  readonly allModels: Database.Statement<[], ModelRow>;
  readonly allThreads: Database.Statement<[], { trace_id: string; thread: string | null }>;
  readonly heads: Database.Statement<[string], HeadRow>;
  readonly totals: Database.Statement<[string], TotalsRow>;
  readonly models: Database.Statement<[string], ModelRow>;
  readonly threads: Database.Statement<[string], { trace_id: string; thread: string | null }>;
  readonly traceOfSession: Database.Statement<[string], { trace_id: string }>;
  readonly changedFiles: Database.Statement<[number], { session_id: string | null; updated_at: number }>;
  readonly lastChange: Database.Statement<[], { t: number | null }>;
  readonly title: Database.Statement<[string, string], { title: string | null }>;
  readonly branch: Database.Statement<[string], { branch: string | null }>;

  constructor(db: Db) {
    this.allHeads = db.prepare(`${HEAD} WHERE kind = 'session'`);
    this.allTotals = db.prepare(`${TOTALS} GROUP BY trace_id`);
    this.allModels = db.prepare(`${MODELS} GROUP BY trace_id, model`);
    this.allThreads = db.prepare(THREADS);
    this.heads = db.prepare(`${HEAD} WHERE trace_id = ? AND kind = 'session'`);
    this.totals = db.prepare(`${TOTALS} WHERE trace_id = ? GROUP BY trace_id`);
    this.models = db.prepare(`${MODELS} AND trace_id = ? GROUP BY trace_id, model`);
    this.threads = db.prepare(`${THREADS} AND trace_id = ?`);
    this.traceOfSession = db.prepare("SELECT trace_id FROM spans WHERE session_id = ? AND kind = 'session'");
    this.changedFiles = db.prepare('SELECT session_id, updated_at FROM cursors WHERE updated_at >= ?');
    this.lastChange = db.prepare('SELECT MAX(updated_at) AS t FROM cursors');
    this.title = db.prepare(
      `SELECT substr(${attrSql('input.value')}, 1, 200) AS title FROM spans
       WHERE trace_id = ? AND kind = 'turn' AND parent_span_id = ? ORDER BY start_time LIMIT 1`,
    );
    this.branch = db.prepare(`SELECT ${attrSql('vcs.ref.head.name')} AS branch FROM spans WHERE span_id = ?`);
  }
}
