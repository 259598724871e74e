/**
 * The generated systemd unit and LaunchAgent plist: paths with spaces and unsafe characters
 * escaped (or refused), `systemd-analyze verify` silent on them, the plist well-formed with
 * the expected keys, secrets only in the environment file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceConfigError } from '../../src/service/escape.js';
import { buildSpec, type SpecInput } from '../../src/service/spec.js';
import { renderPlist, renderSystemdUnit } from '../../src/service/unit.js';
import { parsePlist, parseXml } from './xml.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every character that needs care somewhere: space, specifier, variable, quotes, backslash, glob, `;`, `#`, XML. */
const NASTY = `we ird %h $HOME "q" 'a' \\b [g]*? ;#&<>é`;

function input(over: Partial<SpecInput> = {}): SpecInput {
  return {
    platform: 'linux',
    env: { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3t', BRAINTRUST_API_KEY: 'sk-secret', PATH: '/usr/bin' },
    home: '/home/u',
    execPath: '/home/u/.nvm/versions/node/v22.1.0/bin/node',
    script: '/home/u/.nvm/versions/node/v22.1.0/lib/node_modules/codex-tracer/bin/codex-tracer.js',
    codexHome: '/home/u/.codex',
    stateDir: '/home/u/.local/state/codex-tracer',
    globalArgs: [],
    sinks: ['local'],
    ...over,
  };
}

function line(unit: string, key: string): string {
  const found = unit.split('\n').filter((l) => l.startsWith(`${key}=`));
  expect(found, key).toHaveLength(1);
  return (found[0] as string).slice(key.length + 1);
}

describe('systemd unit', () => {
  it('runs watch with absolute paths, restarts on failure, reads the environment file, logs to the state dir', () => {
    const spec = buildSpec(input({ sinks: ['local', 'otlp'], globalArgs: ['--content', 'none'] }));
    const unit = renderSystemdUnit(spec);
    expect(line(unit, 'ExecStart')).toBe(
      '/home/u/.nvm/versions/node/v22.1.0/bin/node /home/u/.nvm/versions/node/v22.1.0/lib/node_modules/codex-tracer/bin/codex-tracer.js --content none watch ' +
        '--codex-home /home/u/.codex --state-dir /home/u/.local/state/codex-tracer --log-file /home/u/.local/state/codex-tracer/service.log --sink local --sink otlp',
    );
    expect(line(unit, 'EnvironmentFile')).toBe('/home/u/.config/codex-tracer/service.env');
    expect(line(unit, 'Restart')).toBe('on-failure');
    expect(line(unit, 'StandardError')).toBe('append:/home/u/.local/state/codex-tracer/service.log');
    expect(line(unit, 'WantedBy')).toBe('default.target');
    expect(unit).not.toContain('MemoryDenyWriteExecute');
    // keys and sink settings live in the environment file only
    expect(unit).not.toContain('s3cr3t');
    expect(unit).not.toContain('sk-secret');
    expect(spec.env).toEqual({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3t', BRAINTRUST_API_KEY: 'sk-secret' });
    expect(spec.unitPath).toBe('/home/u/.config/systemd/user/codex-tracer.service');
  });

  it('escapes paths with spaces, specifiers, variables, quotes, backslashes and globs per systemd.syntax', () => {
    const base = `/home/u/${NASTY}`;
    const spec = buildSpec(
      input({
        home: base,
        env: { XDG_CONFIG_HOME: `${base}/cfg` },
        stateDir: `${base}/state`,
        codexHome: `${base}/codex`,
        script: `${base}/bin/codex-tracer.js`,
      }),
    );
    const unit = renderSystemdUnit(spec);
    const q = `"/home/u/we ird %%h $$HOME \\"q\\" 'a' \\\\b [g]*? ;#&<>é`;
    expect(line(unit, 'ExecStart')).toBe(
      `/home/u/.nvm/versions/node/v22.1.0/bin/node ${q}/bin/codex-tracer.js" watch --codex-home ${q}/codex" --state-dir ${q}/state" --log-file ${q}/state/service.log" --sink local`,
    );
    // path settings: only specifiers escaped; EnvironmentFile= is globbed, so glob characters too
    expect(line(unit, 'WorkingDirectory')).toBe(`/home/u/we ird %%h $HOME "q" 'a' \\b [g]*? ;#&<>é/state`);
    expect(line(unit, 'EnvironmentFile')).toBe(`/home/u/we ird %%h $HOME "q" 'a' \\\\b \\[g\\]\\*\\? ;#&<>é/cfg/codex-tracer/service.env`);
    expect(spec.unitPath).toBe(`${base}/cfg/systemd/user/codex-tracer.service`);
  });

  it('refuses what no escaping can carry: control characters, trailing whitespace or backslash, relative paths', () => {
    expect(() => renderSystemdUnit(buildSpec(input({ stateDir: '/home/u/a\nb' })))).toThrow(ServiceConfigError);
    expect(() => renderSystemdUnit(buildSpec(input({ codexHome: '/home/u/tab\there' })))).toThrow(/control character/);
    expect(() => renderSystemdUnit(buildSpec(input({ stateDir: '/home/u/trailing ' })))).toThrow(/ends in whitespace/);
    expect(() => renderSystemdUnit(buildSpec(input({ stateDir: '/home/u/back\\' })))).toThrow(/backslash/);
    expect(() => renderSystemdUnit(buildSpec(input({ env: { XDG_CONFIG_HOME: 'relative' }, home: 'relative-home' })))).toThrow(/not an absolute path/);
  });

  it('ignores a relative XDG_CONFIG_HOME, as the XDG spec says', () => {
    expect(buildSpec(input({ env: { XDG_CONFIG_HOME: 'cfg' } })).unitPath).toBe('/home/u/.config/systemd/user/codex-tracer.service');
    expect(buildSpec(input({ env: { XDG_CONFIG_HOME: '/x/cfg' } })).envFile).toBe('/x/cfg/codex-tracer/service.env');
  });

  it('passes `systemd-analyze verify` with nothing on stderr, for the nasty paths too', (ctx) => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      ctx.skip(`systemd-analyze cannot run here (${probe.error.message}); .ci/run installs it with apt-get install -y systemd`);
      return;
    }
    for (const name of ['plain', NASTY]) {
      const root = mkdtempSync(join(tmpdir(), 'ct-unit-'));
      dirs.push(root);
      const base = join(root, name);
      const runtime = join(root, 'runtime');
      mkdirSync(join(base, 'bin'), { recursive: true });
      mkdirSync(join(base, 'state'));
      mkdirSync(runtime, { mode: 0o700 });
      writeFileSync(join(base, 'bin', 'codex-tracer.js'), '');
      const spec = buildSpec(
        input({
          home: base,
          env: {},
          execPath: process.execPath,
          stateDir: join(base, 'state'),
          codexHome: join(base, 'codex'),
          script: join(base, 'bin', 'codex-tracer.js'),
        }),
      );
      const unitFile = join(root, 'codex-tracer.service');
      writeFileSync(unitFile, renderSystemdUnit(spec));
      const r = spawnSync('systemd-analyze', ['--user', 'verify', unitFile], {
        encoding: 'utf8',
        env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_LEVEL: 'notice' },
      });
      expect(r.stderr, name).toBe('');
      expect(r.status, name).toBe(0);
    }
  });
});

describe('LaunchAgent plist', () => {
  it('is well-formed XML with the expected keys, and carries nasty paths exactly', () => {
    const base = `/Users/u/${NASTY}`;
    const spec = buildSpec(
      input({ platform: 'darwin', home: base, stateDir: `${base}/state`, codexHome: `${base}/codex`, script: `${base}/bin/codex-tracer.js` }),
    );
    const xml = renderPlist(spec);
    expect(() => parseXml(xml)).not.toThrow();
    const plist = parsePlist(xml) as Record<string, unknown>;
    expect(Object.keys(plist).sort()).toEqual([
      'KeepAlive',
      'Label',
      'ProgramArguments',
      'RunAtLoad',
      'StandardErrorPath',
      'StandardOutPath',
      'ThrottleInterval',
      'WorkingDirectory',
    ]);
    expect(plist.Label).toBe('io.github.codex-tracer');
    expect(plist.ProgramArguments).toEqual([
      '/home/u/.nvm/versions/node/v22.1.0/bin/node',
      `${base}/bin/codex-tracer.js`,
      'watch',
      '--codex-home',
      `${base}/codex`,
      '--state-dir',
      `${base}/state`,
      '--log-file',
      `${base}/state/service.log`,
      '--sink',
      'local',
      '--env-file',
      `${base}/Library/Application Support/codex-tracer/service.env`,
    ]);
    expect(plist.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(plist.RunAtLoad).toBe(true);
    expect(plist.StandardOutPath).toBe(`${base}/state/service.log`);
    expect(spec.unitPath).toBe(`${base}/Library/LaunchAgents/io.github.codex-tracer.plist`);
    expect(xml).not.toContain('sk-secret');
  });

  it('the checker itself refuses malformed XML', () => {
    expect(() => parseXml('<plist><dict></plist></dict>')).toThrow();
    expect(() => parseXml('<plist><string>a & b</string></plist>')).toThrow(/bare &/);
    expect(() => parseXml('<plist><string>a</string>')).toThrow(/never closed/);
    expect(() => parseXml('<plist/><plist/>')).toThrow(/second root/);
  });

  it('refuses control characters', () => {
    expect(() => renderPlist(buildSpec(input({ platform: 'darwin', stateDir: '/Users/u/a\u0001b' })))).toThrow(ServiceConfigError);
  });
});
