/** `service status` (the manager's view merged with the watcher's own) and `service logs [-f]`. */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readInstallRecord } from '../service/files.js';
import { followLog, readLogTail, rotatedPath } from '../service/logfile.js';
import type { ManagerView } from '../service/manager.js';
import { LOG_FILE, servicePaths } from '../service/spec.js';
import { UsageError, type CommandContext } from './context.js';
import { lingerHint, managerFor, type ServiceDeps } from './service-deps.js';
import { buildStatus, statusCommand } from './status.js';

export interface StatusServiceFlags {
  codexHome?: string;
  stateDir?: string;
  json?: boolean;
}

export interface ServiceReport {
  installed: boolean;
  kind: 'systemd' | 'launchd';
  unitPath: string;
  envFile: string;
  logFile: string;
  logBytes?: number;
  manager: ManagerView | { unreachable: string };
  lingering?: string;
  /** what no longer holds: the node binary or the script the unit runs is gone */
  problems: string[];
}

async function serviceReport(
  ctx: CommandContext,
  flags: StatusServiceFlags,
  deps: ServiceDeps,
): Promise<{ report: ServiceReport; stateDir: string; codexHome?: string }> {
  const paths = servicePaths(deps.platform, ctx.env, deps.home);
  const record = readInstallRecord(paths);
  const stateDir = record?.stateDir ?? ctx.config.stateDir;
  const logFile = record?.logFile ?? join(stateDir, LOG_FILE);
  const installed = existsSync(paths.unitPath);
  const problems: string[] = [];
  for (const p of installed ? (record?.argv.slice(0, 2) ?? []) : []) {
    if (!existsSync(p)) problems.push(`${p} no longer exists (a Node version or the package was removed): run \`codex-tracer service install\` again`);
  }
  const report: ServiceReport = {
    installed,
    kind: paths.kind,
    unitPath: paths.unitPath,
    envFile: paths.envFile,
    logFile,
    ...(existsSync(logFile) ? { logBytes: statSync(logFile).size } : {}),
    manager: await managerFor(paths.kind, deps).query(),
    problems,
  };
  if (paths.kind === 'systemd' && installed) report.lingering = await lingerHint(deps);
  return { report, stateDir, ...(record ? { codexHome: record.codexHome } : {}) };
}

function managerLine(m: ServiceReport['manager']): string {
  if ('unreachable' in m) return `unknown: no service manager answered (${m.unreachable})`;
  if (!m.loaded) return 'not loaded';
  const parts = [m.enabled ? 'enabled' : 'not enabled', m.state];
  if (m.pid) parts.push(`pid ${m.pid}`);
  if (m.since) parts.push(`since ${m.since}`);
  if (m.restarts !== undefined) parts.push(`${m.restarts} restart${m.restarts === 1 ? '' : 's'}`);
  if (m.lastExit) parts.push(`last ${m.lastExit}`);
  return parts.join(', ');
}

export async function serviceStatus(ctx: CommandContext, flags: StatusServiceFlags, deps: ServiceDeps): Promise<number> {
  const { report, stateDir, codexHome } = await serviceReport(ctx, flags, deps);
  // the watcher the service runs: its state dir and Codex home, as installed
  const watched: CommandContext = { ...ctx, config: { ...ctx.config, stateDir, codexHome: codexHome ?? ctx.config.codexHome } };
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({ service: report, status: await buildStatus(watched) })}\n`);
    return 0;
  }
  const lines = [
    `service:     ${report.installed ? `${report.kind === 'systemd' ? 'systemd user unit' : 'LaunchAgent'} ${report.unitPath}` : 'not installed (codex-tracer service install)'}`,
    `manager:     ${managerLine(report.manager)}`,
    ...(report.lingering ? [`lingering:   ${report.lingering}`] : []),
    `log file:    ${report.logFile}${report.logBytes !== undefined ? ` (${(report.logBytes / 1024).toFixed(0)} KB)` : ' (none yet)'}`,
    ...report.problems.map((p) => `  problem: ${p}`),
  ];
  ctx.stdout.write(`${lines.join('\n')}\n`);
  return statusCommand(watched, {});
}

export interface LogsFlags {
  stateDir?: string;
  follow?: boolean;
  lines?: string;
}

export async function serviceLogs(ctx: CommandContext, flags: LogsFlags, deps: ServiceDeps, stop: () => Promise<void>): Promise<number> {
  const lines = Number(flags.lines ?? '50');
  if (!Number.isInteger(lines) || lines < 0) throw new UsageError('--lines must be a whole number');
  const paths = servicePaths(deps.platform, ctx.env, deps.home);
  const logFile = readInstallRecord(paths)?.logFile ?? join(ctx.config.stateDir, LOG_FILE);
  if (!existsSync(logFile) && !existsSync(rotatedPath(logFile)) && !flags.follow) {
    ctx.stderr.write(`codex-tracer: no service log at ${logFile} yet\n`);
    return 1;
  }
  const tail = readLogTail(logFile, lines);
  ctx.stdout.write(tail.text);
  if (flags.follow) await followLog(logFile, tail.end, (b) => ctx.stdout.write(b), stop());
  return 0;
}
