import { SinkError } from '../sink.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../retry.js';
import { maskUrl } from '../../content/url.js';

/** Where and how the OTLP sink sends: the standard OTEL_* variables, then flags on top. */
export interface OtlpConfig {
  /** full traces URL, e.g. http://localhost:4318/v1/traces */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: 'gzip' | 'none';
  /** resource attributes; `service.name` always set */
  resource: Record<string, string>;
  /** most spans in one export request */
  maxSpansPerRequest: number;
  /** write() waits while more spans than this are queued or in flight */
  maxQueuedSpans: number;
  retry: RetryPolicy;
}

/** Flag overrides (each wins over the environment). */
export interface OtlpOverrides {
  /** a base (`http://host:4318`, /v1/traces is appended) or a full URL with a path (used as is) */
  endpoint?: string;
  protocol?: string;
  headers?: Record<string, string>;
  timeoutMillis?: number;
  compression?: string;
  serviceName?: string;
  resourceAttributes?: Record<string, string>;
  maxSpansPerRequest?: number;
  maxQueuedSpans?: number;
  retry?: Partial<RetryPolicy>;
}

type Env = Record<string, string | undefined>;

export const DEFAULT_OTLP_BASE = 'http://localhost:4318';
export const DEFAULT_SERVICE_NAME = 'codex';
const NAME = 'otlp';

function pick(env: Env, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

/** The signal path goes on the base's path, before any query string or fragment. */
function appendTracesPath(base: string): string {
  const cut = base.search(/[?#]/);
  const [head, tail] = cut < 0 ? [base, ''] : [base.slice(0, cut), base.slice(cut)];
  return `${head.replace(/\/+$/, '')}/v1/traces${tail}`;
}

/** `k=v,k2=v2` with percent-encoded keys and values (headers, resource attributes). */
export function parseKeyValueList(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = safeDecode(part.slice(0, eq).trim());
    if (key) out[key] = safeDecode(part.slice(eq + 1).trim());
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function resolveUrl(env: Env, override?: string): string {
  if (override) {
    const path = new URL(override).pathname;
    return path === '' || path === '/' ? appendTracesPath(override) : override;
  }
  const exact = pick(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (exact) return exact;
  return appendTracesPath(pick(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_OTLP_BASE);
}

function resolveProtocol(value: string | undefined): OtlpConfig['protocol'] {
  const p = (value ?? 'http/protobuf').toLowerCase();
  if (p === 'http/protobuf' || p === 'http/json') return p;
  if (p === 'grpc') {
    throw new SinkError(NAME, 'OTLP over gRPC is not supported: use http/protobuf (port 4318) or http/json', false);
  }
  throw new SinkError(NAME, `unknown OTLP protocol "${value}": use http/protobuf or http/json`, false);
}

function resolveCompression(value: string | undefined): OtlpConfig['compression'] {
  const c = (value ?? 'none').toLowerCase();
  if (c === 'gzip' || c === 'none') return c;
  throw new SinkError(NAME, `unknown OTLP compression "${value}": use gzip or none`, false);
}

function resolveTimeout(env: Env, override?: number): number {
  if (override !== undefined) return override;
  const raw = pick(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT');
  const ms = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : 10_000;
}

function resolveResource(env: Env, o: OtlpOverrides): Record<string, string> {
  const resource: Record<string, string> = {
    'service.name': DEFAULT_SERVICE_NAME,
    ...parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES),
    ...o.resourceAttributes,
  };
  const serviceName = o.serviceName ?? pick(env, 'OTEL_SERVICE_NAME');
  if (serviceName) resource['service.name'] = serviceName;
  return resource;
}

/** Build the OTLP sink's configuration; throws a permanent SinkError for settings we cannot serve (gRPC). */
export function otlpConfigFromEnv(env: Env = process.env, o: OtlpOverrides = {}): OtlpConfig {
  return {
    url: resolveUrl(env, o.endpoint),
    protocol: resolveProtocol(o.protocol ?? pick(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL')),
    headers: {
      ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS),
      ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
      ...o.headers,
    },
    timeoutMillis: resolveTimeout(env, o.timeoutMillis),
    compression: resolveCompression(o.compression ?? pick(env, 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'OTEL_EXPORTER_OTLP_COMPRESSION')),
    resource: resolveResource(env, o),
    maxSpansPerRequest: o.maxSpansPerRequest ?? 512,
    maxQueuedSpans: o.maxQueuedSpans ?? 4096,
    retry: { ...DEFAULT_RETRY, ...o.retry },
  };
}

/** The configuration as it may be shown (`status`, `doctor`, logs): header values hidden. */
export function describeOtlpConfig(c: OtlpConfig): string {
  const headers = Object.keys(c.headers);
  return [
    `endpoint ${maskUrl(c.url)}`,
    `protocol ${c.protocol}`,
    `compression ${c.compression}`,
    `service.name ${c.resource['service.name'] ?? ''}`,
    `headers ${headers.length ? headers.map((h) => `${h}=***`).join(', ') : '(none)'}`,
  ].join('; ');
}
