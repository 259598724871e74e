#!/usr/bin/env node
/**
 * The viewer's speed (DESIGN.md "Performance budget"): the sessions API on a store of 10,000
 * sessions, the sessions page's first paint, and a 5,000-span session rendered and scrolled in
 * Debian's chromium (headless, through playwright-core). Part of `npm run bench`; alone:
 *
 *   node bench/ui.js [--sessions 10000] [--spans 5000] [--runs 9] [--cpu-throttle 1]
 *
 * --runs: first paints measured (the median is reported; trace renders: half as many);
 * --cpu-throttle N: DevTools' CPU throttling (×N slower; 1 = off, the default).
 *
 * The store is generated in the shapes the reducer writes (session → turns → model and tool
 * calls, content on turns, model and tool calls) and cached under bench/.corpus/.
 */
/* global performance, fetch -- Node 20 globals */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { row, formatTable } from './lib/report.js';
import { browseViewer, median, quantile } from './lib/ui-browser.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(join(ROOT, 'dist', p));
const step = (msg) => process.stderr.write(`bench ui: ${msg}\n`);

/** a small deterministic generator (mulberry32) */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n, width) => n.toString(16).padStart(width, '0');
const iso = (ms) => new Date(ms).toISOString();
const MODELS = ['gpt-5.5', 'gpt-5-codex', 'gpt-5.1-codex-max', 'gpt-5.5-mini'];
const PROJECTS = Array.from({ length: 40 }, (_, i) => `/home/dev/src/project-${i}`);

/** One session's spans: `turns` turns of `calls` model calls, each but the last followed by a tool call. */
function sessionSpans(i, start, turns, calls, rand) {
  const traceId = hex(i, 32);
  const sid = (k) => hex(i * 100_000 + k, 16);
  const sessionId = `${hex(i, 8)}-0000-7000-8000-${hex(i, 12)}`;
  const model = MODELS[i % MODELS.length];
  const cwd = PROJECTS[i % PROJECTS.length];
  const spans = [];
  let t = start;
  let k = 1;
  const root = sid(0);
  for (let turn = 1; turn <= turns; turn++) {
    const turnId = sid(k++);
    const turnStart = t;
    const kids = [];
    for (let c = 0; c < calls; c++) {
      const d = 400 + Math.floor(rand() * 4000);
      kids.push({
        traceId,
        spanId: sid(k++),
        parentSpanId: turnId,
        kind: 'llm',
        name: `chat ${model}`,
        startTime: iso(t),
        endTime: iso(t + d),
        status: 'ok',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': model,
          'gen_ai.usage.input_tokens': 8000 + c * 900,
          'gen_ai.usage.output_tokens': 60 + c,
          'gen_ai.usage.cache_read.input_tokens': 7000 + c * 800,
          'gen_ai.usage.reasoning.output_tokens': 20,
          'input.value': `tool exec_command: output of step ${c}`,
          'output.value': `[tool call] exec_command`,
        },
      });
      t += d;
      if (c === calls - 1) break;
      const td = 50 + Math.floor(rand() * 3000);
      const fail = rand() < 0.02;
      kids.push({
        traceId,
        spanId: sid(k++),
        parentSpanId: turnId,
        kind: 'tool',
        name: 'execute_tool exec_command',
        startTime: iso(t),
        endTime: iso(t + td),
        status: fail ? 'error' : 'ok',
        ...(fail ? { statusMessage: 'exit code 1' } : {}),
        attributes: {
          'gen_ai.tool.name': 'exec_command',
          'gen_ai.tool.call.id': `call_${i}_${turn}_${c}`,
          'codex.tool.command': `rg -n "pattern${c}" src/module${c % 17}`,
          'input.value': JSON.stringify({ cmd: `rg -n "pattern${c}" src`, yield_time_ms: 2000 }),
          'output.value': `src/module${c}.ts:${c}: match`,
          'codex.tool.exit_code': fail ? 1 : 0,
        },
      });
      t += td;
    }
    spans.push(
      {
        traceId,
        spanId: turnId,
        parentSpanId: root,
        kind: 'turn',
        name: `turn ${turn}`,
        startTime: iso(turnStart),
        endTime: iso(t),
        status: 'ok',
        attributes: {
          'codex.turn.index': turn,
          'input.value': `Session ${i} turn ${turn}: fix the failing test in project ${i % 40}`,
          'output.value': 'Done.',
        },
      },
      ...kids,
    );
    t += turn % 3 === 0 ? 3_600_000 : 20_000 + Math.floor(rand() * 60_000); // idle between turns, now and then an hour
  }
  spans.unshift({
    traceId,
    spanId: root,
    parentSpanId: null,
    kind: 'session',
    name: 'invoke_agent codex',
    startTime: iso(start),
    endTime: iso(t),
    status: 'ok',
    attributes: {
      'gen_ai.conversation.id': sessionId,
      'gen_ai.request.model': model,
      'codex.cwd': cwd,
      'codex.cli_version': '0.169.0',
      'vcs.ref.head.name': 'main',
    },
  });
  return { traceId, spans };
}

/** A state dir with `n` sessions (~30 spans each) plus one of `bigSpans` spans; cached. */
async function ensureStore(n, bigSpans) {
  const dir = join(ROOT, 'bench', '.corpus', `ui-${n}-${bigSpans}`);
  const big = { traceId: hex(n + 1, 32) };
  if (existsSync(join(dir, 'traces.sqlite'))) return { dir, big };
  const { TraceStore } = await dist('store/index.js');
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const store = TraceStore.open({ stateDir: tmp });
  const rand = rng(7);
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  let batch = [];
  for (let i = 1; i <= n; i++) {
    const s = sessionSpans(i, t0 + i * 3_000_000, 1 + (i % 5), 2 + (i % 6), rand);
    batch.push(...s.spans);
    if (batch.length > 20_000) {
      store.upsertSpans(batch);
      batch = [];
    }
  }
  // the big one: 100 turns of 25 model calls and 24 tool calls = 4,901 spans
  batch.push(...sessionSpans(n + 1, t0 + (n + 2) * 3_000_000, Math.ceil(bigSpans / 49), 25, rand).spans);
  store.upsertSpans(batch);
  store.close();
  renameSync(tmp, dir);
  return { dir, big };
}

/** The first request (cold: a new sort order, rows not priced yet) apart, then `times` warm ones. */
async function timeApi(base, path, times) {
  const c = performance.now();
  await (await fetch(base + path)).arrayBuffer();
  const cold = performance.now() - c;
  const ms = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    const res = await fetch(base + path);
    await res.arrayBuffer();
    ms.push(performance.now() - t);
  }
  return { cold, median: median(ms), p95: quantile(ms, 0.95) };
}

export async function measureUi({ sessions = 10_000, spans = 5_000, runs = 9, cpuThrottle = 1 } = {}) {
  const loadBefore = loadavg()[0];
  step(`store of ${sessions} sessions and one of ${spans} spans (cached under bench/.corpus)`);
  const { dir, big } = await ensureStore(sessions, spans);
  const { startUiServer } = await dist('ui/server/server.js');
  const { dbPathIn } = await dist('store/index.js');
  const { costTexts, traceCostTexts } = await dist('cli/ui-cmd.js');
  const ui = await startUiServer({ dbFile: dbPathIn(dir), port: 0, costOf: costTexts, traceCostOf: traceCostTexts });
  try {
    const base = ui.url.replace(/\/$/, '');
    step('sessions API');
    await timeApi(base, '/api/sessions', 5); // warm the page cache
    const api = {
      first: await timeApi(base, '/api/sessions?limit=50', 40),
      deep: await timeApi(base, '/api/sessions?limit=50&offset=9000', 40),
      duration: await timeApi(base, '/api/sessions?limit=50&sort=duration', 20),
      tokens: await timeApi(base, '/api/sessions?limit=50&sort=tokens', 20),
      errors: await timeApi(base, '/api/sessions?limit=50&errors=1', 20),
      project: await timeApi(base, `/api/sessions?limit=50&cwd=${encodeURIComponent(PROJECTS[3])}`, 20),
      facets: await timeApi(base, '/api/facets', 20),
      trace: await timeApi(base, `/api/traces/${big.traceId}`, 10),
    };
    step(`chromium: first paint (median of ${runs}), the big trace, scrolling; CPU throttling ${cpuThrottle === 1 ? 'off' : `×${cpuThrottle}`}`);
    const b = await browseViewer(ui.url, big.traceId, { runs, cpuThrottle });
    return { sessions, spans, api, browser: b, load: { before: +loadBefore.toFixed(2), after: +loadavg()[0].toFixed(2), cpus: cpus().length } };
  } finally {
    await ui.close();
  }
}

function browserRows(r) {
  const b = r.browser;
  const cpu = b.cpuThrottle === 1 ? 'CPU throttling off' : `CPU throttled ×${b.cpuThrottle}`;
  const n = b.paints.length;
  return [
    row(`ui: load average (1 min) before → after the viewer runs, ${r.load.cpus} cpus`, `${r.load.before} → ${r.load.after}`, '', 'reference', null, r.load),
    row(`ui: first contentful paint of a one-line page (floor; ${cpu})`, b.floorFcp, 'ms', 'reference', null),
    row(`ui: sessions page first contentful paint (median of ${n})`, b.fcp, 'ms', '< 300 ms', b.fcp < 300, { runs: b.paints.map((p) => Math.round(p.fcp)) }),
    row(`ui: sessions page listed, rows in the DOM (median of ${n})`, b.listed, 'ms', '< 300 ms', b.listed < 300, {
      runs: b.paints.map((p) => Math.round(p.listed)),
    }),
    row(
      `ui: ${b.spansShown}-span trace rendered (median of ${b.renders.length})`,
      b.render,
      'ms',
      '< 1000 ms',
      b.render < 1000 && b.spansShown >= r.spans * 0.95,
      { runs: b.renders.map(Math.round) },
    ),
    row('ui: rows in the DOM for that trace', b.domRows, 'rows', 'only visible (< 100)', b.domRows < 100),
    row('ui: scroll jump (a screenful of new rows) to painted, p95 of 60 (median of 3 passes)', b.scrollP95, 'ms', '< 50 ms', b.scrollP95 < 50, {
      median: b.scrollMedian,
      p95s: b.scrollP95s,
    }),
    row('ui: wheel scroll, frame interval p95', b.wheelP95, 'ms', '< 50 ms', b.wheelP95 < 50, { median: b.wheelMedian, frames: b.wheelFrames }),
    row('ui: long tasks (> 50 ms) in those 60 jumps', b.longTasks, '', '0', b.longTasks === 0, { longestMs: b.longestTask, perPass: b.longTasksPerPass }),
    row('ui: main-thread CPU per scroll jump', b.cpuPerJump, 'ms', 'reference', null),
  ];
}

export function uiRows(r) {
  const a = r.api;
  const k = `${r.sessions / 1000}k`;
  const coldest = Math.max(...['first', 'deep', 'duration', 'tokens', 'errors', 'project'].map((n) => a[n].cold));
  return [
    row(`ui: sessions API, first page (${k} sessions)`, a.first.median, 'ms', '< 50 ms', a.first.p95 < 50, a.first),
    row('ui: sessions API, page at offset 9000', a.deep.median, 'ms', '< 50 ms', a.deep.p95 < 50, a.deep),
    row('ui: sessions API, sorted by duration', a.duration.median, 'ms', '< 50 ms', a.duration.p95 < 50, a.duration),
    row('ui: sessions API, sorted by tokens', a.tokens.median, 'ms', '< 50 ms', a.tokens.p95 < 50, a.tokens),
    row('ui: sessions API, has errors', a.errors.median, 'ms', '< 50 ms', a.errors.p95 < 50, a.errors),
    row('ui: sessions API, one project', a.project.median, 'ms', '< 50 ms', a.project.p95 < 50, a.project),
    row('ui: sessions API, slowest first request of a query', coldest, 'ms', 'reference', null),
    row('ui: filter choices (facets)', a.facets.median, 'ms', 'reference', null, a.facets),
    row(`ui: trace outline API (${r.browser.spansShown} spans)`, a.trace.median, 'ms', 'reference', null, a.trace),
    ...browserRows(r),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const arg = (name, d) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : d);
  const r = await measureUi({
    sessions: arg('--sessions', 10_000),
    spans: arg('--spans', 5_000),
    runs: arg('--runs', 9),
    cpuThrottle: arg('--cpu-throttle', 1),
  });
  console.log(`\n${formatTable(uiRows(r))}\n`);
}
