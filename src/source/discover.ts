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
import { localDay, parseRolloutName, plainSiblingOf, type RolloutKind, type RolloutName } from './names.js';

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
   * Synchronous readdir/stat calls and no promise per entry: several times faster over
   * thousands of files (no thread-pool round trips), but the event loop waits for the whole
   * walk (~40-90 ms for 8,000 files on a local disk).
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

interface Walk {
  realRoot: string;
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

/** Why a rollout could not be stat-ed, kept as a warning (a file gone since its folder was read is not worth one). */
function statFailed(w: Walk, path: string, symlink: boolean, err: unknown): undefined {
  if (!isEnoent(err) || symlink) w.warnings.push({ path, reason: errReason(err) });
  return undefined;
}

/** A symlinked rollout is followed only to a file inside the Codex home. */
function insideHome(w: Walk, path: string, real: string): boolean {
  if (real.startsWith(w.realRoot + sep)) return true;
  w.warnings.push({ path, reason: 'symlink points outside the Codex home; not followed' });
  return false;
}

async function statRollout(w: Walk, path: string, symlink: boolean): Promise<Stats | undefined> {
  try {
    if (symlink && !insideHome(w, path, await w.limit(() => fsp.realpath(path)))) return undefined;
    const st = await w.limit(() => fsp.stat(path));
    return st.isFile() ? st : undefined;
  } catch (err) {
    return statFailed(w, path, symlink, err);
  }
}

function statRolloutSync(w: Walk, path: string, symlink: boolean): Stats | undefined {
  try {
    if (symlink && !insideHome(w, path, realpathSync.native(path))) return undefined;
    const st = statSync(path);
    return st.isFile() ? st : undefined;
  } catch (err) {
    return statFailed(w, path, symlink, err);
  }
}

type Entry = { dir: string; segs: string[] } | { file: string; name: RolloutName; symlink: boolean } | undefined;

/** What one directory entry is to the walk: a folder to descend into, a rollout to stat, or nothing. */
function entryOf(w: Walk, dir: string, segs: readonly string[], ent: Dirent, archived: boolean): Entry {
  if (ent.isDirectory()) {
    if (archived) return undefined; // archived_sessions is flat
    const sub = [...segs, ent.name];
    const prefix = datePrefix(sub);
    return prefix && !inRange(prefix, w.range) ? undefined : { dir: join(dir, ent.name), segs: sub };
  }
  if (!ent.isFile() && !ent.isSymbolicLink()) return undefined;
  const name = parseRolloutName(ent.name);
  if (!name) return undefined;
  const day = (segs.length === 3 ? datePrefix(segs) : undefined) ?? name.day;
  if (day && !inRange(day, w.range)) return undefined;
  return { file: join(dir, ent.name), name, symlink: ent.isSymbolicLink() };
}

function readdirFailed(w: Walk, dir: string, segs: readonly string[], err: unknown): void {
  if (!(segs.length === 0 && isEnoent(err))) w.warnings.push({ path: dir, reason: errReason(err) });
}

async function walkDir(w: Walk, dir: string, segs: readonly string[], archived: boolean): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await w.limit(() => fsp.readdir(dir, { withFileTypes: true }));
  } catch (err) {
    return readdirFailed(w, dir, segs, err);
  }
  const jobs: Promise<void>[] = [];
  for (const ent of entries) {
    const e = entryOf(w, dir, segs, ent, archived);
    if (e && 'dir' in e) jobs.push(walkDir(w, e.dir, e.segs, archived));
    else if (e)
      jobs.push(
        statRollout(w, e.file, e.symlink).then((st) => {
          if (st) w.found.push(toFile(e.file, st, e.name.kind, archived, e.name.threadId));
        }),
      );
  }
  await Promise.all(jobs);
}

/** The same walk without a promise per entry: about three times faster over thousands of files. */
function walkDirSync(w: Walk, dir: string, segs: readonly string[], archived: boolean): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    return readdirFailed(w, dir, segs, err);
  }
  for (const ent of entries) {
    const e = entryOf(w, dir, segs, ent, archived);
    if (e && 'dir' in e) walkDirSync(w, e.dir, e.segs, archived);
    else if (e) {
      const st = statRolloutSync(w, e.file, e.symlink);
      if (st) w.found.push(toFile(e.file, st, e.name.kind, archived, e.name.threadId));
    }
  }
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
    limit: createLimiter(opts.concurrency ?? 16),
    range,
    warnings: [],
    found: [],
  };
  if (opts.sync) {
    walkDirSync(w, join(codexHome, 'sessions'), [], false);
    walkDirSync(w, join(codexHome, 'archived_sessions'), [], true);
  } else {
    await Promise.all([walkDir(w, join(codexHome, 'sessions'), [], false), walkDir(w, join(codexHome, 'archived_sessions'), [], true)]);
  }
  const files = preferPlain(w.found).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  w.warnings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings: w.warnings };
}
