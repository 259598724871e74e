/**
 * The CLI under test: in this process (`main(argv, io)` with captured output), as a child
 * process (a bundle of src/, no build needed), or `watch` in this process; and what it
 * wrote, read back (the local store, JSON lines).
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { makeContext, type GlobalOptions } from '../../src/cli/context.js';
import { main } from '../../src/cli/index.js';
import { loadStoredTraces } from '../../src/cli/stored.js';
import { watchCommand, type WatchFlags } from '../../src/cli/watch-cmd.js';
import { dbPathIn } from '../../src/store/index.js';
import { blocksOf } from '../../src/store/blocks.js';
import { rowToSpan, type SpanRow } from '../../src/store/spans.js';
import type { Span } from '../../src/trace/span.js';
import { ROOT } from './fixtures.js';
import { afterAll, beforeAll } from 'vitest';
import { runCleanups, testDir } from './temp.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs the CLI in this process. `env` replaces process.env entirely (HOME points at a temp
 * dir); an exception (a bug: the CLI turns errors into exit codes) is code -1 and its stack on stderr.
 */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const out = sink();
  const err = sink();
  let code: number;
  try {
    code = await main(['node', 'codex-tracer', ...args], {
      stdout: out.stream,
      stderr: err.stream,
      env: { HOME: testDir('ct-userhome-'), PATH: process.env.PATH, ...env },
    });
  } catch (e) {
    err.stream.write(`THROWN: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    code = -1;
  }
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Every span of the local store, sorted by span id. */
export function storedSpans(stateDir: string): Span[] {
  const db = new Database(dbPathIn(stateDir), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT * FROM spans ORDER BY span_id').all() as SpanRow[];
    const blocks = blocksOf(db);
    return rows.map((r) => rowToSpan(r, blocks));
  } finally {
    db.close();
  }
}

/** Every span of the local store, as sorted JSON strings (the exact `Span` records). */
export function storeSpans(stateDir: string): string[] {
  return storedSpans(stateDir)
    .map((s) => JSON.stringify(s))
    .sort();
}

export function storeJson(stateDir: string): string {
  return storedSpans(stateDir)
    .map((s) => JSON.stringify(s))
    .join('\n');
}

/** Parses `show --format jsonl` output. */
export function jsonlSpans(text: string): Span[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Span);
}

/** Non-empty JSON lines, sorted. */
export function sortedLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .sort();
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
    else if (JSON.stringify(x) !== JSON.stringify(y))
      out.push(`${id} ${prefix}${k}: expected ${JSON.stringify(x)?.slice(0, 120)}, got ${JSON.stringify(y)?.slice(0, 120)}`);
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

let built: string | undefined;

/**
 * The CLI as an ES module (bundled from src with rolldown, which vitest's vite brings; the
 * sinks imported on demand are chunks beside it),
 * so child processes run the code under test without `npm run build`. Bare imports stay
 * external and resolve from the repository's node_modules.
 */
export async function cliBundle(): Promise<string> {
  if (built) return built;
  const { build } = await import('rolldown');
  const dir = join(ROOT, 'node_modules', '.cache', 'codex-tracer-reliability');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `entry-${process.pid}.ts`);
  const outDir = join(dir, `cli-${process.pid}`);
  const file = join(outDir, 'cli.mjs');
  writeFileSync(
    entry,
    `import { main } from ${JSON.stringify(join(ROOT, 'src/cli/index.ts'))};\n` +
      // as bin/codex-tracer.js: exit once stdout and stderr are written (work given up on, e.g. an export that hangs, must not hold the process)
      'const exit = (c) => { let n = 2; const done = () => { if (--n === 0) process.exit(c); }; process.stdout.write("", done); process.stderr.write("", done); };\n' +
      'main(process.argv).then(exit, (e) => { process.stderr.write(String(e && e.stack || e) + "\\n"); exit(1); });\n',
  );
  await build({
    input: entry,
    platform: 'node',
    external: (id: string) => !id.startsWith('.') && !id.startsWith('/'),
    output: { dir: outDir, entryFileNames: 'cli.mjs', format: 'esm' },
    logLevel: 'silent',
  });
  built = file;
  return file;
}

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the bundled CLI as a child process with exactly `env` (plus PATH). */
export async function spawnCli(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<Child> {
  const file = await cliBundle();
  const proc = spawn(process.execPath, [...nodeArgs, file, ...args], {
    env: { PATH: process.env.PATH, HOME: testDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  proc.stdout?.on('data', (c: Buffer) => out.push(c));
  proc.stderr?.on('data', (c: Buffer) => err.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.on('close', (code, signal) => res({ code, signal })));
  return { proc, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8'), exited };
}

export async function runChild(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<CliResult> {
  const c = await spawnCli(args, env);
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), timeoutMs);
  const r = await c.exited;
  clearTimeout(timer);
  return { code: r.code ?? -1, stdout: c.stdout(), stderr: c.stderr() };
}

/**
 * Starts `watch` (args), waits until it caught up and the store's spans (storeJson) are `want`
 * (or 20 s passed), then stops it with SIGTERM: its exit code, stderr and the store as it ended.
 */
export async function watchUntilStore(args: string[], stateDir: string, want: string): Promise<{ code: number | null; stderr: string; got: string }> {
  const storeOf = (): string => (existsSync(dbPathIn(stateDir)) ? storeJson(stateDir) : '');
  const c = await spawnCli(args, {});
  try {
    await waitUntil(() => c.stderr().includes('caught up'), 15_000);
    await waitUntil(() => storeOf() === want, 20_000);
  } finally {
    c.proc.kill('SIGTERM');
  }
  const exit = await c.exited;
  return { code: exit.code, stderr: c.stderr(), got: storeOf() };
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
}

/** A test file's bundled CLI: built before its tests, removed after them with the file's temp dirs. */
export function useCliBundle(): void {
  beforeAll(async () => {
    await cliBundle();
  });
  afterAll(() => {
    removeBundle();
    runCleanups();
  });
}

export function removeBundle(): void {
  if (!built) return;
  rmSync(built, { force: true });
  rmSync(built.replace(/cli-(\d+)\.mjs$/, 'entry-$1.ts'), { force: true });
  built = undefined;
}

export interface InProcessWatch {
  stop(): Promise<number>;
  stderr(): string;
  done: Promise<number>;
}

/** `watch` in this process (stopped by the test instead of a signal), tick and idle as given. */
export async function watchInProcess(flags: WatchFlags & GlobalOptions, env: NodeJS.ProcessEnv = {}): Promise<InProcessWatch> {
  const err = sink();
  const out = sink();
  const ctx = makeContext(flags, { stdout: out.stream, stderr: err.stream, env: { HOME: testDir(), ...env } }, loadStoredTraces);
  let stop!: () => void;
  const stopSignal = new Promise<void>((r) => {
    stop = r;
  });
  const done = watchCommand(ctx, flags, { stopSignal });
  done.catch(() => undefined);
  return {
    stop: async () => {
      stop();
      return done;
    },
    stderr: err.text,
    done,
  };
}
