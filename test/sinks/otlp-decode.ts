import { createRequire } from 'node:module';

/**
 * Decodes what the OTLP sink sent with the official OTLP protobuf definitions: the
 * generated module shipped by an older official package (`otlp-proto-root` is an
 * alias of @opentelemetry/otlp-transformer@0.52.1), independent of the encoder under test.
 */
interface ProtoType {
  decode(buf: Uint8Array): object;
  toObject(msg: object, opts: { longs: StringConstructor; enums: NumberConstructor; bytes: StringConstructor; defaults: boolean }): unknown;
}
interface ProtoRoot {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType } } } } };
}

const root = createRequire(import.meta.url)('otlp-proto-root/build/src/generated/root.js') as ProtoRoot;
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

export interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: OtlpKeyValue['value'][] } };
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status?: { code?: number; message?: string };
}
export interface OtlpRequest {
  resourceSpans: { resource: { attributes: OtlpKeyValue[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

const b64hex = (s: string | undefined): string | undefined => (s ? Buffer.from(s, 'base64').toString('hex') : undefined);

export function decodeProtobuf(body: Buffer): OtlpRequest {
  const obj = Request.toObject(Request.decode(body), { longs: String, enums: Number, bytes: String, defaults: false }) as OtlpRequest;
  for (const rs of obj.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const s of ss.spans) {
        s.traceId = b64hex(s.traceId) ?? '';
        s.spanId = b64hex(s.spanId) ?? '';
        const parent = b64hex(s.parentSpanId);
        if (parent) s.parentSpanId = parent;
        else delete s.parentSpanId;
      }
    }
  }
  return obj;
}

export function allSpans(req: OtlpRequest): OtlpSpan[] {
  return req.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
}

type Plain = string | number | boolean | Plain[] | undefined;

function plain(v: OtlpKeyValue['value']): Plain {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return v.arrayValue.values.map(plain);
  return undefined;
}

export function attrs(kvs: OtlpKeyValue[] | undefined): Record<string, Plain> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, plain(kv.value)]));
}
