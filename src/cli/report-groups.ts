/**
 * `report` grouping: stored model calls → rows by day, week, month, session, project or model,
 * each call priced at its own time. Dates are the user's local dates in `tz`.
 */
import { addPrice, emptyCost, unpricedCalls, usd, type CostTotal } from '../pricing/cost.js';
import { priceCall } from '../pricing/price.js';
import type { CallRow } from '../store/index.js';
import { parseDate } from './config.js';
import { UsageError } from './context.js';
import { rowUsage } from './cost-view.js';

export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'session', 'project', 'model'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportOptions {
  kind: ReportKind;
  /** IANA time zone the dates are in */
  tz: string;
  /** local dates, YYYY-MM-DD, both inclusive */
  since?: string;
  until?: string;
  breakdown?: boolean;
}

export interface Tally {
  calls: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  cost: CostTotal;
}

export interface ReportRow extends Tally {
  key: string;
  models: string[];
  /** session rows: when it started (local) and its project */
  sessionStart?: string;
  project?: string;
  /** --breakdown: the same figures per model */
  byModel?: Record<string, Tally>;
}

export interface Report {
  kind: ReportKind;
  timezone: string;
  since?: string;
  until?: string;
  rows: ReportRow[];
  totals: Tally;
}

export interface ReportFlags {
  stateDir?: string;
  codexHome?: string;
  since?: string;
  until?: string;
  tz?: string;
  json?: boolean;
  breakdown?: boolean;
}

const DAY = /^\d{4}-\d\d-\d\d$/;

/**
 * A `--since`/`--until` local day in `tz`: YYYY-MM-DD (or YYYYMMDD) as given, or any form the
 * other commands take (today, yesterday, 7d, an ISO time; see parseDate) as the day it falls on.
 */
export function localDay(text: string | undefined, flag: string, tz: string): string | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/^(\d{4})(\d\d)(\d\d)$/, '$1-$2-$3');
  if (DAY.test(t)) {
    if (Number.isNaN(Date.parse(`${t}T00:00:00Z`))) throw new UsageError(`${flag}: "${text}" is not a date (YYYY-MM-DD)`);
    return t;
  }
  const at = parseDate(text, flag, 'since') as Date;
  return localDateTime(at.toISOString(), tz).slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a RangeError for a zone Intl does not know. */
export function checkTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en-CA', { timeZone: tz });
}

export function resolveTimeZone(flag: string | undefined): string {
  const tz = flag ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  try {
    checkTimeZone(tz);
  } catch {
    throw new UsageError(`--tz: "${tz}" is not a time zone (an IANA name such as Europe/Paris, or UTC)`);
  }
  return tz;
}

/** `YYYY-MM-DD hh:mm` of an instant in `tz`. */
export function localDateTime(iso: string, tz: string): string {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(iso))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The Monday (ISO week start) of a local date. */
export function weekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** `github.com/org/repo` from a remote URL (https, ssh or scp form), else the URL as is. */
export function repoName(url: string): string {
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^:/]+)[:/](.+?)(?:\.git)?\/?$/i.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : url;
}

export function projectOfCall(r: CallRow): string {
  return r.repository ? repoName(r.repository) : (r.cwd ?? '(unknown)');
}

function keyOf(kind: ReportKind, r: CallRow, date: string): string {
  switch (kind) {
    case 'daily':
      return date;
    case 'weekly':
      return weekOf(date);
    case 'monthly':
      return date.slice(0, 7);
    case 'session':
      return r.sessionId ?? r.traceId;
    case 'project':
      return projectOfCall(r);
    case 'model':
      return r.model ?? 'unknown';
  }
}

export function emptyTally(): Tally {
  return { calls: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0, cost: emptyCost() };
}

function tally(t: Tally, r: CallRow, price: ReturnType<typeof priceCall>): void {
  t.calls += 1;
  t.inputTokens += r.inputTokens;
  t.cachedTokens += r.cachedTokens;
  t.outputTokens += r.outputTokens;
  t.reasoningTokens += r.reasoningTokens;
  addPrice(t.cost, price);
}

/** Groups and prices `calls` (already narrowed to about the right UTC range) by the report's kind. */
export function buildReport(calls: readonly CallRow[], o: ReportOptions): Report {
  const rows = new Map<string, ReportRow>();
  const totals = emptyTally();
  for (const r of calls) {
    const local = localDateTime(r.time, o.tz);
    const date = local.slice(0, 10);
    if ((o.since && date < o.since) || (o.until && date > o.until)) continue;
    const key = keyOf(o.kind, r, date);
    let row = rows.get(key);
    if (!row) {
      row = { key, models: [], ...emptyTally() };
      if (o.kind === 'session') {
        row.sessionStart = localDateTime(r.sessionStart ?? r.time, o.tz);
        row.project = projectOfCall(r);
      }
      rows.set(key, row);
    }
    const model = r.model ?? 'unknown';
    if (!row.models.includes(model)) row.models.push(model);
    const price = priceCall(rowUsage(r));
    tally(row, r, price);
    tally(totals, r, price);
    if (o.breakdown) tally(((row.byModel ??= {})[model] ??= emptyTally()), r, price);
  }
  const list = [...rows.values()];
  if (o.kind === 'session') list.sort((a, b) => (a.sessionStart ?? '').localeCompare(b.sessionStart ?? '') || a.key.localeCompare(b.key));
  else if (o.kind === 'project' || o.kind === 'model') list.sort((a, b) => b.cost.micros - a.cost.micros || a.key.localeCompare(b.key));
  else list.sort((a, b) => a.key.localeCompare(b.key));
  for (const row of list) row.models.sort();
  return { kind: o.kind, timezone: o.tz, since: o.since, until: o.until, rows: list, totals };
}

/** A tally as JSON: tokens, calls, dollars, and what could not be priced. */
export function tallyJson(t: Tally): Record<string, unknown> {
  return {
    calls: t.calls,
    inputTokens: t.inputTokens,
    cachedTokens: t.cachedTokens,
    outputTokens: t.outputTokens,
    reasoningTokens: t.reasoningTokens,
    totalTokens: t.inputTokens + t.outputTokens,
    costUsd: usd(t.cost.micros),
    unpricedCalls: unpricedCalls(t.cost),
    unpriced: t.cost.unpriced,
  };
}
