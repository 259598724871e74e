/**
 * A CODEX_HOME with one fork as Codex before ~0.150 writes it: the fork's own session_meta (with
 * forked_from_id), the parent's session_meta and every parent record copied with timestamps
 * within milliseconds of the fork, then the fork's own turn. Built from real 0.140 fixtures
 * (parent `b-shell`, the fork's own turn from `a-text`); the parent's own file is there too.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'codex-0.140.0');
const load = (name) =>
  readFileSync(join(FIX, name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const shift = (iso, ms) => new Date(Date.parse(iso) + ms).toISOString();

export function makeForkHome(home) {
  const day = join(home, 'sessions', '2026', '11', '25');
  mkdirSync(day, { recursive: true });
  const parent = load('b-shell.jsonl');
  const own = load('a-text.jsonl');
  const t0 = own[0].timestamp;
  const meta = { ...own[0], payload: { ...own[0].payload, forked_from_id: parent[0].payload.id } };
  const copied = parent.map((r, i) => ({ ...r, timestamp: shift(t0, 1 + (i % 5)) }));
  const later = own.slice(1).map((r) => ({ ...r, timestamp: shift(r.timestamp, 5000) }));
  const lines = (recs) => `${recs.map((r) => JSON.stringify(r)).join('\n')}\n`;
  writeFileSync(join(day, `rollout-2026-11-25T16-56-10-${parent[0].payload.id}.jsonl`), lines(parent));
  writeFileSync(join(day, `rollout-2026-11-25T16-56-09-${own[0].payload.id}.jsonl`), lines([meta, ...copied, ...later]));
  return { parentId: parent[0].payload.id, forkId: own[0].payload.id };
}
