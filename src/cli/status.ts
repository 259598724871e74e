/** `codex-tracer status`: where it reads, where it writes, cursors and lag, the watcher, sink configuration. */
import { existsSync } from 'node:fs';
import { discover } from '../source/index.js';
import { dbPathIn, TraceStore, watchLockHolder, type Cursor } from '../store/index.js';
import { maskUrl } from '../content/url.js';
import { describeOtlpConfig, describeOtlpEndpoint, otlpConfigFromEnv, resolveOtlpEndpoint } from '../sinks/index.js';
import type { CommandContext } from './context.js';
import { readStatus, type WatchStatus } from './watch-status.js';

export interface StatusFlags {
  json?: boolean;
}

export interface StatusReport {
  codexHome: string;
  codexHomeExists: boolean;
  stateDir: string;
  store: { path: string; exists: boolean; error?: string; spans?: number; sessions?: number; openSpans?: number; cursors?: number; dbBytes?: number };
  watcher: { running: boolean; pid?: number; status?: WatchStatus };
  files: { discovered: number; traced: number; behind: number; lagBytes: number; notFinalized: number };
  behind: { path: string; lagBytes: number }[];
  /** with several sinks, how far each one is behind on its own (its own cursors; see SinkCursorGroup) */
  sinkLag: { sink: string; behind: number; lagBytes: number }[];
  sinks: { otlp?: string; otlpEndpoint?: { url: string; origin: string; configured: boolean }; braintrust?: string };
  warnings: string[];
}

function watcherState(stateDir: string): StatusReport['watcher'] {
  const holder = watchLockHolder(stateDir);
  if (holder === undefined) return { running: false };
  if (holder.pid === null) return { running: true };
  const status = readStatus(stateDir);
  return status && status.pid === holder.pid ? { running: true, pid: holder.pid, status } : { running: true, pid: holder.pid };
}

function sinkConfig(env: NodeJS.ProcessEnv): StatusReport['sinks'] {
  const out: StatusReport['sinks'] = {};
  try {
    const endpoint = resolveOtlpEndpoint(env);
    out.otlpEndpoint = { url: maskUrl(endpoint.url), origin: endpoint.origin, configured: endpoint.origin !== 'default' };
    out.otlp =
      endpoint.origin === 'default'
        ? `not configured: --sink otlp would send to ${describeOtlpEndpoint(endpoint)}`
        : `${describeOtlpConfig(otlpConfigFromEnv(env))} (endpoint from ${endpoint.origin})`;
  } catch (err) {
    out.otlp = `misconfigured: ${(err as Error).message}`;
  }
  if (env.BRAINTRUST_API_KEY)
    out.braintrust = `project ${env.BRAINTRUST_PROJECT ?? 'codex'} at ${env.BRAINTRUST_API_URL ?? 'https://api.braintrust.dev'} (key set)`;
  return out;
}

export async function buildStatus(ctx: CommandContext): Promise<StatusReport> {
  const { codexHome, stateDir } = ctx.config;
  const dbPath = dbPathIn(stateDir);
  const report: StatusReport = {
    codexHome,
    codexHomeExists: existsSync(codexHome),
    stateDir,
    store: { path: dbPath, exists: existsSync(dbPath) },
    watcher: watcherState(stateDir),
    files: { discovered: 0, traced: 0, behind: 0, lagBytes: 0, notFinalized: 0 },
    behind: [],
    sinkLag: [],
    sinks: sinkConfig(ctx.env),
    warnings: [],
  };
  const found = report.codexHomeExists ? await discover(codexHome).catch(() => ({ files: [], warnings: [] })) : { files: [], warnings: [] };
  report.files.discovered = found.files.length;
  report.warnings = found.warnings.map((w) => `${w.path}: ${w.reason}`);
  if (!report.store.exists) return report;
  let store: TraceStore;
  try {
    store = TraceStore.open({ stateDir }, { readonly: true });
  } catch (err) {
    // a damaged store is something to report, not a reason to show nothing else
    report.store.error = (err as Error).message;
    return report;
  }
  try {
    const st = store.stats();
    Object.assign(report.store, { spans: st.spans, sessions: st.sessions, openSpans: st.openSpans, cursors: st.cursors, dbBytes: st.dbBytes });
    const cursors = new Map(store.getAllCursors().map((c) => [c.path, c]));
    for (const f of found.files) {
      const c = cursors.get(f.path);
      if (c) report.files.traced++;
      if (c && !c.finalized) report.files.notFinalized++;
      const lag = f.size - (c?.committedOffset ?? 0);
      if (lag > 0) {
        report.files.behind++;
        report.files.lagBytes += lag;
        report.behind.push({ path: f.path, lagBytes: lag });
      }
    }
    report.behind.sort((a, b) => b.lagBytes - a.lagBytes);
    report.behind = report.behind.slice(0, 20);
    report.sinkLag = sinkLag(store, cursors, found.files);
  } finally {
    store.close();
  }
  return report;
}

/** Per sink with cursors of its own: the bytes of the found files it has not acknowledged (its own cursor, else the shared one). */
function sinkLag(store: TraceStore, shared: Map<string, Cursor>, files: readonly { path: string; size: number }[]): StatusReport['sinkLag'] {
  return store.cursorSinks().map((sink) => {
    const own = new Map(store.getAllCursors(sink).map((c) => [c.path, c]));
    const lag = { sink, behind: 0, lagBytes: 0 };
    for (const f of files) {
      const behind = f.size - ((own.get(f.path) ?? shared.get(f.path))?.committedOffset ?? 0);
      if (behind <= 0) continue;
      lag.behind++;
      lag.lagBytes += behind;
    }
    return lag;
  });
}

function storeLine(s: StatusReport['store']): string {
  if (!s.exists) return '  (not created yet)';
  if (s.error !== undefined) return `  (cannot be read: ${s.error})`;
  return `  (${s.sessions} sessions, ${s.spans} spans, ${s.openSpans} open, ${((s.dbBytes ?? 0) / 1e6).toFixed(1)} MB)`;
}

function watchLimitLine(s: WatchStatus | undefined): string[] {
  const d = s?.watchLimit;
  if (!d) return [];
  return [
    `degraded:    out of inotify watches (limit ${d.limit ?? '?'}): ${d.polledFiles} files and ${d.polledFolders} folders are polled instead; raise it: ${d.fix}`,
  ];
}

function watcherLine(s: WatchStatus | undefined): string {
  if (!s) return '';
  return `, ${s.caughtUp ? 'caught up' : 'catching up'}, ${s.files.open} open sessions, ${s.files.waitingOnDelivery} files waiting on delivery, ${s.spansDelivered} spans delivered since ${s.startedAt}`;
}

export async function statusCommand(ctx: CommandContext, flags: StatusFlags): Promise<number> {
  const r = await buildStatus(ctx);
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  }
  const lines = [
    `codex home:  ${r.codexHome}${r.codexHomeExists ? '' : '  (does not exist)'}`,
    `state dir:   ${r.stateDir}`,
    `store:       ${r.store.path}${storeLine(r.store)}`,
    `watcher:     ${r.watcher.running ? `running (pid ${r.watcher.pid})${watcherLine(r.watcher.status)}` : 'not running'}`,
    ...watchLimitLine(r.watcher.status),
    ...(r.watcher.status?.sinks ?? []).map(
      (s) => `  sink ${s.name}: ${s.state}, ${s.delivered} delivered, ${s.pending} pending${s.lastError ? `, last error: ${s.lastError}` : ''}`,
    ),
    ...(r.watcher.status?.recentErrors ?? []).slice(-5).map((e) => `  ${e.time} ${e.level}: ${e.msg}${e.detail ? ` (${e.detail})` : ''}`),
    `files:       ${r.files.discovered} found, ${r.files.traced} traced, ${r.files.behind} behind (${r.files.lagBytes} bytes), ${r.files.notFinalized} sessions still open`,
    ...(r.sinkLag.length > 0 ? [`by sink:     ${r.sinkLag.map((l) => `${l.sink} ${l.behind} behind (${l.lagBytes} bytes)`).join(', ')}`] : []),
    `sink otlp:   ${r.sinks.otlp ?? 'not configured (OTEL_EXPORTER_OTLP_ENDPOINT)'}`,
    `sink braintrust: ${r.sinks.braintrust ?? 'not configured (BRAINTRUST_API_KEY)'}`,
    ...r.behind.slice(0, 5).map((b) => `  behind: ${b.path} (${b.lagBytes} bytes)`),
    ...r.warnings.slice(0, 5).map((w) => `  warning: ${w}`),
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
