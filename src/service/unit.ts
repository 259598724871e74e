/** The systemd user unit and the LaunchAgent plist, as text. Pure. */
import { systemdExecWord, systemdGlobPath, systemdPath, xmlText } from './escape.js';
import { LAUNCHD_LABEL, type ServiceSpec } from './spec.js';

/** Seconds between a crash and the restart (systemd RestartSec=, launchd ThrottleInterval). */
export const RESTART_DELAY_S = 5;

const HEADER = 'Written by `codex-tracer service install`; edits are replaced by the next install.';

/**
 * `Restart=on-failure`, but not after exit code 2 (a usage or configuration error, or another
 * watcher holding the state dir: restarting cannot fix it). No MemoryDenyWriteExecute: V8's JIT
 * needs writable and executable memory.
 */
export function renderSystemdUnit(spec: ServiceSpec): string {
  const exec = spec.argv.map((a, i) => systemdExecWord(i === 0 ? 'the node binary' : 'an argument', a)).join(' ');
  const log = systemdPath('the log file', spec.logFile);
  return [
    `# ${HEADER}`,
    '[Unit]',
    'Description=codex-tracer: trace OpenAI Codex CLI sessions (watch)',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    `EnvironmentFile=${systemdGlobPath('the environment file', spec.envFile)}`,
    `WorkingDirectory=${systemdPath('the state dir', spec.stateDir)}`,
    `StandardOutput=append:${log}`,
    `StandardError=append:${log}`,
    'Restart=on-failure',
    `RestartSec=${RESTART_DELAY_S}`,
    'RestartPreventExitStatus=2',
    'TimeoutStopSec=30',
    'NoNewPrivileges=yes',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** KeepAlive/SuccessfulExit=false: launchd restarts the watcher when it exits with an error. */
export function renderPlist(spec: ServiceSpec): string {
  const str = (what: string, v: string): string => `<string>${xmlText(what, v)}</string>`;
  const log = str('the log file', spec.logFile);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${HEADER} -->`,
    '<plist version="1.0">',
    '<dict>',
    `  <key>Label</key>${str('the label', LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...spec.argv.map((a) => `    ${str('an argument', a)}`),
    '  </array>',
    `  <key>WorkingDirectory</key>${str('the state dir', spec.stateDir)}`,
    `  <key>StandardOutPath</key>${log}`,
    `  <key>StandardErrorPath</key>${log}`,
    '  <key>RunAtLoad</key><true/>',
    '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
    `  <key>ThrottleInterval</key><integer>${RESTART_DELAY_S}</integer>`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
