/**
 * Tracing a set of rollout files in memory (no cursors, no sinks): what `show FILE`
 * prints. Files of one subagent tree given together make one trace, in any order.
 */
import { SessionProcessor } from './processor.js';
import { feedFile, kindOfPath } from './session-file.js';
import { parseRolloutName, readLines } from '../source/index.js';
import type { Effect } from '../trace/effects.js';
import type { FileWarning, ProcessorStats } from './processor.js';
import { defaultReducerOptions, type ReducerOptions } from '../trace/reduce.js';
import { fileOrder, type Span } from '../trace/span.js';
import { statSync } from 'node:fs';
import { basename } from 'node:path';

export interface FileHead {
  path: string;
  threadId?: string;
  parentThreadId?: string;
  cwd?: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The thread id (and parent) a file declares in its first line, without reading the rest. */
export async function readFileHead(path: string): Promise<FileHead> {
  const head: FileHead = { path, threadId: parseRolloutName(basename(path))?.threadId };
  if (kindOfPath(path) !== 'jsonl') return head;
  try {
    for await (const line of readLines(path, 0, { maxLineBytes: 8 * 1024 * 1024 })) {
      if ('text' in line) {
        const v = JSON.parse(line.text) as { payload?: Record<string, unknown> } & Record<string, unknown>;
        const meta = (v.payload ?? v) as { id?: unknown; cwd?: unknown; parent_thread_id?: unknown; source?: { subagent?: { thread_spawn?: { parent_thread_id?: unknown } } } };
        if (typeof meta.id === 'string') head.threadId = meta.id;
        if (typeof meta.cwd === 'string') head.cwd = meta.cwd;
        const parent = meta.parent_thread_id ?? meta.source?.subagent?.thread_spawn?.parent_thread_id;
        if (typeof parent === 'string') head.parentThreadId = parent;
      }
      break;
    }
  } catch {
    // unreadable or not JSON: the processor reports it properly
  }
  return head;
}

export function fallbackThreadId(path: string): string {
  return parseRolloutName(basename(path))?.threadId ?? UUID.exec(basename(path))?.[0] ?? `file:${basename(path)}`;
}

export interface InMemoryTrace {
  spans: Span[];
  warnings: FileWarning[];
  stats: ProcessorStats[];
}

export async function traceFilesInMemory(
  paths: string[], base: Partial<ReducerOptions> = {}, opts: { finalize?: boolean } = {},
): Promise<InMemoryTrace> {
  const heads = await Promise.all(paths.map(readFileHead));
  const known = new Set(heads.map((h) => h.threadId).filter((x): x is string => !!x));
  const spans = new Map<string, Span>();
  const warnings: FileWarning[] = [];
  const stats: ProcessorStats[] = [];
  const collect = (effects: Effect[]): void => {
    for (const e of effects) if (e.type !== 'warning') spans.set(`${e.span.traceId}/${e.span.spanId}`, e.span);
  };
  for (const path of paths) {
    const opts2: ReducerOptions = { ...defaultReducerOptions(fallbackThreadId(path)), parentKnown: (id) => known.has(id), ...base };
    const proc = new SessionProcessor(path, opts2);
    try {
      proc.fileWrittenAt(statSync(path).mtimeMs);
    } catch {
      // unreadable: feedFile reports it
    }
    await feedFile(proc, path, kindOfPath(path), (effects) => collect(effects));
    if (opts.finalize !== false) collect(proc.finalize());
    warnings.push(...proc.warnings);
    stats.push(proc.stats);
  }
  return { spans: sortSpans([...spans.values()]), warnings, stats };
}

export function sortSpans(spans: Span[]): Span[] {
  return spans.sort((a, b) =>
    a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1
      : a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1
        : fileOrder(a, b) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
}
