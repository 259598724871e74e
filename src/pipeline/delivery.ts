/**
 * Hands span effects to its sinks and moves cursors only after all of them acknowledged
 * (with several sinks the run has one Delivery per sink, each its own lane: sink-lanes.ts). When the only sink commits cursors itself (CursorCommitter: the
 * local store) and holds these cursors, spans and cursor go in one transaction
 * (exactly-once for free).
 */
import { commitsCursors, SinkError, stages, type CursorCommitter, type Sink, type Staged, type Stager } from '../sinks/sink.js';
import type { Cursor, CursorStore } from '../store/index.js';
import type { SpanEffect } from '../trace/effects.js';
import { countDelivered, emptyCounts, type SpanCounts } from './summary.js';

export interface DeliveryCounts {
  batches: number;
  effects: number;
  failures: number;
  lastError?: string;
}

/**
 * One commit's effects, gathered part by part (a file's read batch, its session's end). When the
 * only sink stages (Stager) they are staged as they come and not kept: `effects` is then empty,
 * and what the run counts of them is counted here (`counts`) as they are added.
 */
export class Parcel {
  readonly effects: SpanEffect[] = [];
  readonly counts: SpanCounts = emptyCounts();
  /** effects added */
  size = 0;
  constructor(readonly staged?: Staged) {}

  add(effects: readonly SpanEffect[]): void {
    if (effects.length === 0) return;
    this.size += effects.length;
    countDelivered(this.counts, effects);
    if (this.staged) this.staged.add(effects);
    else for (const e of effects) this.effects.push(e);
  }
}

interface QueuedCommit {
  parcel: Parcel;
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
  /** set when that sink stages effects as they are produced */
  private readonly stager?: Stager;

  constructor(
    readonly sinks: readonly Sink[],
    readonly cursors: CursorStore,
  ) {
    const only = sinks.length === 1 ? sinks[0] : undefined;
    if (only && commitsCursors(only) && only.cursors === cursors) {
      this.atomicStore = only;
      if (stages(only)) this.stager = only;
    }
  }

  /** an empty parcel for one commit (staged by the sink if it can) */
  parcel(): Parcel {
    return new Parcel(this.stager?.stage());
  }

  /** true when span+cursor commits run in the store's writer thread, beside the reading */
  get writesInThread(): boolean {
    return this.atomicStore?.threaded === true;
  }

  /** Delivers the effects to every sink, then records the cursor. Throws a SinkError if any sink failed. */
  async commit(batch: readonly SpanEffect[] | Parcel, cursor: Cursor | undefined): Promise<void> {
    let parcel = batch as Parcel;
    if (!(batch instanceof Parcel)) (parcel = this.parcel()).add(batch as readonly SpanEffect[]);
    try {
      if (this.atomicStore) {
        await this.groupCommit(parcel, cursor);
      } else {
        if (parcel.size > 0) await Promise.all(this.sinks.map((s) => s.write(parcel.effects)));
        if (cursor) this.cursors.put(cursor);
      }
    } catch (err) {
      this.counts.failures++;
      const e = err instanceof SinkError ? err : new SinkError('sink', err instanceof Error ? err.message : String(err), true);
      this.counts.lastError = e.message;
      throw e;
    }
    this.counts.batches++;
    this.counts.effects += parcel.size;
  }

  /**
   * Commits arriving while the previous group is being written (or in the same turn of
   * the event loop) share one SQLite transaction; each caller learns the outcome of its
   * group. One group is written at a time: callers wait for their own commit before
   * reading on, so what waits here is bounded by the files traced at once.
   */
  private groupCommit(parcel: Parcel, cursor: Cursor | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ parcel, cursor, resolve, reject });
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
      const cursors: Cursor[] = [];
      for (const q of group) if (q.cursor) cursors.push(q.cursor);
      this.writing = true;
      try {
        await this.commitGroup(
          group.map((q) => q.parcel),
          cursors,
        );
        for (const q of group) q.resolve();
      } catch (err) {
        for (const q of group) q.reject(err);
      } finally {
        this.writing = false;
      }
    }
  }

  private commitGroup(parcels: readonly Parcel[], cursors: readonly Cursor[]): Promise<void> {
    if (this.stager)
      return this.stager.commitStaged(
        parcels.map((p) => p.staged as Staged),
        cursors,
      );
    const effects: SpanEffect[] = [];
    for (const p of parcels) for (const e of p.effects) effects.push(e);
    return (this.atomicStore as CursorCommitter).commitWithCursors(effects, cursors);
  }

  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.flush()));
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.close()));
  }
}
