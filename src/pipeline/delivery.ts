/**
 * Hands span effects to every configured sink and moves cursors only after all of
 * them acknowledged. With the local store as the only sink, spans and cursor go
 * in one SQLite transaction (exactly-once for free).
 */
import type { LocalSink } from '../sinks/local.js';
import type { Sink } from '../sinks/sink.js';
import { SinkError } from '../sinks/sink.js';
import type { StoredCursor, TraceStore } from '../store/index.js';
import type { SpanEffect } from '../trace/effects.js';

export interface CursorStore {
  get(path: string): StoredCursor | undefined;
  all(): StoredCursor[];
  put(c: StoredCursor): void;
  rename(oldPath: string, newPath: string): void;
}

/** Cursors kept only for this process (the `trace` command: no state between runs). */
export class MemoryCursors implements CursorStore {
  private readonly map = new Map<string, StoredCursor>();
  get(path: string): StoredCursor | undefined {
    return this.map.get(path);
  }
  all(): StoredCursor[] {
    return [...this.map.values()];
  }
  put(c: StoredCursor): void {
    this.map.set(c.path, c);
  }
  rename(oldPath: string, newPath: string): void {
    const c = this.map.get(oldPath);
    if (!c) return;
    this.map.delete(oldPath);
    this.map.set(newPath, { ...c, path: newPath });
  }
}

export class StoreCursors implements CursorStore {
  constructor(readonly store: TraceStore) {}
  get(path: string): StoredCursor | undefined {
    return this.store.getCursor(path);
  }
  all(): StoredCursor[] {
    return this.store.getAllCursors();
  }
  put(c: StoredCursor): void {
    this.store.putCursor(c);
  }
  rename(oldPath: string, newPath: string): void {
    this.store.renameCursor(oldPath, newPath);
  }
}

export interface DeliveryCounts {
  batches: number;
  effects: number;
  failures: number;
  lastError?: string;
}

interface QueuedCommit {
  effects: readonly SpanEffect[];
  cursor: StoredCursor | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Delivery {
  readonly counts: DeliveryCounts = { batches: 0, effects: 0, failures: 0 };
  private queued: QueuedCommit[] = [];
  private flushScheduled = false;
  private writing = false;
  /**
   * Commits after which a group goes out at once when nothing is being written, rather
   * than at the end of the event-loop turn. Backfill sets it to about half the files
   * traced at once, so that one half is written while the other half is read.
   */
  groupCommits = Number.POSITIVE_INFINITY;

  constructor(
    readonly sinks: readonly Sink[],
    readonly cursors: CursorStore,
    /** set when the local store is the only sink: spans and cursor commit together */
    private readonly atomicStore?: LocalSink,
  ) {}

  /** true when span+cursor commits run in the store's writer thread, beside the reading */
  get writesInThread(): boolean {
    return this.atomicStore?.threaded === true;
  }

  /** Delivers the effects to every sink, then records the cursor. Throws a SinkError if any sink failed. */
  async commit(effects: readonly SpanEffect[], cursor: StoredCursor | undefined): Promise<void> {
    try {
      if (this.atomicStore) {
        await this.groupCommit(effects, cursor);
      } else {
        if (effects.length > 0) await Promise.all(this.sinks.map((s) => s.write(effects)));
        if (cursor) this.cursors.put(cursor);
      }
    } catch (err) {
      this.counts.failures++;
      const e = err instanceof SinkError ? err : new SinkError('sink', err instanceof Error ? err.message : String(err), true);
      this.counts.lastError = e.message;
      throw e;
    }
    this.counts.batches++;
    this.counts.effects += effects.length;
  }

  /**
   * Commits arriving while the previous group is being written (or in the same turn of
   * the event loop) share one SQLite transaction; each caller learns the outcome of its
   * group. One group is written at a time: callers wait for their own commit before
   * reading on, so what waits here is bounded by the files traced at once.
   */
  private groupCommit(effects: readonly SpanEffect[], cursor: StoredCursor | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ effects, cursor, resolve, reject });
      if (this.writing) return;
      if (this.queued.length >= this.groupCommits) {
        void this.flushGroup();
        return;
      }
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (!this.writing) void this.flushGroup();
      });
    });
  }

  private async flushGroup(): Promise<void> {
    while (this.queued.length > 0) {
      const group = this.queued;
      this.queued = [];
      const effects: SpanEffect[] = [];
      const cursors: StoredCursor[] = [];
      for (const q of group) {
        for (const e of q.effects) effects.push(e);
        if (q.cursor) cursors.push(q.cursor);
      }
      this.writing = true;
      try {
        await (this.atomicStore as LocalSink).commitWithCursors(effects, cursors);
        for (const q of group) q.resolve();
      } catch (err) {
        for (const q of group) q.reject(err);
      } finally {
        this.writing = false;
      }
    }
  }

  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.flush()));
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}
