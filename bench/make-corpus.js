#!/usr/bin/env node
/**
 * Builds a synthetic CODEX_HOME for benchmarks from the real rollout fixtures.
 *
 *   node bench/make-corpus.js --out DIR [--profile fixtures|real] [--mb 200] [--seed 1] [--huge-mb N]
 *                             [--file-kb K] [--sigma S]
 *
 * --profile real (see lib/real-sessions.js): synthetic sessions whose record-type byte mix,
 * sizes and content kinds follow ../shared/reference/real-corpus-profile.md; file sizes are
 * drawn log-normally around --file-kb (default 420 KB, spread --sigma, default 1.0) between
 * 4 KB and 1.8 MB, until the corpus reaches --mb. `--file-kb 170 --sigma 0.35 --mb 272` is
 * the "large files" history (about 1,600 files of about 170 KB).
 *
 * --profile fixtures (the default):
 *
 * Every fixture session (all versions, all scenarios, subagent parent+child pairs
 * together) is cloned round-robin with fresh UUIDs (session, thread, turn ids and
 * the parent<->child links, consistently per clone), fresh response/call/item ids,
 * and timestamps shifted to a new start, into `sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`
 * (about one clone in twelve into `archived_sessions/`), until the corpus reaches
 * --mb megabytes. `--huge-mb N` adds one resumed-looking session of about N MB:
 * one header, then thousands of turns, each with fresh ids and later timestamps.
 * Deterministic: the same seed gives a byte-identical corpus (no clock, no Math.random).
 */
import { mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { makePools } from './lib/content-pools.js';
import { SessionBuilder, sizeAround } from './lib/real-sessions.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const MB = 1024 * 1024;
/** corpus sessions start from here (fixed, so the corpus does not depend on the clock) */
const EPOCH_SEC = Date.UTC(2025, 0, 6, 9, 0, 0) / 1000;
const SPAN_DAYS = 180;
const HUGE_TEMPLATE = ['codex-0.169.0', 'e-multi-tool.jsonl'];

/** ids that get rewritten: UUIDs | mock response/call/item ids | ISO seconds | epoch s | epoch ms | ordinal */
const REWRITE =
  /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|\b((?:resp|call|fc|msg|rs|ctc)_(?:mock_[0-9_]+|[a-z]+_[0-9]+[a-z]?))\b|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?=(?:\.\d+)?Z)|("(?:started_at|completed_at|create_time)":)(\d{10})\b|("(?:started_at_ms|completed_at_ms)":)(\d{13})\b|("ordinal":)(\d+)/g;

function parseArgs(argv) {
  const args = { out: '', mb: 200, seed: 1, hugeMb: 0, profile: 'fixtures', fileKb: 420, sigma: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--out') args.out = value;
    else if (flag === '--profile') args.profile = value;
    else if (flag === '--file-kb') args.fileKb = Number(value);
    else if (flag === '--sigma') args.sigma = Number(value);
    else if (flag === '--mb') args.mb = Number(value);
    else if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--huge-mb') args.hugeMb = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (
    args.out === '' ||
    !(args.mb >= 0) ||
    !Number.isInteger(args.seed) ||
    !(args.hugeMb >= 0) ||
    !['fixtures', 'real'].includes(args.profile) ||
    !(args.fileKb > 0) ||
    !(args.sigma >= 0)
  ) {
    throw new Error('usage: node bench/make-corpus.js --out DIR [--profile fixtures|real] [--mb 200] [--seed 1] [--huge-mb N] [--file-kb K] [--sigma S]');
  }
  return args;
}

/** sfc32, seeded through splitmix32: small, fast, good enough for ids */
function makeRng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let [a, b, c, d] = [split(), split(), split(), split()];
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return { next, below: (n) => next() % n };
}

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomChars(rng, alphabet, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.below(alphabet.length)];
  return s;
}

/** a fresh UUID keeping the original's version and variant nibbles */
function freshUuid(rng, original) {
  const h = randomChars(rng, HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${original[14]}${h.slice(13, 16)}-${original[19]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const isoSeconds = (sec) => new Date(sec * 1000).toISOString().slice(0, 19);

/**
 * Rewrites one rollout text for a clone. `ctx` holds the clone's maps (shared by a
 * parent and its child, so links stay consistent), its time offset and the ordinal base.
 */
function rewrite(text, ctx) {
  return text.replace(REWRITE, (m, uuid, id, iso, sKey, sVal, msKey, msVal, ordKey, ordVal) => {
    if (uuid !== undefined) return mapped(ctx.uuids, uuid, () => freshUuid(ctx.rng, uuid));
    if (id !== undefined) {
      return mapped(ctx.ids, id, () => `${id.slice(0, id.indexOf('_'))}_${randomChars(ctx.rng, ALNUM, 24)}`);
    }
    if (iso !== undefined) return isoSeconds(Date.parse(`${iso}Z`) / 1000 + ctx.offsetSec);
    if (sKey !== undefined) return sKey + String(Number(sVal) + ctx.offsetSec);
    if (msKey !== undefined) return msKey + String(Number(msVal) + ctx.offsetSec * 1000);
    if (ordKey !== undefined) return ordKey + String(Number(ordVal) + ctx.ordinalBase);
    return m;
  });
}

function mapped(map, key, make) {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** first ISO timestamp of a rollout text, in epoch seconds */
function startSec(text) {
  const m = /"timestamp":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)/.exec(text);
  if (m === null) throw new Error('rollout without a timestamp');
  return Date.parse(`${m[1]}Z`) / 1000;
}

/** session id of a rollout: the first UUID of its first line (session_meta id, or the legacy header id) */
function sessionIdOf(firstLine) {
  const o = JSON.parse(firstLine);
  const id = o.payload?.id ?? o.id;
  if (typeof id !== 'string') throw new Error('rollout without a session id');
  return id;
}

/** fixture sessions as clone units: a session file plus its subagent children (`name.1.jsonl`) */
function loadUnits() {
  const units = [];
  for (const version of readdirSync(FIXTURES)
    .filter((d) => d.startsWith('codex-'))
    .sort()) {
    const files = readdirSync(join(FIXTURES, version))
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
    for (const parent of files.filter((f) => !/\.\d+\.jsonl$/.test(f))) {
      const base = parent.slice(0, -'.jsonl'.length);
      const members = [parent, ...files.filter((f) => f.startsWith(`${base}.`) && f !== parent)];
      const texts = members.map((f) => readFileSync(join(FIXTURES, version, f), 'utf8'));
      units.push({
        name: `${version}/${base}`,
        files: texts.map((text) => ({ text, sessionId: sessionIdOf(text.slice(0, text.indexOf('\n'))), start: startSec(text) })),
        bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
      });
    }
  }
  return units;
}

function rolloutPath(archived, startSecs, uuid) {
  const iso = isoSeconds(startSecs);
  const file = `rollout-${iso.replace(/:/g, '-')}-${uuid}.jsonl`;
  if (archived) return join('archived_sessions', file);
  return join('sessions', iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10), file);
}

class Writer {
  constructor(out) {
    this.out = out;
    this.dirs = new Set();
    this.files = 0;
    this.bytes = 0;
  }
  ensureDir(rel) {
    const dir = dirname(join(this.out, rel));
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
  }
  write(rel, text) {
    this.ensureDir(rel);
    writeFileSync(join(this.out, rel), text);
    this.files++;
    this.bytes += Buffer.byteLength(text);
  }
}

/** one clone of a unit starting at `targetStart` (epoch seconds) */
function cloneUnit(unit, rng, targetStart, archived, writer) {
  const ctx = { rng, uuids: new Map(), ids: new Map(), offsetSec: targetStart - unit.files[0].start, ordinalBase: 0 };
  for (const file of unit.files) {
    const text = rewrite(file.text, ctx);
    writer.write(rolloutPath(archived, file.start + ctx.offsetSec, ctx.uuids.get(file.sessionId)), text);
  }
}

function buildSessions(writer, rng, targetBytes) {
  const units = loadUnits();
  const avgBytes = units.reduce((n, u) => n + u.bytes, 0) / units.length;
  const spacing = Math.max(1, Math.floor((SPAN_DAYS * 86400) / Math.max(1, targetBytes / avgBytes)));
  for (let i = 0; writer.bytes < targetBytes; i++) {
    const unit = units[i % units.length];
    const start = EPOCH_SEC + i * spacing + rng.below(Math.max(1, spacing >> 1));
    cloneUnit(unit, rng, start, rng.below(12) === 0, writer);
  }
  return units.length;
}

/** the huge session: the template's header once, then its turns again and again, as resumes append them */
function buildHuge(writer, rng, targetBytes, afterSec) {
  const text = readFileSync(join(FIXTURES, ...HUGE_TEMPLATE), 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const firstTurn = lines.findIndex((l) => l.includes('"type":"task_started"'));
  const header = `${lines.slice(0, firstTurn).join('\n')}\n`;
  const body = `${lines.slice(firstTurn).join('\n')}\n`;
  const bodySecs = startSec(lines.at(-1)) - startSec(body) + 1;
  const ctx = { rng, uuids: new Map(), ids: new Map(), offsetSec: afterSec - startSec(text), ordinalBase: 0 };
  const head = rewrite(header, ctx);
  const rel = rolloutPath(false, afterSec, ctx.uuids.get(sessionIdOf(lines[0])));
  const keep = new Map(ctx.uuids);
  writer.ensureDir(rel);
  const fd = openSync(join(writer.out, rel), 'w');
  let bytes = writeSync(fd, head);
  let turns = 0;
  for (; bytes < targetBytes; turns++) {
    ctx.uuids = new Map(keep);
    ctx.ids = new Map();
    ctx.offsetSec += bodySecs + 30 + rng.below(600);
    ctx.ordinalBase = turns * (lines.length - firstTurn);
    bytes += writeSync(fd, rewrite(body, ctx));
  }
  closeSync(fd);
  writer.files++;
  writer.bytes += bytes;
  return { rel, turns, bytes };
}

/** the base instructions Codex really sends (from a fixture's session_meta) */
function realInstructions() {
  const first = readFileSync(join(FIXTURES, 'codex-0.100.0', 'a-text.jsonl'), 'utf8').split('\n')[0];
  return JSON.parse(first).payload.base_instructions.text;
}

/** real-shaped sessions (lib/real-sessions.js) until the corpus reaches `targetBytes` */
function buildRealSessions(writer, rng, targetBytes, { fileKb, sigma }) {
  const pools = makePools(rng);
  const instructions = realInstructions();
  const spacing = Math.max(1, Math.floor((SPAN_DAYS * 86400) / Math.max(1, targetBytes / (fileKb * 1024))));
  let sessions = 0;
  for (let i = 0; writer.bytes < targetBytes; i++) {
    const startSec = EPOCH_SEC + i * spacing + rng.below(Math.max(1, spacing >> 1));
    const size = sizeAround(rng, fileKb * 1024, 1.8 * MB, sigma, 4 * 1024);
    const lines = [];
    const s = new SessionBuilder({ rng, pools, instructions, startMs: startSec * 1000, targetBytes: size, emit: (l) => lines.push(l) }).build();
    writer.write(rolloutPath(rng.below(12) === 0, startSec, s.id), `${lines.join('\n')}\n`);
    sessions++;
  }
  return sessions;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const rng = makeRng(args.seed);
  const writer = new Writer(args.out);
  const units = args.profile === 'real' ? buildRealSessions(writer, rng, args.mb * MB, args) : buildSessions(writer, rng, args.mb * MB);
  let huge = null;
  if (args.hugeMb > 0) huge = buildHuge(writer, makeRng(args.seed + 0x51f15eed), args.hugeMb * MB, EPOCH_SEC + SPAN_DAYS * 86400);
  const ms = Math.round(performance.now() - t0);
  const what = args.profile === 'real' ? `${units} real-shaped sessions` : `${units} fixture sessions cloned`;
  console.log(`${writer.files} files, ${(writer.bytes / MB).toFixed(1)} MB (${what}) in ${ms} ms → ${args.out}`);
  if (huge !== null) console.log(`huge session: ${huge.rel}, ${huge.turns} turns, ${(huge.bytes / MB).toFixed(1)} MB`);
}

main();
