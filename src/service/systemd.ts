/** systemd's user manager: `systemctl --user` for the unit, `loginctl` for lingering. */
import { dirname } from 'node:path';
import { failure, ManagerError, type ManagerView, type Runner, type RunResult, type ServiceManager } from './manager.js';
import { UNIT_NAME } from './spec.js';

const SHOW_PROPS = ['LoadState', 'UnitFileState', 'ActiveState', 'SubState', 'MainPID', 'NRestarts', 'ActiveEnterTimestamp', 'ExecMainStatus', 'Result'];

/** `systemctl show` output: one `Key=value` a line. */
export function parseSystemctlShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export function systemdView(p: Record<string, string>): ManagerView {
  const pid = Number(p.MainPID);
  const restarts = Number(p.NRestarts);
  const view: ManagerView = {
    loaded: p.LoadState === 'loaded',
    enabled: p.UnitFileState === 'enabled',
    active: p.ActiveState === 'active',
    state: `${p.ActiveState ?? 'unknown'} (${p.ActiveState === 'failed' ? (p.Result ?? p.SubState) : (p.SubState ?? '?')})`,
  };
  if (pid > 0) view.pid = pid;
  if (Number.isInteger(restarts)) view.restarts = restarts;
  if (p.ActiveEnterTimestamp) view.since = p.ActiveEnterTimestamp;
  if (p.ExecMainStatus && p.ExecMainStatus !== '0') view.lastExit = `exit code ${p.ExecMainStatus}`;
  return view;
}

/** The manager's `UnitPath`: space-separated, an entry with spaces double-quoted (C escapes inside). */
export function parseUnitPath(value: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] as string));
  return out;
}

/** No user manager to talk to: not installed, no session bus, no XDG_RUNTIME_DIR. */
function unreachable(r: RunResult): string | undefined {
  if (r.code === 127) return r.stderr.trim();
  const text = `${r.stderr}\n${r.stdout}`;
  if (/Failed to connect to (user scope )?bus|XDG_RUNTIME_DIR|not been booted with systemd/i.test(text)) return text.trim().split('\n')[0];
  return undefined;
}

export class SystemdManager implements ServiceManager {
  readonly kind = 'systemd';
  constructor(private readonly run: Runner) {}

  private systemctl(...args: string[]): Promise<RunResult> {
    return this.run('systemctl', ['--user', ...args]);
  }

  /** The manager reads units from its own XDG_CONFIG_HOME, which may not be this shell's. */
  private async checkSearchPath(unitPath: string): Promise<void> {
    const r = await this.systemctl('show', '--property=UnitPath');
    if (r.code !== 0) return; // an older systemd: enable will say if it cannot find the unit
    const dirs = parseUnitPath(parseSystemctlShow(r.stdout).UnitPath ?? '');
    const dir = dirname(unitPath);
    if (dirs.length > 0 && !dirs.includes(dir)) {
      throw new ManagerError(
        `the systemd user manager does not read ${dir} (it reads ${dirs.filter((d) => d.endsWith('/systemd/user')).join(', ')}): ` +
          'it runs with another XDG_CONFIG_HOME than this shell (see `systemctl --user show-environment`); install again with the same XDG_CONFIG_HOME',
      );
    }
  }

  async enableAndStart(unitPath: string): Promise<void> {
    const reload = await this.systemctl('daemon-reload');
    const away = unreachable(reload);
    if (away)
      throw new ManagerError(
        `no systemd user manager answered (${away}); the files are written: start it with \`systemctl --user enable --now ${UNIT_NAME}\` once you have one, or install with --no-start`,
      );
    if (reload.code !== 0) throw new ManagerError(failure('systemctl --user daemon-reload', reload));
    await this.checkSearchPath(unitPath);
    const enable = await this.systemctl('enable', UNIT_NAME);
    if (enable.code !== 0) throw new ManagerError(failure(`systemctl --user enable ${UNIT_NAME}`, enable));
    // restart, not start: a reinstall must run the new command line
    const restart = await this.systemctl('restart', UNIT_NAME);
    if (restart.code !== 0) throw new ManagerError(failure(`systemctl --user restart ${UNIT_NAME}`, restart));
  }

  async stopAndDisable(): Promise<{ unreachable?: string }> {
    const r = await this.systemctl('disable', '--now', UNIT_NAME);
    const away = unreachable(r);
    if (away) return { unreachable: away };
    // "does not exist" / "not loaded": nothing was running
    if (r.code !== 0 && !/does not exist|not loaded|not found/i.test(r.stderr))
      throw new ManagerError(failure(`systemctl --user disable --now ${UNIT_NAME}`, r));
    return {};
  }

  async forget(): Promise<void> {
    await this.systemctl('daemon-reload');
    await this.systemctl('reset-failed', UNIT_NAME);
  }

  async query(): Promise<ManagerView | { unreachable: string }> {
    const r = await this.systemctl('show', UNIT_NAME, ...SHOW_PROPS.map((p) => `--property=${p}`));
    const away = unreachable(r);
    if (away) return { unreachable: away };
    if (r.code !== 0) return { unreachable: failure('systemctl --user show', r) };
    return systemdView(parseSystemctlShow(r.stdout));
  }
}

/** Whether the user's manager outlives their sessions (`loginctl enable-linger`). */
export async function lingering(run: Runner, user: string): Promise<{ linger?: boolean; reason?: string }> {
  const r = await run('loginctl', ['show-user', user, '--property=Linger', '--value']);
  if (r.code !== 0) return { reason: (r.stderr || r.stdout).trim().split('\n')[0] || `loginctl exit ${r.code}` };
  const v = r.stdout.trim();
  return v === 'yes' || v === 'no' ? { linger: v === 'yes' } : { reason: `loginctl said "${v}"` };
}
