/**
 * Live updates: `PRAGMA data_version` on the viewer's read-only connection changes whenever
 * another connection (a running `watch` or `backfill`) commits; each change is pushed to every
 * open page as a server-sent event.
 */
import type { ServerResponse } from 'node:http';
import type { Db } from '../../store/index.js';

export class LiveChanges {
  private readonly clients = new Set<ServerResponse>();
  private version: number;
  private readonly poll: NodeJS.Timeout;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    pollMs = 250,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.version = this.read();
    this.poll = setInterval(() => this.check(), pollMs);
    this.poll.unref();
    this.keepAlive = setInterval(() => this.send(': keep-alive\n\n'), 15_000);
    this.keepAlive.unref();
  }

  private read(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** Compares the data version with the last seen; a change is announced. */
  check(): void {
    if (!this.db.open) return;
    let v: number;
    try {
      v = this.read();
    } catch (err) {
      this.onError(err);
      return;
    }
    if (v === this.version) return;
    this.version = v;
    this.send(`event: change\ndata: ${JSON.stringify({ version: v })}\n\n`);
  }

  private send(text: string): void {
    for (const c of this.clients) c.write(text);
  }

  /** Turns a response into an event stream until the page goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ version: this.version })}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  close(): void {
    clearInterval(this.poll);
    clearInterval(this.keepAlive);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
