/**
 * `report limits`: which sessions used how much of the 5-hour and weekly windows, from the
 * rate-limit snapshots Codex recorded in the rollouts (`token_count.rate_limits`). A session's use
 * of a window is how far its used percentage moved between the session's first and last snapshot
 * in that window (other sessions running at the same time move it too).
 */
import { CodexHomeMissing, discover, readLines, readZstLines } from '../source/index.js';
import { decideRateLimitLine, RateLimitScanner, type RateLimitWindow } from '../rollout/rate-limits.js';
import type { CommandContext } from './context.js';
import { UsageError } from './context.js';
import { localDateTime, localDay, resolveTimeZone, type ReportFlags } from './report-groups.js';
import { renderTable } from './sessions.js';

export interface WindowUse {
  threadId: string;
  cwd?: string;
  fromPercent: number;
  toPercent: number;
  firstSeen: string;
  lastSeen: string;
}

export interface LimitWindow {
  limitId: string;
  /** primary (the short window) or secondary (the long one) */
  slot: 'primary' | 'secondary';
  windowMinutes?: number;
  resetsAt?: string;
  /** the highest used percentage any snapshot of this window showed */
  peakPercent: number;
  sessions: WindowUse[];
}

type Slot = LimitWindow['slot'];

function windowKey(limitId: string, slot: Slot, w: RateLimitWindow): string {
  // resets_at can move by a second between snapshots of one window
  return `${limitId}\u001f${slot}\u001f${w.windowMinutes ?? ''}\u001f${w.resetsAt === undefined ? '' : Math.round(w.resetsAt / 60)}`;
}

export function windowName(w: Pick<LimitWindow, 'slot' | 'windowMinutes'>): string {
  if (w.windowMinutes === 300) return '5-hour';
  if (w.windowMinutes === 10_080) return 'weekly';
  return w.windowMinutes === undefined ? w.slot : `${w.windowMinutes}-minute`;
}

/** Collects the windows of every rollout under `codexHome` (.jsonl and .jsonl.zst; TS-era .json documents predate rate limits). */
export async function collectWindows(
  codexHome: string,
  inRange: (iso: string) => boolean,
): Promise<{ windows: LimitWindow[]; files: number; skipped: number }> {
  const found = await discover(codexHome, { sync: true });
  const windows = new Map<string, LimitWindow>();
  let skipped = 0;
  for (const f of found.files) {
    if (f.kind === 'json') {
      skipped++;
      continue;
    }
    const scan = new RateLimitScanner();
    const read = f.kind === 'zst' ? readZstLines : readLines;
    for await (const line of read(f.path, 0, { decide: decideRateLimitLine })) {
      if (!('text' in line)) continue;
      const s = scan.push(line.text);
      if (!s || !inRange(s.time)) continue;
      for (const slot of ['primary', 'secondary'] as const) {
        const w = s[slot];
        if (!w) continue;
        const key = windowKey(s.limitId ?? 'codex', slot, w);
        let lw = windows.get(key);
        if (!lw) {
          lw = {
            limitId: s.limitId ?? 'codex',
            slot,
            windowMinutes: w.windowMinutes,
            resetsAt: w.resetsAt === undefined ? undefined : new Date(w.resetsAt * 1000).toISOString(),
            peakPercent: 0,
            sessions: [],
          };
          windows.set(key, lw);
        }
        lw.peakPercent = Math.max(lw.peakPercent, w.usedPercent);
        const id = scan.threadId ?? f.threadId ?? f.path;
        const use = lw.sessions.find((u) => u.threadId === id);
        if (!use) lw.sessions.push({ threadId: id, cwd: scan.cwd, fromPercent: w.usedPercent, toPercent: w.usedPercent, firstSeen: s.time, lastSeen: s.time });
        else if (s.time >= use.lastSeen) Object.assign(use, { toPercent: w.usedPercent, lastSeen: s.time });
      }
    }
  }
  const list = [...windows.values()].sort((a, b) => (a.resetsAt ?? '').localeCompare(b.resetsAt ?? '') || a.slot.localeCompare(b.slot));
  for (const w of list) w.sessions.sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));
  return { windows: list, files: found.files.length, skipped };
}

function renderWindows(windows: LimitWindow[], tz: string): string {
  const out: string[] = [];
  for (const w of windows) {
    const resets = w.resetsAt ? `, resets ${localDateTime(w.resetsAt, tz)}` : '';
    out.push(`${windowName(w)} window (${w.limitId}${resets}): peak ${w.peakPercent}% used`);
    const rows = w.sessions.map((u) => [
      u.threadId,
      u.cwd ?? '-',
      `${u.fromPercent}%`,
      `${u.toPercent}%`,
      `+${Math.round((u.toPercent - u.fromPercent) * 10) / 10}`,
      localDateTime(u.firstSeen, tz),
      localDateTime(u.lastSeen, tz),
    ]);
    out.push(
      renderTable(
        ['  SESSION', 'PROJECT', 'FROM', 'TO', 'USED', 'FIRST', 'LAST'],
        rows.map((r) => [`  ${r[0]}`, ...r.slice(1)]),
      ),
      '',
    );
  }
  out.push(`Times in ${tz}. USED: how far the window's used percentage moved between the session's first and last snapshot.`);
  return out.join('\n');
}

export async function limitsCommand(ctx: CommandContext, flags: ReportFlags): Promise<number> {
  const tz = resolveTimeZone(flags.tz);
  const since = localDay(flags.since, '--since', tz);
  const until = localDay(flags.until, '--until', tz);
  const inRange = (iso: string): boolean => {
    const d = localDateTime(iso, tz).slice(0, 10);
    return !(since && d < since) && !(until && d > until);
  };
  let found: Awaited<ReturnType<typeof collectWindows>>;
  try {
    found = await collectWindows(ctx.config.codexHome, inRange);
  } catch (err) {
    if (err instanceof CodexHomeMissing) throw new UsageError(err.message);
    throw err;
  }
  const { windows, skipped } = found;
  if (skipped > 0) ctx.log.info('rate limits: TS-era .json rollouts hold none and are not read', { files: skipped });
  if (flags.json) ctx.stdout.write(`${JSON.stringify({ timezone: tz, windows })}\n`);
  else if (windows.length === 0)
    ctx.stdout.write('No rate-limit snapshots recorded in these rollouts (Codex writes them with token counts when signed in with ChatGPT).\n');
  else ctx.stdout.write(`${renderWindows(windows, tz)}\n`);
  return 0;
}
