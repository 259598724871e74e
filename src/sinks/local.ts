import { StoreCursors } from '../store/cursor-store.js';
import type { Cursor } from '../store/cursors.js';
import { StoreError } from '../store/errors.js';
import type { OpenOptions } from '../store/db.js';
import { latestSpans, type RowBatch } from '../store/spans.js';
import { TraceStore, type StoreLocation } from '../store/store.js';
import { createWriter, type SpanWriter } from '../store/writer.js';
import type { SpanEffect } from '../trace/effects.js';
import { SinkError, type CursorCommitter, type Sink, type SinkStatus } from './sink.js';

export type LocalSinkOptions = StoreLocation | { store: TraceStore };

export interface LocalSinkExtra {
  /** run the pipeline's span+cursor commits in a writer thread (backfill), when the built files are there */
  writerThread?: boolean;
}

/**
 * The default sink: spans upserted by id into the local SQLite store.
 * It can update spans, so every effect (repeats included) is written; the last write wins.
 * It holds cursors too, and commits them with the spans (CursorCommitter).
 */
export class LocalSink implements Sink, CursorCommitter {
  readonly name = 'local';
  readonly store: TraceStore;
  readonly cursors: StoreCursors;
  private readonly ownsStore: boolean;
  private readonly writer: SpanWriter;
  private delivered = 0;
  private lastError: string | undefined;

  constructor(opts: LocalSinkOptions, openOpts: OpenOptions = {}, extra: LocalSinkExtra = {}) {
    if ('store' in opts && opts.store !== undefined) {
      this.store = opts.store;
      this.ownsStore = false;
    } else {
      this.store = TraceStore.open(opts as StoreLocation, openOpts);
      this.ownsStore = true;
    }
    this.writer = createWriter(this.store, extra.writerThread === true);
    this.cursors = new StoreCursors(this.store);
  }

  /** true when commits run in a writer thread (they then overlap the pipeline's reading) */
  get threaded(): boolean {
    return this.writer.threaded;
  }

  /**
   * Spans and cursors written together in one transaction by the pipeline (they count as
   * delivered here); resolves once it committed. Commits are applied in call order.
   */
  async commitWithCursors(effects: readonly SpanEffect[], cursors: readonly Cursor[]): Promise<void> {
    try {
      this.delivered += await this.writer.commit(latestSpans(effects), cursors);
      this.lastError = undefined;
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** `commitWithCursors` for rows a pipeline thread made (`handOffBatch`) from `spans` spans. */
  async commitRows(batch: RowBatch, spans: number, cursors: readonly Cursor[]): Promise<void> {
    try {
      await this.writer.commitRows(batch, cursors);
      this.delivered += spans;
      this.lastError = undefined;
    } catch (err) {
      throw this.fail(err);
    }
  }

  async write(batch: readonly SpanEffect[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      this.delivered += this.store.applyEffects(batch);
      this.lastError = undefined;
    } catch (err) {
      throw this.fail(err);
    }
  }

  private fail(err: unknown): SinkError {
    const e = err instanceof StoreError ? err : new StoreError(this.store.path, String(err));
    this.lastError = e.message;
    return new SinkError(this.name, e.message, e.transient);
  }

  /** Each write is committed before it resolves: nothing to flush. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.writer.close();
    if (this.ownsStore) this.store.close();
  }

  /** delivered counts spans written since the sink was opened; the local store never holds anything pending. */
  status(): SinkStatus {
    const s: SinkStatus = { name: this.name, state: this.lastError === undefined ? 'ok' : 'failing', delivered: this.delivered, pending: 0 };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }
}
