/**
 * Live sessions for the watch-latency measure: real rollout files (a small corpus with
 * its own seed, so fresh ids) replayed line by line into a watched CODEX_HOME, and, per
 * line, the span changes it must cause in the store, worked out beforehand with the
 * project's own processor (the same reducer the watcher runs).
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SessionProcessor } from '../../dist/pipeline/processor.js';
import { defaultReducerOptions } from '../../dist/trace/reduce.js';
import { threadIdOfPath } from '../../dist/source/names.js';

function rolloutsUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => /rollout-.*\.jsonl$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}

/**
 * The span changes each line causes: `{ spanId, endTime }` (endTime null: the span starts).
 * A change the store already shows from an earlier line is not expected again. The
 * session root is left out (its end moves with every record).
 */
function expectations(path, lines) {
  const proc = new SessionProcessor(path, defaultReducerOptions(threadIdOfPath(path)));
  const seen = new Set();
  let offset = 0;
  const perLine = lines.map((text) => {
    const byId = new Map();
    for (const e of proc.push({ offset, text })) {
      if (e.type === 'warning' || e.span.kind === 'session') continue;
      if (e.type === 'span_started' && !byId.has(e.span.spanId)) byId.set(e.span.spanId, null);
      if (e.type === 'span_ended') byId.set(e.span.spanId, e.span.endTime);
    }
    offset += Buffer.byteLength(text) + 1;
    const out = [];
    for (const [spanId, endTime] of byId) {
      const key = `${spanId}|${endTime ?? ''}`;
      if (!seen.has(key) && !(endTime === null && seen.has(`${spanId}|start`))) out.push({ spanId, endTime });
      seen.add(key);
      seen.add(`${spanId}|start`);
    }
    return out;
  });
  return { traceId: proc.traceId, perLine };
}

/** Live-session templates from a template CODEX_HOME: main sessions only (no subagent children). */
export function loadTemplates(templateHome) {
  const out = [];
  for (const path of rolloutsUnder(join(templateHome, 'sessions'))) {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    if (/"parent_thread_id"|"subagent"/.test(lines[0] ?? '')) continue;
    const exp = expectations(path, lines);
    if (exp.traceId === undefined) continue;
    out.push({ rel: relative(templateHome, path), lines, ...exp });
  }
  return out;
}

/**
 * Writes template lines into `home`, `slots` files at a time, `ratePerSec` lines per second
 * in total, for `seconds`; a slot whose file is done starts the next template (a new
 * session). Calls onWrite(line expectations, traceId, t) after each write() returns.
 */
export async function writeLive(home, templates, { slots, ratePerSec, seconds, onWrite }) {
  const queue = [...templates];
  const open = [];
  const next = () => {
    const t = queue.shift();
    if (t === undefined) return undefined;
    const path = join(home, t.rel);
    mkdirSync(dirname(path), { recursive: true });
    return { t, i: 0, fd: openSync(path, 'a') };
  };
  for (let s = 0; s < slots; s++) open.push(next());
  const total = Math.round(ratePerSec * seconds);
  const t0 = performance.now();
  let written = 0;
  for (let n = 0; n < total; n++) {
    const wait = t0 + (n * 1000) / ratePerSec - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = n % slots;
    let cur = open[s];
    if (cur === undefined) continue;
    if (cur.i >= cur.t.lines.length) {
      closeSync(cur.fd);
      cur = open[s] = next();
      if (cur === undefined) continue;
    }
    writeSync(cur.fd, `${cur.t.lines[cur.i]}\n`);
    onWrite(cur.t.perLine[cur.i], cur.t.traceId, performance.now());
    cur.i++;
    written++;
  }
  for (const cur of open) if (cur !== undefined) closeSync(cur.fd);
  return written;
}
