/**
 * Reads a running watcher's local store from the test process (read-only SQLite, like
 * `codex-tracer show`), and measures how long a rollout line takes to reach it: every few
 * milliseconds it notes the complete lines that appeared in the rollout files and the
 * stored cursors; a line counts as stored once its file's committed offset passed it (the
 * store commits spans and cursor in one transaction, so then its spans are stored too).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dbPathIn, TraceStore } from '../../src/store/index.js';
import { traceIdFor } from '../../src/trace/ids.js';
import type { Span } from '../../src/trace/span.js';
import { findRollouts } from './codex.js';

/** A read-only view of the store in `stateDir` (waits for the watcher to create it). */
export async function openStoreWhenReady(stateDir: string, timeoutMs = 10_000): Promise<TraceStore> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(dbPathIn(stateDir))) {
      try {
        return TraceStore.open({ stateDir }, { readonly: true });
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    } else if (Date.now() > deadline) {
      throw new Error(`no store in ${stateDir} after ${timeoutMs} ms`);
    }
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The stored spans of the trace of a (top-level) thread. */
export function storedTrace(store: TraceStore, threadId: string): Span[] {
  return store.getTraceSpans(traceIdFor(threadId));
}

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passed; returns whether it did. */
export async function pollUntil(probe: () => boolean, timeoutMs: number, everyMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

interface FileWatch {
  /** offset just past the last complete line seen */
  seen: number;
  /** end offsets of lines not yet stored, with their arrival time */
  waiting: { end: number; at: number }[];
}

/** End offsets of the complete lines in `[from, size)` of a file. */
function completeLineEnds(path: string, from: number, size: number): number[] {
  const buf = Buffer.alloc(size - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, from);
  } finally {
    closeSync(fd);
  }
  const ends: number[] = [];
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) ends.push(from + i + 1);
  return ends;
}

/** Line-written → stored latency over every rollout line of a Codex home (see the file comment). */
export class LatencyProbe {
  private readonly files = new Map<string, FileWatch>();
  private timer: NodeJS.Timeout | undefined;
  /** ms from a line's arrival to its cursor commit, one sample per line */
  readonly samples: number[] = [];

  constructor(
    private readonly codexHome: string,
    private readonly store: TraceStore,
  ) {}

  start(everyMs = 5): void {
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Lines seen but not (yet) stored. */
  get unmatched(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.waiting.length;
    return n;
  }

  tick(): void {
    const now = Date.now();
    for (const path of findRollouts(this.codexHome)) this.noteLines(path, now);
    const committed = new Map(this.store.getAllCursors().map((c) => [c.path, c.committedOffset]));
    for (const [path, f] of this.files) {
      const offset = committed.get(path) ?? 0;
      while (f.waiting.length > 0 && (f.waiting[0] as { end: number }).end <= offset) {
        this.samples.push(now - (f.waiting.shift() as { at: number }).at);
      }
    }
  }

  private noteLines(path: string, now: number): void {
    let f = this.files.get(path);
    if (!f) this.files.set(path, (f = { seen: 0, waiting: [] }));
    const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    if (size <= f.seen) return;
    const ends = completeLineEnds(path, f.seen, size);
    for (const end of ends) f.waiting.push({ end, at: now });
    if (ends.length > 0) f.seen = ends[ends.length - 1] as number;
  }
}

/** p50 / p90 / max of a list of samples, for printing. */
export function percentiles(samples: readonly number[]): { n: number; p50: number; p90: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, p50: at(0.5), p90: at(0.9), max: s[s.length - 1] ?? NaN };
}
