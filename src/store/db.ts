import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { StoreError, guard } from './errors.js';
import { blocksOf } from './blocks.js';
import { spanContent, spanLarge } from './spans.js';

export type Db = Database.Database;
export type Migration = (db: Db) => void;

/**
 * Schema migrations, applied in order. `PRAGMA user_version` holds how many have run.
 * Never edit a released migration; append a new one.
 */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE spans (
        span_id          TEXT NOT NULL PRIMARY KEY,
        trace_id         TEXT NOT NULL,
        parent_span_id   TEXT,
        kind             TEXT NOT NULL,
        name             TEXT NOT NULL,
        start_time       TEXT NOT NULL,
        end_time         TEXT,
        status           TEXT NOT NULL,
        status_message   TEXT,
        attributes       TEXT NOT NULL,
        -- copied out of attributes at write time so listings need not parse JSON
        session_id       TEXT,
        cwd              TEXT,
        model            TEXT,
        input_tokens     INTEGER,
        output_tokens    INTEGER,
        cached_tokens    INTEGER,
        reasoning_tokens INTEGER
      );
      -- covers the per-trace sums of listSessions, so they never read the (large) attributes
      CREATE INDEX spans_trace ON spans(trace_id, kind, status, model, input_tokens, output_tokens, cached_tokens, reasoning_tokens);
      -- session spans only (one in six or so): listSessions' time range and order, findTraces by session id
      CREATE INDEX spans_session_start ON spans(start_time) WHERE kind = 'session';
      CREATE INDEX spans_session_id ON spans(session_id) WHERE kind = 'session';
      CREATE TABLE cursors (
        path             TEXT NOT NULL PRIMARY KEY,
        dev              INTEGER NOT NULL,
        ino              INTEGER NOT NULL,
        session_id       TEXT,
        committed_offset INTEGER NOT NULL,
        size             INTEGER NOT NULL,
        mtime_ms         REAL NOT NULL,
        finalized        INTEGER NOT NULL DEFAULT 0,
        first_line_hash  TEXT,
        updated_at       INTEGER NOT NULL
      );
    `);
  },
  // the large attribute values (prompts, outputs) apart and compressed: see spans.ts
  (db) => {
    db.exec('ALTER TABLE spans ADD COLUMN content BLOB');
  },
  // with several sinks, each sink's own acknowledged offset per file (see cursor-store.ts, SinkCursorGroup)
  (db) => {
    db.exec(`
      CREATE TABLE sink_cursors (
        sink             TEXT NOT NULL,
        path             TEXT NOT NULL,
        dev              INTEGER NOT NULL,
        ino              INTEGER NOT NULL,
        session_id       TEXT,
        committed_offset INTEGER NOT NULL,
        size             INTEGER NOT NULL,
        mtime_ms         REAL NOT NULL,
        finalized        INTEGER NOT NULL DEFAULT 0,
        first_line_hash  TEXT,
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (sink, path)
      ) WITHOUT ROWID;
      -- the sinks that have run with cursors of their own here (status shows each one's lag)
      CREATE TABLE sink_lanes (
        sink             TEXT NOT NULL PRIMARY KEY,
        first_seen_at    INTEGER NOT NULL
      );
    `);
  },
  // the large values of a commit's spans compressed together (blocks.ts); rows written before keep theirs per span
  (db) => {
    db.exec(`
      -- AUTOINCREMENT: an id is never reused, so a reader may cache a block by id (blocks.ts)
      CREATE TABLE span_blocks (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        data             BLOB NOT NULL
      );
      ALTER TABLE spans ADD COLUMN block INTEGER;
      CREATE INDEX spans_block ON spans(block) WHERE block IS NOT NULL;
      -- a block goes once no span points at it any longer: SpanTable collects those its commits
      -- moved spans away from (an UPDATE trigger would make every upsert keep a statement journal,
      -- ~4 pages of 32 KiB copied per row); spans are not deleted, but if they are, this collects
      CREATE TRIGGER spans_block_deleted AFTER DELETE ON spans WHEN old.block IS NOT NULL
      BEGIN
        DELETE FROM span_blocks WHERE id = old.block AND NOT EXISTS (SELECT 1 FROM spans WHERE block = old.block);
      END;
    `);
  },
];

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema up to date; each migration runs in its own transaction with its version bump. */
export function migrate(db: Db, dbPath: string, migrations: readonly Migration[] = MIGRATIONS): number {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new StoreError(dbPath, `schema version ${from} is newer than this codex-tracer knows (${migrations.length}); upgrade codex-tracer`);
  }
  for (let v = from; v < migrations.length; v++) {
    const step = migrations[v] as Migration;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return migrations.length;
}

/** page size of a new store (see openDatabase) */
export const PAGE_SIZE = 32768;

export interface OpenOptions {
  /** open for reading only (the CLI's `sessions`/`show`); the file must exist and is not migrated */
  readonly?: boolean;
  busyTimeoutMs?: number;
}

/** Creates the file with mode 0600 before SQLite does (SQLite gives its -wal/-shm files the same mode). */
function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

const asContent = (v: unknown): Buffer | number | null => (Buffer.isBuffer(v) || typeof v === 'number' ? v : null);
const asId = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const asData = (v: unknown): Buffer | null => (Buffer.isBuffer(v) ? v : null);

/** The SQL functions that read large values (spans.ts; their arguments: blocks.ts CONTENT_SQL), on this connection's block cache. */
function registerFunctions(db: Db): void {
  const cache = blocksOf(db).cache;
  // not deterministic: its answer depends on the cache (SQLite must call it every time)
  db.function('span_block_cached', (block) => (block === null || cache.has(Number(block)) ? 1 : 0));
  db.function('span_large', { deterministic: true }, (content, block, data, name) =>
    spanLarge(cache, asContent(content), asId(block), asData(data), String(name)),
  );
  db.function('span_content', { deterministic: true }, (content, block, data) => spanContent(cache, asContent(content), asId(block), asData(data)));
}

/** Opens (creating and migrating when writable) the SQLite file: WAL, synchronous=NORMAL, busy timeout. */
export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  return guard(file, () => {
    if (opts.readonly === true && !existsSync(file)) {
      throw new StoreError(file, 'no local store here yet (run `codex-tracer backfill` or `watch` first)', 'ENOENT');
    }
    if (opts.readonly !== true) createPrivateFile(file);
    const db = new Database(file, { readonly: opts.readonly === true, fileMustExist: true });
    try {
      registerFunctions(db);
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      if (opts.readonly !== true) {
        // a new file only (a no-op once it has tables): rows of a few KB (compressed content) waste
        // much of 4 KB pages and their overflow pages; 32 KB pages store the same spans in ~20% less
        db.pragma(`page_size = ${PAGE_SIZE}`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        // Backfill writes hundreds of MB: a larger cache than the default 2 MB and fewer
        // checkpoints (each one fsyncs) roughly halve insert time; the WAL is truncated back after
        // a checkpoint. 8 MB writes as fast as 16 MB did (issue 12, 32 KB pages) and peaks ~15 MB lower.
        db.pragma('cache_size = -8192');
        // in pages: a checkpoint every ~32 MB of WAL whatever the page size (a longer WAL makes
        // the commit that checkpoints stall, which a watcher's latency shows)
        db.pragma(`wal_autocheckpoint = ${Math.round((32 * 1024 * 1024) / (db.pragma('page_size', { simple: true }) as number))}`);
        db.pragma('journal_size_limit = 67108864');
        migrate(db, file);
      } else if (schemaVersion(db) !== MIGRATIONS.length) {
        throw new StoreError(file, `schema version ${schemaVersion(db)}, expected ${MIGRATIONS.length}; open it once for writing to migrate`);
      }
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  });
}
