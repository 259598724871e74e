#!/usr/bin/env node
/**
 * `npm run bench`: every performance figure of DESIGN.md ("Performance budget") in one
 * run on one machine, each beside its budget; prints a table and writes
 * bench/results/latest.json.
 *
 *   node bench/run.js [--mb 200] [--huge-mb 200] [--seed 1] [--quick] [--keep]
 *                     [--backfill-only] [--corpora real,fixtures,large] [--node-args "--cpu-prof ..."]
 *                     [--ui-only] [--watch-only]
 *
 * Backfill is measured on each corpus beside the floor of the same files, in the same run:
 * `real` (real-shaped sessions, about 420 KB a file: the figures the budgets are about),
 * `fixtures` (the lab fixtures cloned: thousands of small files, comparable with earlier
 * runs; watch, restart and idle run over it) and `large` (real-shaped, about 1,600 files of
 * about 170 KB: --mb × 1.36).
 * --quick: 25 MB corpora and shorter windows (a smoke run, not for the README).
 * --backfill-only: only floor, backfill and ccusage on the chosen corpora (to iterate).
 * --watch-only: only the fixture clones' backfill and the watch rows (latency, idle, restart).
 * --ui-only: only the viewer (bench/ui.js: sessions API on 10k sessions, first paint, a 5,151-span
 *   trace rendered and scrolled in chromium).
 * --keep: leave the scratch copies under bench/.corpus/work for inspection.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { copyDir, ensureCorpus, removeScratch, scratch } from './lib/corpus.js';
import { startWatcher } from './lib/proc.js';
import { formatTable, writeJson } from './lib/report.js';
import { backfillRows, hugeRows, scalingRows, watchRows } from './lib/rows.js';
import { measureBackfill, measureCcusage, measureFloor, measureScaling } from './measures/backfill.js';
import { measureLatency } from './measures/latency.js';
import { measureUi, uiRows } from './ui.js';
import { measureGrownRestart, measureRestartAndIdle } from './measures/watch.js';

function parseArgs(argv) {
  const quick = argv.includes('--quick');
  const a = {
    mb: quick ? 25 : 200,
    hugeMb: quick ? 25 : 200,
    seed: 1,
    quick,
    keep: argv.includes('--keep'),
    idleSeconds: quick ? 20 : 60,
    liveSeconds: quick ? 10 : 20,
    backfillOnly: argv.includes('--backfill-only'),
    uiOnly: argv.includes('--ui-only'),
    watchOnly: argv.includes('--watch-only'),
    corpora: ['real', 'fixtures', 'large'],
    nodeArgs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--corpora' || argv[i] === '--node-args') {
      const list = String(argv[++i] ?? '')
        .split(argv[i - 1] === '--corpora' ? ',' : ' ')
        .filter((x) => x !== '');
      if (argv[i - 1] === '--node-args') a.nodeArgs = list;
      else if (list.length === 0 || list.some((c) => !(c in CORPORA))) throw new Error(`--corpora takes a list of ${Object.keys(CORPORA).join(', ')}`);
      else a.corpora = list;
      continue;
    }
    const v = Number(argv[i + 1]);
    if (argv[i] === '--mb') a.mb = v;
    else if (argv[i] === '--huge-mb') a.hugeMb = v;
    else if (argv[i] === '--seed') a.seed = v;
    else continue;
    if (!(v > 0)) throw new Error(`${argv[i]} needs a positive number`);
    i++;
  }
  if (a.uiOnly) a.corpora = [];
  if (a.watchOnly) a.corpora = ['fixtures'];
  return a;
}

/** the corpora backfill is measured on (see make-corpus.js) */
const CORPORA = {
  real: (mb, seed) => ({ mb, seed, profile: 'real', fileKb: 420, sigma: 1 }),
  fixtures: (mb, seed) => ({ mb, seed }),
  large: (mb, seed) => ({ mb: Math.round(mb * 1.36), seed, profile: 'real', fileKb: 170, sigma: 0.35 }),
};

const step = (msg) => process.stderr.write(`bench: ${msg}\n`);

function machine() {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memGb: +(totalmem() / 2 ** 30).toFixed(1),
    platform: `${process.platform}-${process.arch}`,
    loadavg1m: +loadavg()[0].toFixed(2),
  };
}

async function measureWatch(args, home, state, templateHome) {
  step(`restart and ${args.idleSeconds} s idle (watch over the traced corpus)`);
  const ri = await measureRestartAndIdle({ home, stateDir: state, idleSeconds: args.idleSeconds });
  step(`watch latency: 8 live files, 20 records/s, ${args.liveSeconds} s`);
  const w = startWatcher(home, state, { idle: '1000d' }); // live records carry old timestamps: no idle finalize mid-run
  let lat;
  try {
    await w.caughtUp;
    lat = await measureLatency({ home, stateDir: state, templateHome, slots: 8, ratePerSec: 20, seconds: args.liveSeconds });
  } finally {
    await w.stop();
  }
  if (lat.notSeenIn5s > 0) lat.watchLog = w.log().slice(-3000); // for diagnosis in latest.json
  step('restart after 1% of files grew');
  const grown = await measureGrownRestart({ home, stateDir: state, templateHome });
  return { ri, lat, grown };
}

/** floor, backfill and ccusage on one corpus, on a writable copy; returns its rows and where it was traced */
async function measureCorpus(name, args) {
  const corpus = ensureCorpus(CORPORA[name](args.mb, args.seed));
  const home = copyDir(corpus, join(scratch(`home-${name}`), 'codex'));
  const state = scratch(`state-${name}`);
  if (args.watchOnly) {
    step(`${name}: backfill (for the watch rows)`);
    const bf = await measureBackfill(home, state, args.nodeArgs);
    return { home, state, floor: { files: bf.files }, rows: [] };
  }
  step(`${name}: floor, backfill, ccusage`);
  const floor = await measureFloor(home);
  const bf = await measureBackfill(home, state, args.nodeArgs);
  const cc = await measureCcusage(home, bf.bytes);
  return { home, state, floor, rows: backfillRows({ label: name, floor, bf, cc }) };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const loadBefore = loadavg()[0];
  step(`corpora (cached under bench/.corpus): ${args.corpora.join(', ')} at ${args.mb} MB, huge ${args.hugeMb} MB, seed ${args.seed}`);
  const measured = {};
  for (const name of args.corpora) measured[name] = await measureCorpus(name, args);
  const rows = args.corpora.flatMap((name) => measured[name].rows);
  if (!args.backfillOnly && !args.uiOnly) {
    const fx = measured.fixtures ?? (await measureCorpus('fixtures', args));
    const templateHome = ensureCorpus({ mb: 2, seed: 99 });
    const watch = await measureWatch(args, fx.home, fx.state, templateHome);
    rows.push(...watchRows(watch));
  }
  if (!args.backfillOnly && !args.uiOnly && !args.watchOnly) {
    step('huge session');
    const huge = await measureBackfill(ensureCorpus({ mb: 0, hugeMb: args.hugeMb, seed: args.seed }), scratch('huge-state'));
    const base = Math.max(1, Math.round(args.mb / 8));
    step(`scaling (real-shaped): ${base}, ${2 * base}, ${4 * base} MB`);
    const scaling = await measureScaling([1, 2, 4].map((k) => ensureCorpus(CORPORA.real(k * base, args.seed))));
    rows.push(...hugeRows({ huge }), ...scalingRows({ scaling }));
  }
  if (!args.backfillOnly && !args.watchOnly) {
    step('viewer: sessions API on 10k sessions, first paint, a 5,000-span trace in chromium');
    const ui = await measureUi(args.quick ? { sessions: 2_000, spans: 5_000 } : {});
    rows.push(...uiRows(ui));
  }
  const table = formatTable(rows);
  const missed = rows.filter((r) => r.met === false).map((r) => r.measure);
  const sizes = args.corpora.map((n) => `${n} ${measured[n].floor.files} files`).join(', ');
  console.log(
    `\ncodex-tracer bench (${args.quick ? 'quick, ' : ''}${args.backfillOnly ? 'backfill only, ' : ''}${args.watchOnly ? 'watch only, ' : ''}${args.uiOnly ? 'viewer only' : sizes}; node ${process.version}, ${machine().cpus} cpus, load ${loadBefore.toFixed(1)})\n\n${table}\n`,
  );
  const load = Math.max(loadBefore, loadavg()[0]);
  if (load > cpus().length * 0.75)
    console.log(
      `note: load average ${load.toFixed(1)} on ${cpus().length} cpus during the run: other work competed, wall times are inflated (compare with the floor of the same run)`,
    );
  console.log(missed.length === 0 ? 'every budget met' : `budgets missed: ${missed.join('; ')}`);
  const out = join(import.meta.dirname, 'results', args.backfillOnly || args.uiOnly || args.watchOnly || args.quick ? 'last-partial.json' : 'latest.json');
  writeJson(out, {
    date: new Date().toISOString(),
    command: `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    args,
    machine: { ...machine(), loadavg1mBefore: +loadBefore.toFixed(2) },
    seconds: Math.round((Date.now() - t0) / 1000),
    rows,
    table,
  });
  step(`wrote ${out} (${Math.round((Date.now() - t0) / 1000)} s)`);
  if (!args.keep) removeScratch();
}

await main();
