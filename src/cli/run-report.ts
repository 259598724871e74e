/** Printing a run's summary: text for people, JSON for machines, Markdown for CI step summaries. */
import { writeFileSync } from 'node:fs';
import { summaryLines, summaryMarkdown, type RunSummary } from '../pipeline/summary.js';
import type { CommandContext } from './context.js';

export function reportRun(ctx: CommandContext, s: RunSummary, opts: { json?: boolean; summaryMd?: string; title: string; extra?: Record<string, unknown> }): void {
  if (opts.json) ctx.stdout.write(`${JSON.stringify({ ...s, ...opts.extra })}\n`);
  else ctx.stdout.write(`${summaryLines(s).join('\n')}\n`);
  if (opts.summaryMd) writeFileSync(opts.summaryMd, summaryMarkdown(s, opts.title), { flag: 'a' });
}
