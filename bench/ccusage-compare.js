#!/usr/bin/env node
/**
 * Side by side with `ccusage codex session|daily --offline` on the same CODEX_HOME: token totals per
 * rollout file (ccusage's unit) and per UTC day, and cost. Traces into a scratch state dir with the
 * built CLI (run `npm run build` first), installs ccusage into bench/.tools on first use.
 *
 *   node bench/ccusage-compare.js [--codex-home DIR | --fork-demo] [--out FILE] [--quiet]
 *
 * --fork-demo compares on a home holding a fork with copied parent history (bench/lib/fork-home.js).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ccusageBin } from './lib/ccusage.js';
import { makeForkHome } from './lib/fork-home.js';

const ROOT = join(import.meta.dirname, '..');
const { TraceStore } = await import(join(ROOT, 'dist/store/index.js'));
const { priceCall } = await import(join(ROOT, 'dist/pricing/price.js'));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const forkDemo = args.includes('--fork-demo');
const home = forkDemo ? mkdtempSync(join(tmpdir(), 'ct-fork-home-')) : opt('--codex-home', join(ROOT, 'fixtures/sample-codex-home'));
if (forkDemo) makeForkHome(home);
const outFile = opt('--out', join(ROOT, 'bench/results/ccusage-compare.json'));
const quiet = args.includes('--quiet');

const state = mkdtempSync(join(tmpdir(), 'ct-ccusage-'));
try {
  execFileSync(process.execPath, [join(ROOT, 'bin/codex-tracer.js'), 'backfill', '--codex-home', home, '--state-dir', state], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bin = ccusageBin();
  const cc = (kind) =>
    JSON.parse(
      execFileSync(bin, ['codex', kind, '--json', '--offline', '--timezone', 'UTC'], {
        env: { ...process.env, CODEX_HOME: home },
        maxBuffer: 1 << 28,
      }).toString(),
    );
  const ccSessions = cc('session').sessions;
  const ccDaily = cc('daily').daily;

  const store = TraceStore.open({ stateDir: state }, { readonly: true });
  const calls = store.llmCalls();
  store.close();
  const zero = () => ({ input: 0, cached: 0, output: 0, reasoning: 0, micros: 0, calls: 0 });
  const add = (t, c) => {
    t.input += c.inputTokens;
    t.cached += c.cachedTokens;
    t.output += c.outputTokens;
    t.reasoning += c.reasoningTokens;
    t.calls += 1;
    const p = priceCall({
      model: c.model ?? 'unknown',
      provider: c.provider ?? undefined,
      time: c.time,
      input: c.inputTokens,
      cached: c.cachedTokens,
      output: c.outputTokens,
      reasoning: c.reasoningTokens,
      serviceTier: c.serviceTier ?? undefined,
    });
    if (p.priced) t.micros += p.micros;
  };
  const byThread = new Map();
  const byDay = new Map();
  for (const c of calls) {
    const id = c.threadId ?? c.traceId;
    if (!byThread.has(id)) byThread.set(id, zero());
    add(byThread.get(id), c);
    const d = c.time.slice(0, 10);
    if (!byDay.has(d)) byDay.set(d, zero());
    add(byDay.get(d), c);
  }
  // ccusage counts input without the cached part; ours (OTel) includes it
  const theirs = (s) => ({
    input: s.inputTokens + s.cacheReadTokens,
    cached: s.cacheReadTokens,
    output: s.outputTokens,
    reasoning: s.reasoningOutputTokens,
    usd: s.costUSD,
  });
  const same = (a, b) => a.input === b.input && a.cached === b.cached && a.output === b.output && a.reasoning === b.reasoning;
  const fileKind = (path) => {
    const head = readFileSync(path, 'utf8').split('\n', 400);
    const metas = head.filter((l) => l.includes('"type":"session_meta"')).map((l) => JSON.parse(l).payload ?? {});
    const first = metas[0] ?? {};
    if (first.forked_from_id || metas.some((m) => m.id && m.id !== first.id)) return 'fork / copied history';
    if (first.parent_thread_id || (typeof first.source === 'object' && first.source?.subagent)) return 'subagent';
    return 'session';
  };

  // every rollout under the home, by the thread id in its name
  const pathOf = new Map();
  for (const rel of readdirSync(home, { recursive: true })) {
    const m = /rollout-.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(String(rel));
    if (m) pathOf.set(m[1], join(home, String(rel)));
  }
  const kindOf = (id) => {
    try {
      return fileKind(pathOf.get(id));
    } catch {
      return '?';
    }
  };
  const files = [];
  const seen = new Set();
  for (const s of ccSessions) {
    const id = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(s.sessionFile)?.[1];
    seen.add(id);
    const ours = byThread.get(id) ?? zero();
    files.push({ thread: id, kind: kindOf(id), equal: same(ours, theirs(s)), ours, ccusage: theirs(s) });
  }
  for (const [id, ours] of byThread) if (!seen.has(id)) files.push({ thread: id, kind: kindOf(id), equal: false, ours, ccusage: null });
  const days = [...byDay].map(([date, ours]) => {
    const d = ccDaily.find((x) => x.date === date);
    return { date, ours, ccusage: d ? theirs(d) : null, equal: d ? same(ours, theirs(d)) : false };
  });
  const tally = (kind) => {
    const f = files.filter((x) => x.kind === kind);
    return { files: f.length, equal: f.filter((x) => x.equal).length };
  };
  const result = {
    codexHome: forkDemo ? '(--fork-demo)' : relative(ROOT, home) || '.',
    ccusage: 'ccusage codex session|daily --offline --timezone UTC',
    byKind: Object.fromEntries(['session', 'subagent', 'fork / copied history', '?'].map((k) => [k, tally(k)])),
    onlyInCodexTracer: files.filter((f) => f.ccusage === null).length,
    days,
    files,
  };
  writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  if (!quiet) {
    const n = (x) => String(x).padStart(9);
    console.log('per file (ccusage input includes cached here):');
    for (const [k, t] of Object.entries(result.byKind)) if (t.files) console.log(`  ${k.padEnd(24)} ${t.equal}/${t.files} equal`);
    console.log(`  files ccusage does not count at all: ${result.onlyInCodexTracer}`);
    for (const f of files.filter((x) => !x.equal).slice(0, 5)) {
      console.log(
        `  differs: ${f.thread} (${f.kind}) ours in ${f.ours.input} cached ${f.ours.cached} out ${f.ours.output}; ccusage ${f.ccusage ? `in ${f.ccusage.input} cached ${f.ccusage.cached} out ${f.ccusage.output}` : 'none'}`,
      );
    }
    console.log('per UTC day:            input     cached     output  reasoning       cost');
    for (const d of days) {
      console.log(
        `  ${d.date} ours    ${n(d.ours.input)}  ${n(d.ours.cached)}  ${n(d.ours.output)}  ${n(d.ours.reasoning)}  $${(d.ours.micros / 1e6).toFixed(4)}`,
      );
      if (d.ccusage)
        console.log(
          `  ${d.date} ccusage ${n(d.ccusage.input)}  ${n(d.ccusage.cached)}  ${n(d.ccusage.output)}  ${n(d.ccusage.reasoning)}  $${d.ccusage.usd.toFixed(4)}`,
        );
    }
    console.log(`written: ${outFile}`);
  }
} finally {
  rmSync(state, { recursive: true, force: true });
  if (forkDemo) rmSync(home, { recursive: true, force: true });
}
