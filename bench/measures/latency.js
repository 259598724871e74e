/**
 * Watch latency: live files appended at Codex-like pace while `watch` runs; for each
 * record, the time from its write() returning to its span change being committed in
 * the store, seen by polling the SQLite file read-only every millisecond or so.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadTemplates, writeLive } from '../lib/live.js';

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Polls the store until stopped; resolves each awaited span change with the time it was first seen. */
function startPoller(dbFile, intervalMs) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  const query = db.prepare('SELECT span_id, end_time FROM spans WHERE trace_id IN (SELECT value FROM json_each(?))');
  const waiting = []; // { spanId, endTime, writtenAt, record }
  const traces = new Set();
  let stopped = false;
  let polls = 0;
  const poll = () => {
    if (stopped) return;
    if (waiting.length > 0) {
      polls++;
      const now = performance.now();
      const rows = new Map(query.all(JSON.stringify([...traces])).map((r) => [r.span_id, r.end_time]));
      for (let i = waiting.length - 1; i >= 0; i--) {
        const w = waiting[i];
        const end = rows.get(w.spanId);
        const ok = end !== undefined && (w.endTime === null || (end !== null && end >= w.endTime));
        if (ok) {
          w.record.pending--;
          w.record.seenAt = Math.max(w.record.seenAt, now);
          waiting.splice(i, 1);
        }
      }
    }
    setTimeout(poll, intervalMs);
  };
  poll();
  return {
    await(changes, traceId, writtenAt, record) {
      traces.add(traceId);
      for (const c of changes) waiting.push({ ...c, writtenAt, record });
    },
    get outstanding() {
      return waiting.length;
    },
    get polls() {
      return polls;
    },
    stop() {
      stopped = true;
      db.close();
    },
  };
}

/**
 * `home`/`stateDir`: a traced corpus copy with `watch` already caught up on it.
 * Returns latency stats in ms over every record that changes a span.
 */
export async function measureLatency({ home, stateDir, templateHome, slots, ratePerSec, seconds }) {
  const templates = loadTemplates(templateHome);
  const poller = startPoller(join(stateDir, 'traces.sqlite'), 1);
  const records = [];
  let written;
  try {
    written = await writeLive(home, templates, {
      slots,
      ratePerSec,
      seconds,
      onWrite: (changes, traceId, t) => {
        if (changes.length === 0) return;
        const record = { writtenAt: t, seenAt: 0, pending: changes.length };
        records.push(record);
        poller.await(changes, traceId, t, record);
      },
    });
    const deadline = performance.now() + 5000;
    while (poller.outstanding > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  } finally {
    poller.stop();
  }
  const seen = records
    .filter((r) => r.pending === 0)
    .map((r) => r.seenAt - r.writtenAt)
    .sort((a, b) => a - b);
  return {
    linesWritten: written,
    recordsMeasured: records.length,
    notSeenIn5s: records.length - seen.length,
    p50: percentile(seen, 50),
    p95: percentile(seen, 95),
    p99: percentile(seen, 99),
    max: seen.at(-1) ?? NaN,
    polls: poller.polls,
  };
}
