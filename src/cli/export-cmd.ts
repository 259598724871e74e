/** `codex-tracer export SESSION --format html|md|otlp-json [--out FILE]`. */
import { writeFileSync } from 'node:fs';
import { otlpConfigFromEnv } from '../sinks/otlp/config.js';
import { resolveStateDir } from '../store/index.js';
import { ATTR } from '../trace/span.js';
import { exportHtml } from '../ui/export/html.js';
import { exportMarkdown } from '../ui/export/markdown.js';
import { exportOtlpJson } from '../ui/export/otlp-json.js';
import { filterSpanContent } from '../ui/export/redact.js';
import { UsageError, type CommandContext } from './context.js';
import { traceCostsOfSpans } from './cost-view.js';
import { renderTrees } from './tree.js';

export interface ExportFlags {
  stateDir?: string;
  format?: string;
  out?: string;
}

function resource(ctx: CommandContext): Record<string, string> {
  try {
    return otlpConfigFromEnv(ctx.env).resource;
  } catch {
    return { 'service.name': 'codex-tracer' };
  }
}

export async function exportCommand(ctx: CommandContext, session: string, flags: ExportFlags): Promise<number> {
  const format = flags.format ?? 'html';
  if (format !== 'html' && format !== 'md' && format !== 'otlp-json') throw new UsageError(`--format must be html, md or otlp-json, not ${format}`);
  const spans = (await ctx.loadStoredTraces([session], resolveStateDir(flags.stateDir, ctx.env))).map((s) => filterSpanContent(s, ctx.contentFilter));
  const root = spans.find((s) => s.kind === 'session' && s.parentSpanId === null) ?? spans[0];
  if (root === undefined) throw new UsageError(`session "${session}" has no spans`);
  const sessionId = typeof root.attributes[ATTR.conversationId] === 'string' ? (root.attributes[ATTR.conversationId] as string) : undefined;
  const text =
    format === 'html'
      ? exportHtml(root.traceId, spans, `codex session ${sessionId ?? root.traceId}`, traceCostsOfSpans(spans))
      : format === 'md'
        ? exportMarkdown(spans, renderTrees(spans))
        : exportOtlpJson(spans, resource(ctx), sessionId);
  if (flags.out !== undefined) {
    writeFileSync(flags.out, text);
    ctx.log.info('exported', { session: sessionId ?? root.traceId, format, spans: spans.length, file: flags.out });
  } else ctx.stdout.write(text);
  return 0;
}
