/**
 * The files of an open store — the database, its write-ahead log and its shared-memory
 * index — as they were when it was opened. SQLite keeps writing to the files it has open
 * even when something deleted or replaced them on disk: commits then go where nobody will
 * read them (a deleted `-wal` silently lost session finalizations). Checking the paths
 * against what was opened, a stat each before every write transaction, turns that into a
 * loud stop.
 */
import { statSync } from 'node:fs';
import { StoreError } from './errors.js';

/** StoreError.code of a store whose files were deleted or replaced under it (never transient) */
export const STORE_REPLACED = 'STORE_REPLACED';

interface Seen {
  path: string;
  what: string;
  dev: number;
  ino: number;
}

function identity(path: string): { dev: number; ino: number } | undefined {
  try {
    const st = statSync(path);
    return { dev: st.dev, ino: st.ino };
  } catch {
    return undefined;
  }
}

export class StoreFiles {
  private constructor(
    private readonly dbPath: string,
    private readonly seen: readonly Seen[],
  ) {}

  /** Takes the identity of the files now (the database opened in WAL mode: its -wal and -shm exist while it is open). */
  static take(dbPath: string): StoreFiles {
    const parts: [string, string][] = [
      [dbPath, 'the database file'],
      [`${dbPath}-wal`, 'its write-ahead log'],
      [`${dbPath}-shm`, 'its shared-memory index'],
    ];
    const seen: Seen[] = [];
    for (const [path, what] of parts) {
      const id = identity(path);
      if (id) seen.push({ path, what, ...id });
    }
    return new StoreFiles(dbPath, seen);
  }

  /** Throws a StoreError (STORE_REPLACED) naming the first file that is gone or another file now. */
  verify(): void {
    for (const s of this.seen) {
      const now = identity(s.path);
      if (now && now.dev === s.dev && now.ino === s.ino) continue;
      throw new StoreError(
        this.dbPath,
        `${s.what} ${s.path} was ${now ? 'replaced by another file' : 'deleted'} while codex-tracer had the store open, ` +
          'so nothing more is written to it (what would be committed now could be lost). Restart codex-tracer: it reopens the store ' +
          'and traces again whatever the store does not hold (the rollouts are the source of truth); ' +
          'if it then reports the store corrupt, `codex-tracer backfill --rebuild`',
        STORE_REPLACED,
      );
    }
  }
}
