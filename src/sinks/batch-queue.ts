import type { SinkStatus } from './sink.js';
import { DEFAULT_RETRY, toSinkError, withRetry, type RetryHooks, type RetryPolicy } from './retry.js';

/**
 * Delivery bookkeeping shared by the remote sinks: a bounded FIFO that groups the
 * items of several write() calls into requests, and the sink's status counters.
 */

interface Ticket {
  remaining: number;
  failed: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Entry<T> {
  item: T;
  ticket: Ticket;
}

export interface BatchQueueOptions<T> {
  /** most items in one request */
  maxPerSend: number;
  /** push() waits while more than this many items are queued or in flight (one oversized push is let through) */
  maxQueued: number;
  /** deliver one request; rejects when it could not be delivered */
  send: (items: T[]) => Promise<void>;
}

/**
 * push(items) resolves once every one of its items was sent, and rejects if a
 * request holding any of them failed (its other queued items are then dropped:
 * the caller's write() failed and the pipeline will hand them again). Requests go
 * one at a time, in order, so an insert always precedes a later merge of the same row.
 */
export class BatchQueue<T> {
  private queue: Entry<T>[] = [];
  private inFlight = 0;
  private running = false;
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: BatchQueueOptions<T>) {}

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  async push(items: readonly T[]): Promise<void> {
    if (items.length === 0) return;
    while (this.pending > 0 && this.pending + items.length > this.opts.maxQueued) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: items.length, failed: false, resolve, reject };
      for (const item of items) this.queue.push({ item, ticket });
      void this.pump();
    });
  }

  /** resolves when nothing is queued or in flight */
  drain(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const chunk = this.queue.splice(0, Math.max(1, this.opts.maxPerSend));
        this.inFlight = chunk.length;
        await this.sendChunk(chunk);
        this.inFlight = 0;
        wake(this.spaceWaiters);
      }
    } finally {
      this.running = false;
      wake(this.idleWaiters);
    }
  }

  private async sendChunk(chunk: Entry<T>[]): Promise<void> {
    try {
      await this.opts.send(chunk.map((e) => e.item));
      for (const e of chunk) {
        e.ticket.remaining -= 1;
        if (e.ticket.remaining === 0 && !e.ticket.failed) e.ticket.resolve();
      }
    } catch (err) {
      const failed = new Set(chunk.map((e) => e.ticket));
      for (const t of failed) {
        t.failed = true;
        t.reject(err);
      }
      this.queue = this.queue.filter((e) => !failed.has(e.ticket));
    }
  }
}

function wake(waiters: (() => void)[]): void {
  for (const w of waiters.splice(0)) w();
}

/** The counters behind Sink.status(). */
export class DeliveryStatus {
  private state: SinkStatus['state'] = 'ok';
  private delivered = 0;
  private lastError: string | undefined;

  constructor(
    private readonly name: string,
    private readonly pending: () => number,
  ) {}

  /**
   * One request with the shared retry rules; counts `count` items as delivered on
   * success, keeps the error text (never request headers) on failure.
   */
  async deliver(count: number, once: () => Promise<void>, policy: RetryPolicy = DEFAULT_RETRY, hooks: RetryHooks = {}): Promise<void> {
    const onRetry: RetryHooks['onRetry'] = (err, delayMs, retry) => {
      this.state = 'retrying';
      this.lastError = err.message;
      hooks.onRetry?.(err, delayMs, retry);
    };
    try {
      await withRetry(this.name, once, policy, { ...hooks, onRetry });
    } catch (err) {
      const se = toSinkError(this.name, err);
      this.state = 'failing';
      this.lastError = se.message;
      throw se;
    }
    this.state = 'ok';
    this.delivered += count;
  }

  snapshot(): SinkStatus {
    const s: SinkStatus = { name: this.name, state: this.state, delivered: this.delivered, pending: this.pending() };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }
}
