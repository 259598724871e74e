/**
 * Watching $CODEX_HOME for rollout files with chokidar: `sessions/` (recursively, new
 * day folders included) and `archived_sessions/`. Native events only (no polling,
 * no awaitWriteFinish); `ignoreInitial`, because the caller catches up with discover().
 * Only rollout file names are reported, always as paths under $CODEX_HOME (also when
 * a root is a symlink). Missing roots are fine; a missing $CODEX_HOME is polled for
 * once a second until it appears.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isRolloutName } from './names.js';

export interface WatchEvent {
  type: 'add' | 'change' | 'unlink';
  path: string;
}

export interface WatchOptions {
  /** How often a missing `codexHome` is checked for (ms, default 1000). */
  homePollMs?: number;
  /** Watcher errors (e.g. inotify limits); they never throw. */
  onError?: (err: unknown) => void;
}

export interface RootWatcher {
  /** Resolves once the watcher is live (after `codexHome` appeared, if it was missing). */
  ready: Promise<void>;
  close(): Promise<void>;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

interface Stopper {
  stopped: boolean;
  wake?: () => void;
}

async function waitForDir(path: string, everyMs: number, stop: Stopper): Promise<void> {
  while (!stop.stopped && !(await isDir(path))) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, everyMs);
      stop.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

const ROOTS = ['sessions', 'archived_sessions'];

/** Symlinked roots (e.g. sessions/ on another disk): real path -> path under the home. */
async function symlinkedRoots(codexHome: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of ROOTS) {
    const root = join(codexHome, name);
    try {
      if ((await lstat(root)).isSymbolicLink()) out.set(await realpath(root), root);
    } catch {
      // missing: chokidar sees it appear under the home
    }
  }
  return out;
}

/** Maps a watched path to the path under the home, or undefined when it is not ours. */
function makeResolver(codexHome: string, links: Map<string, string>): (path: string) => string | undefined {
  return (path) => {
    for (const [real, link] of links) {
      if (path === real || path.startsWith(real + sep)) return link + path.slice(real.length);
    }
    const rel = relative(codexHome, path);
    if (rel === '') return path;
    const top = rel.split(sep)[0] ?? '';
    return ROOTS.includes(top) ? path : undefined;
  };
}

/**
 * One watcher on the home itself (depth-limited; everything but the two roots is
 * ignored, so no watches are set inside log/, shell_snapshots/ and the like). Watching
 * the home rather than the roots means a root created later is seen like any new folder.
 */
function startChokidar(codexHome: string, links: Map<string, string>, onEvent: (e: WatchEvent) => void, opts: WatchOptions): FSWatcher {
  const resolve = makeResolver(codexHome, links);
  const watcher = watch([codexHome, ...links.keys()], {
    ignoreInitial: true,
    persistent: true,
    followSymlinks: false,
    usePolling: false,
    depth: 5, // <home>/sessions/YYYY/MM/DD/<file>
    ignored: (path, stats) => {
      const ours = resolve(path);
      if (ours === undefined) return true;
      return stats !== undefined && stats.isFile() && !isRolloutName(basename(path));
    },
  });
  const report = (type: WatchEvent['type']) => (path: string) => {
    const ours = resolve(path);
    if (ours !== undefined && isRolloutName(basename(ours))) onEvent({ type, path: ours });
  };
  watcher.on('add', report('add'));
  watcher.on('change', report('change'));
  watcher.on('unlink', report('unlink'));
  watcher.on('error', (err) => opts.onError?.(err));
  return watcher;
}

export async function watchRoots(
  codexHome: string,
  onEvent: (e: WatchEvent) => void,
  opts: WatchOptions = {},
): Promise<RootWatcher> {
  const stop: Stopper = { stopped: false };
  let watcher: FSWatcher | undefined;
  const ready = (async () => {
    await waitForDir(codexHome, opts.homePollMs ?? 1000, stop);
    const links = stop.stopped ? undefined : await symlinkedRoots(codexHome);
    if (!links || stop.stopped) return;
    const w = startChokidar(codexHome, links, onEvent, opts);
    watcher = w;
    await new Promise<void>((resolve) => {
      w.once('ready', () => resolve());
      stop.wake = resolve; // close() before chokidar is ready
    });
  })();
  return {
    ready,
    async close() {
      stop.stopped = true;
      stop.wake?.();
      await watcher?.close();
    },
  };
}
