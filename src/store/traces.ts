import type Database from 'better-sqlite3';
import { attrSql } from './blocks.js';
import type { Db } from './db.js';

/** A trace an id or prefix given by the user may mean. */
export interface TraceMatch {
  traceId: string;
  /** conversation id of the trace's session span, when stored */
  sessionId: string | null;
  startTime: string | null;
  cwd: string | null;
}

interface MatchRow {
  trace_id: string;
  session_id: string | null;
  start_time: string | null;
  cwd: string | null;
}

/** At most this many candidates are returned for an ambiguous prefix. */
export const MAX_MATCHES = 50;

/** A GLOB pattern matching strings that start with `prefix` literally. */
export function globPrefix(prefix: string): string {
  return `${prefix.replace(/[*?[]/g, (c) => `[${c}]`)}*`;
}

export class TraceLookup {
  private readonly bySession: Database.Statement<[string, number], MatchRow>;
  private readonly byTrace: Database.Statement<[string, number], MatchRow>;
  private readonly bySubagent: Database.Statement<[string, number], MatchRow>;

  constructor(db: Db) {
    this.bySession = db.prepare<[string, number], MatchRow>(
      `SELECT trace_id, session_id, start_time, cwd FROM spans
       WHERE session_id GLOB ? AND kind = 'session' ORDER BY start_time DESC LIMIT ?`,
    );
    this.byTrace = db.prepare<[string, number], MatchRow>(
      `SELECT t.trace_id, s.session_id, s.start_time, s.cwd
       FROM (SELECT DISTINCT trace_id FROM spans WHERE trace_id GLOB ? LIMIT ?) t
       LEFT JOIN spans s ON s.trace_id = t.trace_id AND s.kind = 'session'
       ORDER BY s.start_time DESC`,
    );
    // a subagent's thread is not a session of its own: its spans are in its parent's trace
    this.bySubagent = db.prepare<[string, number], MatchRow>(
      `SELECT t.trace_id, s.session_id, s.start_time, s.cwd
       FROM (SELECT DISTINCT trace_id FROM spans
             WHERE kind = 'subagent' AND ${attrSql('codex.subagent.thread_id')} GLOB ? LIMIT ?) t
       LEFT JOIN spans s ON s.trace_id = t.trace_id AND s.kind = 'session'
       ORDER BY s.start_time DESC`,
    );
  }

  /**
   * Traces matching a session (conversation) id or prefix, or a trace id or prefix (dashes ignored).
   * An exact match wins over prefix matches; several results mean the prefix is ambiguous.
   * A subagent's thread id (or prefix) finds the trace it belongs to.
   */
  findTraces(idOrPrefix: string): TraceMatch[] {
    const q = idOrPrefix.trim();
    if (q === '') return [];
    const rows = [...this.bySession.all(globPrefix(q), MAX_MATCHES)];
    if (q !== q.toLowerCase()) rows.push(...this.bySession.all(globPrefix(q.toLowerCase()), MAX_MATCHES));
    const hex = q.replace(/-/g, '').toLowerCase();
    if (/^[0-9a-f]+$/.test(hex)) rows.push(...this.byTrace.all(globPrefix(hex), MAX_MATCHES));
    if (rows.length === 0) rows.push(...this.bySubagent.all(globPrefix(q.toLowerCase()), MAX_MATCHES));
    const matches = dedupe(rows);
    const exact = matches.filter((m) => m.sessionId === q || m.traceId === hex);
    return exact.length > 0 ? exact : matches.slice(0, MAX_MATCHES);
  }
}

function dedupe(rows: readonly MatchRow[]): TraceMatch[] {
  const byTrace = new Map<string, TraceMatch>();
  for (const r of rows) {
    if (byTrace.has(r.trace_id)) continue;
    byTrace.set(r.trace_id, { traceId: r.trace_id, sessionId: r.session_id, startTime: r.start_time, cwd: r.cwd });
  }
  return [...byTrace.values()].sort((a, b) => (b.startTime ?? '').localeCompare(a.startTime ?? ''));
}
