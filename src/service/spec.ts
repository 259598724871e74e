/**
 * What a service install writes, computed from the platform, the environment and the
 * flags: where the unit (or LaunchAgent), the environment file, the install record and
 * the log file go, and the watcher's exact command line. Pure: no file is touched.
 */
import { join } from 'node:path';
import { ServiceConfigError } from './escape.js';
import { SERVICE_ENV_PREFIXES } from './envfile.js';

type Env = Record<string, string | undefined>;

export type ManagerKind = 'systemd' | 'launchd';
export const UNIT_NAME = 'codex-tracer.service';
export const LAUNCHD_LABEL = 'io.github.codex-tracer';
export const LOG_FILE = 'service.log';

export interface ServicePaths {
  kind: ManagerKind;
  /** the systemd unit or the LaunchAgent plist */
  unitPath: string;
  /** sink settings and keys, mode 0600 */
  envFile: string;
  /** what was installed (paths, command line; no secrets), for status, logs and uninstall */
  recordPath: string;
}

export interface ServiceSpec extends ServicePaths {
  execPath: string;
  script: string;
  codexHome: string;
  stateDir: string;
  logFile: string;
  /** the watcher's command line, execPath first */
  argv: string[];
  /** the environment file's variables */
  env: Record<string, string>;
}

export interface SpecInput {
  platform: NodeJS.Platform;
  env: Env;
  home: string;
  execPath: string;
  script: string;
  codexHome: string;
  stateDir: string;
  /** global options to repeat before `watch` (content policy, log level) */
  globalArgs: string[];
  sinks: string[];
  out?: string;
  idle?: string;
  otlpEndpoint?: string;
  otlpProtocol?: string;
  braintrustProject?: string;
}

export function managerKind(platform: NodeJS.Platform): ManagerKind {
  if (platform === 'linux') return 'systemd';
  if (platform === 'darwin') return 'launchd';
  throw new ServiceConfigError(
    `service install supports Linux (a systemd user unit) and macOS (a LaunchAgent), not ${platform}: run \`codex-tracer watch\` under your own supervisor`,
  );
}

function configHome(env: Env, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  // the XDG spec says relative paths are invalid and must be ignored
  return xdg !== undefined && xdg.startsWith('/') ? xdg : join(home, '.config');
}

export function servicePaths(platform: NodeJS.Platform, env: Env, home: string): ServicePaths {
  const kind = managerKind(platform);
  if (kind === 'systemd') {
    const config = configHome(env, home);
    const own = join(config, 'codex-tracer');
    return { kind, unitPath: join(config, 'systemd', 'user', UNIT_NAME), envFile: join(own, 'service.env'), recordPath: join(own, 'service.json') };
  }
  const own = join(home, 'Library', 'Application Support', 'codex-tracer');
  return {
    kind,
    unitPath: join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`),
    envFile: join(own, 'service.env'),
    recordPath: join(own, 'service.json'),
  };
}

/** A script run by `npx` lives in npm's cache (`~/.npm/_npx/<hash>/…`, pnpm: `…/dlx/…`), which is pruned. */
export function ephemeralInstall(script: string): string | undefined {
  if (/[/\\]_npx[/\\]/.test(script)) return 'npx';
  if (/[/\\]pnpm[/\\]dlx[/\\]/.test(script) || /[/\\]dlx-\d+[/\\]/.test(script)) return 'pnpm dlx';
  return undefined;
}

function otlpTracesUrl(endpoint: string): string {
  let path: string;
  try {
    path = new URL(endpoint).pathname;
  } catch {
    throw new ServiceConfigError(`--otlp-endpoint: "${endpoint}" is not a URL`);
  }
  return path === '' || path === '/' ? `${endpoint.replace(/\/+$/, '')}/v1/traces` : endpoint;
}

/** The installing shell's sink settings and keys, with the sink flags turned into the variables they override. */
export function serviceEnvironment(input: Pick<SpecInput, 'env' | 'otlpEndpoint' | 'otlpProtocol' | 'braintrustProject'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.env)) {
    if (v !== undefined && v !== '' && SERVICE_ENV_PREFIXES.some((p) => k.startsWith(p))) out[k] = v;
  }
  // a flag wins over every variable, as it does on the command line
  if (input.otlpEndpoint) out.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = otlpTracesUrl(input.otlpEndpoint);
  if (input.otlpProtocol) out.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = input.otlpProtocol;
  if (input.braintrustProject) out.BRAINTRUST_PROJECT = input.braintrustProject;
  return out;
}

export function buildSpec(input: SpecInput): ServiceSpec {
  const paths = servicePaths(input.platform, input.env, input.home);
  const how = ephemeralInstall(input.script);
  if (how) {
    throw new ServiceConfigError(
      `codex-tracer runs from ${how}'s cache (${input.script}), which is pruned: a service started from it would break. ` +
        'Install it for good first (npm install -g codex-tracer), then run `codex-tracer service install` from that install.',
    );
  }
  if (input.sinks.includes('jsonl') && !input.out)
    throw new ServiceConfigError('--sink jsonl in a service needs --out FILE: a service has no terminal to print spans to');
  const logFile = join(input.stateDir, LOG_FILE);
  const argv = [
    input.execPath,
    input.script,
    ...input.globalArgs,
    'watch',
    '--codex-home',
    input.codexHome,
    '--state-dir',
    input.stateDir,
    '--log-file',
    logFile,
  ];
  for (const s of input.sinks) argv.push('--sink', s);
  if (input.out) argv.push('--out', input.out);
  if (input.idle) argv.push('--idle', input.idle);
  // launchd has no EnvironmentFile: the watcher reads the file itself
  if (paths.kind === 'launchd') argv.push('--env-file', paths.envFile);
  return {
    ...paths,
    execPath: input.execPath,
    script: input.script,
    codexHome: input.codexHome,
    stateDir: input.stateDir,
    logFile,
    argv,
    env: serviceEnvironment(input),
  };
}
