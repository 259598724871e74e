import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** File name of the local store inside the state dir. */
export const DB_FILE = 'traces.sqlite';
const APP_DIR = 'codex-tracer';

/**
 * Where codex-tracer keeps its state: `--state-dir`, else `$XDG_STATE_HOME/codex-tracer`,
 * else `~/.local/state/codex-tracer`. Pure: nothing is created here.
 */
export function resolveStateDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  if (xdg !== undefined && xdg !== '' && xdg.startsWith('/')) return join(xdg, APP_DIR);
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return join(home, '.local', 'state', APP_DIR);
}

/** Creates the state dir (and parents) private to the user: mode 0700, tightened if looser. */
export function ensureStateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) !== 0) chmodSync(dir, mode & 0o700);
  return dir;
}

/** Path of the SQLite file in a state dir. */
export function dbPathIn(stateDir: string): string {
  return join(stateDir, DB_FILE);
}
