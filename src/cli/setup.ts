/** Turning flags into sinks, the store and a Delivery; resolving CODEX_HOME and durations. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Delivery, MemoryCursors, StoreCursors } from '../pipeline/delivery.js';
import { createSink, type SinkName } from '../sinks/index.js';
import { LocalSink } from '../sinks/local.js';
import type { Sink } from '../sinks/sink.js';
import { resolveStateDir, TraceStore } from '../store/index.js';
import { UsageError, type CommandContext } from './context.js';

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

export function parseDate(text: string | undefined, flag: string): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(/^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00` : text);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag}: "${text}" is not a date (YYYY-MM-DD or ISO-8601)`);
  return d;
}

export interface Outputs {
  sinks: Sink[];
  store?: TraceStore;
  delivery: Delivery;
  names: string[];
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
  const sinks: Sink[] = names.map((n) => {
    if (n === 'local') return new LocalSink({ store: store as TraceStore }, {}, { writerThread: localOnly && opts.writerThread });
    return createSink(n as SinkName, {
      out: flags.out,
      onRepair: (info) => ctx.log.warn('cut a torn last line (a write cut short) from the --out file before appending', info),
      otlp: { ...(flags.otlpEndpoint ? { endpoint: flags.otlpEndpoint } : {}), ...(flags.otlpProtocol ? { protocol: flags.otlpProtocol } : {}) },
      braintrust: flags.braintrustProject ? { project: flags.braintrustProject } : {},
    }, ctx.env);
  });
  const cursors = useCursors && store ? new StoreCursors(store) : new MemoryCursors();
  const atomic = localOnly && sinks[0] instanceof LocalSink ? sinks[0] : undefined;
  return { sinks, store, delivery: new Delivery(sinks, cursors, atomic), names };
}

export async function closeOutputs(o: Outputs): Promise<void> {
  await o.delivery.close().catch(() => undefined);
  o.store?.close();
}
