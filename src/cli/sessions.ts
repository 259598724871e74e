/** `codex-tracer sessions`: one row per session from the local store. */
import { existsSync } from 'node:fs';
import { dbPathIn, TraceStore, type ListSessionsQuery, type SessionSummary } from '../store/index.js';
import type { CommandContext } from './context.js';
import { cut, humanNumber, spanDuration, type Segment, type Terminal } from './format.js';
import { parseCount, parseDate } from './config.js';
import { sessionCosts, type SessionCost } from './session-cost.js';

export interface SessionsFlags {
  since?: string;
  until?: string;
  cwd?: string;
  limit?: string;
  json?: boolean;
}

/** The local store opened read-only; undefined when there is none yet (nothing is created). */
export function openStoreReadonly(ctx: CommandContext): TraceStore | undefined {
  const stateDir = ctx.config.stateDir;
  if (!existsSync(dbPathIn(stateDir))) return undefined;
  return TraceStore.open({ stateDir }, { readonly: true });
}

const HEADER = ['START', 'PROJECT', 'TURNS', 'LLM', 'TOOLS', 'IN', 'CACHED', 'OUT', 'COST', 'ERR', 'DURATION', 'SESSION'];
const PROJECT = 1;

function row(s: SessionSummary & SessionCost): Segment[] {
  return [
    { text: localTime(s.startTime) },
    { text: s.project ?? '-', colour: 'bold' },
    { text: String(s.turns) },
    { text: String(s.llmCalls) },
    { text: String(s.toolCalls) },
    { text: humanNumber(s.inputTokens) },
    { text: humanNumber(s.cachedTokens) },
    { text: humanNumber(s.outputTokens) },
    { text: s.costText },
    { text: String(s.errors), colour: s.errors > 0 ? 'red' : undefined },
    s.durationMs === null ? { text: 'open', colour: 'yellow' } : { text: spanDuration(s.durationMs), colour: 'cyan' },
    { text: s.sessionId ?? s.traceId, colour: 'dim' },
  ];
}

/** `2026-11-25 16:55` in local time, as the rollout folders are. */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 16);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * Columns padded to their widest cell (numbers right-aligned). Wider than the terminal, the
 * project column gives up to all but 8 characters first (cut with `…`), then lines are cut.
 */
export function fitTable(term: Terminal, header: string[], rows: Segment[][], shrink = PROJECT, right: ReadonlySet<number> = rightOf(header)): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i]?.text ?? '')].length)));
  const total = widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1);
  const w0 = widths[shrink];
  if (total > term.width && w0 !== undefined) widths[shrink] = Math.min(w0, Math.max(8, w0 - (total - term.width)));
  const fmt = (cells: Segment[]): string =>
    term.line(
      cells.flatMap((c, i) => {
        const w = widths[i] ?? 0;
        const text = cut(c.text, w);
        const pad = ' '.repeat(Math.max(0, w - [...text].length));
        const cell = { ...c, text: right.has(i) ? pad + text : text };
        const after = i < cells.length - 1 ? [{ text: right.has(i) ? '  ' : `${pad}  ` }] : [];
        return [cell, ...after];
      }),
    );
  return [fmt(header.map((h) => ({ text: h, colour: 'bold' as const }))), ...rows.map(fmt)].join('\n');
}

/** The shortest prefix (at least 13 characters: `01a213a3-5f3f`) that tells the listed ids apart: `show` takes it. */
export function uniquePrefixLength(ids: string[], min = 13): number {
  const sorted = [...ids].sort();
  let n = min;
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1] as string, sorted[i] as string];
    let k = 0;
    while (k < a.length && a[k] === b[k]) k++;
    n = Math.max(n, k + 1);
  }
  return n;
}

/** Columns whose cells are right-aligned (numbers, durations). */
const rightOf = (header: string[]): Set<number> => new Set(header.map((h, i) => (['START', 'PROJECT', 'SESSION'].includes(h) ? -1 : i)).filter((i) => i >= 0));

/**
 * The table at the terminal's width: first the project column gives way, then the session
 * ids shorten to a prefix that still tells them apart (`show` takes prefixes), then the
 * cached-tokens column and the year go, then the turn and tool counts; only then are lines cut.
 */
function fitSessions(term: Terminal, list: (SessionSummary & SessionCost)[]): string {
  const full = list.map(row);
  const idCol = HEADER.length - 1;
  const n = uniquePrefixLength(full.map((r) => r[idCol]?.text ?? ''));
  const short = full.map((r) => r.map((c, i) => (i === idCol ? { ...c, text: c.text.slice(0, n) } : c)));
  const without = (drop: string[], rows: Segment[][], header = HEADER): [string[], Segment[][]] => {
    const keep = header.map((h, i) => (drop.includes(h) ? -1 : i)).filter((i) => i >= 0);
    return [keep.map((i) => header[i] as string), rows.map((r) => keep.map((i) => r[i] as Segment))];
  };
  const noYear = short.map((r) => r.map((c, i) => (i === 0 ? { ...c, text: c.text.replace(/^\d{4}-/, '') } : c)));
  const narrowHeader = HEADER.map((h) => (h === 'DURATION' ? 'TIME' : h));
  const stages: [string[], Segment[][]][] = [
    [HEADER, full],
    [HEADER, short],
    without(['CACHED'], noYear, narrowHeader),
    without(['CACHED', 'TURNS', 'TOOLS'], noYear, narrowHeader),
  ];
  const width = ([header, rows]: [string[], Segment[][]]): number =>
    header.reduce((a, h, i) => a + Math.max(h.length, ...rows.map((r) => [...(r[i]?.text ?? '')].length)), 0) + 2 * (header.length - 1);
  const fits = stages.find((st) => width(st) - Math.max(0, Math.max(...st[1].map((r) => r[PROJECT]?.text.length ?? 0)) - 8) <= term.width);
  const [header, rows] = fits ?? (stages[stages.length - 1] as [string[], Segment[][]]);
  return fitTable(term, header, rows, PROJECT, rightOf(header));
}

/** Plain columns padded to their widest cell (the `report` tables). */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}

function filterText(flags: SessionsFlags): string {
  return [flags.since && `--since ${flags.since}`, flags.until && `--until ${flags.until}`, flags.cwd && `--cwd ${flags.cwd}`].filter(Boolean).join(' ');
}

export async function sessionsCommand(ctx: CommandContext, flags: SessionsFlags): Promise<number> {
  const limit = parseCount(flags.limit, '--limit', 100);
  const query: ListSessionsQuery = { since: parseDate(flags.since, '--since'), until: parseDate(flags.until, '--until'), cwd: flags.cwd };
  const store = openStoreReadonly(ctx);
  try {
    const list = store?.listSessions({ ...query, limit }) ?? [];
    const matching = list.length < limit || !store ? list.length : store.countSessions(query);
    const costs = store ? sessionCosts(store, list) : new Map<string, SessionCost>();
    // a session without model calls costs nothing: 0 in JSON, '-' in the table
    const withCost = list.map((s) => ({ ...s, ...(costs.get(s.traceId) ?? { costUsd: 0, unpriced: {}, unpricedCalls: 0, costText: '-' }) }));
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(withCost.map(({ costText: _t, ...rest }) => rest))}\n`);
      if (matching > list.length) ctx.stderr.write(`codex-tracer: ${matching - list.length} more session(s) match; use --limit ${matching} to list them all\n`);
      return 0;
    }
    if (list.length === 0) {
      const all = store?.countSessions({}) ?? 0;
      ctx.stderr.write(
        all === 0
          ? 'No sessions in the store yet. Run `codex-tracer backfill` (or `watch`) first.\n'
          : `No sessions match ${filterText(flags)} (the store has ${all} session${all === 1 ? '' : 's'}).\n`,
      );
      return 0;
    }
    ctx.stdout.write(`${fitSessions(ctx.term, withCost)}\n`);
    if (matching > list.length) ctx.stderr.write(`${matching - list.length} more — use --limit ${matching} to list them all\n`);
    return 0;
  } finally {
    store?.close();
  }
}
