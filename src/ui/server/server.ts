/**
 * `codex-tracer ui`: node:http on a loopback address, a preferred port with fallback, the
 * page and its modules, the JSON API and the live event stream. Nothing is fetched from
 * anywhere else: no CDN, no fonts, no telemetry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TraceStore } from '../../store/index.js';
import { Api, type CostOf, type TraceCostOf } from './api.js';
import { Assets } from './assets.js';
import { LiveChanges } from './live.js';
import { allowedHosts, hostAllowed, refuse, securityHeaders } from './security.js';

export interface UiServerOptions {
  /** the SQLite file of the local store */
  dbFile: string;
  host?: string;
  /** tried first; the next ports follow when it is taken, then any free port (0: any free port) */
  port?: number;
  pollMs?: number;
  /** prices the listed sessions (the CLI passes the cost module's); without it rows have no cost */
  costOf?: CostOf;
  /** prices a trace and its model calls (header summary, span detail); without it none is shown */
  traceCostOf?: TraceCostOf;
  onError?: (err: unknown) => void;
}

export interface UiServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4820;
const PORT_TRIES = 10;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Listens on `port`, else the next free one of the few after it, else any free port. */
export async function listenWithFallback(server: Server, host: string, port: number): Promise<number> {
  const tries = port === 0 ? [0] : [...Array.from({ length: PORT_TRIES }, (_, i) => port + i).filter((p) => p <= 65535), 0];
  let last: unknown;
  for (const p of tries) {
    try {
      return await listen(server, host, p);
    } catch (err) {
      last = err;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  throw last;
}

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean, raw?: string): void {
  const text = raw ?? JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

interface Handlers {
  api: Api;
  assets: Assets;
  live: LiveChanges;
  hosts: () => ReadonlySet<string>;
  onError: (err: unknown) => void;
}

function handle(h: Handlers, req: IncomingMessage, res: ServerResponse): void {
  securityHeaders(res);
  if (!hostAllowed(req, h.hosts())) return refuse(res, 403, 'forbidden: unexpected Host header');
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  const url = new URL(req.url ?? '/', 'http://localhost');
  const head = req.method === 'HEAD';
  if (url.pathname === '/api/events') return h.live.attach(res);
  if (url.pathname.startsWith('/api/')) {
    try {
      const r = h.api.handle(url);
      return sendJson(res, r.status, r.body, head, r.raw);
    } catch (err) {
      h.onError(err);
      return sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) }, head);
    }
  }
  const asset = h.assets.get(url.pathname);
  if (asset === undefined) return refuse(res, 404, 'not found');
  if (asset.csp !== undefined) res.setHeader('Content-Security-Policy', asset.csp);
  res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'Cache-Control': 'no-cache' });
  res.end(head ? undefined : asset.body);
}

export async function startUiServer(o: UiServerOptions): Promise<UiServer> {
  const host = o.host ?? '127.0.0.1';
  const onError = o.onError ?? (() => {});
  const store = TraceStore.open({ file: o.dbFile }, { readonly: true });
  const live = new LiveChanges(store.db, o.pollMs, onError);
  let hosts: ReadonlySet<string> = new Set();
  const handlers: Handlers = { api: new Api(store, o.costOf, o.traceCostOf), assets: new Assets(), live, hosts: () => hosts, onError };
  const server = createServer((req, res) => handle(handlers, req, res));
  let port: number;
  try {
    port = await listenWithFallback(server, host, o.port ?? DEFAULT_PORT);
  } catch (err) {
    live.close();
    store.close();
    throw err;
  }
  hosts = allowedHosts(port);
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      live.close();
      server.close(() => {
        store.close();
        resolve();
      });
      server.closeAllConnections();
    });
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`, port, server, close };
}
