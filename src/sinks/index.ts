/**
 * The sinks by name. The OTLP and Braintrust sinks are imported only when one is made
 * (OpenTelemetry alone is ~150 ms of module loading that a local-only run never needs):
 * import their classes from './otlp/sink.js' and './braintrust/sink.js' directly.
 */
import type { Writable } from 'node:stream';
import { braintrustConfigFromEnv, type BraintrustOverrides } from './braintrust/config.js';
import { JsonlSink, type JsonlOptions } from './jsonl.js';
import { LazySink } from './lazy.js';
import { LocalSink, type LocalSinkExtra, type LocalSinkOptions } from './local.js';
import { otlpConfigFromEnv, type OtlpOverrides } from './otlp/config.js';
import { SinkError, type Sink } from './sink.js';

export { SinkError, commitsCursors, type CursorCommitter, type Sink, type SinkStatus } from './sink.js';
export { LocalSink, type LocalSinkExtra, type LocalSinkOptions } from './local.js';
export { MemorySink, sortSpans } from './memory.js';
export { otlpConfigFromEnv, describeOtlpConfig, describeOtlpEndpoint, resolveOtlpEndpoint, type OtlpConfig, type OtlpOverrides } from './otlp/config.js';
export { braintrustConfigFromEnv, type BraintrustConfig, type BraintrustOverrides } from './braintrust/config.js';
export { JsonlSink, type JsonlOptions } from './jsonl.js';
export { LazySink } from './lazy.js';
export type { OtlpSink } from './otlp/sink.js';
export type { BraintrustSink } from './braintrust/sink.js';

/** The sinks a user can name (`--sink`), the default first. */
export const SINK_NAMES = ['local', 'otlp', 'braintrust', 'jsonl'] as const;

export type SinkName = (typeof SINK_NAMES)[number];

export function isSinkName(name: string): name is SinkName {
  return (SINK_NAMES as readonly string[]).includes(name);
}

/** Flag values from the CLI; each sink reads its own part, the environment fills the rest. */
export interface CreateSinkOptions {
  /** local: the store to write (or where to open it) and whether commits run in a writer thread */
  local?: LocalSinkOptions & LocalSinkExtra;
  /** jsonl: append to this file instead of stdout (`--out FILE`) */
  out?: string;
  /** jsonl: told when a torn last line was cut from `out` */
  onRepair?: JsonlOptions['onRepair'];
  /** jsonl: write to this stream instead of stdout */
  stream?: Writable;
  otlp?: OtlpOverrides;
  braintrust?: BraintrustOverrides;
}

type Env = Record<string, string | undefined>;

/**
 * Build a sink by name. Configuration errors (gRPC asked for, no Braintrust key,
 * bad metadata JSON) throw a SinkError with transient=false before anything is read.
 * 'otlp' and 'braintrust' are LazySinks: their module is imported now, in the
 * background, and writes wait for it (`LazySink.load()` gives the sink itself).
 */
export function createSink(name: SinkName, opts: CreateSinkOptions = {}, env: Env = process.env): Sink {
  switch (name) {
    case 'otlp': {
      const config = otlpConfigFromEnv(env, opts.otlp);
      return new LazySink(name, async () => new (await import('./otlp/sink.js')).OtlpSink(config));
    }
    case 'braintrust': {
      const config = braintrustConfigFromEnv(env, opts.braintrust);
      return new LazySink(name, async () => new (await import('./braintrust/sink.js')).BraintrustSink(config));
    }
    case 'jsonl':
      return new JsonlSink({
        ...(opts.out ? { out: opts.out } : {}),
        ...(opts.stream ? { stream: opts.stream } : {}),
        ...(opts.onRepair ? { onRepair: opts.onRepair } : {}),
      });
    case 'local': {
      if (!opts.local) throw new SinkError(name, 'no store given for the local sink', false);
      const { writerThread, ...where } = opts.local;
      return new LocalSink(where as LocalSinkOptions, {}, { writerThread });
    }
    default:
      throw new SinkError(String(name), `unknown sink "${String(name)}": use ${SINK_NAMES.join(', ')}`, false);
  }
}
