/** `codex-tracer trace PATH...`: for CI. Everything finalized and flushed before exit; non-zero if anything was not delivered. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runFiles } from '../pipeline/run-files.js';
import { TracerSet } from '../pipeline/tracers.js';
import { noteThreadsOf } from '../pipeline/heads.js';
import { parseDuration, UsageError, type SinkFlags } from './config.js';
import type { CommandContext } from './context.js';
import { reportRun } from './run-report.js';
import { buildOutputs, closeOutputs } from './setup.js';

export interface TraceFlags extends SinkFlags {
  summaryMd?: string;
  json?: boolean;
  timeout?: string;
}

const ROLLOUT_FILE = /(\.jsonl|\.jsonl\.zst)$|^rollout-.*\.json$/;

/** The rollout files under the given files and folders (folders are walked; `.truth.json` and other JSON are not rollouts). */
export async function collectPaths(targets: string[]): Promise<{ path: string; size: number }[]> {
  const out: { path: string; size: number }[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch {
      if (top) throw new UsageError(`no such file or directory: ${p}`);
      return;
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort();
      for (const n of names) await walk(join(p, n), false);
    } else if (st.isFile() && (top || ROLLOUT_FILE.test(p.split('/').pop() as string))) {
      out.push({ path: p, size: st.size });
    }
  };
  for (const t of targets) await walk(t, true);
  return out;
}

export async function traceCommand(ctx: CommandContext, targets: string[], flags: TraceFlags): Promise<number> {
  if (targets.length === 0) throw new UsageError('trace needs at least one file or folder');
  const deadline = Date.now() + parseDuration(flags.timeout ?? '5m', '--timeout');
  const files = await collectPaths(targets);
  const outputs = buildOutputs(ctx, false);
  try {
    const set = new TracerSet({ delivery: outputs.delivery, reducer: { content: ctx.contentFilter, llmInput: ctx.llmInput }, log: ctx.log, batchBytes: 4 * 1024 * 1024 });
    await noteThreadsOf(set, files.map((f) => f.path));
    await runFiles(set, files, { finalize: 'all', idleMs: 0 });
    let delay = 500;
    while (Date.now() < deadline && [...set.tracers.values()].some((t) => t.isBlocked)) {
      await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
      delay = Math.min(delay * 2, 15_000);
      set.summary.undeliveredFiles = 0;
      set.summary.errors = [];
      await runFiles(set, files.filter((f) => set.tracer(f.path)?.isBlocked === true), { finalize: 'all', idleMs: 0 });
    }
    const s = set.summary;
    s.files = files.length;
    reportRun(ctx, s, { json: flags.json, summaryMd: flags.summaryMd, title: 'codex-tracer trace', extra: { sinks: outputs.names } });
    if (s.undeliveredFiles > 0) {
      ctx.stderr.write(`codex-tracer: ${s.undeliveredFiles} file(s) could not be delivered before the timeout: ${s.errors[0] ?? ''}\n`);
      return 1;
    }
    return 0;
  } finally {
    await closeOutputs(outputs);
  }
}
