/**
 * Watching $CODEX_HOME for rollout files with chokidar: `sessions/` (its `YYYY/MM/DD`
 * folders, new ones included) and the flat `archived_sessions/`. Native events only (no
 * polling, no awaitWriteFinish); `ignoreInitial`, because the caller catches up with
 * discover(). Only rollout file names are reported, always as paths under $CODEX_HOME
 * (also when a root is a symlink). Missing roots are fine; a missing $CODEX_HOME is
 * polled for once a second until it appears.
 *
 * Cost: chokidar watches folders only (the roots, YYYY, MM, DD: a few hundred native watches
 * for thousands of rollouts). A rollout's appends, creation and removal are reported from
 * its folder's native watch (chokidar's `raw` events: inotify reports what happens to a
 * folder's files), so chokidar never lstats a rollout a second time nor sets one native
 * watch per rollout: over 8,000 rollouts that was two thirds of its start-up (~0.4 s of
 * CPU) and as many inotify watches as files. Nor does it lstat every entry of the folders it
 * lists (see FolderWatcher). `ignored` is decided by
 * name (no stat) for everything outside the roots, below the day folders, and for every
 * file; no `alwaysStat`; `atomic` off (Codex appends, it never renames a temp file over a
 * rollout). `ready` means every folder has its native watch: startWatch walks the home only then,
 * so that no change falls between its walk and the watches.
 */
import { readdirSync, statSync } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { FSWatcher } from 'chokidar';
import { isRolloutName } from './names.js';
import { FallbackPoller, inotifyWatchLimit, isWatchLimitError, pathOfWatchError } from './poll.js';

export interface WatchEvent {
  type: 'add' | 'change' | 'unlink';
  path: string;
}

export interface WatchOptions {
  /** How often a missing `codexHome` is checked for (ms, default 1000). */
  homePollMs?: number;
  /** Watcher errors other than running out of watches; they never throw. */
  onError?: (err: unknown) => void;
  /**
   * Told once when native watches ran out (inotify `max_user_watches`): from then on what
   * could not be watched is polled (see FallbackPoller), and `degraded()` says how much.
   */
  onWatchLimit?: (info: WatchLimitInfo) => void;
  /** How often the fallback polls recent files (ms, default 2000). */
  fallbackPollMs?: number;
}

export interface WatchLimitInfo {
  /** the limit in force, when the system says */
  limit?: number;
  /** what to run to raise it */
  fix: string;
}

export interface Degraded extends WatchLimitInfo {
  polledFiles: number;
  polledFolders: number;
}

export interface RootWatcher {
  /** Resolves once the watcher is live: `codexHome` appeared and chokidar's initial scan is done. */
  ready: Promise<void>;
  close(): Promise<void>;
  /** Set once watches ran out: what is polled instead. */
  degraded(): Degraded | undefined;
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
    return true; // a rollout is reported from its folder's watch (see rolloutPath)
  }

  /** The rollout's path under the home when `path` names one in a day folder or the archive, else undefined. */
  rolloutPath(path: string): string | undefined {
    const ours = this.toHome(path);
    if (ours === undefined || !ours.startsWith(this.homePrefix)) return undefined;
    const parts = ours.slice(this.homePrefix.length).split(sep);
    const levels = ROOTS.get(parts[0] ?? '');
    return levels !== undefined && parts.length === levels + 2 && isRolloutName(parts[levels + 1] ?? '') ? ours : undefined;
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

const LIMIT_FIX = 'sudo sysctl fs.inotify.max_user_watches=524288 (and put it in /etc/sysctl.d/ to keep it)';

/** Routes chokidar's errors: a watch refused for want of watches is polled instead, and said once. */
class LimitFallback {
  poller?: FallbackPoller;
  info?: WatchLimitInfo;

  constructor(
    private readonly map: PathMap,
    private readonly onEvent: (e: WatchEvent) => void,
    private readonly opts: WatchOptions,
  ) {}

  onError(err: unknown): void {
    const raw = isWatchLimitError(err) ? pathOfWatchError(err) : undefined;
    const path = raw === undefined ? undefined : this.map.toHome(raw);
    if (path === undefined) {
      this.opts.onError?.(err);
      return;
    }
    if (!this.poller) {
      this.poller = new FallbackPoller((e) => this.onEvent(e), this.opts.fallbackPollMs);
      this.info = { limit: inotifyWatchLimit(), fix: LIMIT_FIX };
      this.opts.onWatchLimit?.(this.info);
    }
    if (isRolloutName(basename(path))) this.poller.addFile(path);
    else this.poller.addDir(path);
  }

  degraded(): Degraded | undefined {
    if (!this.poller || !this.info) return undefined;
    return { ...this.info, polledFiles: this.poller.fileCount, polledFolders: this.poller.dirCount };
  }
}

/** A folder made after the start is listed again this much later (see the addDir handler). */
const NEW_FOLDER_RELIST_MS = 1000;

function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** An 'add' for each rollout directly in `dir` (a day folder, or the archive). */
function reportRollouts(map: PathMap, dir: string, onEvent: (e: WatchEvent) => void): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // gone again
  }
  for (const name of names) {
    const path = map.rolloutPath(join(dir, name));
    if (path !== undefined) onEvent({ type: 'add', path });
  }
}

type ListOptions = NonNullable<Parameters<FSWatcher['_readdirp']>[1]>;
type Entry = Parameters<Extract<ListOptions['fileFilter'], (e: never) => boolean>>[0];

/**
 * chokidar that lists a folder without an lstat per entry. chokidar reads each watched folder
 * (readdirp) asking for every entry's lstat (`alwaysStat`, which its options cannot turn off),
 * then asks `ignored` (which needs no stat here: see PathMap.ignored) and drops every file: over
 * 8,193 rollouts that was ~0.2 s of CPU between "caught up" and "live". Here readdirp hands
 * out the entries of readdir's `withFileTypes` (a Dirent: isFile, isDirectory,
 * isSymbolicLink, what chokidar asks of `stats` in a listing), as `stats` too. A regular file is
 * dropped before chokidar's filter (an entry path, a relative path, `ignored`): every one would
 * be ignored. A folder it keeps gets its own stat when chokidar watches it, as before.
 * Relies on chokidar 5.0.0's `_readdirp(root, opts)` (public in its types) spreading `opts`
 * over its defaults; package.json pins that version.
 */
class FolderWatcher extends FSWatcher {
  override _readdirp(root: string, opts: ListOptions = {}): ReturnType<FSWatcher['_readdirp']> {
    const files = opts.fileFilter as ((e: Entry) => boolean) | undefined;
    const dirs = opts.directoryFilter as ((e: Entry) => boolean) | undefined;
    const withStats = (e: Entry): Entry => {
      e.stats ??= e.dirent as unknown as Entry['stats'];
      return e;
    };
    return super._readdirp(root, {
      ...opts,
      alwaysStat: false,
      fileFilter: (e) => !e.dirent?.isFile() && (files?.(withStats(e)) ?? true),
      directoryFilter: (e) => dirs?.(withStats(e)) ?? true,
    });
  }
}

function startChokidar(home: string, map: PathMap, onEvent: (e: WatchEvent) => void, opts: WatchOptions, fallback: LimitFallback): FSWatcher {
  const watcher = new FolderWatcher({
    ignoreInitial: true,
    persistent: true,
    followSymlinks: false,
    usePolling: false,
    atomic: false,
    depth: 4, // <home>/sessions/YYYY/MM/DD is read; its files are depth 5 and need no read
    ignored: (path, stats) => map.ignored(path, stats),
  });
  watcher.add([home, ...map.links.keys()]);
  // what happens to a rollout comes from its folder's native watch: a name made or gone
  // ('rename': there now, or not) or written to ('change')
  watcher.on('raw', (event, name, details) => {
    const folder = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof name !== 'string' || name === '' || typeof folder !== 'string') return;
    const path = map.rolloutPath(join(folder, name));
    if (path === undefined) return;
    if (event === 'change') onEvent({ type: 'change', path });
    else onEvent({ type: exists(path) ? 'add' : 'unlink', path });
  });
  watcher.on('add', (path) => {
    // a root made a symlink after the start (chokidar does not follow it): watch where it points
    if (dirname(path) === home && ROOTS.has(basename(path))) {
      void linkRoots(home, map).then((real) => {
        if (real.length > 0) watcher.add(real);
      });
    }
  });
  // a folder made after the start (a new day): the rollouts already in it sent no event to its
  // watch, which chokidar sets after it read the folder; listed now and once that is surely done
  watcher.on('addDir', (dir) => {
    reportRollouts(map, dir, onEvent);
    setTimeout(() => reportRollouts(map, dir, onEvent), NEW_FOLDER_RELIST_MS).unref();
  });
  watcher.on('error', (err) => fallback.onError(err));
  return watcher;
}

export async function watchRoots(codexHome: string, onEvent: (e: WatchEvent) => void, opts: WatchOptions = {}): Promise<RootWatcher> {
  const stop: Stopper = { stopped: false };
  let watcher: FSWatcher | undefined;
  let fallback: LimitFallback | undefined;
  const ready = (async () => {
    await waitForDir(codexHome, opts.homePollMs ?? 1000, stop);
    if (stop.stopped) return;
    const map = new PathMap(codexHome);
    await linkRoots(codexHome, map);
    if (stop.stopped) return;
    fallback = new LimitFallback(map, onEvent, opts);
    const w = startChokidar(codexHome, map, onEvent, opts, fallback);
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
      fallback?.poller?.close();
      await watcher?.close();
    },
    degraded: () => fallback?.degraded(),
  };
}
