/** `codex-tracer show FILE... | ID`: one trace as a tree, or its spans as JSON lines. */
import { existsSync } from 'node:fs';
import { addUnknown, unknownRecordsText } from '../pipeline/summary.js';
import { traceInMemory } from '../pipeline/in-memory.js';
import type { Span } from '../trace/span.js';
import { costLabel, spanCosts } from './cost-view.js';
import { renderTrees } from './tree.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';

export interface ShowOptions {
  format: 'tree' | 'jsonl';
  open?: boolean;
}

export function printSpans(ctx: CommandContext, spans: Span[], format: 'tree' | 'jsonl'): void {
  if (format === 'jsonl') {
    for (const s of spans) ctx.stdout.write(`${JSON.stringify(s)}\n`);
  } else {
    const costs = spanCosts(spans);
    ctx.stdout.write(`${renderTrees(spans, (s) => costLabel(s, costs))}\n`);
  }
}

export async function showCommand(ctx: CommandContext, targets: string[], opts: ShowOptions): Promise<number> {
  if (opts.format !== 'tree' && opts.format !== 'jsonl') throw new UsageError(`--format must be tree or jsonl, not ${String(opts.format)}`);
  const files = targets.filter((t) => existsSync(t));
  const ids = targets.filter((t) => !existsSync(t));
  let spans: Span[] = [];
  const unknown: Record<string, number> = {};
  if (files.length > 0) {
    // the one runtime, into memory: warnings are logged as every mode logs them
    const res = await traceInMemory(files, { reducer: { content: ctx.contentFilter, llmInput: ctx.llmInput }, finalize: !opts.open, log: ctx.log });
    for (const st of res.stats) addUnknown(unknown, st.unknown);
    spans = res.spans;
  }
  if (ids.length > 0) spans = spans.concat(await ctx.loadStoredTraces(ids, ctx.config.stateDir));
  if (spans.length === 0) {
    ctx.stderr.write('codex-tracer: no spans (is this a Codex rollout file?)\n');
    return 1;
  }
  printSpans(ctx, spans, opts.format);
  // drift: records this version does not know, by name (in the tree's footer; JSON lines stay spans only)
  const drift = unknownRecordsText(unknown);
  if (drift && opts.format === 'tree') ctx.stdout.write(`unknown record types (ignored): ${drift}\n`);
  else if (drift) ctx.log.info('unknown record types (ignored)', { types: drift });
  return 0;
}
