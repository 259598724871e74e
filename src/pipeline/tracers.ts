/**
 * The set of file tracers of one process, with what they share: the sinks, the
 * cursor store, the thread ids known in this run (a subagent whose parent is not
 * among them is traced as its own trace), the summary, warnings.
 */
import { basename } from 'node:path';
import type { ReviewLink } from '../rollout/review-link.js';
import { parseRolloutName, threadIdOfPath, type FileIdentity } from '../source/index.js';
import type { Cursor } from '../store/index.js';
import type { SpanEffect } from '../trace/effects.js';
import type { ReducerOptions } from '../trace/reduce.js';
import type { Delivery } from './delivery.js';
import type { FileTracer, StepOptions, StepResult } from './file-tracer.js';
import { settled } from './lifecycle.js';
import { addCounts, emptySummary, type RunSummary } from './summary.js';
import type { FileWarning } from './processor.js';
import type { Reporter } from './report.js';

export interface TracerSetOptions {
  delivery: Delivery;
  reducer: Partial<Pick<ReducerOptions, 'content' | 'llmInput'>>;
  log: Reporter;
  /** sees every warning (bad input) as it is reported */
  onWarning?: (w: FileWarning) => void;
  maxLineBytes?: number;
  batchBytes?: number;
  /** called after effects were delivered (watch measures latency here); not given them when the sink stages (pool threads, see Parcel) */
  onDelivered?: (path: string, effects: readonly SpanEffect[]) => void;
  /**
   * The first lane of the run when this set is another one (sink-lanes.ts): the thread ids and
   * review links are that set's (every sink gets the same traces), and the input warnings of
   * the records it reads again are reported there, not twice.
   */
  laneOf?: TracerSet;
}

type Runtime = typeof import('./runtime.js');
const loadRuntime = (): Promise<Runtime> => import('./runtime.js');

export class TracerSet {
  readonly tracers = new Map<string, FileTracer>();
  readonly knownThreads: Set<string>;
  /** review threads linked to their parent's review mode (heads.ts linkReviews), by child and by parent window */
  private readonly reviewParents: Map<string, string>;
  private readonly reviewChildren: Map<string, string>;
  readonly summary: RunSummary = emptySummary();
  private byInode = new Map<string, Cursor>();
  /** the cursors as stored when this run started: a tracer reads its cursor once, at its first step */
  private byPath = new Map<string, Cursor>();

  constructor(readonly opts: TracerSetOptions) {
    const first = opts.laneOf;
    this.knownThreads = first ? first.knownThreads : new Set<string>();
    this.reviewParents = first ? first.reviewParents : new Map<string, string>();
    this.reviewChildren = first ? first.reviewChildren : new Map<string, string>();
    for (const c of opts.delivery.cursors.all()) {
      this.byPath.set(c.path, c);
      this.byInode.set(`${c.dev}:${c.ino}`, c);
      if (c.sessionId) this.knownThreads.add(c.sessionId);
    }
  }

  linkReview(link: ReviewLink): void {
    this.reviewParents.set(link.child, link.parent);
    this.reviewChildren.set(`${link.parent}\x1f${link.enteredAt}`, link.child);
  }

  /** The review links of this run (handed to pipeline threads). */
  reviewLinks(): ReviewLink[] {
    const out: ReviewLink[] = [];
    for (const [key, child] of this.reviewChildren) {
      const [parent, enteredAt] = key.split('\x1f') as [string, string];
      out.push({ child, parent, enteredAt });
    }
    return out;
  }

  /** The file's thread is known in this run; `threadId`: parsed from its name already (a walk's), else parsed here. */
  noteFile(path: string, threadId = parseRolloutName(basename(path))?.threadId): void {
    if (threadId) this.knownThreads.add(threadId);
  }

  /**
   * What reads and traces a file (the rollout parser, the reducer, zod: some 60 ms of module
   * loading) is imported at the first step: a restart with nothing new to read never loads it.
   */
  private runtime: Runtime | undefined;

  private reducerFor = (path: string): ReducerOptions => ({
    ...this.runtime!.defaultReducerOptions(threadIdOfPath(path)),
    ...this.opts.reducer,
    parentKnown: (id) => this.knownThreads.has(id),
    linkedParent: (id) => this.reviewParents.get(id),
    linkedReviewChild: (id, at) => this.reviewChildren.get(`${id}\x1f${at}`),
  });

  /** The tracer following `path`, once a step made it. */
  tracer(path: string): FileTracer | undefined {
    return this.tracers.get(path);
  }

  /**
   * The tracer for `path`, made at its first step from the stored cursor of the path, or
   * of the same file under its old name (whose tracer then follows it to the new name).
   */
  private follow(path: string, identity: FileIdentity, force: boolean, { FileTracer }: Runtime): FileTracer {
    const known = this.tracers.get(path);
    if (known) return known;
    const cursor = force ? undefined : this.cursorFor(path, identity.dev, identity.ino);
    let t = this.tracers.get(path);
    if (!t) {
      t = new FileTracer(
        path,
        {
          delivery: this.opts.delivery,
          reducer: this.reducerFor,
          maxLineBytes: this.opts.maxLineBytes,
          batchBytes: this.opts.batchBytes,
          onEffects: (p, delivered) => {
            addCounts(this.summary, delivered.counts);
            this.opts.onDelivered?.(p, delivered.effects);
          },
          onUnknown: (name) => {
            this.summary.unknownRecords[name] = (this.summary.unknownRecords[name] ?? 0) + 1;
          },
          onWarning: (w) => {
            if (this.opts.laneOf) return;
            this.summary.warnings++;
            if (w.code === 'bad_line' || w.code === 'line_too_long') this.summary.badLines++;
            if (w.code === 'not_jsonl') this.summary.notRolloutFiles++;
            this.opts.log.warn('bad input', { file: w.file, offset: w.offset, code: w.code, reason: w.message });
            this.opts.onWarning?.(w);
          },
        },
        cursor,
      );
      this.tracers.set(path, t);
    }
    return t;
  }

  /** The stored cursor of a path, or of the same file under its old name (moved to archived_sessions). */
  private cursorFor(path: string, dev: number, ino: number): Cursor | undefined {
    const cursors = this.opts.delivery.cursors;
    const direct = this.byPath.get(path);
    if (direct) return direct;
    const moved = this.byInode.get(`${dev}:${ino}`);
    if (moved && moved.path !== path) {
      cursors.rename(moved.path, path);
      const cursor = cursors.get(path);
      const old = this.tracers.get(moved.path);
      if (old) {
        this.tracers.delete(moved.path);
        old.moveTo(path, cursor);
        this.tracers.set(path, old);
      }
      return cursor;
    }
    return undefined;
  }

  /**
   * True when the file is exactly as its finalized stored cursor left it (same path, inode,
   * size and mtime) and no tracer follows it yet: a step would be 'idle' without reading,
   * so none is needed. A later change still gets its step, which starts from that cursor.
   */
  settled(path: string, identity: FileIdentity): boolean {
    const c = this.byPath.get(path);
    return c !== undefined && !this.tracers.has(path) && settled(c, identity);
  }

  async step(path: string, identity: FileIdentity, opts: Omit<StepOptions, 'identity'> = {}): Promise<StepResult> {
    const runtime = (this.runtime ??= await loadRuntime());
    const t = this.follow(path, identity, opts.force === true, runtime);
    const r = await t.step({ ...opts, identity });
    if (r === 'blocked') this.noteBlocked(path);
    return r;
  }

  private blockedLog = { message: '', at: 0, suppressed: 0 };

  /** Logs a delivery failure; the same error is logged at most every 5 s (with how many were not). */
  noteBlocked(path: string): void {
    const err = this.opts.delivery.counts.lastError ?? 'delivery failed';
    const now = Date.now();
    const b = this.blockedLog;
    if (err === b.message && now - b.at < 5000) {
      b.suppressed++;
      return;
    }
    this.opts.log.warn('delivery failed; will retry', { file: path, error: err, ...(b.suppressed > 0 ? { alsoFailed: b.suppressed } : {}) });
    this.blockedLog = { message: err, at: now, suppressed: 0 };
  }
}
