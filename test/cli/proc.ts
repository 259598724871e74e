/**
 * The built CLI run as a process (`npm run build` first): through pipes, through a shell
 * pipeline (`| head -1`), or in a pseudo-terminal (util-linux `script`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/index.js';

export { ROOT };
export const BIN = join(ROOT, 'bin', 'codex-tracer.js');

export interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'index.js'))) throw new Error('run `npm run build` first');
}

/** The environment of a CLI run: a temp HOME and PATH, nothing of the caller's (no OTEL_*, no CODEX_HOME). */
export function cleanEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { HOME: home, PATH: process.env.PATH, ...extra };
}

/** Runs `codex-tracer ARGS`, stdout and stderr as pipes. */
export function runBin(
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { onStderr?: (text: string, child: ChildProcess) => void; cwd?: string } = {},
): Promise<ProcResult> {
  assertBuilt();
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd ?? ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    opts.onStderr?.(stderr, child);
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 })));
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `codex-tracer ARGS | TAIL` in sh: the exit code is codex-tracer's (`set -o pipefail` is not in every sh: PIPESTATUS is not either, so it is echoed). */
export function runPiped(args: string[], tail: string, env: NodeJS.ProcessEnv): ProcResult & { status: number } {
  assertBuilt();
  const t0 = Date.now();
  const cmd = `{ ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo "exit=$?" >&3; } 3>&2 2>/tmp/ct-piped-err.$$ | ${tail}; cat /tmp/ct-piped-err.$$ >&2; rm -f /tmp/ct-piped-err.$$`;
  const r = spawnSync('bash', ['-c', cmd], { env, cwd: ROOT, encoding: 'utf8' });
  const m = /exit=(\d+)/.exec(r.stderr);
  return { code: m ? Number(m[1]) : null, status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.replace(/exit=\d+\n/, ''), ms: Date.now() - t0 };
}

export const HAVE_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** `codex-tracer ARGS` in a pseudo-terminal of `cols` columns: what a person sees (stdout and stderr together). */
export function runInPty(args: string[], env: NodeJS.ProcessEnv, cols = 80): ProcResult {
  assertBuilt();
  const t0 = Date.now();
  const inner = `stty cols ${cols} rows 40 2>/dev/null; ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}; echo "[exit=$?]"`;
  const r = spawnSync('script', ['-qfec', inner, '/dev/null'], { env: { TERM: 'xterm-256color', ...env }, cwd: ROOT, encoding: 'utf8' });
  const out = r.stdout.replace(/\r\n/g, '\n');
  const m = /\[exit=(\d+)\]/.exec(out);
  return { code: m ? Number(m[1]) : null, stdout: out.replace(/\[exit=\d+\]\n?/, ''), stderr: r.stderr, ms: Date.now() - t0 };
}
