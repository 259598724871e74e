/** The writer thread of `writer.ts`: one connection, each request committed in one transaction, in order. */
import { parentPort, workerData } from 'node:worker_threads';
import { toStoreError, type StoreError } from './errors.js';
import { TraceStore } from './store.js';
import type { CommitReply, CommitRequest } from './writer.js';

const file = (workerData as { file: string }).file;
const port = parentPort as NonNullable<typeof parentPort>;

function errorReply(id: number, err: unknown): CommitReply {
  const e: StoreError = toStoreError(err, file);
  const prefix = `local store ${file}: `;
  const detail = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
  return { id, error: e.code === undefined ? { detail } : { detail, code: e.code } };
}

let store: TraceStore | undefined;
let openError: unknown;
try {
  store = TraceStore.open({ file });
} catch (err) {
  openError = err;
}

port.on('message', (m: CommitRequest | 'close') => {
  if (m === 'close') {
    store?.close();
    port.close();
    return;
  }
  let reply: CommitReply;
  try {
    if (!store) throw openError;
    reply = { id: m.id, written: store.commitRows(m.batch, m.cursors) };
  } catch (err) {
    reply = errorReply(m.id, err);
  }
  port.postMessage(reply);
});
