import type Database from 'better-sqlite3';
import type { Db } from './db.js';

/** How far a rollout file has been traced and acknowledged by every sink (in `sink_cursors`: by one sink of several). */
export interface Cursor {
  path: string;
  dev: number;
  ino: number;
  sessionId: string | null;
  /** byte offset just past the last record whose effects every sink acknowledged */
  committedOffset: number;
  size: number;
  mtimeMs: number;
  finalized: boolean;
  /** hash of the first line: a changed first record means the file was replaced */
  firstLineHash: string | null;
  /** epoch ms of the last write; set by putCursor when absent */
  updatedAt?: number;
}

interface CursorRow {
  path: string;
  dev: number;
  ino: number;
  session_id: string | null;
  committed_offset: number;
  size: number;
  mtime_ms: number;
  finalized: number;
  first_line_hash: string | null;
  updated_at: number;
}

type Bind = string | number | null;

const COLUMNS = 'path, dev, ino, session_id, committed_offset, size, mtime_ms, finalized, first_line_hash, updated_at';

function fromRow(r: CursorRow): Cursor {
  return {
    path: r.path,
    dev: r.dev,
    ino: r.ino,
    sessionId: r.session_id,
    committedOffset: r.committed_offset,
    size: r.size,
    mtimeMs: r.mtime_ms,
    finalized: r.finalized !== 0,
    firstLineHash: r.first_line_hash,
    updatedAt: r.updated_at,
  };
}

function toRow(c: Cursor, now: number): Bind[] {
  return [c.path, c.dev, c.ino, c.sessionId, c.committedOffset, c.size, c.mtimeMs, c.finalized ? 1 : 0, c.firstLineHash, c.updatedAt ?? now];
}

/**
 * Prepared statements of the cursors table, bound to one connection; with `sink`, of that
 * sink's rows in `sink_cursors` (each sink's own acknowledged offsets, when there are several).
 */
export class CursorTable {
  private readonly key: Bind[];
  private readonly one: Database.Statement<Bind[], CursorRow>;
  private readonly all: Database.Statement<Bind[], CursorRow>;
  private readonly put: Database.Statement<Bind[]>;
  private readonly del: Database.Statement<Bind[]>;
  private readonly move: Database.Statement<Bind[]>;

  constructor(db: Db, sink?: string) {
    const table = sink === undefined ? 'cursors' : 'sink_cursors';
    const scope = sink === undefined ? '' : 'sink = ? AND ';
    this.key = sink === undefined ? [] : [sink];
    this.one = db.prepare<Bind[], CursorRow>(`SELECT ${COLUMNS} FROM ${table} WHERE ${scope}path = ?`);
    this.all = db.prepare<Bind[], CursorRow>(`SELECT ${COLUMNS} FROM ${table} ${sink === undefined ? '' : 'WHERE sink = ? '}ORDER BY path`);
    this.put = db.prepare<Bind[]>(
      `INSERT OR REPLACE INTO ${table} (${sink === undefined ? '' : 'sink, '}${COLUMNS}) VALUES (${sink === undefined ? '' : '?, '}?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.del = db.prepare<Bind[]>(`DELETE FROM ${table} WHERE ${scope}path = ?`);
    this.move = db.prepare<Bind[]>(`UPDATE ${table} SET path = ?, updated_at = ? WHERE ${scope}path = ?`);
  }

  get(path: string): Cursor | undefined {
    const r = this.one.get(...this.key, path);
    return r === undefined ? undefined : fromRow(r);
  }

  getAll(): Cursor[] {
    return this.all.all(...this.key).map(fromRow);
  }

  /** Inserts or replaces; call inside a transaction when writing several. */
  putAll(cursors: readonly Cursor[], now: number): void {
    for (const c of cursors) this.put.run(...this.key, ...toRow(c, now));
  }

  delete(path: string): boolean {
    return this.del.run(...this.key, path).changes > 0;
  }

  /** Moves a cursor to a new path (replacing any cursor there). Call inside a transaction. */
  rename(oldPath: string, newPath: string, now: number): boolean {
    if (oldPath === newPath) return this.one.get(...this.key, oldPath) !== undefined;
    if (this.one.get(...this.key, oldPath) === undefined) return false;
    this.del.run(...this.key, newPath);
    return this.move.run(newPath, now, ...this.key, oldPath).changes > 0;
  }
}
