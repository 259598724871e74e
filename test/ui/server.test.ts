/** The viewer's server over a real backfilled store: API, paging/filters/sort, security, live events, port fallback. */
import { get, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbPathIn, TraceStore, type SessionPage } from '../../src/store/index.js';
import type { Span } from '../../src/trace/span.js';
import { costTexts, traceCostTexts } from '../../src/cli/ui-cmd.js';
import type { TraceCosts } from '../../src/ui/view/paths.js';
import { startUiServer, type UiServer } from '../../src/ui/server/server.js';
import { runCleanups } from '../helpers/index.js';
import { sampleStore } from './store-fixture.js';

let ui: UiServer;
let stateDir: string;

beforeAll(async () => {
  ({ stateDir } = await sampleStore());
  ui = await startUiServer({ dbFile: dbPathIn(stateDir), port: 0, pollMs: 50, costOf: costTexts, traceCostOf: traceCostTexts });
});

afterAll(async () => {
  await ui.close();
  runCleanups();
});

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function request(path: string, opts: { host?: string; method?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = get(
      { host: '127.0.0.1', port: ui.port, path, method: opts.method ?? 'GET', headers: opts.host === undefined ? {} : { Host: opts.host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
  });
}

async function json<T>(path: string): Promise<T> {
  const r = await request(path);
  expect(r.status, r.body).toBe(200);
  return JSON.parse(r.body) as T;
}

describe('sessions API', () => {
  it('lists the sample sessions newest first with titles, counts and tokens', async () => {
    const page = await json<SessionPage>('/api/sessions');
    expect(page.total).toBe(8);
    expect(page.rows).toHaveLength(8);
    const starts = page.rows.map((r) => r.startTime);
    expect([...starts].sort().reverse()).toEqual(starts);
    const sub = page.rows.find((r) => r.title?.startsWith('Delegate counting'));
    expect(sub).toMatchObject({ subagents: 1, models: ['gpt-5.5'], turns: 2 });
    expect(page.rows.every((r) => r.inputTokens >= r.cachedTokens && r.title !== null)).toBe(true);
    // priced per model call from the stored usage (genai-prices); never a bare $0 for an unknown model
    expect(page.rows.every((r) => r.cost !== undefined && /^(\$\d|unpriced)/.test(r.cost))).toBe(true);
  });

  it('pages, filters and sorts on the server', async () => {
    const all = await json<SessionPage>('/api/sessions');
    const p2 = await json<SessionPage>('/api/sessions?limit=3&offset=3');
    expect(p2.rows.map((r) => r.traceId)).toEqual(all.rows.slice(3, 6).map((r) => r.traceId));
    expect(p2.total).toBe(8);
    const errs = await json<SessionPage>('/api/sessions?errors=1');
    expect(errs.total).toBe(1);
    expect(errs.rows[0]?.title).toContain('missing.txt');
    const codex = await json<SessionPage>('/api/sessions?model=gpt-5-codex');
    expect(codex.rows.map((r) => r.models)).toEqual([['gpt-5-codex']]);
    const byTokens = await json<SessionPage>('/api/sessions?sort=tokens');
    const tokens = byTokens.rows.map((r) => r.inputTokens + r.outputTokens);
    expect([...tokens].sort((a, b) => b - a)).toEqual(tokens);
    const asc = await json<SessionPage>('/api/sessions?sort=start&asc=1&limit=1');
    expect(asc.rows[0]?.traceId).toBe(all.rows.at(-1)?.traceId);
    expect((await json<SessionPage>('/api/sessions?until=2026-11-24')).total).toBe(0);
    expect((await json<SessionPage>('/api/sessions?since=2026-11-25&until=2026-11-25')).total).toBe(8);
    expect((await request('/api/sessions?sort=bogus')).status).toBe(400);
  });
});

describe('trace API', () => {
  it('prices the trace as the sessions list does, and each model call', async () => {
    const page = await json<SessionPage>('/api/sessions');
    for (const row of page.rows) {
      const costs = await json<TraceCosts>(`/api/traces/${row.traceId}/costs`);
      expect(costs.total).toBe(row.cost);
      const { spans } = await json<{ spans: Span[] }>(`/api/traces/${row.traceId}`);
      const llm = spans.filter((s) => s.kind === 'llm' && typeof s.attributes['gen_ai.usage.input_tokens'] === 'number');
      expect(Object.keys(costs.spans).sort()).toEqual(llm.map((s) => s.spanId).sort());
      expect(Object.values(costs.spans).every((c) => /^(\$\d|unpriced \()/.test(c))).toBe(true);
    }
  });

  it('gives the outline without content, a span in full, and content search', async () => {
    const page = await json<SessionPage>('/api/sessions?errors=1');
    const traceId = page.rows[0]!.traceId;
    const { spans } = await json<{ spans: Span[] }>(`/api/traces/${traceId}`);
    expect(spans.length).toBeGreaterThan(3);
    expect(spans.some((s) => 'input.value' in s.attributes || 'output.value' in s.attributes)).toBe(false);
    const tool = spans.find((s) => s.kind === 'tool')!;
    const full = await json<Span>(`/api/traces/${traceId}/spans/${tool.spanId}`);
    expect(full.attributes['input.value']).toContain('missing.txt');
    const hits = await json<{ ids: string[] }>(`/api/traces/${traceId}/search?q=${encodeURIComponent('No such file')}`);
    expect(hits.ids).toContain(tool.spanId);
    expect((await request(`/api/traces/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await request('/api/traces/not-hex')).status).toBe(400);
  });
});

describe('security', () => {
  it('refuses a forged Host, non-GET methods, and anything but its own files', async () => {
    const forged = await request('/api/sessions', { host: 'evil.example:80' });
    expect(forged.status).toBe(403);
    expect(forged.body).not.toContain('traceId');
    expect((await request('/', { host: `attacker.test:${ui.port}` })).status).toBe(403);
    expect((await request('/', { host: `localhost:${ui.port}` })).status).toBe(200);
    expect((await request('/api/sessions', { method: 'POST' })).status).toBe(405);
    expect((await request('/api/sessions', { method: 'DELETE' })).status).toBe(405);
    expect((await request('/ui/web/../../store/db.js')).status).toBe(404);
    expect((await request('/cli/index.js')).status).toBe(404);
    const page = await request('/');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toMatch(/https?:\/\//);
    // the page carries its style sheet and boot script inline, allowed by hash and by nothing broader
    expect(page.headers['content-security-policy']).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'; script-src 'self' 'sha256-[A-Za-z0-9+/=]+'$/);
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect((await request('/app.js')).headers['content-type']).toContain('javascript');
    expect((await request('/ui/web/app.js')).status).toBe(404);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/`);
  });
});

describe('live events and ports', () => {
  it('announces a commit by another connection', async () => {
    const events: string[] = [];
    const res = await new Promise<IncomingMessage>((resolve) => get({ host: '127.0.0.1', port: ui.port, path: '/api/events' }, resolve));
    res.setEncoding('utf8');
    res.on('data', (c: string) => events.push(c));
    await until(() => events.join('').includes('event: hello'));
    const writer = TraceStore.open({ stateDir });
    const traceId = (await json<SessionPage>('/api/sessions?limit=1')).rows[0]!.traceId;
    const spans = writer.getTraceSpans(traceId);
    writer.upsertSpans(spans.slice(0, 1));
    writer.close();
    await until(() => events.join('').includes('event: change'));
    res.destroy();
  });

  it('falls back to another port when the preferred one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const other = await startUiServer({ dbFile: dbPathIn(stateDir), port: taken });
    try {
      expect(other.port).not.toBe(taken);
      expect(other.port).toBeGreaterThan(0);
    } finally {
      await other.close();
      blocker.close();
    }
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
