/** `codex-tracer service install|uninstall|status|logs`: the watcher as a systemd user unit or a LaunchAgent. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { braintrustConfigFromEnv, otlpConfigFromEnv } from '../sinks/index.js';
import { ensureStateDir } from '../store/index.js';
import { ServiceConfigError } from '../service/escape.js';
import { writeServiceFiles, readInstallRecord, removeServiceFiles } from '../service/files.js';
import { readLogTail } from '../service/logfile.js';
import { ManagerError, type ServiceManager } from '../service/manager.js';
import { buildSpec, servicePaths, UNIT_NAME, type ServiceSpec } from '../service/spec.js';
import { UsageError, type CommandContext, type GlobalOptions } from './context.js';
import { parseDuration, type SinkFlags } from './config.js';
import { defaultDeps, lingerHint, managerFor, type ServiceDeps } from './service-deps.js';
import { serviceLogs, serviceStatus, type LogsFlags, type StatusServiceFlags } from './service-status.js';
import { signalStop } from './signals.js';
import { readStatus } from './watch-status.js';
import { examples } from './help.js';

type Run = (fn: (ctx: CommandContext) => Promise<number>, cmd: Command) => Promise<void>;

/** Global options the service repeats before `watch`, when they differ from the defaults. */
export function globalArgs(g: GlobalOptions): string[] {
  const a: string[] = [];
  if (g.content && g.content !== 'full') a.push('--content', g.content);
  if (g.maxFieldBytes && g.maxFieldBytes !== '16384') a.push('--max-field-bytes', g.maxFieldBytes);
  for (const p of g.redactPattern ?? []) a.push('--redact-pattern', p);
  if (g.redact === false) a.push('--no-redact');
  if (g.llmInput && g.llmInput !== 'new') a.push('--llm-input', g.llmInput);
  if (g.logLevel && g.logLevel !== 'info') a.push('--log-level', g.logLevel);
  if (g.logFormat && g.logFormat !== 'text') a.push('--log-format', g.logFormat);
  return a;
}

/** An argument as a POSIX shell would need it, for showing the command line. */
function shellWord(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export interface InstallFlags extends SinkFlags, GlobalOptions {
  codexHome?: string;
  idle?: string;
  start?: boolean;
}

function serviceSpec(ctx: CommandContext, flags: InstallFlags, deps: ServiceDeps): ServiceSpec {
  const sinks = ctx.config.sinks; // checked when the config was resolved
  if (flags.idle) parseDuration(flags.idle, '--idle'); // a bad one would only fail in the service
  const spec = wrapConfig(() =>
    buildSpec({
      platform: deps.platform,
      env: ctx.env,
      home: deps.home,
      execPath: deps.execPath,
      script: deps.script,
      codexHome: ctx.config.codexHome,
      stateDir: ctx.config.stateDir,
      globalArgs: globalArgs(flags),
      sinks,
      ...(flags.out ? { out: resolve(flags.out) } : {}),
      ...(flags.idle && flags.idle !== '30m' ? { idle: flags.idle } : {}),
      otlpEndpoint: flags.otlpEndpoint,
      otlpProtocol: flags.otlpProtocol,
      braintrustProject: flags.braintrustProject,
    }),
  );
  // the service reads only the environment file: check that the sinks can be built from it alone
  if (sinks.includes('otlp')) otlpConfigFromEnv(spec.env);
  if (sinks.includes('braintrust')) braintrustConfigFromEnv(spec.env);
  return spec;
}

function wrapConfig<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ServiceConfigError) throw new UsageError(err.message);
    throw err;
  }
}

export async function serviceInstall(ctx: CommandContext, flags: InstallFlags, deps: ServiceDeps = defaultDeps(ctx.env)): Promise<number> {
  const spec = serviceSpec(ctx, flags, deps);
  ensureStateDir(spec.stateDir); // the working directory and the log file's home
  const { changed } = wrapConfig(() => writeServiceFiles(spec, deps.now()));
  const out = (s: string): boolean => ctx.stdout.write(`${s}\n`);
  out(`${spec.kind === 'systemd' ? 'unit' : 'launch agent'}: ${spec.unitPath}${changed ? '' : ' (unchanged)'}`);
  out(`environment: ${spec.envFile} (mode 0600: ${Object.keys(spec.env).sort().join(', ') || 'no variables'})`);
  out(`log file:    ${spec.logFile}`);
  out(`runs:        ${spec.argv.map(shellWord).join(' ')}`);
  if (flags.start === false) {
    const how =
      spec.kind === 'systemd'
        ? `systemctl --user daemon-reload && systemctl --user enable --now ${UNIT_NAME}`
        : `launchctl bootstrap gui/${deps.uid} '${spec.unitPath}'`;
    out(`not started (--no-start); to start it: ${how}`);
    if (spec.kind === 'systemd') out(`lingering:   ${await lingerHint(deps)}`);
    return 0;
  }
  const manager = managerFor(spec.kind, deps);
  try {
    await manager.enableAndStart(spec.unitPath);
  } catch (err) {
    if (!(err instanceof ManagerError)) throw err;
    ctx.stderr.write(`codex-tracer: ${err.message}\n`);
    return 1;
  }
  const view = await watchStarted(manager, spec.stateDir);
  out(
    `service:     ${'unreachable' in view ? `unknown (${view.unreachable})` : `${view.enabled ? 'enabled' : 'not enabled'}, ${view.state}${view.pid ? `, pid ${view.pid}` : ''}`}`,
  );
  if (spec.kind === 'systemd') out(`lingering:   ${await lingerHint(deps)}`);
  if ('unreachable' in view || view.active) return 0;
  ctx.stderr.write(`codex-tracer: the service stopped right after it started; the end of ${spec.logFile}:\n${readLogTail(spec.logFile, 10).text}`);
  return 1;
}

/**
 * Waits (up to `timeoutMs`) until the watcher the manager started reports itself, or the manager
 * says it is not running: a watcher that exits at once (another watcher holds the state dir,
 * the store cannot be opened) is reported by install, not found later.
 */
async function watchStarted(manager: ServiceManager, stateDir: string, timeoutMs = 10_000): Promise<Awaited<ReturnType<ServiceManager['query']>>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const view = await manager.query();
    if ('unreachable' in view || !view.active) return view;
    if (view.pid !== undefined && readStatus(stateDir)?.pid === view.pid) return view;
    if (Date.now() > end) return view;
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function serviceUninstall(ctx: CommandContext, deps: ServiceDeps = defaultDeps(ctx.env)): Promise<number> {
  const paths = wrapConfig(() => servicePaths(deps.platform, ctx.env, deps.home));
  const record = readInstallRecord(paths);
  const manager = managerFor(paths.kind, deps);
  let stopped: { unreachable?: string };
  try {
    stopped = await manager.stopAndDisable(paths.unitPath);
  } catch (err) {
    if (!(err instanceof ManagerError)) throw err;
    ctx.stderr.write(`codex-tracer: ${err.message}\n`);
    return 1;
  }
  if (stopped.unreachable)
    ctx.stderr.write(`codex-tracer: no service manager answered (${stopped.unreachable}): a watcher it started keeps running until it stops\n`);
  const removed = removeServiceFiles(paths);
  if (!stopped.unreachable) await manager.forget();
  const out = (s: string): boolean => ctx.stdout.write(`${s}\n`);
  if (removed.length === 0) out('no service was installed');
  for (const p of removed) out(`removed: ${p}`);
  if (record) out(`kept:    ${record.logFile} and the store in ${record.stateDir}`);
  return 0;
}

export function serviceCommand(program: Command, run: Run, sinkOptions: (c: Command) => Command): void {
  const service = program
    .command('service')
    .description('run the watcher as a service: a systemd user unit (Linux) or a LaunchAgent (macOS)')
    .addHelpText('after', examples('codex-tracer service install', 'codex-tracer service status', 'codex-tracer service logs -f'));
  sinkOptions(
    service
      .command('install')
      .description('write the unit (or LaunchAgent) and a 0600 environment file with the sink settings and keys, then enable and start it; again to update')
      .option('--codex-home <dir>', 'Codex home (default $CODEX_HOME or ~/.codex)')
      .option('--idle <duration>', 'finalize a session after this long without new records', '30m')
      .option('--no-start', 'only write the files: enable or start nothing')
      .addHelpText(
        'after',
        examples('codex-tracer service install', 'OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 codex-tracer service install --sink local --sink otlp'),
      ),
  ).action((_o, cmd: Command) => run((ctx) => serviceInstall(ctx, cmd.optsWithGlobals()), cmd));
  service
    .command('uninstall')
    .description('stop and disable the service, remove its unit and environment file (the log and the store stay)')
    .addHelpText('after', examples('codex-tracer service uninstall'))
    .action((_o, cmd: Command) => run((ctx) => serviceUninstall(ctx), cmd));
  service
    .command('status')
    .description("the service manager's view (enabled, active, restarts) and the watcher's own (caught up, sinks, backlog)")
    .addHelpText('after', examples('codex-tracer service status', 'codex-tracer service status --json'))
    .option('--json', 'print JSON')
    .action((_o, cmd: Command) => run((ctx) => serviceStatus(ctx, cmd.optsWithGlobals<StatusServiceFlags>(), defaultDeps(ctx.env)), cmd));
  service
    .command('logs')
    .description("print the service's log file; -f to follow it")
    .addHelpText('after', examples('codex-tracer service logs -n 100', 'codex-tracer service logs -f'))
    .option('-f, --follow', 'keep printing what is appended (Ctrl-C to stop)')
    .option('-n, --lines <n>', 'how many of the last lines to print', '50')
    .action((_o, cmd: Command) => run((ctx) => serviceLogs(ctx, cmd.optsWithGlobals<LogsFlags>(), defaultDeps(ctx.env), signalStop), cmd));
}
