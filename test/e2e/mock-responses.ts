/**
 * A scripted mock of the OpenAI Responses API on 127.0.0.1 (random port). `POST /v1/responses`
 * answers with the Server-Sent Events of the first unused scenario step that matches the
 * request; everything served is recorded in a `ServedLog`. Other requests (Codex may probe
 * models or ChatGPT endpoints on the same base URL) get a harmless answer and are logged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBody, parseMockRequest } from './mock-request.js';
import { estimateTokens, outputTokensOf, renderFailedSse, renderSse, renderStalledSse, toolCallsOf } from './mock-sse.js';
import type { MockItem, MockRequest, MockUsage, RequestOrigin, ScriptedResponse, ServedLog, Step } from './mock-types.js';

export type * from './mock-types.js';

/** A running mock server. */
export interface MockResponsesServer {
  port: number;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  served: ServedLog;
  /** Resolves at the scripted interrupt point: a stall begins (its items sent, the stream left open), or an `interruptAfter` response was sent. */
  stalled: Promise<void>;
  close(): Promise<void>;
}

/** What the mock answers one `POST /v1/responses` with. */
export type MockAnswer =
  { kind: 'sse'; body: string; open?: boolean; signal?: boolean } | { kind: 'http_error'; status: number; body: string; retryAfter?: number };

const FALLBACK: ScriptedResponse = {
  items: [{ type: 'message', text: 'unscripted request: no scenario step matched', phase: 'final_answer' }],
};

/** Default step matcher: a non-compaction request from the main thread. */
export function mainTurn(req: MockRequest): boolean {
  return !req.isSubagent && !req.isCompaction;
}

function originOf(req: MockRequest): RequestOrigin {
  const { threadId, agentName, isSubagent, parentThreadId, turnId, requestKind } = req;
  return { threadId, agentName, isSubagent, parentThreadId, turnId, requestKind };
}

class Responder {
  readonly served: ServedLog = { responses: [], failed: [], unscripted: [], otherRequests: [] };
  private readonly used = new Set<number>();
  private readonly lastInput = new Map<string, number>();

  constructor(private readonly steps: Step[]) {}

  /** Picks the step for a request, records the response and returns what to answer. */
  answer(req: MockRequest): MockAnswer {
    const index = this.steps.findIndex((step, i) => !this.used.has(i) && (step.match ?? mainTurn)(req));
    const step = index >= 0 ? this.steps[index] : undefined;
    let scripted = FALLBACK;
    if (step) {
      this.used.add(index);
      scripted = typeof step.respond === 'function' ? step.respond(req) : step.respond;
    } else {
      this.served.unscripted.push({
        threadId: req.threadId,
        requestKind: req.requestKind,
        lastUserText: req.lastUserText.slice(0, 200),
      });
    }
    const n = this.served.responses.length + this.served.failed.length + 1;
    const responseId = `resp_${n}`;
    if (scripted.failure) return this.fail(req, scripted, step?.label ?? 'unscripted', n);
    const usage = this.usageFor(req, scripted);
    this.served.responses.push({
      responseId,
      ...originOf(req),
      compaction: req.isCompaction,
      usage,
      toolCalls: toolCallsOf(scripted.items),
      itemTypes: scripted.items.map((item: MockItem) => item.type),
      step: step?.label ?? 'unscripted',
    });
    return { kind: 'sse', body: renderSse(responseId, n, scripted.items, usage), signal: scripted.interruptAfter };
  }

  private fail(req: MockRequest, scripted: ScriptedResponse, step: string, n: number): MockAnswer {
    const failure = scripted.failure as NonNullable<ScriptedResponse['failure']>;
    const responseId = `resp_${n}`;
    const streamed = failure.kind === 'http_error' ? [] : scripted.items;
    this.served.failed.push({
      responseId,
      ...originOf(req),
      failure,
      step,
      itemTypes: streamed.map((item: MockItem) => item.type),
      toolCalls: toolCallsOf(streamed),
    });
    switch (failure.kind) {
      case 'http_error': {
        const body = JSON.stringify({ error: { message: failure.message, type: failure.code, code: failure.code, param: null } });
        return { kind: 'http_error', status: failure.status, body, retryAfter: failure.retryAfter };
      }
      case 'failed':
        return { kind: 'sse', body: renderFailedSse(responseId, n, streamed, failure) };
      case 'stall':
        return { kind: 'sse', body: renderStalledSse(responseId, n, streamed), open: true };
    }
  }

  /** Scripted usage, else plausible numbers: input from the body size, cache = previous input. */
  private usageFor(req: MockRequest, scripted: ScriptedResponse): MockUsage {
    const s = scripted.usage ?? {};
    const input = s.input_tokens ?? estimateTokens('x'.repeat(req.bodyBytes));
    const previous = this.lastInput.get(req.threadId) ?? 0;
    const cached = s.cached_tokens ?? Math.min(previous, input);
    this.lastInput.set(req.threadId, input);
    const estimate = outputTokensOf(scripted.items);
    const reasoning = s.reasoning_tokens ?? estimate.reasoning;
    const output = s.output_tokens ?? Math.max(estimate.output, reasoning);
    return {
      input_tokens: input,
      cached_tokens: cached,
      output_tokens: output,
      reasoning_tokens: reasoning,
      total_tokens: input + output,
    };
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function answerOther(responder: Responder, req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  // A model list that lists nothing makes Codex fall back to its built-in model info.
  const status = path.endsWith('/models') ? 200 : 404;
  responder.served.otherRequests.push({ method: req.method ?? 'GET', path, status });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(status === 200 ? '{"object":"list","data":[],"models":[]}' : '{"error":"not mocked"}');
}

async function handle(responder: Responder, req: http.IncomingMessage, res: http.ServerResponse, onStall: () => void): Promise<void> {
  const raw = await readBody(req);
  const isResponses = req.method === 'POST' && /\/v1\/responses\/?(\?.*)?$/.test(req.url ?? '');
  if (!isResponses) {
    answerOther(responder, req, res);
    return;
  }
  const encoding = req.headers['content-encoding'];
  const parsed = parseMockRequest(req.headers, decodeBody(raw, encoding));
  const answer = responder.answer(parsed);
  if (answer.kind === 'http_error') {
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
    if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (!answer.open) {
    res.end(answer.body, () => (answer.signal ? onStall() : undefined));
    return;
  }
  // a stalled stream: everything so far is flushed, the end never comes (close() cuts it)
  res.write(answer.body, () => onStall());
}

/** Starts the mock on 127.0.0.1 with a random port, serving `steps`. */
export async function startMockResponses(steps: Step[]): Promise<MockResponsesServer> {
  const responder = new Responder(steps);
  let onStall = (): void => undefined;
  const stalled = new Promise<void>((resolve) => (onStall = resolve));
  const server = http.createServer((req, res) => {
    handle(responder, req, res, onStall).catch((err: unknown) => {
      responder.served.otherRequests.push({ method: 'ERROR', path: String(err), status: 500 });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"mock failure"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    served: responder.served,
    stalled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
