/**
 * Shared setup of the reliability tests: temporary CODEX_HOMEs built from the real
 * fixtures, the CLI run in-process or as a child process, the local store read back.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { makeContext, type GlobalOptions } from '../../src/cli/context.js';
import { main } from '../../src/cli/index.js';
import { loadStoredTraces } from '../../src/cli/stored.js';
import { watchCommand, type WatchFlags } from '../../src/cli/watch-cmd.js';
import { rowToSpan, type SpanRow } from '../../src/store/spans.js';
import type { Span } from '../../src/trace/span.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'fixtures');

export function fixture(name: string, version = '0.169.0'): string {
  return readFileSync(join(FIXTURES, `codex-${version}`, name), 'utf8');
}

const tempDirs: string[] = [];
export function tempDir(prefix = 'ct-rel-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
export function cleanupTempDirs(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The thread id a rollout declares in its first record. */
export function threadIdOf(text: string): string {
  const m = UUID.exec(text.slice(0, 400));
  if (!m) throw new Error('no thread id in the first record');
  return m[0];
}

export const DAY_DIR = join('sessions', '2026', '11', '25');

/** Writes a rollout under `home` with a Codex file name; returns its path. */
export function putRollout(home: string, text: string | Buffer, id?: string): string {
  const tid = id ?? threadIdOf(text.toString());
  const dir = join(home, DAY_DIR);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `rollout-2026-11-25T16-56-34-${tid}.jsonl`);
  writeFileSync(path, text);
  return path;
}

/** A copy of a rollout with every thread id replaced (copy n of the same session). */
export function withNewIds(text: string, n: number): string {
  const ids = new Set(text.match(new RegExp(UUID.source, 'g')) ?? []);
  let out = text;
  for (const id of ids) out = out.split(id).join(`${id.slice(0, 24)}${n.toString(16).padStart(12, '0')}`);
  return out;
}

const SCENARIOS = ['a-text', 'b-shell', 'c-apply-patch', 'd-failing-command', 'e-multi-tool', 'f-resume', 'g-reasoning', 'h-compaction'];

/** A CODEX_HOME holding `copies` copies of each single-file 0.169 and 0.100 scenario. */
export function makeCorpusHome(copies: number): string {
  const home = tempDir('ct-home-');
  let n = 0;
  for (let c = 0; c < copies; c++) {
    for (const version of ['0.169.0', '0.100.0']) {
      for (const s of SCENARIOS) putRollout(home, withNewIds(fixture(`${s}.jsonl`, version), ++n));
    }
  }
  return home;
}

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

/** The CLI in this process (`main(argv, io)`); the environment is `env` only. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const out = sink();
  const err = sink();
  let code: number;
  try {
    code = await main(['node', 'codex-tracer', ...args], { stdout: out.stream, stderr: err.stream, env: { HOME: tempDir(), ...env } });
  } catch (e) {
    err.stream.write(`THROWN: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    code = -1;
  }
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Every span of the local store, sorted by id, as JSON (for set comparisons). */
export function storeSpans(stateDir: string): Span[] {
  const db = new Database(join(stateDir, 'traces.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT * FROM spans ORDER BY span_id').all() as SpanRow[];
    return rows.map(rowToSpan);
  } finally {
    db.close();
  }
}

export function storeJson(stateDir: string): string {
  return storeSpans(stateDir).map((s) => JSON.stringify(s)).join('\n');
}

/** Parses `show --format jsonl` output. */
export function jsonlSpans(text: string): Span[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Span);
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
  writeFileSync(entry, `import { main } from ${JSON.stringify(join(ROOT, 'src/cli/index.ts'))};\n`
    + 'main(process.argv).then((c) => { process.exitCode = c; }, (e) => { process.stderr.write(String(e && e.stack || e) + "\\n"); process.exitCode = 1; });\n');
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
  const proc = spawn(process.execPath, [...nodeArgs, file, ...args], { env: { PATH: process.env.PATH, HOME: tempDir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it is true or `ms` passed. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
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
  const ctx = makeContext(flags, { stdout: out.stream, stderr: err.stream, env: { HOME: tempDir(), ...env } }, loadStoredTraces);
  let stop!: () => void;
  const stopSignal = new Promise<void>((r) => { stop = r; });
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
