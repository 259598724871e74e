/**
 * The service manager behind a small interface: systemd's user manager (`systemctl --user`)
 * or launchd (`launchctl`), driven through a Runner so the commands are plain data.
 */
import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and never throws: a missing binary is exit code 127 with the reason on stderr. */
export type Runner = (cmd: string, args: string[]) => Promise<RunResult>;

export function execRunner(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Runner {
  return (cmd, args) =>
    new Promise((resolve) => {
      execFile(cmd, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: unknown };
        if (e.code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: `${cmd}: not found` });
        resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout, stderr: stderr || e.message });
      });
    });
}

/** What the manager says about the service. */
export interface ManagerView {
  /** the manager knows the unit (systemd LoadState=loaded; launchd: bootstrapped) */
  loaded: boolean;
  /** starts at login (systemd UnitFileState=enabled; launchd: loaded and not disabled) */
  enabled: boolean;
  /** running now */
  active: boolean;
  /** the manager's own words, e.g. `active (running)`, `failed (exit-code)` */
  state: string;
  pid?: number;
  /** restarts since the manager started it */
  restarts?: number;
  since?: string;
  lastExit?: string;
}

/** A command the manager could not carry out. */
export class ManagerError extends Error {
  override name = 'ManagerError';
}

export interface ServiceManager {
  readonly kind: 'systemd' | 'launchd';
  /** after the files are written: (re)load, enable at login, and (re)start */
  enableAndStart(unitPath: string): Promise<void>;
  /** stop and disable; `unreachable` when no manager answered (the files can still go) */
  stopAndDisable(unitPath: string): Promise<{ unreachable?: string }>;
  /** after the files are removed */
  forget(): Promise<void>;
  query(): Promise<ManagerView | { unreachable: string }>;
}

export function failure(what: string, r: RunResult): string {
  return `${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim() || 'no output'}`;
}
