/**
 * Runs the real Codex CLI offline against the mock Responses API: an isolated `CODEX_HOME`
 * and `HOME`, a config that selects the mock as a custom provider, `codex exec --json` with
 * stdin closed and a hard timeout. Two releases are installed as devDependencies: the pinned
 * one (`@openai/codex`) and the newest (`codex-latest`, an alias of `@openai/codex`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** One installed Codex CLI release: its version and its `bin/codex.js` launcher. */
export interface CodexRelease {
  version: string;
  /** the package's own launcher (run with this Node), never `node_modules/.bin/codex`, which either package may own */
  launcher: string;
}

function release(pkgDir: string): CodexRelease {
  const dir = join(REPO_ROOT, 'node_modules', pkgDir);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return { version, launcher: join(dir, 'bin', 'codex.js') };
}

/** The pinned release (`@openai/codex`, 0.169.0) and the newest one (`codex-latest`, 0.171.0). */
export const CODEX_PINNED = release(join('@openai', 'codex'));
export const CODEX_LATEST = release('codex-latest');
/** Every release the e2e suite runs, pinned first. */
export const CODEX_RELEASES: readonly CodexRelease[] = [CODEX_PINNED, CODEX_LATEST];

/** Where one scenario's Codex state lives. */
export interface CodexDirs {
  codexHome: string;
  home: string;
  workdir: string;
}

/**
 * The `config.toml` for a run against the mock at `origin` (`http://127.0.0.1:PORT`).
 * Top-level keys must come before the first table; `extraTopLevel` lines (e.g.
 * `model_context_window = 20000`) are inserted there.
 */
export function codexConfig(origin: string, extraTopLevel: string[] = [], extraTables: string[] = []): string {
  return [
    'model = "gpt-5.5"',
    'model_provider = "mock"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    `chatgpt_base_url = "${origin}/"`,
    ...extraTopLevel,
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '# Plugin sync resolves github.com at startup; keep the run on loopback.',
    '[features]',
    'plugins = false',
    'remote_plugin = false',
    '',
    '[model_providers.mock]',
    'name = "Mock Responses API"',
    `base_url = "${origin}/v1"`,
    'wire_api = "responses"',
    'env_key = "MOCK_API_KEY"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    ...extraTables,
  ].join('\n');
}

/**
 * Creates the three directories under `root` (or uses the given `codexHome`, shared by
 * scenarios that run one after another) and writes the config into the Codex home.
 */
export function prepareCodexDirs(root: string, config: string, codexHome = join(root, 'codex-home')): CodexDirs {
  const dirs = { codexHome, home: join(root, 'home'), workdir: join(root, 'work') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dirs.codexHome, 'config.toml'), config);
  return dirs;
}

/** Outcome of one `codex exec` process. */
export interface CodexRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Parsed `--json` events (lines that are not JSON are skipped). */
  events: Record<string, unknown>[];
  stdout: string;
  stderr: string;
  /** From the `thread.started` event. */
  threadId: string | undefined;
}

const running = new Set<ChildProcess>();

/** Kills every Codex process still running (for `afterAll`). */
export function killAllCodex(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function codexEnv(dirs: CodexDirs): NodeJS.ProcessEnv {
  // Anything that is not loopback goes to a closed port, so a stray fetch fails fast.
  const deadProxy = 'http://127.0.0.1:9';
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dirs.home,
    CODEX_HOME: dirs.codexHome,
    MOCK_API_KEY: 'dummy',
    LANG: 'C.UTF-8',
    TZ: process.env.TZ ?? 'UTC',
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    ALL_PROXY: deadProxy,
    NO_PROXY: '127.0.0.1,localhost',
    RUST_LOG: 'error',
  };
}

function parseEvents(stdout: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed === 'object' && parsed !== null) events.push(parsed as Record<string, unknown>);
    } catch {
      // not an event line
    }
  }
  return events;
}

/** Options of one `codex exec` process. */
export interface ExecOptions {
  timeoutMs: number;
  /** Which Codex release runs (default: the pinned one). */
  codex?: CodexRelease;
  /** Called once the process is running (e.g. to send it a signal later). */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `codex exec [--json …] <args>` and resolves when it exits or is killed at the timeout. */
export function runCodexExec(dirs: CodexDirs, args: string[], opts: ExecOptions): Promise<CodexRun> {
  const { timeoutMs, codex = CODEX_PINNED } = opts;
  const fullArgs = ['exec', '--strict-config', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '--json', '-C', dirs.workdir, ...args];
  const child = spawn(process.execPath, [codex.launcher, ...fullArgs], {
    cwd: dirs.workdir,
    env: codexEnv(dirs),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolvePromise, reject) => {
    child.on('error', (err) => {
      clearTimeout(timer);
      running.delete(child);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const events = parseEvents(stdout);
      const started = events.find((e) => e.type === 'thread.started');
      const threadId = typeof started?.thread_id === 'string' ? started.thread_id : undefined;
      resolvePromise({ exitCode, signal, timedOut, events, stdout, stderr, threadId });
    });
  });
}

/** Every rollout file under `$CODEX_HOME/sessions/**`, sorted by path. */
export function findRollouts(codexHome: string): string[] {
  const root = join(codexHome, 'sessions');
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^rollout-.*\.jsonl(\.zst)?$/.test(entry.name)) found.push(path);
    }
  };
  walk(root);
  return found.sort();
}
