/**
 * Finding rollout files under $CODEX_HOME without reading them.
 *
 * Walks `sessions/` (date-sharded `YYYY/MM/DD`, plus the old flat layout directly
 * under it) and `archived_sessions/` (flat). The two roots themselves may be
 * symlinks; inside them symlinks are examined with lstat: a symlink to a rollout
 * file inside $CODEX_HOME is followed, anything else (directories, targets outside
 * the root, loops) is not.
 */
import { promises as fsp, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { createLimiter, type Limiter } from './limit.js';
import { localDay, parseRolloutName, plainSiblingOf, type RolloutKind } from './names.js';

export interface DiscoveredFile {
  path: string;
  kind: RolloutKind;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  /** Thread uuid parsed from the file name. */
  threadId?: string;
  /** True for files under `archived_sessions/`. */
  archived: boolean;
}

export interface DiscoverWarning {
  path: string;
  reason: string;
}

export interface DiscoverOptions {
  /** Keep files of this local day or later (by folder date, else file-name date). */
  since?: Date;
  /** Keep files of this local day or earlier. */
  until?: Date;
  /** Concurrent readdir/stat calls (default 16). */
  concurrency?: number;
  /**
   * Synchronous readdir/stat calls: about three times faster over thousands of files (no
   * thread-pool round trips), but the event loop waits for the whole walk (~0.1 s for
   * 8,000 files on a local disk).
   */
  sync?: boolean;
}

/** `files` sorted by path; `warnings` lists what could not be read and why. */
export interface DiscoverResult {
  files: DiscoveredFile[];
  warnings: DiscoverWarning[];
}

export class CodexHomeMissing extends Error {
  readonly code = 'CODEX_HOME_MISSING';
  constructor(
    readonly codexHome: string,
    detail = 'does not exist',
  ) {
    super(`Codex home ${codexHome} ${detail} (set CODEX_HOME or --codex-home to the folder holding sessions/)`);
    this.name = 'CodexHomeMissing';
  }
}

interface DayRange {
  since?: string;
  until?: string;
}

/** The file-system calls of a walk: asynchronous, or synchronous ones behind the same signatures. */
interface FsCalls {
  readdir(dir: string): Promise<Dirent[]>;
  stat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
}

const ASYNC_FS: FsCalls = {
  readdir: (dir) => fsp.readdir(dir, { withFileTypes: true }),
  stat: (path) => fsp.stat(path),
  realpath: (path) => fsp.realpath(path),
};

const SYNC_FS: FsCalls = {
  readdir: async (dir) => readdirSync(dir, { withFileTypes: true }),
  stat: async (path) => statSync(path),
  realpath: async (path) => realpathSync.native(path),
};

interface Walk {
  realRoot: string;
  fs: FsCalls;
  limit: Limiter;
  range: DayRange;
  warnings: DiscoverWarning[];
  found: DiscoveredFile[];
}

const DATE_SEGMENT = [/^\d{4}$/, /^\d\d$/, /^\d\d$/];

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` when `segs` is a (prefix of a) date path. */
function datePrefix(segs: readonly string[]): string | undefined {
  if (segs.length === 0 || segs.length > 3) return undefined;
  for (let i = 0; i < segs.length; i++) if (!DATE_SEGMENT[i]?.test(segs[i] ?? '')) return undefined;
  return segs.join('-');
}

function inRange(prefix: string, range: DayRange): boolean {
  if (range.since && prefix < range.since.slice(0, prefix.length)) return false;
  if (range.until && prefix > range.until.slice(0, prefix.length)) return false;
  return true;
}

function errReason(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function isEnoent(err: unknown): boolean {
  return !!err && typeof err === 'object' && 'code' in err && err.code === 'ENOENT';
}

function toFile(path: string, st: Stats, kind: RolloutKind, archived: boolean, threadId?: string): DiscoveredFile {
  const f: DiscoveredFile = { path, kind, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino, archived };
  if (threadId) f.threadId = threadId;
  return f;
}

async function statRollout(w: Walk, path: string, symlink: boolean): Promise<Stats | undefined> {
  try {
    if (symlink) {
      const real = await w.limit(() => w.fs.realpath(path));
      if (!real.startsWith(w.realRoot + sep)) {
        w.warnings.push({ path, reason: 'symlink points outside the Codex home; not followed' });
        return undefined;
      }
    }
    const st = await w.limit(() => w.fs.stat(path));
    return st.isFile() ? st : undefined;
  } catch (err) {
    if (!isEnoent(err) || symlink) w.warnings.push({ path, reason: errReason(err) });
    return undefined;
  }
}

async function visitFile(w: Walk, dir: string, segs: readonly string[], ent: Dirent, archived: boolean): Promise<void> {
  const name = parseRolloutName(ent.name);
  if (!name) return;
  const day = (segs.length === 3 ? datePrefix(segs) : undefined) ?? name.day;
  if (day && !inRange(day, w.range)) return;
  const path = join(dir, ent.name);
  const st = await statRollout(w, path, ent.isSymbolicLink());
  if (st) w.found.push(toFile(path, st, name.kind, archived, name.threadId));
}

async function walkDir(w: Walk, dir: string, segs: readonly string[], archived: boolean): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await w.limit(() => w.fs.readdir(dir));
  } catch (err) {
    if (!(segs.length === 0 && isEnoent(err))) w.warnings.push({ path: dir, reason: errReason(err) });
    return;
  }
  const jobs: Promise<void>[] = [];
  for (const ent of entries) {
    if (ent.isDirectory()) {
      if (archived) continue; // archived_sessions is flat
      const sub = [...segs, ent.name];
      const prefix = datePrefix(sub);
      if (prefix && !inRange(prefix, w.range)) continue;
      jobs.push(walkDir(w, join(dir, ent.name), sub, archived));
    } else if (ent.isFile() || ent.isSymbolicLink()) {
      jobs.push(visitFile(w, dir, segs, ent, archived));
    }
  }
  await Promise.all(jobs);
}

/** Drop `.jsonl.zst` files whose plain `.jsonl` sibling exists (the plain file wins). */
function preferPlain(files: DiscoveredFile[]): DiscoveredFile[] {
  const paths = new Set(files.map((f) => f.path));
  return files.filter((f) => f.kind !== 'zst' || !paths.has(plainSiblingOf(f.path)));
}

async function realHome(codexHome: string): Promise<string> {
  let st: Stats;
  try {
    st = await fsp.stat(codexHome);
  } catch (err) {
    if (isEnoent(err)) throw new CodexHomeMissing(codexHome);
    throw err;
  }
  if (!st.isDirectory()) throw new CodexHomeMissing(codexHome, 'is not a directory');
  return fsp.realpath(codexHome);
}

/** List every rollout file under `codexHome`, sorted by path. Reads no file contents. */
export async function discover(codexHome: string, opts: DiscoverOptions = {}): Promise<DiscoverResult> {
  const range: DayRange = {};
  if (opts.since) range.since = localDay(opts.since);
  if (opts.until) range.until = localDay(opts.until);
  const w: Walk = {
    realRoot: await realHome(codexHome),
    fs: opts.sync ? SYNC_FS : ASYNC_FS,
    limit: opts.sync ? (fn) => fn() : createLimiter(opts.concurrency ?? 16),
    range,
    warnings: [],
    found: [],
  };
  await Promise.all([walkDir(w, join(codexHome, 'sessions'), [], false), walkDir(w, join(codexHome, 'archived_sessions'), [], true)]);
  const files = preferPlain(w.found).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  w.warnings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings: w.warnings };
}
