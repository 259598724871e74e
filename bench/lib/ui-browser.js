/**
 * The viewer measured in Debian's chromium (headless, playwright-core), for bench/ui.js: the
 * sessions page's first paint (beside the first paint of a one-line page, the floor of the same
 * browser on the same machine), a big trace rendered, and scrolling it — wall time per scroll
 * step, the frame interval of a wheel scroll, long tasks, and the main thread's CPU time per step
 * (from a Chromium trace; CPU time moves far less with the machine's load than wall time).
 * Every figure is the median of several runs; CPU throttling (DevTools' emulation) is off unless
 * asked for.
 */
/* global performance, document, requestAnimationFrame, PerformanceObserver, window -- page functions run in the browser */
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
export const median = (xs) => quantile(xs, 0.5);

/** A bare node:http server answering a one-line page: the first paint nothing can beat. */
async function floorServer() {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>floor</title><p>codex-tracer</p>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const fcpOf = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;

/** First contentful paint (and the viewer's `ct:sessions-listed` mark) from navigation start, `runs` times. */
async function firstPaints(page, url, runs, { listed }) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('about:blank');
    await page.goto(url);
    if (listed) await page.waitForSelector('tr.session');
    else await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    const fcp = await page.evaluate(fcpOf);
    const mark = listed ? await page.evaluate(() => performance.getEntriesByName('ct:sessions-listed')[0]?.startTime ?? NaN) : NaN;
    out.push({ fcp, listed: mark });
  }
  return out;
}

/** From navigation start to the frame after the trace's rows went in (the viewer's `ct:trace-painted`). */
async function traceRenders(page, url, traceId, runs) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('about:blank');
    await page.goto(`${url}#/trace/${traceId}`);
    await page.waitForFunction(() => performance.getEntriesByName('ct:trace-painted').length > 0);
    out.push(await page.evaluate(() => performance.getEntriesByName('ct:trace-painted')[0].startTime));
  }
  const domRows = await page.locator('.row').count();
  const spansShown = Number(((await page.locator('.toolbar .muted').textContent()) ?? '').split(' ')[0]);
  return { ms: out, domRows, spansShown };
}

/**
 * 60 jumps across the whole trace (each a screenful of new rows: the worst case), each timed from
 * setting scrollTop to the task after the frame that painted it; long tasks (> 50 ms) counted.
 */
function scrollJumps(page) {
  return page.evaluate(async () => {
    const long = [];
    const obs = new PerformanceObserver((l) => long.push(...l.getEntries().map((e) => e.duration)));
    obs.observe({ type: 'longtask' });
    const sc = document.querySelector('.scroller');
    const steps = [];
    for (let i = 1; i <= 60; i++) {
      const t = performance.now();
      sc.scrollTop = (i * sc.scrollHeight) / 60;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      steps.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    sc.scrollTop = 0;
    return { steps, long };
  });
}

/** A wheel scroll down the trace (120 px a notch, as a mouse sends them): the intervals between frames meanwhile. */
async function wheelFrames(page) {
  const box = await page.locator('.scroller').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(() => {
    window.ctFrames = [];
    window.ctFramesOn = true;
    const tick = (t) => {
      window.ctFrames.push(t);
      if (window.ctFramesOn) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  for (let i = 0; i < 120; i++) await page.mouse.wheel(0, 120);
  await page.waitForTimeout(100);
  const ts = await page.evaluate(() => {
    window.ctFramesOn = false;
    return window.ctFrames;
  });
  return ts.slice(1).map((t, i) => t - ts[i]);
}

/** The renderer main thread's CPU time per scroll jump, from a Chromium trace of the same 60 jumps. */
async function scrollCpu(browser, page) {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'toplevel'] });
  await scrollJumps(page);
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const frame = events.find((e) => e.name === 'FireAnimationFrame');
  if (frame === undefined) return NaN;
  const tasks = events.filter(
    (e) => e.pid === frame.pid && e.tid === frame.tid && e.ph === 'X' && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask'),
  );
  return tasks.reduce((n, e) => n + (e.tdur ?? e.dur), 0) / 1000 / 60;
}

/**
 * Everything above against the `ui` server at `url` (its sessions page, and the trace `traceId`);
 * `runs` first paints (trace renders: about half as many); `cpuThrottle` 1 = off.
 */
export async function browseViewer(url, traceId, { runs = 9, cpuThrottle = 1 } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const floor = await floorServer();
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 800 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuThrottle });
    const floorPaints = await firstPaints(page, floor.url, runs, { listed: false });
    const paints = await firstPaints(page, url, runs, { listed: true });
    const trace = await traceRenders(page, url, traceId, Math.max(3, Math.ceil(runs / 2)));
    await page.waitForTimeout(200);
    // three passes of 60 jumps: the median pass's p95 (one pass can land on another process's burst)
    const passes = [];
    for (let i = 0; i < 3; i++) passes.push(await scrollJumps(page));
    const byP95 = passes.map((j) => ({ ...j, p95: quantile(j.steps, 0.95) })).sort((a, b) => a.p95 - b.p95);
    const jumps = byP95[1];
    const cpuPerJump = await scrollCpu(browser, page);
    const frames = await wheelFrames(page);
    return {
      cpuThrottle,
      floorFcp: median(floorPaints.map((p) => p.fcp)),
      fcp: median(paints.map((p) => p.fcp)),
      listed: median(paints.map((p) => p.listed)),
      paints,
      render: median(trace.ms),
      renders: trace.ms,
      domRows: trace.domRows,
      spansShown: trace.spansShown,
      scrollP95: jumps.p95,
      scrollP95s: byP95.map((j) => j.p95),
      scrollMedian: median(jumps.steps),
      longTasks: jumps.long.length,
      longTasksPerPass: passes.map((j) => j.long.length),
      longestTask: Math.max(0, ...jumps.long),
      cpuPerJump,
      wheelP95: quantile(frames, 0.95),
      wheelMedian: median(frames),
      wheelFrames: frames.length,
    };
  } finally {
    await floor.close();
    await browser.close();
  }
}
