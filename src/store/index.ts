export { DB_FILE, dbPathIn, ensureStateDir, resolveStateDir } from './statedir.js';
export { MIGRATIONS, migrate, openDatabase, schemaVersion, type Db, type Migration, type OpenOptions } from './db.js';
export { StoreError, toStoreError } from './errors.js';
export { latestSpans, rowToSpan } from './spans.js';
export type { StoredCursor } from './cursors.js';
export { projectOf, type ListSessionsQuery, type SessionSummary } from './sessions.js';
export { MAX_MATCHES, type TraceMatch } from './traces.js';
export { TraceStore, type StoreLocation, type StoreStats } from './store.js';
export { LockError, WATCH_LOCK_FILE, acquireWatchLock, isPidAlive, type WatchLock } from './lock.js';
