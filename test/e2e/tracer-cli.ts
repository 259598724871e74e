/**
 * Runs the built `codex-tracer` binary (`bin/codex-tracer.js` over `dist/`) as a child
 * process, the way a user runs it: one-shot commands, and `watch` in the background.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** The CLI entry (needs `npm run build`; `npm test` builds first). */
export const TRACER_BIN = join(REPO_ROOT, 'bin', 'codex-tracer.js');

const running = new Set<ChildProcess>();

/** Kills every tracer process still running (for `afterAll`). */
export function killAllTracers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export interface TracerRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function tracerEnv(): NodeJS.ProcessEnv {
  // No sink configuration may leak in from the developer's shell.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', LANG: 'C.UTF-8', TZ: 'UTC' };
}

interface Spawned {
  child: ChildProcess;
  /** Resolves with the outcome once the process exited. */
  done: Promise<TracerRun>;
}

function spawnTracer(args: string[]): Spawned {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'index.js'))) {
    throw new Error('codex-tracer is not built: run `npm run build` first (`npm test` does)');
  }
  const child = spawn(process.execPath, [TRACER_BIN, ...args], { env: tracerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const done = new Promise<TracerRun>((resolvePromise, reject) => {
    child.on('error', (err) => {
      running.delete(child);
      reject(err);
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

/** Runs `codex-tracer <args>` to its end (killed after `timeoutMs`). */
export async function runTracer(args: string[], timeoutMs = 60_000): Promise<TracerRun> {
  const { child, done } = spawnTracer(args);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

/** Like `runTracer`, but throws with the output when the exit code is not 0. */
export async function runTracerOk(args: string[], timeoutMs?: number): Promise<TracerRun> {
  const r = await runTracer(args, timeoutMs);
  if (r.code !== 0) {
    throw new Error(`codex-tracer ${args.join(' ')}: exit ${String(r.code ?? r.signal)}\n${r.stderr.slice(-3000)}`);
  }
  return r;
}

export interface WatchProcess {
  /** stderr so far (the watcher's log) */
  stderr(): string;
  /** Sends SIGINT (flush, commit cursors, exit 0) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<TracerRun>;
}

/** Starts `codex-tracer watch` in the background; resolves once it logged that it caught up. */
export async function startWatchProcess(args: string[], readyTimeoutMs = 20_000): Promise<WatchProcess> {
  const { child, done } = spawnTracer(['--log-format', 'json', 'watch', ...args]);
  let log = '';
  child.stderr?.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const ready = new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch did not catch up in ${readyTimeoutMs} ms:\n${log}`)), readyTimeoutMs);
    const check = (): void => {
      if (!log.includes('caught up')) return;
      clearTimeout(timer);
      resolvePromise();
    };
    child.stderr?.on('data', check);
    void done.then((r) => {
      clearTimeout(timer);
      reject(new Error(`watch exited early (${String(r.code ?? r.signal)}):\n${r.stderr}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    stderr: () => log,
    async stop(timeoutMs = 15_000) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
