import type { Writable } from 'node:stream';
import { BraintrustSink, braintrustConfigFromEnv, type BraintrustOverrides } from './braintrust.js';
import { JsonlSink } from './jsonl.js';
import { OtlpSink, otlpConfigFromEnv, type OtlpOverrides } from './otlp.js';
import { SinkError, type Sink } from './sink.js';

export { SinkError, type Sink, type SinkStatus } from './sink.js';
export { OtlpSink, otlpConfigFromEnv, describeOtlpConfig, type OtlpConfig, type OtlpOverrides } from './otlp.js';
export { BraintrustSink, braintrustConfigFromEnv, type BraintrustConfig, type BraintrustOverrides } from './braintrust.js';
export { JsonlSink, type JsonlOptions } from './jsonl.js';

/** Sinks this factory builds. The local SQLite sink ('local') joins here: add it to the union and to the switch. */
export type SinkName = 'otlp' | 'braintrust' | 'jsonl';

export const SINK_NAMES: readonly SinkName[] = ['otlp', 'braintrust', 'jsonl'];

/** Flag values from the CLI; each sink reads its own part, the environment fills the rest. */
export interface CreateSinkOptions {
  /** jsonl: append to this file instead of stdout (`--out FILE`) */
  out?: string;
  /** jsonl: write to this stream instead of stdout */
  stream?: Writable;
  otlp?: OtlpOverrides;
  braintrust?: BraintrustOverrides;
}

type Env = Record<string, string | undefined>;

/**
 * Build a sink by name. Configuration errors (gRPC asked for, no Braintrust key,
 * bad metadata JSON) throw a SinkError with transient=false before anything is read.
 */
export function createSink(name: SinkName, opts: CreateSinkOptions = {}, env: Env = process.env): Sink {
  switch (name) {
    case 'otlp':
      return new OtlpSink(otlpConfigFromEnv(env, opts.otlp));
    case 'braintrust':
      return new BraintrustSink(braintrustConfigFromEnv(env, opts.braintrust));
    case 'jsonl':
      return new JsonlSink({ ...(opts.out ? { out: opts.out } : {}), ...(opts.stream ? { stream: opts.stream } : {}) });
    // case 'local': the SQLite store's sink goes here.
    default:
      throw new SinkError(String(name), `unknown sink "${String(name)}": use ${SINK_NAMES.join(', ')}`, false);
  }
}
