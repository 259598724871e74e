/**
 * `codex-tracer report daily|weekly|monthly|session|project|model|limits`: tokens, model calls and
 * cost from the local store, priced per call when asked; `limits` reads the rate-limit snapshots
 * Codex recorded in the rollouts.
 */
import { formatCost, type CostTotal } from '../pricing/cost.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';
import {
  buildReport,
  localDay,
  REPORT_KINDS,
  resolveTimeZone,
  tallyJson,
  type Report,
  type ReportFlags,
  type ReportKind,
  type ReportRow,
  type Tally,
} from './report-groups.js';
import { limitsCommand } from './report-limits.js';
import { openStoreReadonly, renderTable } from './sessions.js';

/** A UTC range surely holding every call of the local days since..until (any zone is within ±14 h). */
function utcWindow(since?: string, until?: string): { since?: Date; until?: Date } {
  const day = 86_400_000;
  return {
    since: since ? new Date(Date.parse(`${since}T00:00:00Z`) - day) : undefined,
    until: until ? new Date(Date.parse(`${until}T00:00:00Z`) + 2 * day) : undefined,
  };
}

const int = (n: number): string => n.toLocaleString('en-US');

function cells(t: Tally): string[] {
  return [int(t.calls), int(t.inputTokens), int(t.cachedTokens), int(t.outputTokens), int(t.reasoningTokens), formatCost(t.cost)];
}

const KEY_HEADER: Record<ReportKind, string> = { daily: 'DATE', weekly: 'WEEK OF', monthly: 'MONTH', session: 'SESSION', project: 'PROJECT', model: 'MODEL' };

function tableRows(r: Report): { header: string[]; rows: string[][] } {
  const session = r.kind === 'session';
  const header = [
    KEY_HEADER[r.kind],
    ...(session ? ['STARTED', 'PROJECT'] : []),
    ...(r.kind === 'model' ? [] : ['MODELS']),
    'CALLS',
    'INPUT',
    'CACHED',
    'OUTPUT',
    'REASONING',
    'COST',
  ];
  const line = (row: ReportRow): string[] => [
    row.key,
    ...(session ? [row.sessionStart ?? '', row.project ?? ''] : []),
    ...(r.kind === 'model' ? [] : [row.models.join(', ')]),
    ...cells(row),
  ];
  const pad = (first: string): string[] => [first, ...(session ? ['', ''] : []), ...(r.kind === 'model' ? [] : [''])];
  const rows: string[][] = [];
  for (const row of r.rows) {
    rows.push(line(row));
    if (row.byModel) for (const [m, t] of Object.entries(row.byModel)) rows.push([...pad(`  └ ${m}`), ...cells(t)]);
  }
  rows.push([...pad('Total'), ...cells(r.totals)]);
  return { header, rows };
}

function unpricedLines(c: CostTotal): string[] {
  return Object.entries(c.unpriced).map(([m, u]) => `  ${m}: ${u.calls} call${u.calls === 1 ? '' : 's'} (${u.reason})`);
}

export function renderReport(r: Report): string {
  const { header, rows } = tableRows(r);
  const out = [renderTable(header, rows)];
  const unpriced = unpricedLines(r.totals.cost);
  if (unpriced.length > 0) out.push('', 'Unpriced model calls (not in the cost above, never counted as $0):', ...unpriced);
  out.push('', `Times in ${r.timezone}. Cost is what these tokens cost on the OpenAI API at each call's date (genai-prices data + codex-tracer's overlay).`);
  return out.join('\n');
}

export function reportJson(r: Report): Record<string, unknown> {
  return {
    kind: r.kind,
    timezone: r.timezone,
    since: r.since ?? null,
    until: r.until ?? null,
    rows: r.rows.map((row) => ({
      key: row.key,
      ...(row.sessionStart !== undefined ? { sessionStart: row.sessionStart, project: row.project } : {}),
      models: row.models,
      ...tallyJson(row),
      ...(row.byModel ? { breakdown: Object.fromEntries(Object.entries(row.byModel).map(([m, t]) => [m, tallyJson(t)])) } : {}),
    })),
    totals: tallyJson(r.totals),
  };
}

export async function reportCommand(ctx: CommandContext, kind: string, flags: ReportFlags): Promise<number> {
  if (kind === 'limits') return limitsCommand(ctx, flags);
  if (!(REPORT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`report: "${kind}" is not one of ${[...REPORT_KINDS, 'limits'].join(', ')}`);
  const tz = resolveTimeZone(flags.tz);
  const since = localDay(flags.since, '--since', tz);
  const until = localDay(flags.until, '--until', tz);
  const store = openStoreReadonly(ctx);
  let report: Report;
  try {
    const calls = store?.llmCalls(utcWindow(since, until)) ?? [];
    report = buildReport(calls, { kind: kind as ReportKind, tz, since, until, breakdown: flags.breakdown });
  } finally {
    store?.close();
  }
  if (flags.json) ctx.stdout.write(`${JSON.stringify(reportJson(report))}\n`);
  else if (report.rows.length === 0) ctx.stdout.write('No model calls in the store for this range. Run `codex-tracer backfill` (or `watch`) first.\n');
  else ctx.stdout.write(`${renderReport(report)}\n`);
  return 0;
}
