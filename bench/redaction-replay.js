#!/usr/bin/env node
/**
 * The content filter alone, on the calls a backfill makes: the corpus is traced once (one thread,
 * in memory, spans thrown away) through a filter that records every call it gets (`filter(text)`
 * and `filter.joined(parts)`), then the recorded calls are replayed, N rounds in each of P fresh
 * processes (V8's optimized code differs from process to process: one process says little),
 * each round with a fresh filter (an empty memo), and the CPU time of each round is printed, with
 * a hash of what the filter returned (the same for two builds that redact alike). `record` prints
 * the filter's own CPU time inside that trace too.
 *
 *   npm run build
 *   node bench/redaction-replay.js record --codex-home bench/.corpus/mb200-huge0-seed1-real420k-s1 [--out FILE] [--checkout DIR]
 *   node bench/redaction-replay.js run [--in FILE] [--rounds 5] [--procs 6] [--checkout DIR]
 *
 * The recording (default: bench/.corpus/redaction-calls.json) does not depend on the build (the
 * reducer makes the calls): record once, replay any checkout's `dist/` with `--checkout`. Texts are
 * stored once each; a text met twice comes back as the same string object in the replay, as the
 * reducer mostly hands the filter the same string (a tool output, then the call input's part).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_FILE = join(HERE, '.corpus', 'redaction-calls.json');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const dist = (checkout, path) => import(pathToFileURL(join(resolve(checkout), 'dist', path)).href);

/** call kinds in the flat recording: [TEXT, string index] or [JOINED, n, (label, text) × n] */
const TEXT = 0;
const JOINED = 1;
/** string index of undefined and null */
const UNDEF = -1;
const NULL = -2;

async function record() {
  const home = opt('codex-home');
  if (home === undefined) throw new Error('record needs --codex-home DIR');
  const out = opt('out', DEFAULT_FILE);
  const here = resolve(opt('checkout', join(HERE, '..')));
  const [
    { makeContentFilter },
    { DEFAULT_CONTENT },
    { discover },
    { Delivery },
    { TracerSet },
    { runFiles },
    { noteThreadsOf },
    { MemoryCursors },
    { SILENT },
  ] = await Promise.all(
    [
      'content/redact.js',
      'content/options.js',
      'source/discover.js',
      'pipeline/delivery.js',
      'pipeline/tracers.js',
      'pipeline/run-files.js',
      'pipeline/heads.js',
      'store/cursor-store.js',
      'pipeline/report.js',
    ].map((p) => dist(here, p)),
  );
  const strings = [];
  const index = new Map();
  const id = (s) => {
    if (s === undefined) return UNDEF;
    if (s === null) return NULL;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const calls = [];
  const inner = makeContentFilter(DEFAULT_CONTENT);
  // the filter's own CPU time inside the trace (a getrusage around each call: ~1 µs, the same for any build)
  let cpu = 0;
  let n = 0;
  const timed = (f) => {
    n++;
    const t0 = process.cpuUsage();
    const out = f();
    const d = process.cpuUsage(t0);
    cpu += d.user + d.system;
    return out;
  };
  const filter = (text) => {
    calls.push(TEXT, id(text));
    return timed(() => inner(text));
  };
  filter.joined = (parts) => {
    calls.push(JOINED, parts.length);
    for (const p of parts) calls.push(id(p.label), id(p.text));
    return timed(() => inner.joined(parts));
  };
  const discard = { name: 'discard', write: async () => {}, flush: async () => {}, close: async () => {} };
  const set = new TracerSet({
    delivery: new Delivery([discard], new MemoryCursors()),
    reducer: { content: filter, llmInput: DEFAULT_CONTENT.llmInput },
    log: SILENT,
  });
  const { files } = await discover(home, { sync: true });
  const paths = files.map((f) => f.path);
  await noteThreadsOf(set, paths);
  await runFiles(
    set,
    files.map((f) => ({ path: f.path, size: f.size })),
    { finalize: 'all', idleMs: 0, concurrency: 1, release: true },
  );
  writeFileSync(out, JSON.stringify({ home, strings, calls }));
  const chars = strings.reduce((a, s) => a + s.length, 0);
  process.stdout.write(
    `${files.length} files: ${n} filter calls over ${strings.length} distinct texts (${(chars / 1e6).toFixed(1)}M characters), ${(cpu / 1000).toFixed(0)} CPU ms in the filter → ${out}\n`,
  );
}

/** the recording as call objects: texts as the one string each, parts as fresh InputPart objects per round (as the reducer makes them) */
function load(file) {
  const { strings, calls } = JSON.parse(readFileSync(file, 'utf8'));
  const str = (i) => (i === UNDEF ? undefined : i === NULL ? null : strings[i]);
  const list = [];
  for (let k = 0; k < calls.length;) {
    if (calls[k++] === TEXT) {
      list.push({ text: str(calls[k++]), parts: null });
      continue;
    }
    const n = calls[k++];
    const parts = [];
    for (let j = 0; j < n; j++, k += 2) parts.push([str(calls[k]), str(calls[k + 1])]);
    list.push({ text: undefined, parts });
  }
  return list;
}

async function child() {
  const file = opt('in', DEFAULT_FILE);
  const rounds = Number(opt('rounds', '5'));
  const [{ makeContentFilter }, { DEFAULT_CONTENT }] = await Promise.all([
    dist(opt('checkout', join(HERE, '..')), 'content/redact.js'),
    dist(opt('checkout', join(HERE, '..')), 'content/options.js'),
  ]);
  const list = load(file);
  const outputs = new Array(list.length);
  const ms = [];
  for (let r = 0; r < rounds; r++) {
    const filter = makeContentFilter(DEFAULT_CONTENT);
    const t0 = process.cpuUsage();
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      outputs[i] = c.parts === null ? filter(c.text) : filter.joined(c.parts.map(([label, text]) => ({ label, text })));
    }
    const d = process.cpuUsage(t0);
    ms.push((d.user + d.system) / 1000);
  }
  const h = createHash('sha256');
  for (const o of outputs) h.update(o === undefined ? '\u0000u' : `${o.length}:${o}`);
  process.stdout.write(`${JSON.stringify({ calls: list.length, ms, hash: h.digest('hex').slice(0, 16) })}\n`);
}

function run() {
  const procs = Number(opt('procs', '6'));
  const rounds = opt('rounds', '5');
  const checkout = resolve(opt('checkout', join(HERE, '..')));
  const file = resolve(opt('in', DEFAULT_FILE));
  const medians = [];
  for (let p = 0; p < procs; p++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'child', '--in', file, '--rounds', rounds, '--checkout', checkout], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const { calls, ms, hash } = JSON.parse(r.stdout);
    // the first round warms the JIT up; the rest show the process's mode
    const steady = ms.slice(1).sort((a, b) => a - b);
    const median = steady[Math.floor(steady.length / 2)] ?? ms[0];
    medians.push(median);
    process.stdout.write(
      `process ${p + 1}: ${calls} calls, CPU ms per round ${ms.map((m) => m.toFixed(0)).join(' ')} (median after the first ${median.toFixed(0)}), outputs ${hash}\n`,
    );
  }
  medians.sort((a, b) => a - b);
  process.stdout.write(`${checkout}: median ms per round by process ${medians.map((m) => m.toFixed(0)).join(' / ')}\n`);
}

const cmd = args[0];
if (cmd === 'record') await record();
else if (cmd === 'child') await child();
else if (cmd === 'run') run();
else
  process.stderr.write(
    'usage: redaction-replay.js record --codex-home DIR [--out FILE] [--checkout DIR] | run [--in FILE] [--rounds N] [--procs P] [--checkout DIR]\n',
  );
