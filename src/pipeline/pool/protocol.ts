/**
 * Messages between the backfill's pipeline threads (pool.ts) and the thread that commits
 * (the main thread): whole files are read, parsed, reduced and turned into store rows
 * in a worker; the rows and the file's cursor come back to be committed in one
 * transaction, and the worker moves on only once the commit is acknowledged.
 */
import type { ContentOptions } from '../../content/options.js';
import type { ReviewLink } from '../../rollout/review-link.js';
import type { Cursor } from '../../store/cursors.js';
import type { RowBatch } from '../../store/spans.js';
import type { ReportFields } from '../report.js';
import type { FileJob, RunFilesOptions } from '../run-files.js';
import type { RunSummary } from '../summary.js';

export interface PoolInit {
  /** the stored cursors when the run started (each tracer reads its own once) */
  cursors: Cursor[];
  knownThreads: string[];
  /** review threads the run linked to their parent (heads.ts linkReviews) */
  reviewLinks: ReviewLink[];
  content: ContentOptions;
  run: Pick<RunFilesOptions, 'finalize' | 'idleMs' | 'force' | 'concurrency' | 'release'>;
  maxLineBytes?: number;
  batchBytes?: number;
  /** files in flight whose commits gather into one message */
  groupCommits: number;
}

/** main → worker */
export type ToWorker = { type: 'jobs'; jobs: FileJob[] } | { type: 'ack'; id: number; error?: { message: string; transient: boolean } };

/** worker → main */
export type FromWorker =
  | { type: 'commit'; id: number; batch: RowBatch; spans: number; cursors: Cursor[] }
  | { type: 'rename'; from: string; to: string }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: ReportFields }
  | { type: 'progress'; files: number; bytes: number; spans: number }
  | { type: 'done'; summary: RunSummary };
