/**
 * Opening a rollout for reading, safely: only regular files. A FIFO named
 * `rollout-*.jsonl` would block `open()` until a writer appears (stopping every other
 * file and ignoring signals), a directory or a device is no rollout. `O_NONBLOCK` makes
 * the open itself return at once whatever the file is (it changes nothing for regular
 * files), and `fstat` on the opened descriptor — not a `stat` before it, which a rename
 * could outrun — decides.
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export class NotARegularFile extends Error {
  readonly code = 'NOT_REGULAR_FILE';
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`${path} is ${what}, not a regular file; not read`);
    this.name = 'NotARegularFile';
  }
}

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

/** A descriptor of a regular file open for reading; NotARegularFile for anything else. */
export function openRegularSync(path: string): number {
  const fd = openSync(path, FLAGS);
  const st = fstatSync(fd);
  if (st.isFile()) return fd;
  closeSync(fd);
  throw new NotARegularFile(path, kindOf(st));
}

/** `openRegularSync` with a FileHandle. */
export async function openRegular(path: string): Promise<FileHandle> {
  const fh = await open(path, FLAGS);
  const st = await fh.stat();
  if (st.isFile()) return fh;
  await fh.close();
  throw new NotARegularFile(path, kindOf(st));
}
