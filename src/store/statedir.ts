import { lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

/** File name of the local store inside the state dir. */
export const DB_FILE = 'traces.sqlite';
const APP_DIR = 'codex-tracer';

/**
 * Where codex-tracer keeps its state: `--state-dir`, else `$XDG_STATE_HOME/codex-tracer`,
 * else `~/.local/state/codex-tracer`. Nothing is created here (see `ensureStateDir`), but
 * an existing directory that others can read or write and that holds no store of ours (a
 * shared `/tmp`-like folder given as `--state-dir`) is never used as it is: its mode is not
 * ours to change, so the state goes into a private sub-directory `codex-tracer-<uid>` of
 * it. Every command resolves the same way, so readers find what writers wrote.
 */
export function resolveStateDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return privateDirIn(requestedStateDir(flag, env));
}

function requestedStateDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says relative paths are invalid and must be ignored.
  if (xdg !== undefined && xdg !== '' && xdg.startsWith('/')) return join(xdg, APP_DIR);
  const home = env.HOME !== undefined && env.HOME !== '' ? env.HOME : homedir();
  return join(home, '.local', 'state', APP_DIR);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

const tooOpen = (st: Stats): boolean => (st.mode & 0o077) !== 0;

function privateDirIn(dir: string): string {
  const st = statOrUndefined(dir);
  if (st === undefined || !st.isDirectory() || !tooOpen(st)) return dir;
  // A store already there (an older codex-tracer, or the user's own choice) stays put; the
  // warning from `stateDirWarning` says how to close the directory.
  if (statOrUndefined(join(dir, DB_FILE)) !== undefined) return dir;
  return join(dir, `${APP_DIR}-${userInfo().uid}`);
}

/**
 * Creates the state dir (and parents) private to the user, mode 0700. A directory that
 * exists already keeps its mode: codex-tracer never changes the mode of a directory it did
 * not create. A private sub-directory chosen by `resolveStateDir` must be ours and closed,
 * else this throws: in a shared folder another user could have made it first.
 */
export function ensureStateDir(dir: string): string {
  const existed = statOrUndefined(dir) !== undefined;
  if (!existed) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw Object.assign(new Error(`state dir ${dir} is not a directory`), { code: 'ENOTDIR' });
  if (existed && dir.endsWith(`/${APP_DIR}-${userInfo().uid}`) && (st.uid !== userInfo().uid || tooOpen(st))) {
    throw Object.assign(new Error(`state dir ${dir} belongs to another user or is open to others; refusing to use it`), { code: 'EACCES' });
  }
  return dir;
}

/** A warning for a state dir that others can read or write (it is left as it is), else undefined. */
export function stateDirWarning(dir: string): string | undefined {
  const st = statOrUndefined(dir);
  if (st === undefined || !tooOpen(st)) return undefined;
  const mode = (st.mode & 0o777).toString(8);
  return `state dir ${dir} is open to other users (mode ${mode}); its traces may hold prompts and tool output: chmod 700 ${JSON.stringify(dir)}`;
}

/** Path of the SQLite file in a state dir. */
export function dbPathIn(stateDir: string): string {
  return join(stateDir, DB_FILE);
}
