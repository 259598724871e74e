import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BraintrustSink, braintrustConfigFromEnv } from '../../src/sinks/braintrust/sink.js';
import type { BraintrustRow } from '../../src/sinks/braintrust/rows.js';
import { SinkError } from '../../src/sinks/sink.js';
import { spanIdFor } from '../../src/trace/ids.js';
import { SESSION, ended, sampleTrace, span, started, updated } from './records.js';
import { type Received, startServer } from '../helpers/http.js';

const KEY = 'sk-test-123';
type Row = Record<string, unknown>;

function deepMerge(into: Row, patch: Row): Row {
  const out: Row = { ...into };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    const bothObjects = v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur);
    out[k] = bothObjects ? deepMerge(cur as Row, v as Row) : v;
  }
  return out;
}

/** A local stand-in for the Braintrust REST API: projects by name, rows upserted/merged by id. */
async function mockBraintrust(opts: { failFirstInsert?: (res: ServerResponse) => void } = {}) {
  const projects = new Map<string, string>();
  const rows = new Map<string, Row>();
  const inserts: BraintrustRow[][] = [];
  let failed = false;
  const srv = await startServer((req: Received, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== `Bearer ${KEY}`) return json(401, { error: 'Invalid API key' });
    const body = JSON.parse(req.body.toString('utf8')) as { name?: string; events?: BraintrustRow[] };
    if (req.method === 'POST' && req.url === '/v1/project') {
      if (!body.name) return json(400, { error: 'name required' });
      if (!projects.has(body.name)) projects.set(body.name, `proj-${projects.size + 1}`);
      return json(200, { id: projects.get(body.name), name: body.name });
    }
    const m = /^\/v1\/project_logs\/([^/]+)\/insert$/.exec(req.url);
    if (req.method === 'POST' && m && [...projects.values()].includes(m[1]!)) {
      if (opts.failFirstInsert && !failed) {
        failed = true;
        return opts.failFirstInsert(res);
      }
      if (!Array.isArray(body.events)) return json(400, { error: 'events required' });
      inserts.push(body.events);
      for (const e of body.events) {
        const { _is_merge, ...fields } = e;
        const prev = rows.get(e.id);
        rows.set(e.id, _is_merge && prev ? deepMerge(prev, fields) : fields);
      }
      return json(200, { row_ids: body.events.map((e) => e.id) });
    }
    return json(404, { error: `no route ${req.method} ${req.url}` });
  });
  return { ...srv, projects, rows, inserts };
}

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers) await c();
  closers = [];
});

async function setup(opts: Parameters<typeof mockBraintrust>[0] = {}) {
  const api = await mockBraintrust(opts);
  closers.push(api.close);
  const env = {
    BRAINTRUST_API_KEY: KEY,
    BRAINTRUST_API_URL: `${api.url}/`,
    BRAINTRUST_PROJECT: 'codex-ci',
    BRAINTRUST_ADDITIONAL_METADATA: '{"team":"ml","codex.cwd":"loses"}',
  };
  const make = () => new BraintrustSink(braintrustConfigFromEnv(env, { retry: { initialDelayMs: 10, maxDelayMs: 50 } }));
  return { api, make };
}

function liveSession() {
  const t = sampleTrace();
  return [
    [started(t.session), started(t.turn)],
    [ended(t.llm), updated({ ...t.turn, attributes: { ...t.turn.attributes, 'input.value': 'list the files' } })],
    [started(t.tool)],
    [ended(t.tool), ended(t.turn)],
    [ended(t.session)],
  ];
}

describe('BraintrustSink', () => {
  it('creates the project by name once and upserts one row per span, live then finished', async () => {
    const { api, make } = await setup();
    const sink = make();
    const t = sampleTrace();
    for (const batch of liveSession()) await sink.write(batch);
    await sink.close();

    expect([...api.projects.keys()]).toEqual(['codex-ci']);
    expect(api.received.filter((r) => r.url === '/v1/project').length).toBe(1);
    expect(api.rows.size).toBe(4);

    const first = api.inserts[0]!;
    expect(first.map((e) => [e.id, e._is_merge])).toEqual([
      [t.session.spanId, false],
      [t.turn.spanId, false],
    ]);
    expect(first[0]!.metrics.end).toBeUndefined();
    // an llm span first seen finished is inserted whole, the turn is merged
    expect(api.inserts[1]!.map((e) => [e.id, e._is_merge])).toEqual([
      [t.llm.spanId, false],
      [t.turn.spanId, true],
    ]);
    expect(api.inserts[4]![0]!._is_merge).toBe(true);

    const root = api.rows.get(t.session.spanId)!;
    expect(root).toMatchObject({
      span_id: t.session.spanId,
      root_span_id: t.session.spanId,
      span_attributes: { name: 'session', type: 'task' },
      metadata: { team: 'ml', 'codex.cwd': '/home/u/project', 'gen_ai.conversation.id': SESSION },
      metrics: { start: 1759312800, end: 1759314600 },
    });
    expect(root.span_parents).toBeUndefined();

    const llm = api.rows.get(t.llm.spanId)!;
    expect(llm).toMatchObject({
      root_span_id: t.session.spanId,
      span_parents: [t.turn.spanId],
      span_attributes: { type: 'llm' },
      input: 'list the files',
      output: 'I will run ls',
      metadata: { model: 'gpt-5-codex', 'gen_ai.response.id': 'resp_1' },
      metrics: {
        start: 1759312801.123,
        end: 1759312803.456,
        prompt_tokens: 1200,
        completion_tokens: 300,
        prompt_cached_tokens: 1000,
        completion_reasoning_tokens: 128,
        tokens: 1500,
      },
    });
    expect((llm.metadata as Row)['input.value']).toBeUndefined();
    expect((llm.metadata as Row).team).toBeUndefined();

    const tool = api.rows.get(t.tool.spanId)!;
    expect(tool).toMatchObject({ span_attributes: { type: 'tool' }, error: 'exit code 2', metrics: { end: 1759312804 } });
    expect((tool.metrics as Row).prompt_tokens).toBeUndefined();
    const turn = api.rows.get(t.turn.spanId)!;
    expect(turn).toMatchObject({ input: 'list the files', metrics: { end: 1759312805.25 } });
    expect(sink.status()).toMatchObject({ name: 'braintrust', state: 'ok', pending: 0 });
  });

  it('a re-run of the same spans leaves one row per span', async () => {
    const { api, make } = await setup();
    for (let run = 0; run < 2; run++) {
      const sink = make();
      for (const batch of liveSession()) await sink.write(batch);
      await sink.close();
    }
    expect(api.rows.size).toBe(4);
    expect(api.inserts.length).toBe(10);
  });

  it('derives the root span id of spans whose session span it has not seen', async () => {
    const { api, make } = await setup();
    const sink = make();
    const child = span('subagent', 'subagent:child-1', 'turn:t1', { attributes: { 'codex.thread.id': 'child-1' } });
    await sink.write([ended(child)]);
    await sink.close();
    expect(api.rows.get(child.spanId)).toMatchObject({ root_span_id: spanIdFor(SESSION, 'session'), span_parents: [spanIdFor(SESSION, 'turn:t1')] });
  });

  it('retries a 503 after Retry-After and then succeeds', async () => {
    const { api, make } = await setup({ failFirstInsert: (res) => res.writeHead(503, { 'retry-after': '1' }).end('overloaded') });
    const sink = make();
    await sink.write([ended(sampleTrace().llm)]);
    await sink.close();
    expect(api.received.filter((r) => r.url.endsWith('/insert')).length).toBe(2);
    expect(api.rows.size).toBe(1);
    expect(sink.status()).toMatchObject({ state: 'ok', delivered: 1, lastError: expect.stringContaining('HTTP 503') });
  });

  it('a bad API key is a permanent error with the server message', async () => {
    const { api } = await setup();
    const sink = new BraintrustSink(braintrustConfigFromEnv({ BRAINTRUST_API_KEY: 'wrong', BRAINTRUST_API_URL: api.url }));
    const err = await sink.write([ended(sampleTrace().llm)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).transient).toBe(false);
    expect((err as SinkError).message).toContain('HTTP 401: {"error":"Invalid API key"}');
    expect((err as SinkError).message).not.toContain('wrong');
    expect(api.received.length).toBe(1);
    expect(sink.status().state).toBe('failing');
  });

  it('configuration errors are permanent', () => {
    expect(() => braintrustConfigFromEnv({})).toThrow(/BRAINTRUST_API_KEY is not set/);
    expect(() => braintrustConfigFromEnv({ BRAINTRUST_API_KEY: 'k', BRAINTRUST_ADDITIONAL_METADATA: '[1]' })).toThrow(/JSON object/);
    const c = braintrustConfigFromEnv({ BRAINTRUST_API_KEY: 'k' });
    expect(c).toMatchObject({ apiUrl: 'https://api.braintrust.dev', project: 'codex', additionalMetadata: {} });
  });
});
