/** A failure of the local store, always naming the database file. */
export class StoreError extends Error {
  constructor(
    readonly dbPath: string,
    message: string,
    /** SQLite's code (SQLITE_READONLY, SQLITE_FULL, ...) or a Node errno code, when known */
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(`local store ${dbPath}: ${message}`, options);
    this.name = 'StoreError';
  }

  /** Worth retrying later (busy, full disk, I/O hiccup) rather than a setup problem. */
  get transient(): boolean {
    const c = this.code ?? '';
    return c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED') || c.startsWith('SQLITE_FULL') || c.startsWith('SQLITE_IOERR');
  }
}

function explain(code: string, raw: string): string {
  if (code.startsWith('SQLITE_READONLY')) return `cannot write: the database is read-only (check the permissions of the file and its directory) (${raw})`;
  if (code.startsWith('SQLITE_FULL')) return `cannot write: the disk is full (${raw})`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `the database is busy in another process (${raw})`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return (
      `the file is corrupt or not a codex-tracer database (${raw}); the rollouts are the source of truth: ` +
      '`codex-tracer backfill --rebuild` moves it aside (nothing is deleted) and traces the history again into a new store'
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT') return `cannot open the database (${raw})`;
  if (code === 'EROFS') return `cannot write: the file system is read-only (${raw})`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${raw})`;
  if (code === 'ENOSPC') return `cannot write: the disk is full (${raw})`;
  return raw;
}

/** Turns any error thrown by better-sqlite3 or fs into a StoreError naming the file. */
export function toStoreError(err: unknown, dbPath: string): StoreError {
  if (err instanceof StoreError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : '';
  return new StoreError(dbPath, explain(code, raw), code === '' ? undefined : code, { cause: err });
}

/** Runs fn, rethrowing failures as StoreError for dbPath. */
export function guard<T>(dbPath: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toStoreError(err, dbPath);
  }
}
