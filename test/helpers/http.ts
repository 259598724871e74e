/**
 * HTTP mocks on 127.0.0.1 (random port): a server that records every request and answers
 * as the test says, and OTLP and Braintrust backends a test can break (503, connection
 * refused) and mend. Bodies are kept gunzipped.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { allSpans, decodeProtobuf, type OtlpSpan } from '../sinks/otlp-decode.js';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** the body, gunzipped when Content-Encoding is gzip */
  body: Buffer;
}

export type Reply = (req: Received, res: ServerResponse) => void;

/** A local HTTP server on 127.0.0.1 (random port) that records every request. */
export async function startServer(reply: Reply): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(r);
      reply(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** ok: answer; 503: refuse; hang: take the request and never answer (until the server goes down) */
export type Mode = 'ok' | '503' | 'hang';

export interface MockServer {
  url: string;
  mode: Mode;
  /** every request body, in order (also those answered 503) */
  bodies: Buffer[];
  /** requests answered 503 */
  rejected: number;
  /** requests taken and never answered (mode 'hang') */
  hung: number;
  /** stop listening: connections are refused until listen() */
  down(): Promise<void>;
  /** listen again on the same port */
  up(): Promise<void>;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function controllable(handle: Handler): Promise<MockServer> {
  const mock: MockServer = {
    url: '',
    mode: 'ok',
    bodies: [],
    rejected: 0,
    hung: 0,
    down: async () => undefined,
    up: async () => undefined,
    close: async () => undefined,
  };
  const make = (): Server =>
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        mock.bodies.push(body);
        if (mock.mode === 'hang') {
          mock.hung++;
          return;
        }
        if (mock.mode === '503') {
          mock.rejected++;
          res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
          return;
        }
        handle(req, body, res);
      });
    });
  let server: Server | undefined = make();
  const port = await listen(server, 0);
  mock.url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  mock.down = stop;
  mock.close = stop;
  mock.up = async () => {
    if (server) return;
    server = make();
    await listen(server, port);
  };
  return mock;
}

export interface OtlpReceiver extends MockServer {
  /** the spans of every request answered 200 */
  spans(): OtlpSpan[];
  /** requests answered 200 that carried no span: the sink monitor's probes (an empty export) */
  probes: number;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const accepted: Buffer[] = [];
  const m = await controllable((_req, body, res) => {
    // an empty export (the sink monitor's probe) is valid OTLP: accepted, and holds no span
    if (body.length === 0 || body.toString('utf8') === '{}') receiver.probes++;
    else accepted.push(body);
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
  const receiver: OtlpReceiver = Object.assign(m, { spans: () => accepted.flatMap((b) => allSpans(decodeProtobuf(b))), probes: 0 });
  return receiver;
}

type Row = Record<string, unknown> & { id: string };

function deepMerge(into: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    const both = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur);
    out[k] = both ? deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export interface BraintrustMock extends MockServer {
  /** rows by id after inserts and merges, as Braintrust keeps them */
  rows: Map<string, Record<string, unknown>>;
  /** merges that arrived for a row that was never inserted (Braintrust would drop their fields) */
  orphanMerges: string[];
  apiKey: string;
}

export async function startBraintrustMock(apiKey: string): Promise<BraintrustMock> {
  const rows = new Map<string, Record<string, unknown>>();
  const orphanMerges: string[] = [];
  const m = await controllable((req, body, res) => {
    const json = (status: number, b: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(b));
    };
    if (req.headers.authorization !== `Bearer ${apiKey}`) return json(401, { error: 'Invalid API key' });
    const parsed = JSON.parse(body.toString('utf8')) as { name?: string; events?: (Row & { _is_merge?: boolean })[] };
    if (req.url === '/v1/project') return json(200, { id: 'proj-1', name: parsed.name });
    if (req.url === '/v1/project_logs/proj-1/insert' && Array.isArray(parsed.events)) {
      for (const e of parsed.events) {
        const { _is_merge: merge, ...fields } = e;
        const prev = rows.get(e.id);
        if (merge && !prev) orphanMerges.push(e.id);
        rows.set(e.id, merge && prev ? deepMerge(prev, fields) : fields);
      }
      return json(200, { row_ids: parsed.events.map((e) => e.id) });
    }
    return json(404, { error: `no route ${req.url ?? ''}` });
  });
  return Object.assign(m, { rows, orphanMerges, apiKey });
}

/** A loopback port nothing listens on (taken and let go): a backend that is down. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
