/**
 * End to end: the built `codex-tracer ui` process over the sample sessions, driven by Debian's
 * chromium through playwright-core. Sessions list, a trace, search, errors only, a deep-linked
 * span, the transcript, a live update written by a running `watch`, a forged Host, the exported
 * HTML file; no console errors anywhere. Saves a screenshot of each page into docs/img/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { get } from 'node:http';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, DAY_DIR, runCleanups, testDir } from '../helpers/index.js';
import { sampleStore } from './store-fixture.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'codex-tracer.js');
const IMG = join(ROOT, 'docs', 'img');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** held back from the first backfill; a watcher writes it while the page is open */
const LATE = '01a213a3-3aa0-7ca0-8550-e9db01b3ebe3';
const SUBAGENT_TRACE = '01a213a35f3f72c3a83da033ed259373';
const FAILING_TRACE = '01a213a343b07c33af98d4ec503cd295';

const children: ChildProcess[] = [];
let browser: Browser;
let home: string;
let stateDir: string;
let held: string[];
let url: string;
let port: number;
const consoleErrors: string[] = [];

function start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: testDir('ct-ui-user-'), ...env },
  });
  children.push(child);
  return child;
}

/** Resolves with the first stdout line (the viewer prints its URL there). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] as string);
    });
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(IMG, { recursive: true });
  await page.screenshot({ path: join(IMG, `${name}.png`) });
}

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'ui', 'web', 'app.js')), 'run `npm run build` first').toBe(true);
  ({ home, stateDir, held } = await sampleStore((name) => name.includes(LATE)));
  const ui = start(['ui', '--state-dir', stateDir, '--port', '0']);
  url = await firstLine(ui);
  port = Number(new URL(url).port);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  runCleanups();
});

describe('the viewer in a browser', () => {
  it('prints a loopback URL and refuses a forged Host with 403', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const status = await new Promise<number>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', headers: { Host: 'rebind.attacker.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(403);
  });

  it('lists the sample sessions, and a session a watcher writes appears live', async () => {
    const page = await newPage();
    await page.goto(url);
    await page.waitForSelector('tr.session');
    expect(await page.locator('tr.session').count()).toBe(7);
    await expect.poll(() => page.locator('.live').textContent()).toBe('live');
    const watch = start(['watch', '--codex-home', home, '--state-dir', stateDir, '--idle', '1000d']);
    await new Promise<void>((resolve) => watch.stderr?.on('data', (b: Buffer) => b.toString().includes('caught up') && resolve()));
    for (const f of held) copyFileSync(f, join(home, DAY_DIR, basename(f)));
    await page.waitForSelector(`tr.session[data-trace="${LATE.replace(/-/g, '')}"]`, { timeout: 15_000 });
    expect(await page.locator('tr.session').count()).toBe(8);
    await shot(page, 'sessions');
    watch.kill('SIGTERM');
    await page.close();
  });

  it('opens a trace from the list: waterfall, summary, token badges, span detail', async () => {
    const page = await newPage();
    await page.goto(url);
    await page.click(`tr.session[data-trace="${SUBAGENT_TRACE}"]`);
    await page.waitForSelector('.row');
    expect(page.url()).toContain(`#/trace/${SUBAGENT_TRACE}`);
    expect(await page.locator('.row').count()).toBe(12);
    expect(await page.locator('.row[data-kind=subagent]').count()).toBe(1);
    expect(await page.locator('.row[data-kind=llm] .tok').count()).toBe(5);
    expect(await page.locator('.summary').textContent()).toContain('model calls5');
    // the trace's cost, as the sessions list shows it, arrives after the waterfall
    const listed = await page.evaluate(async (id) => {
      const r = (await (await fetch('/api/sessions')).json()) as { rows: { traceId: string; cost: string }[] };
      return r.rows.find((x) => x.traceId === id)?.cost;
    }, SUBAGENT_TRACE);
    expect(listed).toMatch(/^\$\d/);
    await expect.poll(() => page.locator('.summary .cost').textContent()).toBe(`cost${listed}`);
    await page.click('.row[data-kind=tool]:has-text("exec_command")');
    await page.waitForSelector('.detail-body');
    expect(await page.locator('.detail-body pre.json').first().textContent()).toContain('"cmd": "ls -1 | wc -l"');
    await shot(page, 'trace');
    await page.close();
  });

  it('search finds a tool call and shows it with its ancestors; errors only keeps the failure', async () => {
    const page = await newPage();
    await page.goto(`${url}#/trace/${SUBAGENT_TRACE}`);
    await page.waitForSelector('.row');
    await page.fill('input[type=search]', 'wc -l');
    await expect.poll(() => page.locator('.row').count()).toBe(5);
    const hit = page.locator('.row.hit');
    expect(await hit.count()).toBe(1);
    expect(await hit.getAttribute('data-kind')).toBe('tool');
    expect(await page.locator('.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual([
      'session',
      'turn',
      'subagent',
      'turn',
      'tool',
    ]);
    // content search (server side): a word only in a tool's output
    await page.fill('input[type=search]', 'CHILD-ANSWER');
    await expect.poll(() => page.locator('.row.hit').count()).toBeGreaterThan(0);

    await page.goto(`${url}#/trace/${FAILING_TRACE}`);
    await page.waitForSelector('.row.error');
    await page.click('button.errors-only');
    await expect.poll(() => page.locator('.row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['session', 'turn', 'tool']);
    await page.close();
  });

  it('a deep link opens one span; the transcript shows the conversation', async () => {
    const page = await newPage();
    await page.goto(`${url}#/trace/${SUBAGENT_TRACE}`);
    await page.waitForSelector('.row[data-kind=llm]');
    const spanId = (await page.locator('.row[data-kind=llm]').last().getAttribute('data-span')) as string;
    await page.goto('about:blank');
    await page.goto(`${url}#/trace/${SUBAGENT_TRACE}?span=${spanId}`);
    await page.waitForSelector(`.detail-body[data-span="${spanId}"]`);
    expect(await page.locator(`.row.sel[data-span="${spanId}"]`).count()).toBe(1);
    expect(await page.locator('.detail-body table.usage').textContent()).toContain('cached');
    // a model call's own price (a deep link: the price may come after the span)
    await expect.poll(() => page.locator('.detail-body table.facts').textContent()).toMatch(/cost\$\d/);
    await shot(page, 'span');
    await page.click('a.transcript-link');
    await page.waitForSelector('.transcript .msg.user');
    expect(await page.locator('.transcript').textContent()).toContain('Delegate counting the files');
    expect(await page.locator('.transcript details.tool').count()).toBe(3);
    await shot(page, 'transcript');
    await page.close();
  });

  it('the exported HTML renders the same trace from a file, offline', async () => {
    const out = join(testDir('ct-ui-export-'), 'trace.html');
    const r = await cli(['--state-dir', stateDir, 'export', SUBAGENT_TRACE, '--format', 'html', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(out).href);
    await page.waitForSelector('.row');
    expect(await page.locator('.row').count()).toBe(12);
    await page.click('.row[data-kind=tool]:has-text("exec_command")');
    await page.waitForSelector('.detail-body pre');
    expect(await page.locator('.summary .cost').textContent()).toMatch(/^cost\$\d/);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('logged no console errors on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
