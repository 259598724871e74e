/**
 * File identity and change classification for per-file cursors.
 * DESIGN: "A file that shrank, or whose inode or first record changed, was replaced:
 * start it over."
 */
import { createHash } from 'node:crypto';
import { closeSync, readSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { openRegular, openRegularSync } from './open.js';

export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/**
 * - `unchanged`: same file, nothing new to read.
 * - `grown`: same file, bytes were appended (read on from `committedOffset`).
 * - `replaced`: another file now lives at the path (inode or first line differ):
 *   start over from 0.
 * - `truncated`: same inode but it shrank: start over from 0 as well.
 */
export type Change = 'unchanged' | 'grown' | 'replaced' | 'truncated';

export async function fileIdentity(path: string): Promise<FileIdentity> {
  const st = await stat(path);
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * What a cursor (src/store/cursors.ts) remembers of its file: enough to tell whether
 * the file changed since.
 */
export interface SeenFile extends FileIdentity {
  /** Byte offset (line start) up to which every effect has been acknowledged. */
  committedOffset: number;
  /** `hashFirstLine` of the file then; null or absent when not known */
  firstLineHash?: string | null;
}

/**
 * Compare a stored cursor with the file as it is now. `firstLineHash` (of the file
 * now) is optional; when given and the cursor has one, a different first line means
 * `replaced`. Same size with a new mtime is `unchanged` if the first line hashes match,
 * otherwise `replaced` (an in-place rewrite; replay is safe because ids are
 * deterministic).
 */
export function classifyChange(cursor: SeenFile, now: FileIdentity, firstLineHash?: string): Change {
  if (now.dev !== cursor.dev || now.ino !== cursor.ino) return 'replaced';
  const hashKnown = firstLineHash !== undefined && cursor.firstLineHash !== undefined && cursor.firstLineHash !== null;
  if (hashKnown && firstLineHash !== cursor.firstLineHash) return 'replaced';
  if (now.size < cursor.size || now.size < cursor.committedOffset) return 'truncated';
  if (now.size > cursor.size) return 'grown';
  if (now.mtimeMs === cursor.mtimeMs) return 'unchanged';
  return hashKnown ? 'unchanged' : 'replaced';
}

/**
 * The first-line hash: short sha256 (16 hex) of the file's first line, reading at most
 * the first FIRST_LINE_HASH_BYTES (1024) bytes: a longer first line is hashed by its first
 * 1024 bytes. Undefined while the first line is still incomplete (shorter than the bound
 * and without `\n`) or the file is empty.
 */
export const FIRST_LINE_HASH_BYTES = 1024;

/** The first-line hash from the first bytes of a file already in memory (`buf[0..n)` from offset 0). */
export function firstLineHashOf(buf: Buffer, n: number, maxBytes = FIRST_LINE_HASH_BYTES): string | undefined {
  return hashOfHead(buf, Math.min(n, maxBytes), maxBytes);
}

function hashOfHead(buf: Buffer, n: number, maxBytes: number): string | undefined {
  const nl = buf.subarray(0, n).indexOf(0x0a);
  if (nl < 0 && n < maxBytes) return undefined;
  const line = buf.subarray(0, nl < 0 ? n : nl);
  return createHash('sha256').update(line).digest('hex').slice(0, 16);
}

/** `hashFirstLine` without thread-pool round trips (one small read). */
export function hashFirstLineSync(path: string, maxBytes = FIRST_LINE_HASH_BYTES): string | undefined {
  const head = readHeadSync(path, maxBytes);
  return hashOfHead(head, head.length, maxBytes);
}

/** The first `maxBytes` bytes of a regular file (all of it when shorter), in one small read. */
export function readHeadSync(path: string, maxBytes: number): Buffer {
  const fd = openRegularSync(path);
  try {
    const buf = Buffer.allocUnsafe(maxBytes);
    let n = 0;
    while (n < maxBytes) {
      const bytesRead = readSync(fd, buf, n, maxBytes - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export function fileIdentitySync(path: string): FileIdentity {
  const st = statSync(path);
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

export async function hashFirstLine(path: string, maxBytes = FIRST_LINE_HASH_BYTES): Promise<string | undefined> {
  const fh = await openRegular(path);
  try {
    const buf = Buffer.allocUnsafe(maxBytes);
    let n = 0;
    while (n < maxBytes) {
      const { bytesRead } = await fh.read(buf, n, maxBytes - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return hashOfHead(buf, n, maxBytes);
  } finally {
    await fh.close();
  }
}
