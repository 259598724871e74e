/**
 * The viewer's sessions list: every session with its trace's sums, kept in memory so a page
 * with any filter and sort is served in a few milliseconds on 10,000 sessions. Built once from
 * the store (read-only); after another connection commits (`PRAGMA data_version` moved), only
 * the traces of the files committed since (the cursors table says which) are read again; when
 * that cannot tell, the whole index is rebuilt.
 */
import type { Db } from './db.js';
import { SessionReads, toTotals, type HeadRow } from './session-reads.js';
import { projectOf } from './sessions.js';
import type { SessionFacets, SessionListRow, SessionPage, SessionPageQuery, SessionSort, SessionTotals } from './views.js';

export { SESSION_SORTS } from './views.js';
export type { SessionFacets, SessionListRow, SessionPage, SessionPageQuery, SessionSort } from './views.js';

interface Entry {
  spanId: string;
  head: HeadRow;
  /** the listing row, rebuilt when its trace changes; title and branch filled in when first shown */
  row: SessionListRow;
  detailed: boolean;
}

type Totals = SessionTotals & { subagents: number };

const ZERO: Totals = { turns: 0, llmCalls: 0, toolCalls: 0, subagents: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0 };

/** Above this many changed traces, a full rebuild is cheaper than reading each one. */
const MAX_INCREMENTAL = 300;

function durationOf(h: HeadRow): number | null {
  if (h.end_time === null) return null;
  const d = Date.parse(h.end_time) - Date.parse(h.start_time);
  return Number.isFinite(d) ? d : null;
}

export class SessionPages {
  private readonly sql: SessionReads;
  private readonly entries = new Map<string, Entry>();
  private readonly byTrace = new Map<string, Set<string>>();
  private readonly totals = new Map<string, Totals>();
  private readonly models = new Map<string, string[]>();
  /** subagent thread id -> the trace it is part of */
  private readonly threadTrace = new Map<string, string>();
  /** every row in each order asked for so far; dropped on any change */
  private readonly sorted = new Map<string, Entry[]>();
  private version = -1;
  private lastChange = 0;
  /** how the index was last brought up to date (for logs and tests) */
  lastRefresh: 'full' | 'incremental' | 'none' = 'none';

  constructor(private readonly db: Db) {
    this.sql = new SessionReads(db);
    this.refresh();
  }

  /** Brings the index up to date with the store; cheap when nothing changed. */
  refresh(): void {
    const v = this.db.pragma('data_version', { simple: true }) as number;
    if (v === this.version) return;
    const first = this.version === -1;
    this.version = v;
    if (first) return this.rebuild();
    const changed = this.sql.changedFiles.all(this.lastChange);
    const traces = new Set<string>();
    for (const f of changed) {
      this.lastChange = Math.max(this.lastChange, f.updated_at);
      const t = f.session_id === null ? undefined : this.traceOfThread(f.session_id);
      if (t !== undefined) traces.add(t);
    }
    // spans written without a cursor (or too many to read one by one): read everything again
    if (changed.length === 0 || traces.size > MAX_INCREMENTAL) return this.rebuild();
    for (const t of traces) this.reloadTrace(t);
    this.lastRefresh = 'incremental';
  }

  private traceOfThread(thread: string): string | undefined {
    const known = this.threadTrace.get(thread);
    if (known !== undefined) return known;
    const row = this.sql.traceOfSession.get(thread);
    if (row !== undefined) return row.trace_id;
    const hex = thread.replace(/-/g, '').toLowerCase();
    return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined;
  }

  private rebuild(): void {
    this.entries.clear();
    this.byTrace.clear();
    this.totals.clear();
    this.models.clear();
    this.threadTrace.clear();
    this.lastChange = this.sql.lastChange.get()?.t ?? 0;
    for (const h of this.sql.allHeads.all()) this.addHead(h);
    for (const r of this.sql.allTotals.all()) this.totals.set(r.trace_id, toTotals(r));
    this.setModels(this.sql.allModels.all());
    for (const r of this.sql.allThreads.all()) if (r.thread !== null) this.threadTrace.set(r.thread, r.trace_id);
    for (const e of this.entries.values()) e.row = this.row(e);
    this.sorted.clear();
    this.lastRefresh = 'full';
  }

  private addHead(h: HeadRow): void {
    const old = this.entries.get(h.span_id);
    const e: Entry = { spanId: h.span_id, head: h, row: old?.row as SessionListRow, detailed: false };
    if (old?.detailed === true && old.row.title !== null) e.row = { ...old.row };
    this.entries.set(h.span_id, e);
    let set = this.byTrace.get(h.trace_id);
    if (set === undefined) this.byTrace.set(h.trace_id, (set = new Set()));
    set.add(h.span_id);
  }

  private setModels(rows: readonly { trace_id: string; model: string; n: number }[]): void {
    const by = new Map<string, { model: string; n: number }[]>();
    for (const r of rows) {
      const list = by.get(r.trace_id) ?? [];
      list.push(r);
      by.set(r.trace_id, list);
    }
    for (const [t, list] of by)
      this.models.set(
        t,
        list.sort((a, b) => b.n - a.n || a.model.localeCompare(b.model)).map((m) => m.model),
      );
  }

  private reloadTrace(traceId: string): void {
    for (const h of this.sql.heads.all(traceId)) this.addHead(h);
    const t = this.sql.totals.get(traceId);
    if (t !== undefined) this.totals.set(traceId, toTotals(t));
    this.models.delete(traceId);
    this.setModels(this.sql.models.all(traceId));
    for (const r of this.sql.threads.all(traceId)) if (r.thread !== null) this.threadTrace.set(r.thread, traceId);
    for (const id of this.byTrace.get(traceId) ?? []) {
      const e = this.entries.get(id) as Entry;
      e.row = this.row(e);
    }
    this.sorted.clear();
  }

  private row(e: Entry): SessionListRow {
    const h = e.head;
    const t = this.totals.get(h.trace_id) ?? ZERO;
    const models = this.models.get(h.trace_id) ?? [];
    return {
      traceId: h.trace_id,
      sessionId: h.session_id,
      title: e.row?.title ?? null,
      startTime: h.start_time,
      endTime: h.end_time,
      durationMs: durationOf(h),
      status: h.status,
      cwd: h.cwd,
      project: projectOf(h.cwd),
      branch: e.row?.branch ?? null,
      models: models.length > 0 ? models : h.model === null ? [] : [h.model],
      ...t,
    };
  }

  /** Title and branch are read for the rows of a page only, and kept. */
  private detail(e: Entry): SessionListRow {
    if (!e.detailed) {
      e.row.title = this.sql.title.get(e.head.trace_id, e.spanId)?.title ?? null;
      e.row.branch = this.sql.branch.get(e.spanId)?.branch ?? null;
      // a session still waiting for its first prompt is asked again next time
      e.detailed = e.row.title !== null;
    }
    return e.row;
  }

  private inOrder(sort: SessionSort, ascending: boolean): Entry[] {
    const key = `${sort}:${ascending}`;
    let list = this.sorted.get(key);
    if (list === undefined) {
      const order = sorter(sort, ascending);
      list = [...this.entries.values()].sort((a, b) => order(a.row, b.row) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
      this.sorted.set(key, list);
    }
    return list;
  }

  page(q: SessionPageQuery = {}): SessionPage {
    this.refresh();
    const limit = Math.max(1, Math.min(q.limit ?? 50, 500));
    const offset = Math.max(0, q.offset ?? 0);
    const picked: Entry[] = [];
    let total = 0;
    for (const e of this.inOrder(q.sort ?? 'start', q.ascending === true)) {
      const r = e.row;
      if (q.since !== undefined && r.startTime < q.since) continue;
      if (q.until !== undefined && r.startTime >= q.until) continue;
      if (q.cwd !== undefined && r.cwd !== q.cwd) continue;
      if (q.model !== undefined && !r.models.includes(q.model)) continue;
      if (q.hasErrors === true && r.errors === 0) continue;
      if (total >= offset && picked.length < limit) picked.push(e);
      total++;
    }
    return { total, offset, rows: picked.map((e) => ({ ...this.detail(e) })) };
  }

  facets(): SessionFacets {
    this.refresh();
    const projects = new Map<string, number>();
    const models = new Map<string, number>();
    let first: string | null = null;
    let last: string | null = null;
    for (const e of this.entries.values()) {
      const h = e.head;
      if (h.cwd !== null) projects.set(h.cwd, (projects.get(h.cwd) ?? 0) + 1);
      for (const m of e.row.models) models.set(m, (models.get(m) ?? 0) + 1);
      if (first === null || h.start_time < first) first = h.start_time;
      if (last === null || h.start_time > last) last = h.start_time;
    }
    const byCount = <T extends string>(m: Map<T, number>): [T, number][] => [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return {
      projects: byCount(projects).map(([cwd, n]) => ({ cwd, project: projectOf(cwd) ?? cwd, sessions: n })),
      models: byCount(models).map(([model, n]) => ({ model, sessions: n })),
      first,
      last,
    };
  }
}

function sorter(sort: SessionSort, ascending: boolean): (a: SessionListRow, b: SessionListRow) => number {
  const dir = ascending ? 1 : -1;
  const key: Record<SessionSort, (r: SessionListRow) => number | string> = {
    start: (r) => r.startTime,
    duration: (r) => r.durationMs ?? -1,
    tokens: (r) => r.inputTokens + r.outputTokens,
    turns: (r) => r.turns,
    errors: (r) => r.errors,
  };
  const k = key[sort];
  return (a, b) => {
    const x = k(a);
    const y = k(b);
    return x < y ? -dir : x > y ? dir : 0;
  };
}
