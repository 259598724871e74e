/** What a file's first record says (src/rollout/head.ts), read without tracing the file. */
import { basename } from 'node:path';
import { parseSessionHead, type SessionHead } from '../rollout/head.js';
import { containerOf, parseRolloutName, readFirstLine } from '../source/index.js';
import type { TracerSet } from './tracers.js';

export interface FileHead extends SessionHead {
  path: string;
}

/** The thread id (its name's, else its first record's), parent and cwd a file declares in its first line. */
export async function readFileHead(path: string): Promise<FileHead> {
  const head: FileHead = { path, threadId: parseRolloutName(basename(path))?.threadId };
  if (containerOf(path) !== 'jsonl') return head;
  const line = await readFirstLine(path);
  return line === undefined ? head : { ...head, ...parseSessionHead(line) };
}

/**
 * Recorded rollouts may be renamed: the thread of a file not named like a rollout is
 * known by the id in its first line (a subagent's parent among the given files is then
 * known, and its child joins its trace).
 */
export async function noteThreadsOf(set: TracerSet, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    set.noteFile(path);
    if (parseRolloutName(basename(path))) continue;
    const head = await readFileHead(path);
    if (head.threadId) set.knownThreads.add(head.threadId);
  }
}
