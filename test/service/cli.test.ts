/**
 * The service commands without a service manager: `install --no-start` writes the unit,
 * the 0600 environment file and the record (again: in place), refusals exit 2, `uninstall`
 * removes the files even when no manager answers, `logs` prints the capped log file, and
 * `watch --env-file --log-file` (what the units run) reads the file and logs there.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/cli/context.js';
import { defaultDeps } from '../../src/cli/service-deps.js';
import { serviceInstall } from '../../src/cli/service.js';
import { serviceLogs } from '../../src/cli/service-status.js';
import { watchCommand } from '../../src/cli/watch-cmd.js';
import { loadStoredTraces } from '../../src/cli/stored.js';
import { parseEnvFile } from '../../src/service/envfile.js';
import { CappedLog, followLog, readLogTail, rotatedPath } from '../../src/service/logfile.js';
import { cli } from '../helpers/cli.js';
import { addFixtures } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterEach(runCleanups);

/** A user with no service manager reachable (no XDG_RUNTIME_DIR), Linux paths. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = testDir('ct-svc-home-');
  return { HOME: home, PATH: process.env.PATH, USER: 'tester', ...extra };
}

/** A command context as the CLI makes it, from these flags and this environment. */
function captured(env: NodeJS.ProcessEnv, flags: Parameters<typeof makeContext>[0] = {}): { ctx: ReturnType<typeof makeContext>; out: () => string } {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  return { ctx: makeContext(flags, { stdout, stderr: new PassThrough(), env }, loadStoredTraces), out: () => Buffer.concat(chunks).toString('utf8') };
}

describe.runIf(process.platform === 'linux')('service install --no-start / uninstall', () => {
  it('writes the unit, a 0600 environment file with the sink settings, and the record; a second run changes nothing', async () => {
    const env = userEnv({ BRAINTRUST_API_KEY: 'sk-live-123', OTEL_EXPORTER_OTLP_HEADERS: 'x-token=abc' });
    const args = [
      '--content',
      'none',
      'service',
      'install',
      '--no-start',
      '--sink',
      'local',
      '--sink',
      'braintrust',
      '--braintrust-project',
      'my proj',
      '--otlp-endpoint',
      'http://c:4318',
    ];
    const r = await cli(args, env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('not started (--no-start); to start it: systemctl --user daemon-reload && systemctl --user enable --now codex-tracer.service');
    const unit = readFileSync(join(env.HOME as string, '.config/systemd/user/codex-tracer.service'), 'utf8');
    expect(unit).toContain(' --content none watch ');
    expect(unit).toContain('--sink local --sink braintrust');
    expect(unit).not.toMatch(/sk-live|abc|my proj|c:4318/);
    const envFile = join(env.HOME as string, '.config/codex-tracer/service.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(parseEnvFile(readFileSync(envFile, 'utf8'))).toEqual({
      BRAINTRUST_API_KEY: 'sk-live-123',
      BRAINTRUST_PROJECT: 'my proj',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-token=abc',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces',
    });
    const again = await cli(args, env);
    expect(again.stdout).toContain('codex-tracer.service (unchanged)');
    expect(readFileSync(join(env.HOME as string, '.config/systemd/user/codex-tracer.service'), 'utf8')).toBe(unit);
  });

  it('refuses with exit 2: a sink that cannot be configured from the environment file, jsonl without --out, an npx cache', async () => {
    const env = userEnv();
    const noKey = await cli(['service', 'install', '--no-start', '--sink', 'braintrust'], env);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('BRAINTRUST_API_KEY is not set');
    const jsonl = await cli(['service', 'install', '--no-start', '--sink', 'jsonl'], env);
    expect(jsonl.code).toBe(2);
    expect(jsonl.stderr).toContain('--out FILE');
    const idle = await cli(['service', 'install', '--no-start', '--idle', 'soon'], env);
    expect(idle.code).toBe(2);
    expect(idle.stderr).toContain('--idle: "soon" is not a duration');
    const { ctx } = captured(env);
    const deps = { ...defaultDeps(env), script: join(env.HOME as string, '.npm/_npx/0a1b2c/node_modules/codex-tracer/bin/codex-tracer.js') };
    await expect(serviceInstall(ctx, { start: false }, deps)).rejects.toThrow(/npx's cache .*\(npm install -g codex-tracer\)/);
    expect(existsSync(join(env.HOME as string, '.config/systemd/user/codex-tracer.service'))).toBe(false);
  });

  it('uninstall removes the files and a dangling enable link even when no manager answers', async () => {
    const env = userEnv();
    expect((await cli(['service', 'install', '--no-start'], env)).code).toBe(0);
    const unitDir = join(env.HOME as string, '.config/systemd/user');
    mkdirSync(join(unitDir, 'default.target.wants'));
    symlinkSync(join(unitDir, 'codex-tracer.service'), join(unitDir, 'default.target.wants', 'codex-tracer.service'));
    const r = await cli(['service', 'uninstall'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no service manager answered/);
    expect(r.stdout).toContain(`removed: ${join(unitDir, 'codex-tracer.service')}`);
    expect(() => lstatSync(join(unitDir, 'default.target.wants', 'codex-tracer.service'))).toThrow();
    expect(existsSync(join(env.HOME as string, '.config/codex-tracer/service.env'))).toBe(false);
    expect((await cli(['service', 'uninstall'], env)).stdout).toContain('no service was installed');
  });

  it('install without a reachable manager writes the files, then says so and how to start it: exit 1', async () => {
    const env = userEnv();
    const r = await cli(['service', 'install'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no systemd user manager answered .*systemctl --user enable --now codex-tracer.service/);
    expect(existsSync(join(env.HOME as string, '.config/systemd/user/codex-tracer.service'))).toBe(true);
  });

  it('status warns when the node binary the unit runs is gone', async () => {
    const env = userEnv();
    const { ctx } = captured(env);
    const gone = join(env.HOME as string, '.nvm/versions/node/v18.0.0/bin/node');
    expect(await serviceInstall(ctx, { start: false }, { ...defaultDeps(env), execPath: gone })).toBe(0);
    const r = await cli(['service', 'status', '--json'], env);
    const report = JSON.parse(r.stdout) as { service: { installed: boolean; problems: string[] } };
    expect(report.service.installed).toBe(true);
    expect(report.service.problems).toEqual([
      `${gone} no longer exists (a Node version or the package was removed): run \`codex-tracer service install\` again`,
    ]);
  });

  it('status says when nothing is installed and no manager answers', async () => {
    const r = await cli(['service', 'status'], userEnv());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^service: +not installed/m);
    expect(r.stdout).toMatch(/^manager: +unknown: no service manager answered/m);
    expect(r.stdout).toMatch(/^watcher: +not running/m);
  });
});

describe('the capped log file', () => {
  it('copies itself to .1 and truncates past the cap, so at most twice the cap is kept', async () => {
    const path = join(testDir('ct-log-'), 'service.log');
    const log = new CappedLog(path, 1000);
    for (let i = 0; i < 30; i++) log.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(90)}\n`);
    await new Promise<void>((r) => log.end(r));
    expect(statSync(path).size).toBeLessThanOrEqual(1100);
    expect(statSync(rotatedPath(path)).size).toBeLessThanOrEqual(1100);
    const tail = readLogTail(path, 12);
    expect(
      tail.text
        .trim()
        .split('\n')
        .map((l) => l.slice(0, 8)),
    ).toEqual(Array.from({ length: 12 }, (_, k) => `line ${String(18 + k).padStart(3, '0')}`));
  });

  it('logs -f follows across a rotation without losing the lines in between', async () => {
    const path = join(testDir('ct-log-'), 'service.log');
    writeFileSync(path, 'first\n');
    const start = readLogTail(path, 10);
    const got: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const following = followLog(path, start.end, (b) => got.push(b.toString()), stopped, 20);
    const log = new CappedLog(path, 30);
    log.write('second line, before the rotation\n');
    log.write('third\n');
    await new Promise((r) => setTimeout(r, 100));
    stop();
    await following;
    log.end();
    expect(got.join('')).toBe('second line, before the rotation\nthird\n');
  });

  it("`service logs` prints the last lines of the state dir's log", async () => {
    const env = userEnv();
    const state = testDir('ct-state-');
    writeFileSync(join(state, 'service.log'), 'a\nb\nc\n');
    const { ctx, out } = captured(env, { stateDir: state });
    expect(await serviceLogs(ctx, { stateDir: state, lines: '2' }, defaultDeps(env), () => Promise.resolve())).toBe(0);
    expect(out()).toBe('b\nc\n');
    const missing = await cli(['service', 'logs', '--state-dir', testDir('ct-empty-')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no service log at');
  });
});

describe('watch --env-file --log-file (what the units run)', () => {
  it('takes variables from the file and writes its logs to the file, not stderr', async () => {
    const home = testDir('ct-home-');
    addFixtures(home, '0.169.0', ['a-text.jsonl']);
    const state = testDir('ct-state-');
    const envFile = join(testDir('ct-cfg-'), 'service.env');
    writeFileSync(envFile, 'CODEX_HOME="' + home + '"\n', { mode: 0o600 });
    const stderr = new PassThrough();
    const errChunks: Buffer[] = [];
    stderr.on('data', (c: Buffer) => errChunks.push(c));
    const ctx = makeContext({}, { stdout: new PassThrough(), stderr, env: { HOME: testDir('ct-userhome-') } }, loadStoredTraces);
    const logFile = join(state, 'service.log');
    let stop!: () => void;
    const stopSignal = new Promise<void>((r) => {
      stop = r;
    });
    const done = watchCommand(ctx, { stateDir: state, envFile, logFile, idle: '30m' }, { stopSignal });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (existsSync(logFile) && readFileSync(logFile, 'utf8').includes('msg="caught up"')) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    stop();
    expect(await done).toBe(0);
    const text = readFileSync(logFile, 'utf8');
    expect(text).toContain(`codexHome=${home}`);
    expect(text).toContain('msg=stopped');
    expect(Buffer.concat(errChunks).toString()).toBe('');
  });
});
