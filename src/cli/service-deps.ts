/** What the service commands take from the machine (platform, paths, a command runner), and the manager for it. */
import { existsSync, realpathSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LaunchdManager } from '../service/launchd.js';
import { execRunner, type Runner, type ServiceManager } from '../service/manager.js';
import type { ServicePaths } from '../service/spec.js';
import { lingering, SystemdManager } from '../service/systemd.js';

/** What the service commands take from the machine; tests give their own. */
export interface ServiceDeps {
  platform: NodeJS.Platform;
  home: string;
  execPath: string;
  script: string;
  runner: Runner;
  user: string;
  uid: number;
  now: () => Date;
}

/** The script the service runs: this package's own bin, by its real path. */
function ownScript(): string {
  const bin = fileURLToPath(new URL('../../bin/codex-tracer.js', import.meta.url));
  return existsSync(bin) ? realpathSync(bin) : bin;
}

export function defaultDeps(env: NodeJS.ProcessEnv): ServiceDeps {
  return {
    platform: process.platform,
    home: env.HOME || homedir(),
    execPath: process.execPath,
    script: ownScript(),
    runner: execRunner(env),
    user: env.USER || userInfo().username,
    uid: process.getuid?.() ?? 0,
    now: () => new Date(),
  };
}

export function managerFor(kind: ServicePaths['kind'], deps: ServiceDeps): ServiceManager {
  return kind === 'systemd' ? new SystemdManager(deps.runner) : new LaunchdManager(deps.runner, deps.uid);
}

export async function lingerHint(deps: ServiceDeps): Promise<string> {
  const l = await lingering(deps.runner, deps.user);
  if (l.linger === true) return 'on: the service keeps running after you log out, and starts at boot';
  if (l.linger === false)
    return `off: the service runs only while you are logged in (it stops at logout). To keep it running: sudo loginctl enable-linger ${deps.user}`;
  return `unknown (${l.reason ?? 'loginctl gave no answer'}); without lingering the service stops at logout: sudo loginctl enable-linger ${deps.user}`;
}
