/**
 * The service's log file: size-capped by copy-and-truncate. Past the cap the file is copied
 * to `<file>.1` and truncated in place, so every writer holding it open with O_APPEND (the
 * watcher, and systemd or launchd appending what the process prints outside the logger, such
 * as a crash's stack) keeps writing to the live file. At most twice the cap is kept.
 */
import { closeSync, copyFileSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

export const LOG_MAX_BYTES = 10 * 1024 * 1024;

export function rotatedPath(path: string): string {
  return `${path}.1`;
}

/** An append-only log stream; a line that cannot be written is dropped, never thrown. */
export class CappedLog extends Writable {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    readonly maxBytes = LOG_MAX_BYTES,
  ) {
    super({ decodeStrings: true });
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
    this.rotateIfFull();
  }

  private rotateIfFull(): void {
    if (this.fd === undefined || fstatSync(this.fd).size <= this.maxBytes) return;
    copyFileSync(this.path, rotatedPath(this.path));
    ftruncateSync(this.fd, 0);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    try {
      if (this.fd !== undefined) writeSync(this.fd, chunk);
      this.rotateIfFull();
    } catch {
      // a full disk or a removed state dir must not stop the watcher: the line is lost
    }
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.closeFd();
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.closeFd();
    done(err);
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

function readRange(path: string, start: number, end: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, end - start));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

/** The last `lines` lines of the log (from the rotated file too when the live one is short), and where it ends. */
export function readLogTail(path: string, lines: number): { text: string; end: number } {
  const size = sizeOf(path) ?? 0;
  const window = 1024 * 1024;
  let text = size > 0 ? readRange(path, Math.max(0, size - window), size).toString('utf8') : '';
  const old = rotatedPath(path);
  if (text.split('\n').length <= lines && size < window && existsSync(old)) {
    const oldSize = sizeOf(old) ?? 0;
    text = readRange(old, Math.max(0, oldSize - (window - size)), oldSize).toString('utf8') + text;
  }
  const all = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const kept = all.slice(-lines).join('\n');
  return { text: kept === '' ? '' : `${kept}\n`, end: size };
}

function stamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return '';
  }
}

/**
 * Prints what is appended to the log from `offset` until `stop` resolves. A rotation (a new
 * `<file>.1`, the live file truncated: its size alone may not show it) is noticed by the
 * rotated file changing; the rest of the old content is read from there first.
 */
export async function followLog(path: string, offset: number, write: (chunk: Buffer) => void, stop: Promise<void>, intervalMs = 250): Promise<void> {
  const old = rotatedPath(path);
  let pos = offset;
  let rotation = stamp(old);
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  for (;;) {
    const now = stamp(old);
    if (now !== rotation) {
      rotation = now;
      const oldSize = sizeOf(old) ?? 0;
      if (oldSize > pos) write(readRange(old, pos, oldSize));
      pos = 0;
    }
    const size = sizeOf(path);
    if (size !== undefined && size < pos) pos = 0; // truncated by hand
    if (size !== undefined && size > pos) {
      write(readRange(path, pos, size));
      pos = size;
    }
    if (stopped) return; // after one last read
    await Promise.race([stop, new Promise((r) => setTimeout(r, intervalMs))]);
  }
}
