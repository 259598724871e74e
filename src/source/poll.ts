/**
 * The fallback when native watches run out (inotify's `max_user_watches`, often 8,192 on
 * older systems, is per user and shared with editors and IDEs): the files and folders
 * that could not be watched are polled instead, so an append to one of them is still
 * seen, a little later. Files are stat-ed (size and mtime), folders listed for new
 * rollout names. Recent files are polled every `pollMs`; all of them every
 * `fullEvery` polls, so ten thousand old files cost a stat each only now and then.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isRolloutName } from './names.js';

export interface PolledEvent {
  type: 'add' | 'change' | 'unlink';
  path: string;
}

interface Seen {
  size: number;
  mtimeMs: number;
}

/** A file whose last change is older than this is polled only on full passes. */
const RECENT_MS = 48 * 3600 * 1000;

export class FallbackPoller {
  private readonly files = new Map<string, Seen | undefined>();
  private readonly dirs = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polls = 0;

  constructor(
    private readonly emit: (e: PolledEvent) => void,
    private readonly pollMs = 2000,
    private readonly fullEvery = 15,
  ) {}

  get fileCount(): number {
    return this.files.size;
  }

  get dirCount(): number {
    return this.dirs.size;
  }

  addFile(path: string): void {
    if (this.files.has(path)) return;
    this.files.set(path, this.stat(path));
    this.start();
  }

  addDir(path: string): void {
    if (this.dirs.has(path)) return;
    this.dirs.add(path);
    for (const f of this.list(path)) this.addFile(f);
    this.start();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass (also what the timer runs). */
  poll(now = Date.now()): void {
    const full = this.polls++ % this.fullEvery === 0;
    for (const dir of this.dirs) {
      for (const f of this.list(dir)) {
        if (this.files.has(f)) continue;
        this.files.set(f, this.stat(f));
        this.emit({ type: 'add', path: f });
      }
    }
    for (const [path, before] of this.files) {
      if (!full && before !== undefined && now - before.mtimeMs > RECENT_MS) continue;
      const after = this.stat(path);
      if (after === undefined && before === undefined) continue;
      this.files.set(path, after);
      if (after === undefined) this.emit({ type: 'unlink', path });
      else if (before === undefined || after.size !== before.size || after.mtimeMs !== before.mtimeMs) this.emit({ type: 'change', path });
    }
  }

  private start(): void {
    if (this.timer) return;
    // it holds the process as a native watch does (chokidar's are persistent): when every watch
    // was refused, the poller is all that watches, and an unref'd timer let `watch` exit at once
    this.timer = setInterval(() => this.poll(), this.pollMs);
  }

  private stat(path: string): Seen | undefined {
    try {
      const st = statSync(path);
      return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }

  private list(dir: string): string[] {
    try {
      return readdirSync(dir)
        .filter(isRolloutName)
        .map((n) => join(dir, n));
    } catch {
      return [];
    }
  }
}

/** The inotify watch limit in force here, when the system says (Linux), else undefined. */
export function inotifyWatchLimit(): number | undefined {
  // a user namespace may set a lower limit than the system-wide one
  const values = ['/proc/sys/fs/inotify/max_user_watches', '/proc/sys/user/max_inotify_watches']
    .map((p) => {
      try {
        return Number(readFileSync(p, 'utf8').trim());
      } catch {
        return NaN;
      }
    })
    .filter((n) => Number.isFinite(n) && n >= 0);
  return values.length > 0 ? Math.min(...values) : undefined;
}

/** A watch that failed for want of watches or descriptors (to poll instead), not for another reason. */
export function isWatchLimitError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'ENOSPC' || code === 'EMFILE';
}

/** The path a failed watch names (`err.path`, else `watch '<path>'` in the message). */
export function pathOfWatchError(err: unknown): string | undefined {
  const p = (err as { path?: unknown })?.path;
  if (typeof p === 'string') return p;
  const m = /watch '([^']+)'/.exec(err instanceof Error ? err.message : '');
  return m?.[1];
}
