/**
 * The service under a real systemd user manager: install → active → kill -9 the watcher →
 * restarted → reinstall in place → uninstall → gone. A container has no systemd, but
 * `systemd --user` runs when /run/systemd/system exists while it starts: the manager is
 * started in a private mount namespace with a tmpfs there (needs root, or CAP_SYS_ADMIN).
 * Paths hold a space, `%`, `$` and quotes, so the unit's escaping meets the real parser.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { addFixtures } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'bin', 'codex-tracer.js');

interface Manager {
  child: ChildProcess;
  env: NodeJS.ProcessEnv;
  output: () => string;
}

/** Why a user manager cannot start here, or undefined. */
function cannotStart(): string | undefined {
  for (const bin of ['systemd', 'systemctl', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) return `${bin} is not installed`;
  }
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) return `cannot make a private mount namespace (${probe.stderr.trim() || `exit ${probe.status}`}); needs root`;
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function startManager(env: NodeJS.ProcessEnv): Promise<Manager | string> {
  // /run/systemd exists where systemd is installed; else a tmpfs over /run (only in this namespace)
  const script =
    'if [ -d /run/systemd ]; then mount -t tmpfs tmpfs /run/systemd; else mount -t tmpfs tmpfs /run; fi && mkdir -p /run/systemd/system && exec systemd --user';
  const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const m = { child, env, output: () => out };
  try {
    await until(
      'the user manager',
      () => {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}`);
        return spawnSync('systemctl', ['--user', 'show-environment'], { env }).status === 0 ? true : undefined;
      },
      15_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    return `systemd --user did not start here (${(err as Error).message}): ${out.trim().slice(0, 300)}`;
  }
  return m;
}

function show(env: NodeJS.ProcessEnv): Record<string, string> {
  const r = spawnSync('systemctl', ['--user', 'show', 'codex-tracer.service', '--property=LoadState,ActiveState,MainPID,NRestarts,UnitFileState'], {
    env,
    encoding: 'utf8',
  });
  return Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

type ServiceStatus = {
  service: { installed: boolean; manager: { active: boolean; enabled: boolean; pid?: number; restarts?: number }; lingering?: string };
  status: { watcher: { running: boolean; pid?: number; status?: { caughtUp: boolean; sinks: { name: string; state: string }[] } } };
};

describe('service under a real systemd user manager', () => {
  let manager: Manager | undefined;
  let skipReason: string | undefined;
  let env: NodeJS.ProcessEnv = {};
  let home = '';
  let codexHome = '';
  let stateDir = '';

  beforeAll(async () => {
    skipReason = cannotStart();
    if (skipReason) return;
    const root = testDir('ct-svc-');
    home = join(root, `home dir %h $HOME 'q'`);
    const runtime = join(root, 'runtime');
    mkdirSync(home, { recursive: true });
    mkdirSync(runtime, { mode: 0o700 });
    codexHome = join(home, 'co dex');
    stateDir = join(home, 'state $X %n');
    addFixtures(codexHome, '0.169.0', ['a-text.jsonl', 'b-shell.jsonl']);
    env = {
      PATH: process.env.PATH,
      HOME: home,
      USER: process.env.USER ?? 'root',
      XDG_RUNTIME_DIR: runtime,
      XDG_CONFIG_HOME: join(home, 'cfg "x"'),
      // a sink setting with characters the environment file must escape
      OTEL_RESOURCE_ATTRIBUTES: `team=a$b "c" \\d 'e'`,
    };
    const m = await startManager(env);
    if (typeof m === 'string') skipReason = m;
    else manager = m;
  });

  afterAll(async () => {
    if (manager) {
      spawnSync('systemctl', ['--user', 'exit'], { env });
      await until('the manager to exit', () => (manager?.child.exitCode !== null || manager?.child.signalCode !== null ? true : undefined), 10_000).catch(() =>
        manager?.child.kill('SIGKILL'),
      );
    }
    runCleanups();
  });

  it('install → active → kill -9 → restarted → reinstall → uninstall → gone', async (ctx) => {
    if (skipReason) {
      ctx.skip(`no systemd user manager can start on this machine: ${skipReason}`);
      return;
    }
    expect(existsSync(join(ROOT, 'dist', 'cli', 'index.js')), 'run `npm run build` first: the service runs bin/codex-tracer.js').toBe(true);
    // a shell whose XDG_CONFIG_HOME is not the manager's: the unit would be written where the manager never looks
    const elsewhere = await cli(['service', 'install', '--codex-home', codexHome, '--state-dir', stateDir], { ...env, XDG_CONFIG_HOME: join(home, 'other') });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain(`the systemd user manager does not read ${join(home, 'other', 'systemd', 'user')}`);
    expect((await cli(['service', 'uninstall'], { ...env, XDG_CONFIG_HOME: join(home, 'other') })).code).toBe(0);

    // a watcher already running on the state dir: the service's exits with code 2 (not restarted) and install says why
    const manual = spawn(process.execPath, [SCRIPT, 'watch', '--codex-home', codexHome, '--state-dir', stateDir], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let manualErr = '';
    await new Promise<void>((resolve, reject) => {
      manual.stderr?.on('data', (b: Buffer) => {
        manualErr += b.toString();
        if (manualErr.includes('msg="caught up"')) resolve();
      });
      manual.once('exit', () => reject(new Error(`watch exited: ${manualErr}`)));
    });
    const clash = await cli(['service', 'install', '--codex-home', codexHome, '--state-dir', stateDir], env);
    manual.kill('SIGTERM');
    await new Promise((r) => manual.once('exit', r));
    expect(clash.code).toBe(1);
    expect(clash.stdout).toContain('failed (exit-code)');
    expect(clash.stderr).toContain(`codex-tracer: the service stopped right after it started`);
    expect(clash.stderr).toContain(`another codex-tracer watch is already running (pid ${manual.pid})`);

    const install = await cli(['service', 'install', '--codex-home', codexHome, '--state-dir', stateDir], env);
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('enabled, active (running)');
    const unitPath = join(home, 'cfg "x"', 'systemd', 'user', 'codex-tracer.service');
    const envFile = join(home, 'cfg "x"', 'codex-tracer', 'service.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);

    const status = async (): Promise<ServiceStatus> => JSON.parse((await cli(['service', 'status', '--json'], env)).stdout) as ServiceStatus;
    const first = await until('the watcher to catch up', async () => {
      const s = await status();
      return s.service.manager.active && s.status.watcher.status?.caughtUp ? s : undefined;
    });
    expect(first.service.manager).toMatchObject({ enabled: true, active: true, restarts: 0 });
    expect(first.status.watcher).toMatchObject({
      running: true,
      pid: first.service.manager.pid,
      status: { caughtUp: true, sinks: [{ name: 'local', state: 'ok' }] },
    });
    const text = (await cli(['service', 'status'], env)).stdout;
    expect(text).toContain(`service:     systemd user unit ${join(home, 'cfg "x"', 'systemd', 'user', 'codex-tracer.service')}`);
    expect(text).toMatch(new RegExp(`^manager: +enabled, active \\(running\\), pid ${first.service.manager.pid}, since .*, 0 restarts$`, 'm'));
    expect(text).toMatch(new RegExp(`^watcher: +running \\(pid ${first.service.manager.pid}\\), caught up`, 'm'));
    // lingering cannot be read in a container: it says so, and how to turn it on
    expect(first.service.lingering).toMatch(/loginctl enable-linger/);

    // the process systemd runs: exactly our argv (escaping undone), and the environment file's value intact
    const pid = first.service.manager.pid as number;
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 8)).toEqual([
      process.execPath,
      SCRIPT,
      'watch',
      '--codex-home',
      codexHome,
      '--state-dir',
      stateDir,
      '--log-file',
    ]);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`OTEL_RESOURCE_ATTRIBUTES=team=a$b "c" \\d 'e'`);

    process.kill(pid, 'SIGKILL');
    const second = await until('systemd to restart the watcher', async () => {
      const s = await status();
      return s.service.manager.active && (s.service.manager.restarts ?? 0) >= 1 && s.service.manager.pid !== pid && s.status.watcher.status?.caughtUp
        ? s
        : undefined;
    });
    expect(second.service.manager.restarts).toBe(1);
    expect(second.status.watcher.pid).toBe(second.service.manager.pid);

    // a second install updates in place: same files, running again
    const unitText = readFileSync(unitPath, 'utf8');
    const again = await cli(['service', 'install', '--codex-home', codexHome, '--state-dir', stateDir], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(unchanged)');
    expect(readFileSync(unitPath, 'utf8')).toBe(unitText);
    expect(show(env)).toMatchObject({ ActiveState: 'active', UnitFileState: 'enabled' });

    const logs = await cli(['service', 'logs', '-n', '1000'], env);
    expect(logs.code).toBe(0);
    expect(logs.stdout.match(/msg="caught up"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);

    const lastPid = Number(show(env).MainPID);
    const un = await cli(['service', 'uninstall'], env);
    expect(un.code).toBe(0);
    expect(un.stdout).toContain(`removed: ${unitPath}`);
    expect(existsSync(unitPath)).toBe(false);
    expect(existsSync(envFile)).toBe(false);
    expect(show(env)).toMatchObject({ LoadState: 'not-found', ActiveState: 'inactive', MainPID: '0' });
    await until('the watcher to exit', () => (existsSync(`/proc/${lastPid}`) ? undefined : true), 10_000);
    // the log and the store stay
    expect(existsSync(join(stateDir, 'service.log'))).toBe(true);
    const after = await status();
    expect(after.service.installed).toBe(false);
  }, 90_000);
});
