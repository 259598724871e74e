/**
 * Hands span effects to its sinks and moves cursors only after all of them acknowledged
 * (with several sinks the run has one Delivery per sink, each its own lane: sink-lanes.ts). When the only sink commits cursors itself (CursorCommitter: the
 * local store) and holds these cursors, spans and cursor go in one transaction
 * (exactly-once for free).
 */
import { commitsCursors, SinkError, type CursorCommitter, type Sink } from '../sinks/sink.js';
import type { Cursor, CursorStore } from '../store/index.js';
import type { SpanEffect } from '../trace/effects.js';

export interface DeliveryCounts {
  batches: number;
  effects: number;
  failures: number;
  lastError?: string;
}

interface QueuedCommit {
  effects: readonly SpanEffect[];
  cursor: Cursor | undefined;
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

  /** set when the only sink holds the cursors: spans and cursor commit together */
  private readonly atomicStore?: CursorCommitter;

  constructor(
    readonly sinks: readonly Sink[],
    readonly cursors: CursorStore,
  ) {
    const only = sinks.length === 1 ? sinks[0] : undefined;
    if (only && commitsCursors(only) && only.cursors === cursors) this.atomicStore = only;
  }

  /** true when span+cursor commits run in the store's writer thread, beside the reading */
  get writesInThread(): boolean {
    return this.atomicStore?.threaded === true;
  }

  /** Delivers the effects to every sink, then records the cursor. Throws a SinkError if any sink failed. */
  async commit(effects: readonly SpanEffect[], cursor: Cursor | undefined): Promise<void> {
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
  private groupCommit(effects: readonly SpanEffect[], cursor: Cursor | undefined): Promise<void> {
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
      const cursors: Cursor[] = [];
      for (const q of group) {
        for (const e of q.effects) effects.push(e);
        if (q.cursor) cursors.push(q.cursor);
      }
      this.writing = true;
      try {
        await (this.atomicStore as CursorCommitter).commitWithCursors(effects, cursors);
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
