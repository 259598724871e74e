#!/usr/bin/env node
/**
 * Over-redaction on real rollouts: every string of every record of the given folders' .jsonl
 * files (default: fixtures/) is redacted, and each change is counted and shown, so a rule that
 * eats ordinary text (git SHAs, UUIDs, hashes, base64 images, paths, UI text) is seen.
 * Usage: npm run build && node bench/redaction-fp.js [folder...]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from '../dist/content/redact.js';

const roots = process.argv.length > 2 ? process.argv.slice(2) : [new URL('../fixtures', import.meta.url).pathname];
const walk = (d) =>
  readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.jsonl') ? [p] : [];
  });
const count = (s) => (s.match(/\[REDACTED:/g) ?? []).length;

let files = 0;
let strings = 0;
const changes = [];
for (const root of roots) {
  for (const file of walk(root)) {
    files++;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        continue;
      }
      const visit = (v) => {
        if (typeof v === 'string') {
          strings++;
          const out = redactSecrets(v);
          const n = count(out) - count(v);
          if (out !== v) changes.push({ file, n, at: out.slice(Math.max(0, out.indexOf('[REDACTED:') - 60), out.indexOf('[REDACTED:') + 40) });
        } else if (v !== null && typeof v === 'object') {
          for (const x of Object.values(v)) visit(x);
        }
      };
      visit(record);
    }
  }
}
process.stdout.write(`${files} files, ${strings} strings, ${changes.length} changed, ${changes.reduce((a, c) => a + c.n, 0)} redactions\n`);
for (const c of changes) process.stdout.write(`  ${c.file}: ${JSON.stringify(c.at)}\n`);
