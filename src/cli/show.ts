/** `codex-tracer show FILE... | ID`: one trace as a tree, or its spans as JSON lines. */
import { statSync } from 'node:fs';
import { addUnknown, unknownRecordsText } from '../pipeline/summary.js';
import { traceInMemory } from '../pipeline/in-memory.js';
import type { Span } from '../trace/span.js';
import { filterSpans, renderTrees, SPAN_KINDS, type TreeFilter } from './tree.js';
import { costLabel, spanCosts } from './cost-view.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';
import { parseCount, parseDuration } from './config.js';

export interface ShowOptions {
  format: 'tree' | 'jsonl';
  open?: boolean;
  errors?: boolean;
  kind?: string[];
  minDuration?: string;
  depth?: string;
}

/** `all`: the whole trace, when `spans` are what the filters kept (a turn's cost is still the sum of all below it). */
export function printSpans(ctx: CommandContext, spans: Span[], format: 'tree' | 'jsonl', all: Span[] = spans): void {
  if (format === 'jsonl') {
    for (const s of spans) ctx.stdout.write(`${JSON.stringify(s)}\n`);
  } else {
    const costs = spanCosts(all);
    ctx.stdout.write(`${renderTrees(spans, ctx.term, (s) => costLabel(s, costs))}\n`);
  }
}

function treeFilter(opts: ShowOptions): TreeFilter {
  const kinds = (opts.kind ?? [])
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter(Boolean);
  for (const k of kinds) if (!SPAN_KINDS.includes(k)) throw new UsageError(`--kind: expected one of ${SPAN_KINDS.join(', ')}, got "${k}"`);
  return {
    errors: opts.errors === true,
    ...(kinds.length > 0 ? { kinds } : {}),
    ...(opts.minDuration !== undefined ? { minDurationMs: parseDuration(opts.minDuration, '--min-duration') } : {}),
    ...(opts.depth !== undefined ? { depth: parseCount(opts.depth, '--depth', 0, 0) } : {}),
  };
}

/** Files are read; a folder is a mistake (show draws one trace: `trace DIR` takes folders); the rest are session ids. */
function classify(targets: string[]): { files: string[]; ids: string[] } {
  const files: string[] = [];
  const ids: string[] = [];
  for (const t of targets) {
    const st = statSync(t, { throwIfNoEntry: false });
    if (st?.isDirectory())
      throw new UsageError(
        `show: ${t} is a directory; expected rollout files (rollout-*.jsonl) or a session id. To trace a folder, use \`codex-tracer trace ${t}\``,
      );
    if (st) files.push(t);
    else ids.push(t);
  }
  return { files, ids };
}

export async function showCommand(ctx: CommandContext, targets: string[], opts: ShowOptions): Promise<number> {
  if (opts.format !== 'tree' && opts.format !== 'jsonl') throw new UsageError(`--format must be tree or jsonl, not ${String(opts.format)}`);
  const filter = treeFilter(opts);
  const { files, ids } = classify(targets);
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
    ctx.stderr.write(`codex-tracer: no spans in ${files.join(', ')} (is this a Codex rollout file?)\n`);
    return 1;
  }
  const shown = filterSpans(spans, filter);
  if (shown.length === 0) {
    ctx.stderr.write(`No span of the ${spans.length} in this trace matches the filters.\n`);
    return 0;
  }
  printSpans(ctx, shown, opts.format, spans);
  // drift: records this version does not know, by name (in the tree's footer; JSON lines stay spans only)
  const drift = unknownRecordsText(unknown);
  if (drift && opts.format === 'tree') ctx.stdout.write(`unknown record types (ignored): ${drift}\n`);
  else if (drift) ctx.log.info('unknown record types (ignored)', { types: drift });
  return 0;
}
