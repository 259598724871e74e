#!/usr/bin/env node
// node bench/span-dump.js CHECKOUT STATE_DIR [--full]
// Prints one line per span (trace, span id, sha1 of the whole decoded Span as JSON), sorted, then a total hash.
// Goes through the checkout's own built store (dist/store), so a changed content format still reads back:
// two builds that trace the same CODEX_HOME into two state dirs must print the same TOTAL line.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
const [checkout, stateDir, flag] = process.argv.slice(2);
const { TraceStore } = await import(pathToFileURL(join(checkout, 'dist/store/index.js')).href);
const store = TraceStore.open({ stateDir }, { readonly: true });
const traces = store.db.prepare('SELECT DISTINCT trace_id FROM spans ORDER BY trace_id').pluck().all();
const lines = [];
for (const t of traces)
  for (const s of store.getTraceSpans(t)) {
    const j = JSON.stringify(s);
    lines.push(`${s.traceId} ${s.spanId} ${flag === '--full' ? j : createHash('sha1').update(j).digest('hex')}`);
  }
lines.sort();
for (const l of lines) console.log(l);
console.log(`TOTAL ${lines.length} spans ${createHash('sha1').update(lines.join('\n')).digest('hex')}`);
