/** Turning the command's config into sinks, the store and a Delivery. */
import { Delivery } from '../pipeline/delivery.js';
import { commitsCursors, createSink } from '../sinks/index.js';
import type { Sink } from '../sinks/sink.js';
import { MemoryCursors, StoreCursors, TraceStore, type CursorStore } from '../store/index.js';
import type { CommandContext } from './context.js';

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
export function buildOutputs(ctx: CommandContext, useCursors: boolean, opts: { writerThread?: boolean } = {}): Outputs {
  const { sinks: names, sinkOptions, stateDir } = ctx.config;
  let store: TraceStore | undefined;
  const needStore = names.includes('local') || useCursors;
  if (needStore) store = TraceStore.open({ stateDir });
  const localOnly = useCursors && names.length === 1 && names[0] === 'local';
  const sinks: Sink[] = names.map((n) => createSink(n, {
    ...sinkOptions,
    local: { store: store as TraceStore, writerThread: localOnly && opts.writerThread },
    onRepair: (info) => ctx.log.warn('cut a torn last line (a write cut short) from the --out file before appending', info),
  }, ctx.env));
  // the local sink keeps the cursors it commits with its spans (one transaction when it is the only sink)
  const holder = sinks.find(commitsCursors);
  const cursors: CursorStore = !useCursors || !store ? new MemoryCursors() : (holder?.cursors ?? new StoreCursors(store));
  return { sinks, store, delivery: new Delivery(sinks, cursors), names };
}

export async function closeOutputs(o: Outputs): Promise<void> {
  await o.delivery.close().catch(() => undefined);
  o.store?.close();
}
