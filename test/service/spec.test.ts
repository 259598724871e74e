/**
 * What an install computes: the environment file (round trip as systemd reads it), the
 * sink flags turned into variables, refusals (npx cache, jsonl without a file, other
 * platforms), and the managers' answers read from their real output shapes.
 */
import { describe, expect, it } from 'vitest';
import { parseEnvFile, renderEnvFile } from '../../src/service/envfile.js';
import { ServiceConfigError } from '../../src/service/escape.js';
import { parseDisabled, parseLaunchctlPrint } from '../../src/service/launchd.js';
import { buildSpec, ephemeralInstall, serviceEnvironment, type SpecInput } from '../../src/service/spec.js';
import { parseSystemctlShow, parseUnitPath, systemdView } from '../../src/service/systemd.js';

function input(over: Partial<SpecInput> = {}): SpecInput {
  return {
    platform: 'linux',
    env: {},
    home: '/home/u',
    execPath: '/usr/bin/node',
    script: '/usr/lib/node_modules/codex-tracer/bin/codex-tracer.js',
    codexHome: '/home/u/.codex',
    stateDir: '/home/u/.local/state/codex-tracer',
    globalArgs: [],
    sinks: ['local'],
    ...over,
  };
}

describe('environment file', () => {
  it('round-trips values with quotes, dollars, backslashes, backquotes, spaces and = as systemd reads them', () => {
    const vars = { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic cGs6c2s=,x-a=b c', BRAINTRUST_API_KEY: `sk-"$HOME"\\n\`x\`'`, EMPTY: '' };
    const text = renderEnvFile(vars, 'header');
    expect(text).toBe(
      `# header\nBRAINTRUST_API_KEY="sk-\\"\\$HOME\\"\\\\n\\\`x\\\`'"\nEMPTY=""\nOTEL_EXPORTER_OTLP_HEADERS="authorization=Basic cGs6c2s=,x-a=b c"\n`,
    );
    expect(parseEnvFile(text)).toEqual(vars);
  });

  it('reads the other forms a person may write: bare, single-quoted, comments, export', () => {
    expect(parseEnvFile('# c\n; c\nA=1\nexport B=\'x "y" $z\'\n  C = two words \nnot a line\n')).toEqual({ A: '1', B: 'x "y" $z', C: 'two words' });
  });

  it('refuses line breaks and names systemd cannot take', () => {
    expect(() => renderEnvFile({ K: 'a\nb' }, 'h')).toThrow(ServiceConfigError);
    expect(() => renderEnvFile({ 'BAD-NAME': 'x' }, 'h')).toThrow(ServiceConfigError);
  });
});

describe('service spec', () => {
  it('takes the sink settings and keys from the shell, the flags winning', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://old:4318',
      OTEL_SERVICE_NAME: 'me',
      BRAINTRUST_API_KEY: 'k',
      CODEX_TRACER_LOG_LEVEL: 'debug',
      HOME: '/home/u',
      AWS_SECRET: 'not ours',
    };
    expect(serviceEnvironment({ env, otlpEndpoint: 'http://collector:4318', otlpProtocol: 'http/json', braintrustProject: 'p' })).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://old:4318',
      OTEL_SERVICE_NAME: 'me',
      BRAINTRUST_API_KEY: 'k',
      CODEX_TRACER_LOG_LEVEL: 'debug',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      BRAINTRUST_PROJECT: 'p',
    });
    // a full URL with a path is used as is, as on the command line
    expect(serviceEnvironment({ env: {}, otlpEndpoint: 'https://api.example/otel/v1/traces' })).toEqual({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://api.example/otel/v1/traces',
    });
    expect(() => serviceEnvironment({ env: {}, otlpEndpoint: 'not a url' })).toThrow(/not a URL/);
  });

  it('refuses to run from an npx or pnpm dlx cache, and says how to install', () => {
    expect(ephemeralInstall('/home/u/.npm/_npx/6b1c2f/node_modules/codex-tracer/bin/codex-tracer.js')).toBe('npx');
    expect(ephemeralInstall('/home/u/.cache/pnpm/dlx/abc/node_modules/codex-tracer/bin/codex-tracer.js')).toBe('pnpm dlx');
    expect(ephemeralInstall('/usr/lib/node_modules/codex-tracer/bin/codex-tracer.js')).toBeUndefined();
    expect(() => buildSpec(input({ script: '/home/u/.npm/_npx/6b1c2f/node_modules/codex-tracer/bin/codex-tracer.js' }))).toThrow(/npm install -g codex-tracer/);
  });

  it('refuses jsonl without --out and platforms without a supported manager', () => {
    expect(() => buildSpec(input({ sinks: ['jsonl'] }))).toThrow(/--out FILE/);
    expect(buildSpec(input({ sinks: ['jsonl'], out: '/tmp/spans.jsonl' })).argv.slice(-4)).toEqual(['--sink', 'jsonl', '--out', '/tmp/spans.jsonl']);
    expect(() => buildSpec(input({ platform: 'win32' }))).toThrow(/Linux .* and macOS/);
  });
});

describe('what the managers say', () => {
  it('systemctl show: enabled, active, pid, restarts', () => {
    // the shape `systemctl --user show codex-tracer.service --property=…` prints
    const text =
      'MainPID=4242\nResult=success\nNRestarts=1\nExecMainStatus=0\nLoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nActiveEnterTimestamp=Tue 2026-12-01 22:25:02 UTC\n';
    expect(parseSystemctlShow(text).NRestarts).toBe('1');
    expect(systemdView(parseSystemctlShow(text))).toEqual({
      loaded: true,
      enabled: true,
      active: true,
      state: 'active (running)',
      pid: 4242,
      restarts: 1,
      since: 'Tue 2026-12-01 22:25:02 UTC',
    });
    const gone =
      'MainPID=0\nResult=success\nNRestarts=0\nExecMainStatus=0\nLoadState=not-found\nActiveState=inactive\nSubState=dead\nUnitFileState=\nActiveEnterTimestamp=\n';
    expect(systemdView(parseSystemctlShow(gone))).toEqual({ loaded: false, enabled: false, active: false, state: 'inactive (dead)', restarts: 0 });
    const failed =
      'MainPID=0\nResult=exit-code\nNRestarts=3\nExecMainStatus=2\nLoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=enabled\nActiveEnterTimestamp=\n';
    expect(systemdView(parseSystemctlShow(failed))).toMatchObject({ active: false, state: 'failed (exit-code)', restarts: 3, lastExit: 'exit code 2' });
  });

  it("the user manager's UnitPath, quoted and escaped as systemctl show prints it", () => {
    // systemd 252 with XDG_CONFIG_HOME='/tmp/h/c fg é\b"q$x' (one backslash)
    const value = String.raw`"/tmp/h/c fg é\\b\"q\$x/systemd/user.control" /run/user/0/systemd/transient "/tmp/h/c fg é\\b\"q\$x/systemd/user" /etc/systemd/user /usr/lib/systemd/user`;
    expect(parseUnitPath(value)).toEqual([
      '/tmp/h/c fg é\\b"q$x/systemd/user.control',
      '/run/user/0/systemd/transient',
      '/tmp/h/c fg é\\b"q$x/systemd/user',
      '/etc/systemd/user',
      '/usr/lib/systemd/user',
    ]);
  });

  it('launchctl print-disabled: disabled (or true on older macOS)', () => {
    const text = 'disabled services = {\n\t"com.apple.x" => enabled\n\t"io.github.codex-tracer" => disabled\n}\n';
    expect(parseDisabled(text, 'io.github.codex-tracer')).toBe(true);
    expect(parseDisabled(text.replace('=> disabled', '=> false'), 'io.github.codex-tracer')).toBe(false);
    expect(parseDisabled('disabled services = {\n}\n', 'io.github.codex-tracer')).toBe(false);
  });

  it('launchctl print: state, pid, runs', () => {
    const text = [
      'gui/501/io.github.codex-tracer = {',
      '\tactive count = 1',
      '\tpath = /Users/u/Library/LaunchAgents/io.github.codex-tracer.plist',
      '\ttype = LaunchAgent',
      '\tstate = running',
      '',
      '\tprogram = /usr/local/bin/node',
      '\targuments = {',
      '\t\t/usr/local/bin/node',
      '\t\twatch',
      '\t}',
      '',
      '\tstdout path = /Users/u/.local/state/codex-tracer/service.log',
      '\truns = 3',
      '\tpid = 812',
      '\timmediate reason = speculative',
      '\tlast exit code = 1',
      '}',
    ].join('\n');
    expect(parseLaunchctlPrint(text)).toEqual({ loaded: true, enabled: true, active: true, state: 'running', pid: 812, restarts: 2, lastExit: 'exit code 1' });
    expect(parseLaunchctlPrint('x = {\n\tstate = not running\n\truns = 1\n\tlast exit code = (never exited)\n}')).toEqual({
      loaded: true,
      enabled: true,
      active: false,
      state: 'not running',
      restarts: 0,
    });
  });
});
