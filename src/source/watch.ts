/**
 * Watching $CODEX_HOME for rollout files: one native watch (fs.watch, inotify on Linux)
 * per folder — the home itself, `sessions/` and its `YYYY/MM/DD` folders (new ones
 * included), and the flat `archived_sessions/` — never one per file. A folder's watch
 * is set before the folder is read, so nothing written while a new folder is being
 * taken in is missed. No polling; `ready` resolves once every existing folder is watched
 * (existing files are not reported: the caller catches up with discover()). Only rollout
 * file names are reported, always as paths under $CODEX_HOME (also when a root is a
 * symlink: its watch follows the link). Missing roots are fine; a missing $CODEX_HOME is
 * polled for once a second until it appears.
 *
 * Why not chokidar: it lstats every file twice and sets one watch per file before it is
 * ready (about 1 s for 8,000 rollouts, and as many inotify watches as files).
 */
import { watch, type Dirent, type FSWatcher, type Stats } from 'node:fs';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
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

/** The roots, with how many levels of sub-folders are watched: sessions/YYYY/MM/DD; archived_sessions is flat. */
const ROOTS = new Map([
  ['sessions', 3],
  ['archived_sessions', 0],
]);

function errCode(err: unknown): unknown {
  return err && typeof err === 'object' && 'code' in err ? err.code : undefined;
}

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The folder watches of one home. Folders are taken in synchronously: watched first, then read. */
class FolderWatches {
  private readonly folders = new Map<string, FSWatcher>();
  private closed = false;

  constructor(
    private readonly onEvent: (e: WatchEvent) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Watches the home for its roots appearing, and every root already there. */
  start(home: string): void {
    this.add(home, -1, false, (name) => ROOTS.has(name));
  }

  /**
   * Watches `dir`, then reads it: sub-folders (down to `levels` more) are taken in the
   * same way; with `report`, every rollout found is reported as added (a new folder).
   * `levels` -1 is the home, whose only sub-folders of interest are the roots.
   */
  private add(dir: string, levels: number, report: boolean, isRoot?: (name: string) => boolean): void {
    if (this.closed) return;
    if (!statOrUndefined(dir, true)?.isDirectory()) return;
    if (this.folders.has(dir)) this.dropTree(dir); // replaced, or moved back in: taken in afresh
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (type, name) => {
        if (name) this.onFsEvent(dir, levels, type, name.toString(), isRoot);
      });
    } catch (err) {
      if (errCode(err) !== 'ENOENT') this.onError(err);
      return;
    }
    watcher.on('error', (err) => {
      this.drop(dir);
      if (errCode(err) !== 'ENOENT') this.onError(err);
    });
    this.folders.set(dir, watcher);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (errCode(err) !== 'ENOENT') this.onError(err);
      return;
    }
    for (const e of entries) this.takeIn(dir, e.name, e, levels, report, isRoot);
  }

  /** One entry of a folder being read: a folder to watch, or a rollout to report (when `report`). */
  private takeIn(dir: string, name: string, e: Dirent | Stats, levels: number, report: boolean, isRoot?: (name: string) => boolean): void {
    const path = join(dir, name);
    if (isRoot) {
      if (isRoot(name)) this.add(path, ROOTS.get(name) ?? 0, report); // a symlinked root is followed
    } else if (e.isDirectory()) {
      if (levels > 0) this.add(path, levels - 1, report);
    } else if (report && isRolloutName(name)) {
      this.onEvent({ type: 'add', path });
    }
  }

  private onFsEvent(dir: string, levels: number, type: string, name: string, isRoot?: (name: string) => boolean): void {
    if (this.closed || (isRoot && (type !== 'rename' || !isRoot(name)))) return;
    const path = join(dir, name);
    if (type === 'change') {
      if (isRolloutName(name)) this.onEvent({ type: 'change', path });
      return;
    }
    // 'rename': created, deleted, or moved in or out
    const st = statOrUndefined(path, isRoot !== undefined);
    if (st) {
      this.takeIn(dir, name, st, levels, true, isRoot);
      return;
    }
    this.dropTree(path);
    if (!isRoot && isRolloutName(name)) this.onEvent({ type: 'unlink', path });
  }

  private drop(dir: string): void {
    this.folders.get(dir)?.close();
    this.folders.delete(dir);
  }

  /** Stops watching `dir` and every folder under it (it is gone). */
  private dropTree(dir: string): void {
    const prefix = join(dir, '/');
    for (const path of [...this.folders.keys()]) if (path === dir || path.startsWith(prefix)) this.drop(path);
  }

  close(): void {
    this.closed = true;
    for (const path of [...this.folders.keys()]) this.drop(path);
  }
}

export async function watchRoots(
  codexHome: string,
  onEvent: (e: WatchEvent) => void,
  opts: WatchOptions = {},
): Promise<RootWatcher> {
  const stop: Stopper = { stopped: false };
  const folders = new FolderWatches(onEvent, (err) => opts.onError?.(err));
  const ready = (async () => {
    await waitForDir(codexHome, opts.homePollMs ?? 1000, stop);
    if (!stop.stopped) folders.start(codexHome);
  })();
  return {
    ready,
    async close() {
      stop.stopped = true;
      stop.wake?.();
      folders.close();
    },
  };
}
