import type { Cursor } from '../store/cursors.js';
import type { CursorStore } from '../store/cursor-store.js';
import type { SpanEffect } from '../trace/effects.js';

/**
 * Every sink implements this. A sink knows spans, never the Codex format.
 *
 * write(batch) resolves only once the batch is durably accepted (acknowledged);
 * the pipeline moves a file's cursor only after its sink acknowledged (with several sinks,
 * each has a lane and cursors of its own: pipeline/sink-lanes.ts).
 * Transient failures are retried inside write() with backoff for a bounded time
 * (honouring Retry-After); if still failing, write() rejects with a SinkError and
 * the pipeline keeps the cursor where it is and tries again later (nothing dropped).
 */
export interface Sink {
  readonly name: string;
  write(batch: readonly SpanEffect[]): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
  /** delivery health for `status` / `doctor` and the CI summary (remote sinks implement it) */
  status?(): SinkStatus;
}

export interface SinkStatus {
  name: string;
  /** ok: last delivery succeeded; retrying: a delivery is being retried; failing: the last delivery gave up */
  state: 'ok' | 'retrying' | 'failing';
  /** spans (or rows) acknowledged by the backend since start */
  delivered: number;
  /** spans (or rows) accepted by write() and not yet acknowledged */
  pending: number;
  lastError?: string;
}

export class SinkError extends Error {
  constructor(
    readonly sink: string,
    message: string,
    /** false for configuration errors (4xx other than 429): retrying soon will not help */
    readonly transient: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(`${sink}: ${message}`);
    this.name = 'SinkError';
  }
}

/**
 * A capability: the sink commits spans together with the pipeline's file cursors in one
 * transaction (the local store). When it is the only sink and holds the run's cursors,
 * a commit is exactly-once: spans and cursor move together or not at all.
 */
export interface CursorCommitter {
  /** the cursors its transactions write */
  readonly cursors: CursorStore;
  /** true when commits run in a writer thread, beside the pipeline's reading */
  readonly threaded: boolean;
  /** spans and cursors in one transaction; resolves once it committed, in call order */
  commitWithCursors(effects: readonly SpanEffect[], cursors: readonly Cursor[]): Promise<void>;
}

export function commitsCursors(s: Sink): s is Sink & CursorCommitter {
  return typeof (s as Partial<CursorCommitter>).commitWithCursors === 'function' && (s as Partial<CursorCommitter>).cursors !== undefined;
}

/** What a Stager made of span effects so far (its own form; the pipeline only adds to it and hands it back). */
export interface Staged {
  /** more effects of the same commit, in the order they were produced (a later state of a span supersedes an earlier one) */
  add(effects: readonly SpanEffect[]): void;
}

/**
 * A capability of a CursorCommitter (the pool's pipeline threads, pool/remote.ts): effects are
 * turned into what it writes as they are produced (`stage`), not when the commit goes out, so
 * that what waits for the commit (the next read batch, the committing thread's answer) is no
 * longer the span objects with their content strings: those then die young, instead of being
 * copied by every young-generation collection and promoted to the old generation.
 */
export interface Stager {
  /** an empty staging area for one commit */
  stage(): Staged;
  /** `commitWithCursors` of staged effects: the latest state of each span over `parts` (a later part wins); a part may be committed again after a failure */
  commitStaged(parts: readonly Staged[], cursors: readonly Cursor[]): Promise<void>;
}

export function stages(s: Sink): s is Sink & Stager {
  return typeof (s as Partial<Stager>).stage === 'function' && typeof (s as Partial<Stager>).commitStaged === 'function';
}
