/**
 * Per-path coalescing: many change notifications for one file become one read pass
 * in flight at a time, plus exactly one re-run if more arrived while it ran.
 */
import { createLimiter } from './limit.js';

export interface Coalescer {
  /** Ask for a pass over `path`: starts one now, or marks the running one for a re-run. */
  notify(path: string): void;
  /** Resolves once no pass is running or pending. */
  idle(): Promise<void>;
}

export interface CoalescerOptions {
  /** Called when a pass throws; the coalescer itself never rejects. */
  onError?: (err: unknown, path: string) => void;
  /** At most this many paths are processed at once (default unbounded). */
  concurrency?: number;
}

export function createCoalescer(fn: (path: string) => Promise<void>, opts: CoalescerOptions = {}): Coalescer {
  const running = new Set<string>();
  const dirty = new Set<string>();
  let idleWaiters: Array<() => void> = [];
  const limit = opts.concurrency ? createLimiter(opts.concurrency) : <T>(f: () => Promise<T>) => f();

  async function run(path: string): Promise<void> {
    do {
      dirty.delete(path);
      try {
        await limit(() => fn(path));
      } catch (err) {
        opts.onError?.(err, path);
      }
    } while (dirty.has(path));
    running.delete(path);
    if (running.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  return {
    notify(path) {
      if (running.has(path)) {
        dirty.add(path);
        return;
      }
      running.add(path);
      void run(path);
    },
    idle() {
      if (running.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
