/**
 * A sink whose module is imported when the sink is made, not when the CLI starts: the
 * OTLP sink pulls in OpenTelemetry (~150 ms of module loading), which a run with only
 * the local store never needs. The caller checks the configuration first (so its
 * errors still throw before anything is read); writes wait for the import.
 */
import type { SpanEffect } from '../trace/effects.js';
import type { Sink, SinkStatus } from './sink.js';

export class LazySink implements Sink {
  private sink?: Sink;
  private readonly loading: Promise<Sink>;

  constructor(
    readonly name: string,
    load: () => Promise<Sink>,
  ) {
    this.loading = load().then((s) => (this.sink = s));
    this.loading.catch(() => undefined); // reported by the first write, flush or close
  }

  /** The sink itself, once its module is loaded. */
  load(): Promise<Sink> {
    return this.loading;
  }

  async write(batch: readonly SpanEffect[]): Promise<void> {
    await (await this.loading).write(batch);
  }

  async flush(): Promise<void> {
    await (await this.loading).flush();
  }

  async close(): Promise<void> {
    await (await this.loading).close();
  }

  status(): SinkStatus {
    return this.sink?.status?.() ?? { name: this.name, state: 'ok', delivered: 0, pending: 0 };
  }
}
