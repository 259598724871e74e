/** `codex-tracer sessions`: one row per session from the local store. */
import { existsSync } from 'node:fs';
import { dbPathIn, TraceStore, type SessionSummary } from '../store/index.js';
import type { CommandContext } from './context.js';
import { parseDate } from './config.js';
import { formatDuration } from './tree.js';
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

function kfmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : String(n);
}

function row(s: SessionSummary & SessionCost): string[] {
  return [
    s.startTime.slice(0, 16).replace('T', ' '),
    s.project ?? '-',
    String(s.turns), String(s.llmCalls), String(s.toolCalls),
    kfmt(s.inputTokens), kfmt(s.cachedTokens), kfmt(s.outputTokens),
    s.costText,
    String(s.errors),
    s.durationMs === null ? 'open' : formatDuration(s.durationMs),
    s.sessionId ?? s.traceId,
  ];
}

export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [fmt(header), ...rows.map(fmt)].join('\n');
}

export async function sessionsCommand(ctx: CommandContext, flags: SessionsFlags): Promise<number> {
  const query = {
    since: parseDate(flags.since, '--since'), until: parseDate(flags.until, '--until'),
    cwd: flags.cwd, limit: flags.limit ? Number(flags.limit) : 100,
  };
  const store = openStoreReadonly(ctx);
  try {
    const list = store?.listSessions(query) ?? [];
    const costs = store ? sessionCosts(store, list) : new Map<string, SessionCost>();
    // a session without model calls costs nothing: 0 in JSON, '-' in the table
    const withCost = list.map((s) => ({ ...s, ...(costs.get(s.traceId) ?? { costUsd: 0, unpriced: {}, unpricedCalls: 0, costText: '-' }) }));
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(withCost.map(({ costText: _t, ...rest }) => rest))}\n`);
      return 0;
    }
    if (list.length === 0) {
      ctx.stdout.write('No sessions in the store yet. Run `codex-tracer backfill` (or `watch`) first.\n');
      return 0;
    }
    const header = ['START (UTC)', 'PROJECT', 'TURNS', 'LLM', 'TOOLS', 'IN', 'CACHED', 'OUT', 'COST', 'ERR', 'DURATION', 'SESSION'];
    ctx.stdout.write(`${renderTable(header, withCost.map(row))}\n`);
    return 0;
  } finally {
    store?.close();
  }
}
