import type { SpanEffect } from '../../trace/effects.js';
import { braintrustConfigFromEnv, type BraintrustConfig } from './config.js';
import { collapseRows, toRow, type BraintrustRow } from './rows.js';
import { BatchQueue, DeliveryStatus } from '../batch-queue.js';
import { postJson } from '../http.js';
import { SinkError, type Sink, type SinkStatus } from '../sink.js';
import { TraceRoots } from '../trace-roots.js';

export { braintrustConfigFromEnv, type BraintrustConfig, type BraintrustOverrides } from './config.js';

const NAME = 'braintrust';

/**
 * Braintrust sink over the public REST API (project by name, then
 * project_logs/{id}/insert). Not the `braintrust` SDK: its logger makes its own
 * span ids and batches in the background behind an internal transport, while we
 * need our deterministic ids as row ids, parents and historical times as given,
 * and an acknowledgement per write() before the pipeline moves a cursor.
 *
 * span_started inserts the row (`_is_merge:false`) so a live session shows while it
 * runs; span_updated / span_ended merge into it (`_is_merge:true`). The first effect
 * seen for a span that is not a start (a replay after a restart) inserts the full
 * row. Row id = spanId, so a re-run rewrites the same rows.
 */
export class BraintrustSink implements Sink {
  readonly name = NAME;
  readonly config: BraintrustConfig;
  private readonly roots = new TraceRoots();
  private readonly seen = new Set<string>();
  private readonly queue: BatchQueue<BraintrustRow>;
  private readonly delivery: DeliveryStatus;
  private projectId: string | undefined;

  constructor(config: BraintrustConfig = braintrustConfigFromEnv()) {
    this.config = config;
    this.queue = new BatchQueue<BraintrustRow>({
      maxPerSend: config.maxRowsPerRequest,
      maxQueued: config.maxQueuedRows,
      send: (rows) => this.delivery.deliver(rows.length, () => this.insert(collapseRows(rows)), config.retry),
    });
    this.delivery = new DeliveryStatus(NAME, () => this.queue.pending);
  }

  async write(batch: readonly SpanEffect[]): Promise<void> {
    for (const effect of batch) this.roots.observe(effect.span);
    const rows = batch.map((effect) => {
      const span = effect.span;
      const merge = effect.type !== 'span_started' && this.seen.has(span.spanId);
      this.remember(span.spanId);
      return toRow(span, this.roots.rootSpanId(span), merge, this.config.additionalMetadata);
    });
    try {
      await this.queue.push(rows);
    } catch (err) {
      // the pipeline will hand these effects again: their rows must be inserted, not merged
      for (const row of rows) if (!row._is_merge) this.seen.delete(row.id);
      throw err;
    }
  }

  flush(): Promise<void> {
    return this.queue.drain();
  }

  close(): Promise<void> {
    return this.queue.drain();
  }

  status(): SinkStatus {
    return this.delivery.snapshot();
  }

  /** bounded: forgetting a span only means its next merge is sent as a full insert */
  private remember(spanId: string): void {
    this.seen.delete(spanId);
    this.seen.add(spanId);
    if (this.seen.size > 100_000) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private post(path: string, body: unknown): Promise<unknown> {
    const headers = { authorization: `Bearer ${this.config.apiKey}` };
    return postJson(NAME, `${this.config.apiUrl}${path}`, body, headers, this.config.timeoutMs);
  }

  /** POST /v1/project is idempotent: it returns the project of that name, creating it when missing. */
  private async resolveProject(): Promise<string> {
    if (this.projectId) return this.projectId;
    const answer = await this.post('/v1/project', { name: this.config.project });
    const id = (answer as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || !id) throw new SinkError(NAME, `no project id in the answer for project "${this.config.project}"`, true);
    this.projectId = id;
    return id;
  }

  private async insert(events: BraintrustRow[]): Promise<void> {
    const project = await this.resolveProject();
    await this.post(`/v1/project_logs/${encodeURIComponent(project)}/insert`, { events });
  }
}
