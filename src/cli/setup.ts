/** Turning flags into sinks, the store and a Delivery; resolving CODEX_HOME and durations. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Delivery, MemoryCursors, StoreCursors } from '../pipeline/delivery.js';
import { braintrustConfigFromEnv, createSink, describeOtlpEndpoint, otlpConfigFromEnv, resolveOtlpEndpoint, type OtlpOverrides, type SinkName } from '../sinks/index.js';
import { LocalSink } from '../sinks/local.js';
import type { Sink } from '../sinks/sink.js';
import { dbPathIn, resolveStateDir, TraceStore } from '../store/index.js';
import { UsageError, type CommandContext } from './context.js';
import { probeOtlp } from './probe.js';
import { monitorSinks, type MonitoredSink, type SinkMonitor } from './sink-monitor.js';

export interface SinkFlags {
  sink?: string[];
  out?: string;
  stateDir?: string;
  otlpEndpoint?: string;
  otlpProtocol?: string;
  braintrustProject?: string;
}

export const ALL_SINKS = ['local', 'otlp', 'braintrust', 'jsonl'] as const;

export function resolveCodexHome(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env.CODEX_HOME ?? join(homedir(), '.codex'));
}

/** `30m`, `90s`, `2h`, `500ms`, or plain milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 30m, 90s, 2h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms'] as number;
  return Number(m[1]) * unit;
}

/** A whole number of at least `min`: `--limit 20`, `--concurrency 8`, `--depth 2`. */
export function parseCount(text: string | undefined, flag: string, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw new UsageError(`${flag}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}, got "${text}"`);
  return Number(text);
}

const DAY_MS = 86_400_000;

/**
 * `--since` / `--until`, the same in every command: an ISO date or instant (`2026-11-25`,
 * `2026-11-25T14:00`, `2026-11-25T14:00:00Z`), `today`, `yesterday`, or an age (`7d`, `12h`,
 * `30m`: that long ago). A bare day is local time and whole: `--since D` from its start,
 * `--until D` through its end (sessions that started before the next day). An instant is
 * exact (`--until` excludes it). Slashed forms (`11/25/2026`) are refused: month and day
 * order is ambiguous.
 */
export function parseDate(text: string | undefined, flag: string, edge: 'since' | 'until' = flag === '--until' ? 'until' : 'since', now = new Date()): Date | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  const wholeDay = (day: Date): Date => new Date(day.getFullYear(), day.getMonth(), day.getDate() + (edge === 'until' ? 1 : 0));
  if (t === 'today') return wholeDay(now);
  if (t === 'yesterday') return wholeDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  const age = /^(\d+(?:\.\d+)?)(m|h|d|w)$/.exec(t);
  if (age) return new Date(now.getTime() - Number(age[1]) * { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[age[2] as 'm' | 'h' | 'd' | 'w']);
  const bad = (): UsageError => new UsageError(`${flag}: "${text}" is not a date: use YYYY-MM-DD, an ISO-8601 time (2026-11-25T14:00Z), today, yesterday, or an age like 7d or 12h`);
  if (/^\d{4}-\d\d-\d\d$/.test(t)) {
    const [y, m, d] = t.split('-').map(Number) as [number, number, number];
    const day = new Date(y, m - 1, d);
    if (day.getMonth() !== m - 1 || day.getDate() !== d) throw bad();
    return wholeDay(day);
  }
  if (!/^\d{4}-\d\d-\d\dt\d\d:\d\d(:\d\d(\.\d+)?)?(z|[+-]\d\d:?\d\d)?$/.test(t)) throw bad();
  const d = new Date(text.trim());
  if (Number.isNaN(d.getTime())) throw bad();
  return d;
}

/** The day folders backfill walks for a range: `--until`'s instant is exclusive, the folder of its last moment is in. */
export function dayRange(since: Date | undefined, until: Date | undefined): { since?: Date; until?: Date } {
  return { ...(since ? { since } : {}), ...(until ? { until: new Date(until.getTime() - 1) } : {}) };
}

export interface Outputs {
  sinks: Sink[];
  store?: TraceStore;
  delivery: Delivery;
  names: string[];
  /** each sink with where it delivers; watched for failures while the command runs */
  monitored: MonitoredSink[];
  monitor: SinkMonitor;
}

/** Where a sink delivers, as `status`, `doctor` and failure reports show it. */
function monitored(sink: Sink, flags: SinkFlags, env: NodeJS.ProcessEnv, stateDir: string, otlp: OtlpOverrides): MonitoredSink {
  switch (sink.name) {
    case 'otlp': {
      const config = otlpConfigFromEnv(env, otlp);
      return { sink, endpoint: describeOtlpEndpoint(resolveOtlpEndpoint(env, flags.otlpEndpoint)), probe: () => probeOtlp(config, 3000) };
    }
    case 'braintrust':
      return { sink, endpoint: braintrustConfigFromEnv(env, flags.braintrustProject ? { project: flags.braintrustProject } : {}).apiUrl };
    case 'jsonl':
      return { sink, endpoint: flags.out ?? 'stdout' };
    default:
      return { sink, endpoint: dbPathIn(stateDir) };
  }
}

/**
 * Builds the configured sinks (default: the local store). Cursors live in the local
 * store when there is one (`useCursors`), otherwise in memory for this run.
 */
export function buildOutputs(ctx: CommandContext, flags: SinkFlags, useCursors: boolean, opts: { writerThread?: boolean } = {}): Outputs {
  const names = [...new Set(flags.sink && flags.sink.length > 0 ? flags.sink : ['local'])];
  for (const n of names) {
    if (!(ALL_SINKS as readonly string[]).includes(n)) throw new UsageError(`--sink: unknown sink "${n}" (use ${ALL_SINKS.join(', ')})`);
  }
  const stateDir = resolveStateDir(flags.stateDir, ctx.env);
  let store: TraceStore | undefined;
  const needStore = names.includes('local') || useCursors;
  if (needStore) store = TraceStore.open({ stateDir });
  const localOnly = useCursors && names.length === 1 && names[0] === 'local';
  const otlp: OtlpOverrides = { ...(flags.otlpEndpoint ? { endpoint: flags.otlpEndpoint } : {}), ...(flags.otlpProtocol ? { protocol: flags.otlpProtocol } : {}) };
  const sinks: Sink[] = names.map((n) => {
    if (n === 'local') return new LocalSink({ store: store as TraceStore }, {}, { writerThread: localOnly && opts.writerThread });
    return createSink(n as SinkName, { out: flags.out, otlp, braintrust: flags.braintrustProject ? { project: flags.braintrustProject } : {} }, ctx.env);
  });
  const cursors = useCursors && store ? new StoreCursors(store) : new MemoryCursors();
  const atomic = localOnly && sinks[0] instanceof LocalSink ? sinks[0] : undefined;
  const watched = sinks.map((s) => monitored(s, flags, ctx.env, stateDir, otlp));
  return { sinks, store, delivery: new Delivery(sinks, cursors, atomic), names, monitored: watched, monitor: monitorSinks(watched, ctx.log) };
}

/** True when a jsonl sink writes its spans to stdout: then nothing else may go there. */
export function stdoutIsData(flags: SinkFlags): boolean {
  return (flags.sink ?? []).includes('jsonl') && !flags.out;
}

/** A command that gives up (its deadline passed): nothing more is awaited; the process exits. */
export function abandonOutputs(o: Outputs): void {
  o.monitor.stop();
  void o.delivery.close().catch(() => undefined);
}

export async function closeOutputs(o: Outputs): Promise<void> {
  o.monitor.stop();
  await o.delivery.close().catch(() => undefined);
  o.store?.close();
}
