import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanEffect } from '../../trace/effects.js';
import { BatchQueue, DeliveryStatus } from '../batch-queue.js';
import { otlpConfigFromEnv, type OtlpConfig } from './config.js';
import { toReadableSpan } from './map.js';
import { shortMessage, toSinkError } from '../retry.js';
import { SinkError, type Sink, type SinkStatus } from '../sink.js';
import { TraceRoots } from '../trace-roots.js';

export { otlpConfigFromEnv, describeOtlpConfig, describeOtlpEndpoint, resolveOtlpEndpoint, type OtlpConfig, type OtlpOverrides } from './config.js';

const NAME = 'otlp';

interface SpanExporterLike {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

type ExporterOptions = NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>;

function createExporter(c: OtlpConfig): SpanExporterLike {
  const options: ExporterOptions = {
    url: c.url,
    headers: { ...c.headers },
    timeoutMillis: c.timeoutMillis,
    // the exporter's CompressionAlgorithm enum has exactly these string values
    compression: c.compression as ExporterOptions['compression'],
  };
  return c.protocol === 'http/json' ? new JsonExporter(options) : new ProtoExporter(options);
}

/**
 * The exporter already retries 429/502/503/504 and honours Retry-After within its
 * timeout; what reaches us is final for that call. An HTTP error carries `code` and
 * the server's body (`data`): 4xx other than 408/429 is a configuration error.
 */
export function exportError(result: ExportResult): SinkError {
  const err = result.error as (Error & { code?: unknown; data?: unknown }) | undefined;
  if (!err) return new SinkError(NAME, 'export failed', true);
  const code = typeof err.code === 'number' ? err.code : undefined;
  if (code === undefined) return toSinkError(NAME, err);
  const body = typeof err.data === 'string' && err.data ? err.data : err.message;
  const transient = code === 408 || code === 429 || code >= 500;
  return new SinkError(NAME, `HTTP ${code}: ${shortMessage(body ?? '')}`, transient);
}

/**
 * OTLP/HTTP sink: each span is sent once, when it ends (`span_ended`, not a
 * repeat). Encoding and transport are the official OpenTelemetry exporters
 * (protobuf by default, JSON on request); batching, backpressure and the longer
 * retry are ours.
 */
export class OtlpSink implements Sink {
  readonly name = NAME;
  readonly config: OtlpConfig;
  private readonly exporter: SpanExporterLike;
  private readonly resource: Resource;
  private readonly roots = new TraceRoots();
  private readonly queue: BatchQueue<ReadableSpan>;
  private readonly delivery: DeliveryStatus;

  constructor(config: OtlpConfig = otlpConfigFromEnv()) {
    this.config = config;
    this.exporter = createExporter(config);
    this.resource = resourceFromAttributes(config.resource);
    this.queue = new BatchQueue<ReadableSpan>({
      maxPerSend: config.maxSpansPerRequest,
      maxQueued: config.maxQueuedSpans,
      send: (spans) => this.delivery.deliver(spans.length, () => this.exportOnce(spans), config.retry),
    });
    this.delivery = new DeliveryStatus(NAME, () => this.queue.pending);
  }

  async write(batch: readonly SpanEffect[]): Promise<void> {
    const spans: ReadableSpan[] = [];
    for (const effect of batch) this.roots.observe(effect.span);
    for (const effect of batch) {
      if (effect.type !== 'span_ended' || effect.repeat) continue;
      try {
        spans.push(toReadableSpan(effect.span, this.resource, this.roots.conversationId(effect.span)));
      } catch (err) {
        throw new SinkError(NAME, `span ${effect.span.spanId}: ${err instanceof Error ? err.message : String(err)}`, false);
      }
    }
    await this.queue.push(spans);
  }

  flush(): Promise<void> {
    return this.queue.drain();
  }

  async close(): Promise<void> {
    await this.queue.drain();
    await this.exporter.shutdown();
  }

  status(): SinkStatus {
    return this.delivery.snapshot();
  }

  private exportOnce(spans: ReadableSpan[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) resolve();
        else reject(exportError(result));
      });
    });
  }
}
