/**
 * A pipeline thread of the backfill pool (pool.ts): the files it is given are traced
 * here exactly as on the main thread (TracerSet, FileTracer, the pure reducer), with a
 * sink that hands rows and cursors to the main thread to commit.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { makeContentFilter } from '../../content/redact.js';
import { Delivery } from '../delivery.js';
import { runFiles } from '../run-files.js';
import { TracerSet } from '../tracers.js';
import type { FromWorker, PoolInit, ToWorker } from './protocol.js';
import { PoolCursors, RemoteCommitter, remoteReporter } from './remote.js';

const init = workerData as PoolInit;
const port = parentPort as MessagePort;
const post = (m: FromWorker): void => port.postMessage(m);

const committer = new RemoteCommitter(new PoolCursors(init.cursors, port), port);
const delivery = new Delivery([committer], committer.cursors);
delivery.groupCommits = init.groupCommits;
const set = new TracerSet({
  delivery,
  reducer: { content: makeContentFilter(init.content), llmInput: init.content.llmInput },
  log: remoteReporter(port),
  maxLineBytes: init.maxLineBytes,
  batchBytes: init.batchBytes,
});
for (const id of init.knownThreads) set.knownThreads.add(id);
for (const link of init.reviewLinks) set.linkReview(link);

port.on('message', (m: ToWorker) => {
  if (m.type === 'ack') {
    committer.settle(m);
    return;
  }
  void runFiles(set, m.jobs, {
    ...init.run,
    onProgress: (d) => post({ type: 'progress', files: d.files, bytes: d.bytes, spans: set.summary.spansDelivered }),
  })
    .catch((err: unknown) => {
      set.summary.errors.push(`pipeline thread: ${err instanceof Error ? err.message : String(err)}`);
    })
    .finally(() => post({ type: 'done', summary: set.summary }));
});
