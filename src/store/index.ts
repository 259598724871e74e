export { DB_FILE, dbPathIn, ensureStateDir, resolveStateDir, stateDirWarning } from './statedir.js';
export { MIGRATIONS, migrate, openDatabase, schemaVersion, type Db, type Migration, type OpenOptions } from './db.js';
export { StoreError, toStoreError } from './errors.js';
export { STORE_REPLACED } from './files.js';
export { latestSpans, rowToSpan } from './spans.js';
export { blocksOf } from './blocks.js';
export type { Cursor } from './cursors.js';
export { MemoryCursors, SinkCursorGroup, StoreCursors, type CursorStore } from './cursor-store.js';
export { projectOf, type ListSessionsQuery, type SessionSummary } from './sessions.js';
export { MAX_MATCHES, type TraceMatch } from './traces.js';
export type { CallRow, UsageQuery } from './usage.js';
export { TraceStore, type StoreLocation, type StoreStats } from './store.js';
export { LockError, WATCH_LOCK_FILE, acquireWatchLock, isPidAlive, watchLockHolder, type WatchLock } from './lock.js';
export { moveStoreAside } from './repair.js';
export {
  SESSION_SORTS,
  SessionPages,
  type SessionFacets,
  type SessionListRow,
  type SessionPage,
  type SessionPageQuery,
  type SessionSort,
} from './session-page.js';
export { MAX_SEARCH_HITS, TraceReader } from './trace-read.js';
