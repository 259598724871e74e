/** Running the built CLI as a child process: one-shot commands and a long-lived watcher. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'bin', 'codex-tracer.js');
const PRELOAD = join(ROOT, 'bench', 'lib', 'rss-preload.js');

/**
 * Runs `cmd args` to completion; `usage` when the child is Node with the preload.
 * Resolves { ms, code, stdout, stderr, usage } (usage: maxRssKb, userUs, systemUs).
 */
export function runChild(cmd, args, { env = {}, nodeChild = false } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'ct-bench-'));
  const usageFile = join(tmp, 'usage.json');
  const fullArgs = nodeChild ? ['--import', PRELOAD, ...args] : args;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, fullArgs, { env: { ...process.env, ...env, BENCH_USAGE_FILE: usageFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      let usage;
      try {
        usage = JSON.parse(readFileSync(usageFile, 'utf8'));
      } catch {
        usage = undefined;
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ ms, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), usage });
    });
  });
}

/** `codex-tracer ARGS` under Node with the usage preload; throws when it fails */
export async function runTracer(args, opts = {}) {
  const r = await runChild(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], { ...opts, nodeChild: true });
  if (r.code !== 0) throw new Error(`codex-tracer ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r;
}

/** a fresh `backfill --json` into stateDir; returns { ms, summary, usage } */
export async function backfill(codexHome, stateDir, nodeArgs = []) {
  const r = await runTracer(['backfill', '--codex-home', codexHome, '--state-dir', stateDir, '--json'], { nodeArgs });
  return { ms: r.ms, summary: JSON.parse(r.stdout), usage: r.usage };
}

/**
 * Starts `codex-tracer watch`; `caughtUp` resolves with { wallMs, loggedMs, files } when
 * it logs "caught up" (wallMs: from spawn). With `live`, it runs at --log-level debug and
 * `caughtUp` also waits for "watcher live" (its native watches set, logged after "caught up"):
 * then it holds `liveWallMs` too. `stop()` sends SIGTERM and waits for exit.
 */
export function startWatcher(codexHome, stateDir, { idle = '30m', timeoutMs = 120_000, live = false } = {}) {
  const t0 = performance.now();
  const level = live ? ['--log-level', 'debug'] : [];
  const child = spawn(process.execPath, [CLI, ...level, 'watch', '--codex-home', codexHome, '--state-dir', stateDir, '--idle', idle], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let log = '';
  const caughtUp = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`watch did not catch up in ${timeoutMs} ms:\n${log.slice(-2000)}`)), timeoutMs);
    let up;
    child.stderr.on('data', (d) => {
      log += d.toString();
      const m = up ? undefined : /msg="caught up" files=(\d+) ms=(\d+)/.exec(log);
      if (m) up = { wallMs: performance.now() - t0, loggedMs: Number(m[2]), files: Number(m[1]) };
      if (up && live && up.liveWallMs === undefined && /msg="watcher live"/.test(log)) up.liveWallMs = performance.now() - t0;
      if (up && (!live || up.liveWallMs !== undefined)) {
        clearTimeout(timer);
        resolve(up);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`watch exited (${code}) before catching up:\n${log.slice(-2000)}`));
    });
  });
  caughtUp.catch(() => undefined);
  return {
    pid: child.pid,
    caughtUp,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
