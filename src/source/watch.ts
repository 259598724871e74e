/**
 * Watching $CODEX_HOME for rollout files with chokidar: `sessions/` (its `YYYY/MM/DD`
 * folders, new ones included) and the flat `archived_sessions/`. Native events only (no
 * polling, no awaitWriteFinish); `ignoreInitial`, because the caller catches up with
 * discover(). Only rollout file names are reported, always as paths under $CODEX_HOME
 * (also when a root is a symlink). Missing roots are fine; a missing $CODEX_HOME is
 * polled for once a second until it appears.
 *
 * Cost: chokidar lstats every entry of every watched folder before it is `ready` (it
 * cannot be turned off) and sets one native watch per rollout (its change events come
 * from those). Everything else is kept cheap: one watcher on the home, `ignored` decided
 * by name (no stat) for everything outside the roots, below the day folders, and for
 * non-rollout names; no `alwaysStat`; `atomic` off (Codex appends, it never renames a
 * temp file over a rollout, so unlinks need no 100 ms hold). Callers should not wait for
 * `ready` before catching up: see startWatch.
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
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
  /** Resolves once the watcher is live: `codexHome` appeared and chokidar's initial scan is done. */
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

/** The roots, with how many levels of folders lie between a root and its rollouts: sessions/YYYY/MM/DD; archived_sessions is flat. */
const ROOTS = new Map([
  ['sessions', 3],
  ['archived_sessions', 0],
]);

/** Where the home's paths are watched from: symlinked roots (e.g. sessions/ on another disk) are watched at their real path. */
class PathMap {
  /** real path -> the root's path under the home */
  readonly links = new Map<string, string>();
  private readonly homePrefix: string;

  constructor(private readonly home: string) {
    this.homePrefix = home + sep;
  }

  /** The path under the home, or undefined when `path` is not in the home or a linked root. */
  toHome(path: string): string | undefined {
    if (path === this.home || path.startsWith(this.homePrefix)) return path;
    for (const [real, link] of this.links) {
      if (path === real || path.startsWith(real + sep)) return link + path.slice(real.length);
    }
    return undefined;
  }

  /**
   * chokidar's `ignored`, by name alone: the home, the roots, the folders below them and
   * rollout names there are kept, everything else is not read, stat-ed or watched. Only a
   * non-folder where a folder belongs (known when chokidar passes its stats) is dropped.
   */
  ignored(path: string, stats?: { isDirectory(): boolean; isSymbolicLink(): boolean }): boolean {
    const ours = this.toHome(path);
    if (ours === undefined) return true;
    if (ours === this.home) return false;
    const parts = ours.slice(this.homePrefix.length).split(sep);
    const levels = ROOTS.get(parts[0] ?? '');
    if (levels === undefined) return true;
    const below = parts.length - 1;
    if (below <= levels) return stats !== undefined && !stats.isDirectory() && !stats.isSymbolicLink();
    return below > levels + 1 || !isRolloutName(parts[below] ?? '');
  }
}

/** The roots that are symlinks now, by their real path. */
async function linkRoots(home: string, map: PathMap): Promise<string[]> {
  const added: string[] = [];
  for (const name of ROOTS.keys()) {
    const root = join(home, name);
    try {
      if (!(await lstat(root)).isSymbolicLink()) continue;
      const real = await realpath(root);
      if (map.links.get(real) === root) continue;
      map.links.set(real, root);
      added.push(real);
    } catch {
      // missing or dangling: seen when it appears under the home
    }
  }
  return added;
}

function startChokidar(home: string, map: PathMap, onEvent: (e: WatchEvent) => void, opts: WatchOptions): FSWatcher {
  const watcher = watch([home, ...map.links.keys()], {
    ignoreInitial: true,
    persistent: true,
    followSymlinks: false,
    usePolling: false,
    atomic: false,
    depth: 4, // <home>/sessions/YYYY/MM/DD is read; its files are depth 5 and need no read
    ignored: (path, stats) => map.ignored(path, stats),
  });
  const report = (type: WatchEvent['type']) => (path: string) => {
    const ours = map.toHome(path);
    if (ours !== undefined && isRolloutName(basename(ours))) onEvent({ type, path: ours });
  };
  watcher.on('add', (path) => {
    // a root made a symlink after the start (chokidar does not follow it): watch where it points
    if (dirname(path) === home && ROOTS.has(basename(path))) {
      void linkRoots(home, map).then((real) => { if (real.length > 0) watcher.add(real); });
      return;
    }
    report('add')(path);
  });
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
    if (stop.stopped) return;
    const map = new PathMap(codexHome);
    await linkRoots(codexHome, map);
    if (stop.stopped) return;
    const w = startChokidar(codexHome, map, onEvent, opts);
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
