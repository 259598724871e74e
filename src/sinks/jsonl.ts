import { accessSync, constants, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { SpanEffect } from '../trace/effects.js';
import { SinkError, type Sink, type SinkStatus } from './sink.js';

const NAME = 'jsonl';

/** Durable once synced; a pipe or a device (`/dev/null`, `/dev/stdout`) cannot be synced and need not be. */
async function syncIfPossible(fh: FileHandle): Promise<void> {
  try {
    await fh.datasync();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EROFS') throw err;
  }
}

export interface JsonlOptions {
  /** append to this file (created with mode 0600); stdout when absent */
  out?: string;
  /** write here instead of stdout (tests, pipes) */
  stream?: Writable;
  /** told when a torn last line (a write cut short by a crash) was cut from `out` before appending */
  onRepair?: (info: { file: string; offset: number; bytes: number }) => void;
}

/**
 * `--out` must be a place we can write to: a missing directory or a permission problem
 * will not clear up by retrying, so it is a configuration error now, before anything is read.
 */
function checkOut(path: string): void {
  const fail = (why: string): never => {
    throw new SinkError(NAME, `--out ${path}: ${why}`, false);
  };
  let st;
  try {
    st = statSync(path);
  } catch {
    const dir = dirname(path);
    let d;
    try {
      d = statSync(dir);
    } catch {
      return fail(`the directory ${dir} does not exist`);
    }
    if (!d.isDirectory()) fail(`${dir} is not a directory`);
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      fail(`no permission to create a file in ${dir}`);
    }
    return;
  }
  if (st.isDirectory()) fail('is a directory');
  try {
    accessSync(path, constants.W_OK);
  } catch {
    fail('no permission to write to it');
  }
}

/** How far back a torn last line is looked for: a span line is far shorter than this. */
const TAIL_SCAN = 64 * 1024 * 1024;

/** Cuts a last line without its newline (a write cut short), so the next append starts clean. */
async function cutTornTail(fh: FileHandle): Promise<{ offset: number; bytes: number } | undefined> {
  const st = await fh.stat();
  if (!st.isFile() || st.size === 0) return undefined;
  const last = Buffer.alloc(1);
  await fh.read(last, 0, 1, st.size - 1);
  if (last[0] === 0x0a) return undefined;
  const from = Math.max(0, st.size - TAIL_SCAN);
  const buf = Buffer.alloc(st.size - from);
  await fh.read(buf, 0, buf.length, from);
  const nl = buf.lastIndexOf(0x0a);
  const offset = nl < 0 ? from : from + nl + 1;
  await fh.truncate(offset);
  return { offset, bytes: st.size - offset };
}

/**
 * One finished span per line: `JSON.stringify(span)`, exactly the Span shape, for
 * each `span_ended` (a repeated root end is skipped, so each span appears once per
 * run). A file is appended to and synced once per batch.
 */
export class JsonlSink implements Sink {
  readonly name = NAME;
  private file: Promise<FileHandle> | undefined;
  private delivered = 0;
  private lastError: string | undefined;
  /** writes go out one at a time: two batches at once must not interleave their lines */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: JsonlOptions = {}) {
    if (opts.out !== undefined) checkOut(opts.out);
  }

  async write(batch: readonly SpanEffect[]): Promise<void> {
    let text = '';
    let count = 0;
    for (const effect of batch) {
      if (effect.type !== 'span_ended' || effect.repeat) continue;
      text += `${JSON.stringify(effect.span)}\n`;
      count += 1;
    }
    if (count === 0) return;
    const out = this.opts.out;
    const done = this.queue.then(() => (out ? this.appendToFile(out, text) : this.writeStream(text)));
    this.queue = done.catch(() => undefined);
    try {
      await done;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      this.lastError = e.message;
      // a full disk may clear up; a closed pipe or a bad path will not
      const code = (e as { code?: unknown }).code;
      throw new SinkError(NAME, e.message, code === 'ENOSPC' || code === 'EAGAIN');
    }
    this.lastError = undefined;
    this.delivered += count;
  }

  async flush(): Promise<void> {
    if (this.file) await syncIfPossible(await this.file);
  }

  async close(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    await (await f)?.close();
  }

  status(): SinkStatus {
    const s: SinkStatus = { name: NAME, state: this.lastError ? 'failing' : 'ok', delivered: this.delivered, pending: 0 };
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  private async appendToFile(path: string, text: string): Promise<void> {
    // one handle for all writes; opened read-write (not 'a') so a torn tail can be cut first
    this.file ??= this.openForAppend(path);
    let fh: FileHandle;
    try {
      fh = await this.file;
    } catch (err) {
      this.file = undefined;
      throw err;
    }
    await fh.appendFile(text, 'utf8');
    await syncIfPossible(fh);
  }

  private async openForAppend(path: string): Promise<FileHandle> {
    const fh = await open(path, 'a+', 0o600);
    try {
      const cut = await cutTornTail(fh);
      if (cut) this.opts.onRepair?.({ file: path, ...cut });
    } catch (err) {
      await fh.close();
      throw err;
    }
    return fh;
  }

  private writeStream(text: string): Promise<void> {
    const stream = this.opts.stream ?? process.stdout;
    return new Promise((resolve, reject) => {
      stream.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }
}
