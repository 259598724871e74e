/**
 * Printing a run's summary: text for people (on stderr: stdout carries only data), JSON for
 * machines (on stdout, unless a jsonl sink has it), Markdown for CI step summaries.
 */
import { writeFileSync } from 'node:fs';
import { summaryMarkdown, unknownRecordsText, type RunSummary } from '../pipeline/summary.js';
import type { CommandContext } from './context.js';
import { humanNumber, spanDuration } from './format.js';
import type { SessionRow } from './session-stats.js';

export interface NotDelivered {
  /** why: `timeout after 10s`, or the sinks' last error */
  reason: string;
  files: string[];
  sinks: { name: string; endpoint: string; error?: string }[];
}

export interface ReportOptions {
  json?: boolean;
  summaryMd?: string;
  title: string;
  extra?: Record<string, unknown>;
  /** a jsonl sink writes to stdout: the JSON summary goes to stderr too */
  stdoutTaken?: boolean;
  sessions?: SessionRow[];
  notDelivered?: NotDelivered;
}

export function humanSummary(s: RunSummary, detailed = true): string[] {
  const h = humanNumber;
  // drift: records this version does not know, by name, so a new Codex release is seen on the first run
  const unknown = unknownRecordsText(s.unknownRecords);
  return [
    `files: ${s.files} (${s.filesRead} read, ${(s.bytes / 1e6).toFixed(1)} MB)`,
    `sessions: ${s.sessions}  turns: ${s.turns}  model calls: ${s.modelCalls}  tool calls: ${s.toolCalls}`,
    `tokens: input ${h(s.inputTokens)} (cached ${h(s.cachedTokens)})  output ${h(s.outputTokens)} (reasoning ${h(s.reasoningTokens)})`,
    `spans delivered: ${s.spansDelivered}  error spans: ${s.errorSpans}  warnings: ${s.warnings} (bad lines ${s.badLines}${s.notRolloutFiles > 0 ? `, files not JSON lines ${s.notRolloutFiles}` : ''})`,
    ...(unknown ? [`unknown record types (ignored): ${unknown}`] : []),
    ...(detailed && s.undeliveredFiles > 0 ? [`NOT DELIVERED: ${s.undeliveredFiles} file(s): ${s.errors.slice(0, 3).join('; ')}`] : []),
  ];
}

export function notDeliveredLines(n: NotDelivered): string[] {
  return [
    `NOT DELIVERED (${n.reason}): ${n.files.length} file(s)`,
    ...n.sinks.map((k) => `  sink ${k.name} at ${k.endpoint}${k.error ? `: ${k.error}` : ''}`),
    ...n.files.slice(0, 10).map((f) => `  ${f}`),
    ...(n.files.length > 10 ? [`  … and ${n.files.length - 10} more`] : []),
  ];
}

const esc = (v: string): string => v.replace(/\|/g, '\\|');

function sessionTable(rows: SessionRow[]): string[] {
  if (rows.length === 0) return [];
  return [
    '',
    '### Sessions',
    '',
    '| Session | Project | Turns | Model calls | Tools | Tokens in / out | Errors | Duration |',
    '|---|---|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| \`${esc(r.sessionId ?? r.traceId)}\` | ${esc(r.project ?? '-')} | ${r.turns} | ${r.modelCalls} | ${r.toolCalls} | ${humanNumber(r.inputTokens)} / ${humanNumber(r.outputTokens)} | ${r.errors} | ${spanDuration(r.durationMs)} |`,
    ),
  ];
}

function failureSection(n: NotDelivered | undefined): string[] {
  if (!n) return [];
  return [
    '',
    '### ❌ Delivery failed',
    '',
    `**${n.files.length} file(s) not delivered** (${esc(n.reason)}).`,
    '',
    ...n.sinks.map((k) => `- sink \`${k.name}\` at ${esc(k.endpoint)}${k.error ? `: ${esc(k.error)}` : ''}`),
    ...n.files.slice(0, 20).map((f) => `- \`${f}\``),
    ...(n.files.length > 20 ? [`- … and ${n.files.length - 20} more`] : []),
  ];
}

export function reportRun(ctx: CommandContext, s: RunSummary, opts: ReportOptions): void {
  if (opts.json) {
    const out = opts.stdoutTaken ? ctx.stderr : ctx.stdout;
    out.write(
      `${JSON.stringify({ ...s, ...opts.extra, ...(opts.sessions ? { sessionRows: opts.sessions } : {}), ...(opts.notDelivered ? { notDelivered: opts.notDelivered } : {}) })}\n`,
    );
  } else {
    ctx.stderr.write(`${humanSummary(s, !opts.notDelivered).join('\n')}\n`);
  }
  if (opts.notDelivered)
    ctx.stderr.write(
      `${notDeliveredLines(opts.notDelivered)
        .map((l) => `codex-tracer: ${l}`)
        .join('\n')}\n`,
    );
  if (opts.summaryMd) {
    const md = summaryMarkdown(s, opts.title).trimEnd();
    writeFileSync(opts.summaryMd, `${[md, ...sessionTable(opts.sessions ?? []), ...failureSection(opts.notDelivered)].join('\n')}\n\n`, { flag: 'a' });
  }
}
