/** What a file's first record says (src/rollout/head.ts), read without tracing the file. */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseSessionHead, type SessionHead } from '../rollout/head.js';
import { notRolloutReason, SNIFF_BYTES } from '../rollout/sniff.js';
import { linkReviewChildren, reviewWindowsOf, type ReviewChild, type ReviewParent } from '../rollout/review-link.js';
import { containerOf, parseRolloutName, readFirstLine, readLines } from '../source/index.js';
import { createLimiter } from '../source/limit.js';
import type { TracerSet } from './tracers.js';

/** heads read at once by backfill's review linking */
const HEAD_READS = 16;

export interface FileHead extends SessionHead {
  path: string;
}

/** The thread id (its name's, else its first record's), parent and cwd a file declares in its first line. */
export async function readFileHead(path: string): Promise<FileHead> {
  const head: FileHead = { path, threadId: parseRolloutName(basename(path))?.threadId };
  if (containerOf(path) !== 'jsonl') return head;
  // a file that is no rollout (NUL bytes, a binary) has no first line worth reading to its end
  const line = await readFirstLine(
    path,
    undefined,
    (bytes, more) => notRolloutReason(bytes.subarray(0, SNIFF_BYTES), more || bytes.length > SNIFF_BYTES) === undefined,
  );
  return line === undefined ? head : { ...head, ...parseSessionHead(line) };
}

/**
 * Recorded rollouts may be renamed: the thread of a file not named like a rollout is
 * known by the id in its first line (a subagent's parent among the given files is then
 * known, and its child joins its trace).
 */
export async function noteThreadsOf(set: TracerSet, paths: readonly string[]): Promise<void> {
  const heads: FileHead[] = [];
  // one file alone links to nothing: its head is read only when its name does not give its thread
  const linking = paths.length > 1;
  for (const path of paths) {
    set.noteFile(path);
    if (!linking && parseRolloutName(basename(path))) continue;
    const head = await readFileHead(path);
    heads.push(head);
    if (head.threadId) set.knownThreads.add(head.threadId);
  }
  if (linking) await linkReviews(set, heads);
}

/**
 * Review threads whose header names no parent (0.104) are linked to the review mode of a file of
 * the run (rollout/review-link.ts): the parents that may hold it are the files of the same cwd
 * that started before the child and were still written after it started; only their lines are read.
 */
export async function linkReviews(set: TracerSet, heads: readonly FileHead[]): Promise<void> {
  const children: ReviewChild[] = [];
  for (const h of heads) {
    if (h.unparentedReview && h.threadId && h.startTime) children.push({ threadId: h.threadId, cwd: h.cwd, startTime: h.startTime });
  }
  if (children.length === 0) return;
  const parents: ReviewParent[] = [];
  for (const h of heads) {
    if (h.unparentedReview || !h.threadId || !h.startTime || containerOf(h.path) !== 'jsonl') continue;
    const start = h.startTime;
    if (!children.some((c) => c.cwd !== undefined && c.cwd === h.cwd && c.startTime >= start)) continue;
    const lastWrite = await stat(h.path).then(
      (st) => st.mtimeMs,
      () => 0,
    );
    if (!children.some((c) => c.cwd === h.cwd && Date.parse(c.startTime) <= lastWrite)) continue;
    parents.push({ threadId: h.threadId, cwd: h.cwd, windows: reviewWindowsOf(await textLines(h.path)) });
  }
  for (const link of linkReviewChildren(parents, children)) set.linkReview(link);
}

/**
 * Backfill's form: the review threads among the files of the run, linked to any file of the
 * history (`all`) written after the earliest of them started. Only heads of the run's files are
 * read unless one is such a review thread.
 */
export async function linkReviewsIn(set: TracerSet, files: readonly { path: string }[], all: readonly { path: string; mtimeMs: number }[]): Promise<void> {
  // a few heads at a time: a history of thousands of files must not open them all at once
  const limit = createLimiter(HEAD_READS);
  const heads = await Promise.all(files.map((f) => limit(() => readFileHead(f.path))));
  const starts = heads.filter((h) => h.unparentedReview && h.startTime).map((h) => Date.parse(h.startTime as string));
  if (starts.length === 0) return;
  const since = Math.min(...starts);
  const mine = new Set(files.map((f) => f.path));
  const others = await Promise.all(all.filter((f) => !mine.has(f.path) && f.mtimeMs >= since).map((f) => limit(() => readFileHead(f.path))));
  await linkReviews(set, [...heads, ...others]);
}

async function textLines(path: string): Promise<string[]> {
  const lines: string[] = [];
  try {
    for await (const line of readLines(path, 0)) if ('text' in line) lines.push(line.text);
  } catch {
    // unreadable: tracing the file reports it
  }
  return lines;
}
