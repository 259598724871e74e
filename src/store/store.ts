import { statSync } from 'node:fs';
import type { SpanEffect } from '../trace/effects.js';
import type { Span } from '../trace/span.js';
import { CursorTable, type Cursor } from './cursors.js';
import { openDatabase, schemaVersion, type Db, type OpenOptions } from './db.js';
import { guard, StoreError } from './errors.js';
import { StoreFiles } from './files.js';
import { SessionQueries, type ListSessionsQuery, type SessionSummary } from './sessions.js';
import { SpanTable, latestSpans, type RowBatch } from './spans.js';
import { dbPathIn, ensureStateDir } from './statedir.js';
import { TraceLookup, type TraceMatch } from './traces.js';
import { UsageQueries, type CallRow, type UsageQuery } from './usage.js';

export interface StoreStats {
  path: string;
  schemaVersion: number;
  spans: number;
  traces: number;
  sessions: number;
  /** spans with no end time yet */
  openSpans: number;
  cursors: number;
  /** size of the database file plus its write-ahead log */
  dbBytes: number;
}

export type StoreLocation = { stateDir: string; file?: undefined } | { file: string; stateDir?: undefined };

interface CountRow {
  spans: number;
  traces: number;
  sessions: number;
  open_spans: number;
  cursors: number;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The local store: spans (upserted by id) and cursors in one SQLite file.
 * Every method is synchronous; failures are StoreErrors naming the file.
 */
export class TraceStore {
  private readonly spans: SpanTable;
  private readonly cursors: CursorTable;
  private readonly sinkCursors = new Map<string, CursorTable>();
  private readonly sessions: SessionQueries;
  private readonly traces: TraceLookup;
  private usage?: UsageQueries;
  private broken?: StoreError;
  private readonly brokenListeners: ((err: StoreError) => void)[] = [];

  private constructor(
    readonly db: Db,
    readonly path: string,
    /** the files as opened, checked before every write transaction (writable stores) */
    private readonly files?: StoreFiles,
  ) {
    this.spans = new SpanTable(db);
    this.cursors = new CursorTable(db);
    this.sessions = new SessionQueries(db);
    this.traces = new TraceLookup(db);
  }

  /** Opens `traces.sqlite` in a state dir (created 0700) or an explicit file. */
  static open(where: StoreLocation, opts: OpenOptions = {}): TraceStore {
    let file: string;
    if (where.file !== undefined) file = where.file;
    else {
      if (opts.readonly !== true) guard(dbPathIn(where.stateDir), () => ensureStateDir(where.stateDir));
      file = dbPathIn(where.stateDir);
    }
    const db = openDatabase(file, opts);
    return guard(file, () => new TraceStore(db, file, opts.readonly === true ? undefined : StoreFiles.take(file)));
  }

  /**
   * Called once if the store's files are found deleted or replaced under it (see files.ts):
   * from then on every write throws that error. A watcher stops on it.
   */
  onBroken(listener: (err: StoreError) => void): void {
    if (this.broken) listener(this.broken);
    else this.brokenListeners.push(listener);
  }

  /** A write transaction, after checking that the files are still the ones opened (a stat each: per commit group, not per span). */
  private tx<T>(fn: () => T): T {
    this.checkFiles();
    return guard(this.path, () => this.db.transaction(fn).immediate());
  }

  private checkFiles(): void {
    if (this.broken) throw this.broken;
    try {
      this.files?.verify();
    } catch (err) {
      this.broken = err as StoreError;
      for (const l of this.brokenListeners.splice(0)) l(this.broken);
      throw err;
    }
  }

  /** Upserts spans by span id in one transaction; the last write wins (a re-opened root is re-opened). */
  upsertSpans(spans: readonly Span[]): number {
    return this.tx(() => this.spans.upsertAll(spans));
  }

  /** Applies span effects (started/updated/ended, repeats included) in one transaction; returns spans written. */
  applyEffects(effects: readonly SpanEffect[]): number {
    return this.upsertSpans(latestSpans(effects));
  }

  /** Spans and cursors in ONE transaction: a local-only run gets exactly-once delivery. */
  commit(effects: readonly SpanEffect[], cursors: readonly Cursor[]): number {
    return this.commitSpans(latestSpans(effects), cursors);
  }

  /** `commit` for rows already made by `toRow` or `handOffBatch` (the writer thread's and the pipeline threads' commits). */
  commitRows(batch: RowBatch, cursors: readonly Cursor[]): number {
    return this.tx(() => {
      this.cursors.putAll(cursors, Date.now());
      return this.spans.upsertRows(batch);
    });
  }

  /** `commit` for spans already reduced to their latest state (see `latestSpans`). */
  commitSpans(spans: readonly Span[], cursors: readonly Cursor[]): number {
    return this.tx(() => {
      this.cursors.putAll(cursors, Date.now());
      return this.spans.upsertAll(spans);
    });
  }

  getTraceSpans(traceId: string): Span[] {
    return guard(this.path, () => this.spans.getTraceSpans(traceId));
  }

  /**
   * `sink` names one sink's own cursors (`sink_cursors`, kept when there are several sinks:
   * each acknowledges at its own pace); without it, the file's cursor every sink acknowledged.
   */
  getCursor(path: string, sink?: string): Cursor | undefined {
    return guard(this.path, () => this.cursorTable(sink).get(path));
  }

  getAllCursors(sink?: string): Cursor[] {
    return guard(this.path, () => this.cursorTable(sink).getAll());
  }

  putCursor(c: Cursor, sink?: string): void {
    this.putCursors([c], sink);
  }

  putCursors(cs: readonly Cursor[], sink?: string): void {
    this.tx(() => this.cursorTable(sink).putAll(cs, Date.now()));
  }

  deleteCursor(path: string): boolean {
    return this.tx(() => this.cursors.delete(path));
  }

  /** A file moved (e.g. to archived_sessions) keeps its session and progress. False if there was no cursor. */
  renameCursor(oldPath: string, newPath: string, sink?: string): boolean {
    return this.tx(() => this.cursorTable(sink).rename(oldPath, newPath, Date.now()));
  }

  /** The sinks that have run with cursors of their own here (`status` shows each one's lag). */
  cursorSinks(): string[] {
    return guard(this.path, () =>
      this.db
        .prepare<[], { sink: string }>('SELECT sink FROM sink_lanes ORDER BY sink')
        .all()
        .map((r) => r.sink),
    );
  }

  /** Records that these sinks run with cursors of their own (see `cursorSinks`). */
  noteCursorSinks(sinks: readonly string[]): void {
    const add = this.db.prepare<[string, number]>('INSERT OR IGNORE INTO sink_lanes (sink, first_seen_at) VALUES (?, ?)');
    this.tx(() => {
      for (const s of sinks) add.run(s, Date.now());
    });
  }

  private cursorTable(sink: string | undefined): CursorTable {
    if (sink === undefined) return this.cursors;
    let t = this.sinkCursors.get(sink);
    if (!t) {
      t = new CursorTable(this.db, sink);
      this.sinkCursors.set(sink, t);
    }
    return t;
  }

  listSessions(q: ListSessionsQuery = {}): SessionSummary[] {
    return guard(this.path, () => this.sessions.listSessions(q));
  }

  countSessions(q: ListSessionsQuery = {}): number {
    return guard(this.path, () => this.sessions.countSessions(q));
  }

  /** Every LLM span with usage (per-call tokens, model, tier, session context), for pricing. */
  llmCalls(q: UsageQuery = {}): CallRow[] {
    return guard(this.path, () => (this.usage ??= new UsageQueries(this.db)).llmCalls(q));
  }

  findTraces(idOrPrefix: string): TraceMatch[] {
    return guard(this.path, () => this.traces.findTraces(idOrPrefix));
  }

  stats(): StoreStats {
    return guard(this.path, () => {
      const c = this.db
        .prepare<[], CountRow>(
          `SELECT (SELECT COUNT(*) FROM spans) AS spans,
             (SELECT COUNT(DISTINCT trace_id) FROM spans) AS traces,
             (SELECT COUNT(*) FROM spans WHERE kind = 'session') AS sessions,
             (SELECT COUNT(*) FROM spans WHERE end_time IS NULL) AS open_spans,
             (SELECT COUNT(*) FROM cursors) AS cursors`,
        )
        .get() as CountRow;
      const dbBytes = fileSize(this.path) + fileSize(`${this.path}-wal`);
      return {
        path: this.path,
        schemaVersion: schemaVersion(this.db),
        spans: c.spans,
        traces: c.traces,
        sessions: c.sessions,
        openSpans: c.open_spans,
        cursors: c.cursors,
        dbBytes,
      };
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
