/** Turning the command's config into sinks, the store and a Delivery. */
import { Delivery } from '../pipeline/delivery.js';
import { braintrustConfigFromEnv, commitsCursors, createSink, describeOtlpEndpoint, otlpConfigFromEnv, resolveOtlpEndpoint } from '../sinks/index.js';
import type { Sink } from '../sinks/sink.js';
import { dbPathIn, MemoryCursors, SinkCursorGroup, StoreCursors, TraceStore, type CursorStore } from '../store/index.js';
import type { Config, SinkFlags } from './config.js';
import type { CommandContext } from './context.js';
import { probeOtlp } from './probe.js';
import { monitorSinks, type MonitoredSink, type SinkMonitor } from './sink-monitor.js';

export interface Outputs {
  sinks: Sink[];
  store?: TraceStore;
  /** the first lane's delivery (with one sink, the only one) */
  delivery: Delivery;
  /** one per lane: a single Delivery for one sink; with several, one per sink, each with its own cursors (sink-lanes.ts) */
  deliveries: Delivery[];
  names: string[];
  /** each sink with where it delivers; watched for failures while the command runs */
  monitored: MonitoredSink[];
  monitor: SinkMonitor;
}

/** Where a sink delivers, as `status`, `doctor` and failure reports show it. */
function monitored(sink: Sink, config: Config, env: NodeJS.ProcessEnv): MonitoredSink {
  const { sinkOptions } = config;
  switch (sink.name) {
    case 'otlp': {
      const otlp = otlpConfigFromEnv(env, sinkOptions.otlp);
      return { sink, endpoint: describeOtlpEndpoint(resolveOtlpEndpoint(env, sinkOptions.otlp?.endpoint)), probe: () => probeOtlp(otlp, 3000) };
    }
    case 'braintrust':
      return { sink, endpoint: braintrustConfigFromEnv(env, sinkOptions.braintrust).apiUrl };
    case 'jsonl':
      return { sink, endpoint: sinkOptions.out ?? 'stdout' };
    default:
      return { sink, endpoint: dbPathIn(config.stateDir) };
  }
}

/**
 * Builds the configured sinks (default: the local store). Cursors live in the local
 * store when there is one (`useCursors`), otherwise in memory for this run.
 */
export function buildOutputs(ctx: CommandContext, useCursors: boolean, opts: { writerThread?: boolean } = {}): Outputs {
  const { sinks: names, sinkOptions, stateDir } = ctx.config;
  let store: TraceStore | undefined;
  const needStore = names.includes('local') || useCursors;
  if (needStore) store = TraceStore.open({ stateDir });
  const localOnly = useCursors && names.length === 1 && names[0] === 'local';
  const sinks: Sink[] = names.map((n) =>
    createSink(
      n,
      {
        ...sinkOptions,
        local: { store: store as TraceStore, writerThread: localOnly && opts.writerThread },
        onRepair: (info) => ctx.log.warn('cut a torn last line (a write cut short) from the --out file before appending', info),
      },
      ctx.env,
    ),
  );
  const deliveries = laneDeliveries(sinks, useCursors ? store : undefined);
  const watched = sinks.map((s) => monitored(s, ctx.config, ctx.env));
  return { sinks, store, delivery: deliveries[0] as Delivery, deliveries, names, monitored: watched, monitor: monitorSinks(watched, ctx.log) };
}

/**
 * One sink: one Delivery, whose cursors the local sink keeps when it is that sink (spans and
 * cursor in one transaction). Several: a Delivery per sink, each with its own cursors, the
 * local store's lane first; cursors in the store when there is one (`store`), else in memory.
 */
function laneDeliveries(sinks: Sink[], store: TraceStore | undefined): Delivery[] {
  if (sinks.length <= 1) {
    const holder = sinks.find(commitsCursors);
    const cursors: CursorStore = !store ? new MemoryCursors() : (holder?.cursors ?? new StoreCursors(store));
    return [new Delivery(sinks, cursors)];
  }
  const ordered = [...sinks.filter((s) => s.name === 'local'), ...sinks.filter((s) => s.name !== 'local')];
  const names = ordered.map((s) => s.name);
  const group = store ? new SinkCursorGroup(store, names) : undefined;
  return ordered.map((s) => new Delivery([s], group ? group.cursors(s.name) : new MemoryCursors()));
}

/** True when a jsonl sink writes its spans to stdout: then nothing else may go there. */
export function stdoutIsData(flags: SinkFlags): boolean {
  return (flags.sink ?? []).includes('jsonl') && !flags.out;
}

/** A command that gives up (its deadline passed): nothing more is awaited; the process exits. */
export function abandonOutputs(o: Outputs): void {
  o.monitor.stop();
  for (const d of o.deliveries) void d.close().catch(() => undefined);
}

export async function closeOutputs(o: Outputs): Promise<void> {
  o.monitor.stop();
  await Promise.all(o.deliveries.map((d) => d.close().catch(() => undefined)));
  o.store?.close();
}
