/**
 * The waterfall's recycled rows on a trace of ~1,000 spans in Debian's chromium: after jumps,
 * small scrolls, collapse, expand and filters, the DOM holds only the rows in view (plus the
 * overscan), each once, in row order, each placed at its row, with the span that row shows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbPathIn, TraceStore } from '../../src/store/index.js';
import type { Span } from '../../src/trace/span.js';
import { startUiServer, type UiServer } from '../../src/ui/server/server.js';
import { runCleanups, testDir } from '../helpers/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TRACE = 'ab'.repeat(16);
const ROW = 24;

/** A session of `turns` turns, each `calls` model calls with a tool call between each (every 7th fails). */
function bigTrace(turns: number, calls: number): Span[] {
  const t0 = Date.parse('2026-01-05T10:00:00Z');
  const iso = (ms: number): string => new Date(ms).toISOString();
  let n = 0;
  const id = (): string => (++n).toString(16).padStart(16, '0');
  const span = (parent: string | null, kind: Span['kind'], name: string, start: number, end: number, extra: Partial<Span> = {}): Span => ({
    traceId: TRACE,
    spanId: id(),
    parentSpanId: parent,
    kind,
    name,
    startTime: iso(start),
    endTime: iso(end),
    status: 'ok',
    attributes: {},
    ...extra,
  });
  const root = span(null, 'session', 'invoke_agent codex', t0, t0 + turns * 60_000);
  const spans = [root];
  for (let t = 0; t < turns; t++) {
    const start = t0 + t * 60_000;
    const turn = span(root.spanId, 'turn', `turn ${t + 1}`, start, start + 50_000);
    spans.push(turn);
    for (let c = 0; c < calls; c++) {
      const at = start + c * 1000;
      spans.push(
        span(turn.spanId, 'llm', `chat gpt-5.5 #${t}.${c}`, at, at + 500, {
          attributes: { 'gen_ai.request.model': 'gpt-5.5', 'gen_ai.usage.input_tokens': 1000 + c, 'gen_ai.usage.output_tokens': 10 },
        }),
      );
      if (c < calls - 1) {
        const fail = (t * calls + c) % 7 === 0;
        spans.push(
          span(turn.spanId, 'tool', `execute_tool exec_command #${t}.${c}`, at + 500, at + 900, fail ? { status: 'error', statusMessage: 'exit 1' } : {}),
        );
      }
    }
  }
  return spans;
}

let browser: Browser;
let ui: UiServer;
let stateDir: string;
let spans: Span[];
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'ui', 'web', 'app.js')), 'run `npm run build` first').toBe(true);
  stateDir = testDir('ct-ui-scroll-');
  spans = bigTrace(20, 25);
  const store = TraceStore.open({ stateDir });
  store.upsertSpans(spans);
  store.close();
  ui = await startUiServer({ dbFile: dbPathIn(stateDir), port: 0, pollMs: 50 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await browser.newPage({ viewport: { width: 1360, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${ui.url}#/trace/${TRACE}`);
  await page.waitForSelector('.row');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  runCleanups();
});

interface Shown {
  rows: { i: number; transform: string; span: string; name: string }[];
  first: number;
  last: number;
  total: number;
}

/** Runs in the page (as text: the tests are compiled without the DOM types). */
const SHOWN = `(async () => {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const sc = document.querySelector('.scroller');
  const rows = [...document.querySelectorAll('.row')].map((e) => ({
    i: Number(e.dataset.row),
    transform: e.style.transform,
    span: e.dataset.span ?? '',
    name: e.querySelector('.name')?.textContent ?? '',
  }));
  const total = Number.parseInt(document.querySelector('.rows').style.height, 10) / ${ROW};
  return { rows, first: Math.floor(sc.scrollTop / ${ROW}), last: Math.min(total, Math.ceil((sc.scrollTop + sc.clientHeight) / ${ROW})) - 1, total };
})()`;

/** The rows in the DOM two frames after the last change, and the rows the view covers. */
function shown(): Promise<Shown> {
  return page.evaluate(SHOWN) as Promise<Shown>;
}

function expectConsistent(s: Shown, label: string): void {
  const idx = s.rows.map((r) => r.i);
  expect(idx.length, label).toBeGreaterThan(0);
  expect(idx.length, label).toBeLessThan(60);
  expect(
    idx.every((v, k) => k === 0 || v === (idx[k - 1] as number) + 1),
    `${label}: rows in order, no gap: ${idx.join(',')}`,
  ).toBe(true);
  expect(idx[0], label).toBeLessThanOrEqual(s.first);
  expect(idx.at(-1), label).toBeGreaterThanOrEqual(s.last);
  expect(
    s.rows.every((r) => r.transform === `translateY(${r.i * ROW}px)`),
    `${label}: each row at its place`,
  ).toBe(true);
  expect(new Set(s.rows.map((r) => r.span)).size, `${label}: each span once`).toBe(s.rows.length);
}

const scrollTo = (y: number): Promise<unknown> => page.evaluate(`document.querySelector('.scroller').scrollTop = ${Number(y)}`);

describe('the waterfall on a 1,000-span trace', () => {
  it('keeps only the rows in view, in order, through jumps and small scrolls', async () => {
    const start = await shown();
    expect(start.total).toBe(1 + 20 * (1 + 25 + 24));
    expectConsistent(start, 'opened');
    for (const y of [24, 240, 9000, 8990, 7000, 23000, 100_000, 0, 12_000]) {
      await scrollTo(y);
      expectConsistent(await shown(), `scrollTop ${y}`);
    }
    // the row at an index shows the span the tree puts there: turn k's first model call after a jump
    await scrollTo(ROW * (1 + 50 * 7 + 1));
    const s = await shown();
    expect(s.rows.find((r) => r.i === 1 + 50 * 7 + 1)?.name).toBe('chat gpt-5.5 #7.0');
  });

  it('refills the same rows on collapse, expand, errors only and search', async () => {
    await page.click('text=Collapse all');
    let s = await shown();
    expect(s.total).toBe(1);
    expectConsistent(s, 'collapsed');
    await page.locator('.row .tog').first().click();
    s = await shown();
    expect(s.total).toBe(21);
    expectConsistent(s, 'root expanded');
    await page.click('text=Expand all');
    await scrollTo(15_000);
    expectConsistent(await shown(), 'expanded, scrolled');
    await page.click('text=Errors only');
    s = await shown();
    expect(s.rows.filter((r) => r.name.startsWith('execute_tool')).length).toBeGreaterThan(0);
    expectConsistent(s, 'errors only');
    await page.click('text=Errors only');
    await page.fill('input[type=search]', '#13.24');
    await expect.poll(async () => (await shown()).total).toBeLessThan(10);
    expectConsistent(await shown(), 'search');
    expect(await page.locator('.row.hit').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('redraws a row whose span changed when the store changes (live)', async () => {
    await page.fill('input[type=search]', '');
    await scrollTo(0);
    const llm = spans.find((x) => x.kind === 'llm') as Span;
    const row = page.locator(`.row[data-span="${llm.spanId}"]`);
    await expect.poll(() => row.locator('.dur').textContent()).toBe('500 ms');
    const store = TraceStore.open({ stateDir });
    const later = new Date(Date.parse(llm.startTime) + 2500).toISOString();
    store.upsertSpans([{ ...llm, endTime: later, status: 'error', statusMessage: 'stream disconnected' }]);
    store.close();
    await expect.poll(() => row.locator('.dur').textContent(), { timeout: 10_000 }).toBe('2.50 s');
    expect(await row.getAttribute('class')).toContain('error');
    expect(errors).toEqual([]);
  });
});
