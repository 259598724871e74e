import { afterEach, describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { toReadableSpan } from '../../src/sinks/otlp/map.js';
import { OtlpSink, otlpConfigFromEnv, describeOtlpConfig } from '../../src/sinks/otlp/sink.js';
import { SinkError } from '../../src/sinks/sink.js';
import { allSpans, attrs, decodeProtobuf, type OtlpRequest, type OtlpSpan } from './otlp-decode.js';
import { SESSION, TRACE, ended, sampleTrace, started, updated } from './records.js';
import { type Reply, startServer } from '../helpers/http.js';

const ok: Reply = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/x-protobuf' });
  res.end();
};

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function receiver(reply: Reply = ok) {
  const s = await startServer(reply);
  servers.push(s);
  return s;
}

const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 10_000 };

function byName(spans: OtlpSpan[], name: string): OtlpSpan {
  const s = spans.find((x) => x.name === name);
  if (!s) throw new Error(`no span ${name} in ${spans.map((x) => x.name).join(', ')}`);
  return s;
}

describe('otlpConfigFromEnv', () => {
  it('reads the standard variables, flags win', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20abc%3D,x-a=1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-a=2',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_SERVICE_NAME: 'my-codex',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment=dev%20box',
    };
    const c = otlpConfigFromEnv(env);
    expect(c.url).toBe('http://collector:4318/v1/traces');
    expect(c.protocol).toBe('http/protobuf');
    expect(c.headers).toEqual({ Authorization: 'Basic abc=', 'x-a': '2' });
    expect(c.timeoutMillis).toBe(2500);
    expect(c.compression).toBe('gzip');
    expect(c.resource).toEqual({ 'service.name': 'my-codex', 'deployment.environment': 'dev box' });
    expect(describeOtlpConfig(c)).not.toContain('abc');

    const o = otlpConfigFromEnv({ ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://x:1/custom' }, { protocol: 'http/json', serviceName: 's' });
    expect(o.url).toBe('http://x:1/custom');
    expect(o.protocol).toBe('http/json');
    expect(o.resource['service.name']).toBe('s');
    expect(otlpConfigFromEnv({}, { endpoint: 'http://h:4318' }).url).toBe('http://h:4318/v1/traces');
    expect(otlpConfigFromEnv({}).url).toBe('http://localhost:4318/v1/traces');
    expect(otlpConfigFromEnv({}).resource['service.name']).toBe('codex');
  });

  it('refuses gRPC with a clear, permanent error', () => {
    let err: unknown;
    try {
      otlpConfigFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).transient).toBe(false);
    expect((err as SinkError).message).toMatch(/gRPC is not supported/);
  });
});

describe('OtlpSink over protobuf', () => {
  it('sends finished spans with our ids, times, names, attributes and resource', async () => {
    const srv = await receiver();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: srv.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20s3cret,x-team=ai',
      OTEL_SERVICE_NAME: 'codex-test',
      OTEL_RESOURCE_ATTRIBUTES: 'openinference.project.name=codex-traces',
    };
    const sink = new OtlpSink(otlpConfigFromEnv(env));
    const t = sampleTrace();
    await sink.write([started(t.session), started(t.turn), updated(t.turn), ended(t.llm), ended(t.tool), ended(t.turn)]);
    await sink.write([ended(t.session), ended(t.session, true)]);
    await sink.close();

    expect(srv.received.length).toBe(2);
    const r0 = srv.received[0]!;
    expect(r0.url).toBe('/v1/traces');
    expect(r0.headers['content-type']).toBe('application/x-protobuf');
    expect(r0.headers.authorization).toBe('Bearer s3cret');
    expect(r0.headers['x-team']).toBe('ai');
    const reqs: OtlpRequest[] = srv.received.map((r) => decodeProtobuf(r.body));
    const res = attrs(reqs[0]!.resourceSpans[0]!.resource.attributes);
    expect(res['service.name']).toBe('codex-test');
    expect(res['openinference.project.name']).toBe('codex-traces');
    expect(reqs[0]!.resourceSpans[0]!.scopeSpans[0]!.scope.name).toBe('codex-tracer');

    const spans = reqs.flatMap(allSpans);
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-5-codex', 'execute_tool shell', 'invoke_agent codex', 'turn 1']);
    for (const s of spans) expect(s.traceId).toBe(TRACE);

    const root = byName(spans, 'invoke_agent codex');
    expect(root.spanId).toBe(t.session.spanId);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.kind).toBe(1);
    expect(attrs(root.attributes)).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'codex',
      'gen_ai.provider.name': 'openai',
      'gen_ai.conversation.id': SESSION,
      'openinference.span.kind': 'AGENT',
      'session.id': SESSION,
      'codex.cwd': '/home/u/project',
    });

    const turn = byName(spans, 'turn 1');
    expect(turn.parentSpanId).toBe(t.session.spanId);
    expect(attrs(turn.attributes)).toMatchObject({ 'openinference.span.kind': 'CHAIN', 'session.id': SESSION, 'codex.turn.id': 't1' });

    const llm = byName(spans, 'chat gpt-5-codex');
    expect(llm.spanId).toBe(t.llm.spanId);
    expect(llm.parentSpanId).toBe(t.turn.spanId);
    expect(llm.kind).toBe(3);
    expect(llm.startTimeUnixNano).toBe('1759312801123000000');
    expect(llm.endTimeUnixNano).toBe('1759312803456000000');
    expect(attrs(llm.attributes)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-5-codex',
      'gen_ai.usage.input_tokens': 1200,
      'llm.token_count.prompt': 1200,
      'llm.token_count.completion': 300,
      'llm.token_count.total': 1500,
      'llm.token_count.prompt_details.cache_read': 1000,
      'llm.token_count.completion_details.reasoning': 128,
      // OpenInference cost at gpt-5's rates of 2025-10-01: 200 × $1.25 + 1000 × $0.125 in, 300 × $10 out (per 1M)
      'llm.cost.prompt': (200 * 1.25 + 1000 * 0.125) / 1e6,
      'llm.cost.completion': (300 * 10) / 1e6,
      'llm.cost.total': (200 * 1.25 + 1000 * 0.125 + 300 * 10) / 1e6,
      'session.id': SESSION,
    });
    expect(llm.status?.code).toBe(1);

    const tool = byName(spans, 'execute_tool shell');
    expect(tool.kind).toBe(1);
    expect(tool.status).toEqual({ code: 2, message: 'exit code 2' });
    expect(attrs(tool.attributes)).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'openinference.span.kind': 'TOOL',
      'tool.name': 'shell',
      'gen_ai.tool.call.arguments': '{"command":["ls","/nope"]}',
      'gen_ai.tool.call.result': 'ls: /nope: No such file',
      'codex.tool.command': ['ls', '/nope'],
      'codex.tool.exit_code': 2,
      'error.type': '_OTHER',
    });
    expect(sink.status()).toMatchObject({ name: 'otlp', state: 'ok', delivered: 4, pending: 0 });
  });

  it('puts no cost on an LLM span whose model has no price (never 0)', () => {
    const t = sampleTrace();
    const unknown = { ...t.llm, attributes: { ...t.llm.attributes, 'gen_ai.request.model': 'gpt-6.1-sol' } };
    const a = toReadableSpan(unknown, resourceFromAttributes({})).attributes;
    expect(Object.keys(a).filter((k) => k.startsWith('llm.cost.'))).toEqual([]);
    expect(a['llm.token_count.prompt']).toBe(1200);
  });

  it('splits large writes into requests of at most maxSpansPerRequest', async () => {
    const srv = await receiver();
    const sink = new OtlpSink(otlpConfigFromEnv({}, { endpoint: srv.url, maxSpansPerRequest: 3 }));
    const t = sampleTrace();
    await sink.write([t.session, t.turn, t.llm, t.tool].map((s) => ended(s)));
    await sink.close();
    expect(srv.received.map((r) => allSpans(decodeProtobuf(r.body)).length)).toEqual([3, 1]);
  });
});

describe('OtlpSink delivery', () => {
  it('sends JSON with gzip to a traces endpoint used as is', async () => {
    const srv = await receiver((_r, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const env = {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${srv.url}/api/public/otel/v1/traces`,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    };
    const sink = new OtlpSink(otlpConfigFromEnv(env));
    const t = sampleTrace();
    await sink.write([ended(t.llm)]);
    await sink.close();
    const r = srv.received[0]!;
    expect(r.url).toBe('/api/public/otel/v1/traces');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['content-type']).toBe('application/json');
    const body = JSON.parse(r.body.toString('utf8')) as OtlpRequest;
    const s = allSpans(body)[0]!;
    expect(s.traceId).toBe(TRACE);
    expect(s.spanId).toBe(t.llm.spanId);
    expect(s.parentSpanId).toBe(t.turn.spanId);
    expect(s.name).toBe('chat gpt-5-codex');
    expect(String(s.startTimeUnixNano)).toBe('1759312801123000000');
    expect(attrs(s.attributes)['llm.token_count.total']).toBe(1500);
  });

  it('retries a 503 (Retry-After) and then succeeds', async () => {
    let calls = 0;
    const srv = await receiver((_r, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(503, { 'retry-after': '1' }).end('busy');
      else res.writeHead(200).end();
    });
    // a short exporter timeout: the exporter gives the retry back to us, our policy retries
    const sink = new OtlpSink(otlpConfigFromEnv({}, { endpoint: srv.url, timeoutMillis: 500, retry: FAST_RETRY }));
    const t = sampleTrace();
    await sink.write([ended(t.tool)]);
    await sink.close();
    expect(srv.received.length).toBe(2);
    expect(decodeProtobuf(srv.received[1]!.body)).toEqual(decodeProtobuf(srv.received[0]!.body));
    expect(sink.status()).toMatchObject({ state: 'ok', delivered: 1, pending: 0, lastError: expect.stringMatching(/otlp/) });
  });

  it('rejects a 400 with a permanent SinkError carrying the server message, no retry', async () => {
    const srv = await receiver((_r, res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid span: bad trace id'));
    const sink = new OtlpSink(otlpConfigFromEnv({ OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20s3cret' }, { endpoint: srv.url, retry: FAST_RETRY }));
    const t = sampleTrace();
    const err = await sink.write([ended(t.tool)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).transient).toBe(false);
    expect((err as SinkError).message).toMatch(/HTTP 400: invalid span: bad trace id/);
    expect((err as SinkError).message).not.toContain('s3cret');
    expect(srv.received.length).toBe(1);
    expect(sink.status()).toMatchObject({ state: 'failing', delivered: 0, pending: 0 });
    await sink.close();
  });

  it('gives up after the retry budget with a transient SinkError when the receiver is down', async () => {
    const srv = await receiver();
    const url = srv.url;
    await srv.close();
    servers.length = 0;
    const sink = new OtlpSink(otlpConfigFromEnv({}, { endpoint: url, timeoutMillis: 300, retry: { ...FAST_RETRY, maxAttempts: 2 } }));
    const err = await sink.write([ended(sampleTrace().llm)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).transient).toBe(true);
    expect(sink.status().state).toBe('failing');
    await sink.close();
  });
});
