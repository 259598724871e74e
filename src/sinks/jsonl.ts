import { open, type FileHandle } from 'node:fs/promises';
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

  constructor(private readonly opts: JsonlOptions = {}) {}

  async write(batch: readonly SpanEffect[]): Promise<void> {
    let text = '';
    let count = 0;
    for (const effect of batch) {
      if (effect.type !== 'span_ended' || effect.repeat) continue;
      text += `${JSON.stringify(effect.span)}\n`;
      count += 1;
    }
    if (count === 0) return;
    try {
      await (this.opts.out ? this.appendToFile(this.opts.out, text) : this.writeStream(text));
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
    // one handle for all writes, also when several batches arrive at once
    this.file ??= open(path, 'a', 0o600);
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

  private writeStream(text: string): Promise<void> {
    const stream = this.opts.stream ?? process.stdout;
    return new Promise((resolve, reject) => {
      stream.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }
}
