/**
 * Backfill on every core: the files are split between pipeline threads (worker.ts),
 * each reading, parsing, reducing and serialising whole files as the main thread would;
 * this thread only hands them out, commits what they send (spans and cursor in one
 * transaction, through the local store's writer) and acknowledges, so a worker moves a
 * file on only once its batch is durable: a kill -9 loses nothing a cursor claims.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ContentOptions } from '../../content/options.js';
import { appendBatch, type RowBatch } from '../../store/spans.js';
import type { Cursor } from '../../store/cursors.js';
import type { FileJob, RunFilesOptions } from '../run-files.js';
import { addUnknown, type RunSummary } from '../summary.js';
import type { TracerSet } from '../tracers.js';
import type { FromWorker, PoolInit, ToWorker } from './protocol.js';

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

/** What commits the workers' rows: the local store's sink (see LocalSink.commitRows). */
export interface RowCommitter {
  commitRows(batch: RowBatch, spans: number, cursors: readonly Cursor[]): Promise<void>;
}

export interface PoolOptions {
  workers: number;
  content: ContentOptions;
  committer: RowCommitter;
  groupCommits: number;
  /** traces, on this thread, the share of a pipeline thread that failed (idempotent: span ids are deterministic) */
  fallback: (jobs: FileJob[]) => Promise<void>;
}

/**
 * A pipeline thread's heap: a young generation smaller than V8's default, and an old one
 * that makes it collect before growing far (each thread holds a few files in flight).
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 192 };

/** The pipeline threads run from the built files; elsewhere (sources under test) the files are traced on this thread. */
export function poolWorkers(requested?: number): number {
  if (!existsSync(WORKER_FILE)) return 0;
  return Math.max(0, Math.min(8, requested ?? availableParallelism()));
}

/** files split into `n` shares of about equal bytes, each share in discovery order */
function split(files: readonly FileJob[], n: number): FileJob[][] {
  const shares = Array.from({ length: n }, () => ({ bytes: 0, jobs: [] as FileJob[] }));
  for (const f of files) {
    const least = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.jobs.push(f);
    least.bytes += f.size;
  }
  return shares.map((s) => s.jobs).filter((j) => j.length > 0);
}

function addSummary(into: RunSummary, s: RunSummary): void {
  for (const k of Object.keys(into) as (keyof RunSummary)[]) {
    if (k === 'errors') into.errors.push(...s.errors);
    else if (k === 'unknownRecords') addUnknown(into.unknownRecords, s.unknownRecords);
    else into[k] += s[k];
  }
}

/** runFiles on `opts.workers` pipeline threads; the summary lands in `set.summary` */
export async function runFilesInPool(set: TracerSet, files: FileJob[], run: RunFilesOptions, opts: PoolOptions): Promise<void> {
  const shares = split(files, opts.workers);
  const init: PoolInit = {
    cursors: set.opts.delivery.cursors.all(),
    knownThreads: [...set.knownThreads],
    reviewLinks: set.reviewLinks(),
    content: opts.content,
    run: { finalize: run.finalize, idleMs: run.idleMs, force: run.force, concurrency: run.concurrency, release: run.release },
    maxLineBytes: set.opts.maxLineBytes,
    batchBytes: set.opts.batchBytes,
    groupCommits: opts.groupCommits,
  };
  const progress = shares.map(() => ({ files: 0, bytes: 0, spans: 0 }));
  const report = (): void => {
    const total = progress.reduce((a, p) => ({ files: a.files + p.files, bytes: a.bytes + p.bytes, spans: a.spans + p.spans }));
    run.onProgress?.({ files: total.files, bytes: total.bytes });
  };
  const queue = new CommitQueue(opts.committer);
  await Promise.all(
    shares.map(async (jobs, i) => {
      const ok = await runShare(set, jobs, init, queue, (p) => {
        progress[i] = p;
        report();
      });
      if (!ok) await opts.fallback(jobs);
    }),
  );
}

type Commit = Extract<FromWorker, { type: 'commit' }>;

/**
 * The threads' commits that arrive in one turn of the event loop share one transaction
 * (thousands of small files must not cost thousands of transactions); each thread learns
 * the outcome of its own. Transactions run one at a time, in arrival order.
 */
class CommitQueue {
  private queued: { m: Commit; reply: (err?: unknown) => void }[] = [];
  private scheduled = false;
  /** settles once every transaction handed over so far is done */
  tail: Promise<void> = Promise.resolve();

  constructor(private readonly committer: RowCommitter) {}

  add(m: Commit, reply: (err?: unknown) => void): void {
    this.queued.push({ m, reply });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const group = this.queued;
      this.queued = [];
      this.tail = this.tail.then(() => this.commit(group));
    });
  }

  private async commit(group: { m: Commit; reply: (err?: unknown) => void }[]): Promise<void> {
    const batch: RowBatch = { rows: [], blocks: [] };
    const cursors: Cursor[] = [];
    let spans = 0;
    for (const { m } of group) {
      appendBatch(batch, m.batch);
      for (const c of m.cursors) cursors.push(c);
      spans += m.spans;
    }
    try {
      await this.committer.commitRows(batch, spans, cursors);
    } catch (err) {
      for (const g of group) g.reply(err);
      return;
    }
    for (const g of group) g.reply();
  }
}

/** resolves true once the thread traced its share, false when it failed (then it is reported and exits) */
function runShare(
  set: TracerSet,
  jobs: FileJob[],
  init: PoolInit,
  queue: CommitQueue,
  onProgress: (p: { files: number; bytes: number; spans: number }) => void,
): Promise<boolean> {
  const worker = new Worker(WORKER_FILE, { workerData: init, resourceLimits: THREAD_LIMITS });
  const send = (m: ToWorker): void => worker.postMessage(m);
  return new Promise<boolean>((resolve) => {
    let done = false;
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'commit':
          queue.add(m, (err) =>
            send(
              err === undefined
                ? { type: 'ack', id: m.id }
                : {
                    type: 'ack',
                    id: m.id,
                    error: { message: err instanceof Error ? err.message : String(err), transient: (err as { transient?: boolean }).transient !== false },
                  },
            ),
          );
          break;
        case 'rename':
          set.opts.delivery.cursors.rename(m.from, m.to);
          break;
        case 'log':
          set.opts.log[m.level](m.msg, m.fields);
          break;
        case 'progress':
          onProgress(m);
          break;
        case 'done':
          done = true;
          addSummary(set.summary, m.summary);
          void worker.terminate().then(() => resolve(true));
          break;
      }
    });
    worker.on('error', (err) => {
      set.opts.log.error('a pipeline thread failed; its files are traced again on the main thread', { error: err.message, files: jobs.length });
    });
    worker.on('exit', () => {
      if (!done) void queue.tail.then(() => resolve(false));
    });
    send({ type: 'jobs', jobs });
  });
}
