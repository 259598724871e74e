/**
 * Test helpers for the CLI and pipeline: a temp CODEX_HOME built from the real
 * fixtures, the CLI run in-process with captured output, and the store's spans.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { SpanRow } from '../../src/store/spans.js';
import { main } from '../../src/cli/index.js';
import { dbPathIn, rowToSpan } from '../../src/store/index.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const VERSIONS = readdirSync(FIXTURES).filter((d) => d.startsWith('codex-')).map((d) => d.slice('codex-'.length));
export const DAY_DIR = join('sessions', '2026', '11', '25');

const cleanups: (() => void)[] = [];

/** A temp dir removed by `runCleanups` (call it in `afterEach`/`afterAll`). */
export function testDir(prefix = 'ct-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function runCleanups(): void {
  cleanups.splice(0).forEach((f) => f());
}

export function fixturePath(version: string, name: string): string {
  return join(FIXTURES, `codex-${version}`, name);
}

/** The thread id a rollout declares in its first line (`payload.id`, or the bare 0.20 header's `id`). */
export function threadIdOf(text: string): string {
  const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as { id?: string; payload?: { id?: string } };
  const id = first.payload?.id ?? first.id;
  if (typeof id !== 'string') throw new Error('fixture without a thread id in its first line');
  return id;
}

export function rolloutName(threadId: string, time = '2026-11-25T10-00-00'): string {
  return `rollout-${time}-${threadId}.jsonl`;
}

export interface HomeFile {
  /** `codex-<v>/<name>` of the fixture it came from */
  fixture: string;
  path: string;
  threadId: string;
}

/** The fixture names (`*.jsonl`) of one version. */
export function fixtureNames(version: string): string[] {
  return readdirSync(join(FIXTURES, `codex-${version}`)).filter((n) => n.endsWith('.jsonl')).sort();
}

/** Copies fixtures into `<home>/sessions/2026/11/25/rollout-…-<thread id>.jsonl`. */
export function addFixtures(home: string, version: string, names = fixtureNames(version), dayDir = DAY_DIR): HomeFile[] {
  const dir = join(home, dayDir);
  mkdirSync(dir, { recursive: true });
  return names.map((name) => {
    const src = fixturePath(version, name);
    const threadId = threadIdOf(readFileSync(src, 'utf8'));
    const path = join(dir, rolloutName(threadId));
    copyFileSync(src, path);
    return { fixture: `codex-${version}/${name}`, path, threadId };
  });
}

/** A fresh CODEX_HOME holding the given versions' fixtures (all by default). */
export function makeCodexHome(versions = VERSIONS): { home: string; files: HomeFile[] } {
  const home = testDir('ct-home-');
  const files = versions.flatMap((v) => addFixtures(home, v));
  return { home, files };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process. `env` replaces process.env entirely (HOME points at a temp dir). */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const fullEnv = { HOME: testDir('ct-userhome-'), PATH: process.env.PATH, ...env };
  const code = await main(['node', 'codex-tracer', ...args], { stdout: out, stderr: err, env: fullEnv });
  return { code, stdout: Buffer.concat(chunks.out).toString('utf8'), stderr: Buffer.concat(chunks.err).toString('utf8') };
}

/** Every span row of the store, as sorted JSON strings (the exact `Span` records). */
export function storeSpans(stateDir: string): string[] {
  const db = new Database(dbPathIn(stateDir), { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM spans').all() as SpanRow[];
    return rows.map((r) => JSON.stringify(rowToSpan(r))).sort();
  } finally {
    db.close();
  }
}

/** Non-empty JSON lines, sorted. */
export function sortedLines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0).sort();
}

/** Spans `show FILE... --format jsonl` prints (sorted JSON lines). */
export async function showFiles(paths: string[]): Promise<string[]> {
  const r = await cli(['show', ...paths, '--format', 'jsonl']);
  if (r.code !== 0) throw new Error(`show failed (${r.code}): ${r.stderr}`);
  return sortedLines(r.stdout);
}

type Json = Record<string, unknown>;

function fieldDiffs(id: string, a: Json, b: Json, prefix = ''): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const [x, y] = [a[k], b[k]];
    if (k === 'attributes' && prefix === '') out.push(...fieldDiffs(id, x as Json, y as Json, 'attributes.'));
    else if (JSON.stringify(x) !== JSON.stringify(y)) out.push(`${id} ${prefix}${k}: expected ${JSON.stringify(x)?.slice(0, 120)}, got ${JSON.stringify(y)?.slice(0, 120)}`);
  }
  if (out.length === 0) out.push(`${id}: same fields, different JSON (key order?)`);
  return out;
}

/** Readable differences between two sets of span JSON lines (empty when equal). */
export function spanDiff(expected: string[], got: string[]): string[] {
  const key = (s: Json): string => `${String(s.kind)} ${String(s.spanId)}`;
  const index = (lines: string[]): Map<string, { line: string; span: Json }> => {
    const m = new Map<string, { line: string; span: Json }>();
    for (const line of lines) {
      const span = JSON.parse(line) as Json;
      m.set(m.has(key(span)) ? `${key(span)} (duplicate ${m.size})` : key(span), { line, span });
    }
    return m;
  };
  const [e, g] = [index(expected), index(got)];
  const out: string[] = [];
  for (const [k, v] of e) {
    const w = g.get(k);
    if (!w) out.push(`${k}: missing`);
    else if (w.line !== v.line) out.push(...fieldDiffs(k, v.span, w.span));
  }
  for (const k of g.keys()) if (!e.has(k)) out.push(`${k}: unexpected`);
  return out;
}

/** A resumed rollout cut where the first run ended (after its first `task_complete` line): [first run, the resume]. */
export function splitAtResume(text: string): [string, string] {
  const lines = text.split(/(?<=\n)/);
  const cut = lines.findIndex((l) => l.includes('"type":"task_complete"')) + 1;
  if (cut === 0) throw new Error('no task_complete in this rollout');
  return [lines.slice(0, cut).join(''), lines.slice(cut).join('')];
}
