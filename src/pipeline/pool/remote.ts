/**
 * The worker side of the pool's hand-off: a sink that commits through the main thread
 * (rows made here, committed there with the cursors in one transaction), the run's
 * cursors as this worker sees them, and a reporter that forwards to the main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { SinkError, type CursorCommitter, type Sink, type Staged, type Stager } from '../../sinks/sink.js';
import type { CursorStore } from '../../store/cursor-store.js';
import type { Cursor } from '../../store/cursors.js';
import { handOffBatch, latestSpans, type RowBatch } from '../../store/spans.js';
import { handOffStaged, StagedRows } from '../../store/staged.js';
import type { SpanEffect } from '../../trace/effects.js';
import type { Reporter, ReportFields } from '../report.js';
import type { FromWorker, ToWorker } from './protocol.js';

const post = (port: MessagePort, m: FromWorker): void => port.postMessage(m);

/** The cursors of the run's start; renames (a file moved to archived_sessions) also go to the store. */
export class PoolCursors implements CursorStore {
  private readonly map = new Map<string, Cursor>();
  constructor(
    cursors: readonly Cursor[],
    private readonly port: MessagePort,
  ) {
    for (const c of cursors) this.map.set(c.path, c);
  }
  get(path: string): Cursor | undefined {
    return this.map.get(path);
  }
  all(): Cursor[] {
    return [...this.map.values()];
  }
  put(c: Cursor): void {
    this.map.set(c.path, c); // committed with the spans (commitWithCursors), never alone here
  }
  rename(from: string, to: string): void {
    const c = this.map.get(from);
    if (c) {
      this.map.delete(from);
      this.map.set(to, { ...c, path: to });
    }
    post(this.port, { type: 'rename', from, to });
  }
}

/**
 * Commits go to the main thread as rows; each resolves once the main thread committed it. The
 * pipeline stages its effects here as they are produced (Stager): rows and bytes wait for the
 * answer, not span objects.
 */
export class RemoteCommitter implements Sink, CursorCommitter, Stager {
  readonly name = 'local';
  readonly threaded = true;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: SinkError) => void; parts: readonly StagedRows[] }>();

  constructor(
    readonly cursors: PoolCursors,
    private readonly port: MessagePort,
  ) {}

  commitWithCursors(effects: readonly SpanEffect[], cursors: readonly Cursor[]): Promise<void> {
    const spans = latestSpans(effects);
    // packed and compressed here (one or more blocks per commit), so that the committing thread only writes
    return this.send(handOffBatch(spans), spans.length, cursors, []);
  }

  stage(): Staged {
    return new StagedRows();
  }

  commitStaged(parts: readonly Staged[], cursors: readonly Cursor[]): Promise<void> {
    const staged = parts as readonly StagedRows[]; // made by `stage`
    const { batch, spans } = handOffStaged(staged);
    return this.send(batch, spans, cursors, staged);
  }

  private send(batch: RowBatch, spans: number, cursors: readonly Cursor[], parts: readonly StagedRows[]): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, parts });
      post(this.port, { type: 'commit', id, batch, spans, cursors: [...cursors] });
    });
  }

  /** the main thread's answer to a commit */
  settle(m: Extract<ToWorker, { type: 'ack' }>): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (m.error) {
      w.reject(new SinkError(this.name, m.error.message, m.error.transient)); // the parts are kept: committed again later
      return;
    }
    for (const p of w.parts) p.release();
    w.resolve();
  }

  write(batch: readonly SpanEffect[]): Promise<void> {
    return this.commitWithCursors(batch, []);
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

export function remoteReporter(port: MessagePort): Reporter {
  const send =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (msg: string, fields?: ReportFields): void =>
      post(port, fields === undefined ? { type: 'log', level, msg } : { type: 'log', level, msg, fields });
  return { debug: send('debug'), info: send('info'), warn: send('warn'), error: send('error') };
}
