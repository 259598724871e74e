/**
 * A sink that keeps spans in memory (as OpenTelemetry's InMemorySpanExporter does):
 * what `show FILE` prints and what tests read. Every effect counts (started and updated
 * ones too, so an open session shows as it is); the last state of each span wins.
 */
import type { SpanEffect } from '../trace/effects.js';
import { fileOrder, type Span } from '../trace/span.js';
import type { Sink, SinkStatus } from './sink.js';

export class MemorySink implements Sink {
  readonly name = 'memory';
  private readonly byId = new Map<string, Span>();

  async write(batch: readonly SpanEffect[]): Promise<void> {
    for (const e of batch) this.byId.set(`${e.span.traceId}/${e.span.spanId}`, e.span);
  }

  /** The spans so far, in a stable order: by trace, start time, file order (`codex.seq`), span id. */
  spans(): Span[] {
    return sortSpans([...this.byId.values()]);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}

  status(): SinkStatus {
    return { name: this.name, state: 'ok', delivered: this.byId.size, pending: 0 };
  }
}

export function sortSpans(spans: Span[]): Span[] {
  return spans.sort((a, b) =>
    a.traceId < b.traceId
      ? -1
      : a.traceId > b.traceId
        ? 1
        : a.startTime < b.startTime
          ? -1
          : a.startTime > b.startTime
            ? 1
            : fileOrder(a, b) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0),
  );
}
