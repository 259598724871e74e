/**
 * Where span+cursor commits of the local store run: inline on this thread, or in a
 * writer thread (backfill) so that SQLite's work overlaps reading and reducing.
 * Either way a commit resolves only once its one transaction has committed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Span } from '../trace/span.js';
import { toRow, type RowBatch } from './spans.js';
import type { Cursor } from './cursors.js';
import { StoreError } from './errors.js';
import type { TraceStore } from './store.js';

export interface SpanWriter {
  readonly threaded: boolean;
  /** Spans (latest state each) and cursors in ONE transaction; resolves with the spans written once committed. */
  commit(spans: readonly Span[], cursors: readonly Cursor[]): Promise<number>;
  /** `commit` for rows already made (`handOffBatch`, by a pipeline thread); resolves with the rows written */
  commitRows(batch: RowBatch, cursors: readonly Cursor[]): Promise<number>;
  /** Waits for what was handed over, then releases the writer. */
  close(): Promise<void>;
}

/**
 * A commit request to the writer thread: the spans as the rows of the upsert, attributes
 * already stringified (`toRow`), so that the thread only packs the large values into blocks and writes.
 */
export interface CommitRequest {
  id: number;
  batch: RowBatch;
  cursors: readonly Cursor[];
}

export type CommitReply = { id: number; written: number } | { id: number; error: { detail: string; code?: string } };

const WORKER_FILE = fileURLToPath(new URL('./writer-worker.js', import.meta.url));

/** The writer thread runs from the built files; elsewhere (sources under test, a bundle) commits stay inline. */
export function writerThreadAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

class InlineWriter implements SpanWriter {
  readonly threaded = false;
  constructor(private readonly store: TraceStore) {}
  async commit(spans: readonly Span[], cursors: readonly Cursor[]): Promise<number> {
    return this.store.commitSpans(spans, cursors);
  }
  async commitRows(batch: RowBatch, cursors: readonly Cursor[]): Promise<number> {
    return this.store.commitRows(batch, cursors);
  }
  async close(): Promise<void> {}
}

interface Waiter {
  resolve: (n: number) => void;
  reject: (err: StoreError) => void;
}

/** Commits run in order in a worker thread with its own connection to the same file. */
class ThreadWriter implements SpanWriter {
  readonly threaded = true;
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private failure: StoreError | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly path: string) {
    this.worker = new Worker(WORKER_FILE, { workerData: { file: path } });
    this.worker.unref(); // referenced only while a commit is outstanding
    this.worker.on('message', (m: CommitReply) => this.settle(m));
    this.worker.on('error', (err) => this.broken(`the writer thread failed: ${err.message}`));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.broken(`the writer thread exited (code ${code})`);
        resolve();
      }),
    );
  }

  commit(spans: readonly Span[], cursors: readonly Cursor[]): Promise<number> {
    return this.commitRows({ rows: spans.map(toRow), blocks: [] }, cursors);
  }

  commitRows(batch: RowBatch, cursors: readonly Cursor[]): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      const req: CommitRequest = { id, batch, cursors };
      this.worker.postMessage(req);
    });
  }

  private settle(m: CommitReply): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ('error' in m) w.reject(new StoreError(this.path, m.error.detail, m.error.code));
    else w.resolve(m.written);
  }

  private broken(detail: string): void {
    this.failure ??= new StoreError(this.path, detail);
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    if (this.failure === undefined) {
      this.worker.ref();
      this.worker.postMessage('close'); // after every commit already posted: messages are handled in order
    }
    await this.exited;
  }
}

/** A writer for the store: a writer thread when asked for and available, else inline. */
export function createWriter(store: TraceStore, thread: boolean): SpanWriter {
  return thread && writerThreadAvailable() ? new ThreadWriter(store.path) : new InlineWriter(store);
}
