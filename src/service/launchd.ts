/** launchd (macOS): the LaunchAgent in the user's GUI domain, through `launchctl`. */
import { failure, ManagerError, type ManagerView, type Runner, type ServiceManager } from './manager.js';
import { LAUNCHD_LABEL } from './spec.js';

/** The service's own top-level `key = value` lines of `launchctl print gui/<uid>/<label>`. */
export function parseLaunchctlPrint(text: string): ManagerView {
  const p: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\t([a-z][a-z ]*?) = (.*)$/.exec(line);
    if (m) p[m[1] as string] = (m[2] as string).trim();
  }
  const pid = Number(p.pid);
  const runs = Number(p.runs);
  const view: ManagerView = { loaded: true, enabled: true, active: p.state === 'running', state: p.state ?? 'unknown' };
  if (pid > 0) view.pid = pid;
  if (Number.isInteger(runs) && runs > 0) view.restarts = runs - 1;
  if (p['last exit code'] && !p['last exit code'].startsWith('(')) view.lastExit = `exit code ${p['last exit code']}`;
  return view;
}

/** Whether `launchctl print-disabled gui/<uid>` lists the label as disabled (`=> disabled`, older macOS `=> true`). */
export function parseDisabled(text: string, label: string): boolean {
  const line = text.split('\n').find((l) => l.trim().startsWith(`"${label}"`));
  return line !== undefined && /=>\s*(disabled|true)\s*$/.test(line);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class LaunchdManager implements ServiceManager {
  readonly kind = 'launchd';
  private readonly domain: string;
  private readonly target: string;
  constructor(
    private readonly run: Runner,
    uid: number,
  ) {
    this.domain = `gui/${uid}`;
    this.target = `${this.domain}/${LAUNCHD_LABEL}`;
  }

  async enableAndStart(plistPath: string): Promise<void> {
    const enable = await this.run('launchctl', ['enable', this.target]);
    if (enable.code === 127) throw new ManagerError(`launchctl is missing (${enable.stderr}); the files are written`);
    // a reinstall: unload the old definition first (fails harmlessly when none is loaded)
    await this.run('launchctl', ['bootout', this.target]);
    // bootout returns before the old job is gone: bootstrap fails (5, 37) until it is
    let boot = await this.run('launchctl', ['bootstrap', this.domain, plistPath]);
    for (let attempt = 1; boot.code !== 0 && attempt < 5; attempt++) {
      await sleep(1000);
      boot = await this.run('launchctl', ['bootstrap', this.domain, plistPath]);
    }
    if (boot.code !== 0) throw new ManagerError(failure(`launchctl bootstrap ${this.domain} ${plistPath}`, boot));
  }

  async stopAndDisable(): Promise<{ unreachable?: string }> {
    const r = await this.run('launchctl', ['bootout', this.target]);
    if (r.code === 127) return { unreachable: r.stderr };
    // exit 3 / "No such process" / "Could not find service": it was not loaded
    if (r.code !== 0 && r.code !== 3 && !/no such process|could not find/i.test(r.stderr))
      throw new ManagerError(failure(`launchctl bootout ${this.target}`, r));
    return {};
  }

  async forget(): Promise<void> {
    // bootout already removed it from the domain
  }

  async query(): Promise<ManagerView | { unreachable: string }> {
    const r = await this.run('launchctl', ['print', this.target]);
    if (r.code === 127) return { unreachable: r.stderr };
    const disabled = await this.run('launchctl', ['print-disabled', this.domain]);
    const enabled = disabled.code !== 0 || !parseDisabled(disabled.stdout, LAUNCHD_LABEL);
    if (r.code !== 0) return { loaded: false, enabled: false, active: false, state: 'not loaded' };
    return { ...parseLaunchctlPrint(r.stdout), enabled };
  }
}
