/**
 * Issue 11 item 6 through backfill (one thread, and pipeline threads): a 0.104 review thread
 * with no parent id, found in CODEX_HOME beside its parent, is stored inside the parent's trace,
 * under the turn that ran the review. The pipeline threads run from the built files (`npm run build`).
 * A watcher catching up on the same history stores the same spans.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ATTR, type Span } from '../../src/trace/span.js';
import { cli, storedSpans } from '../helpers/cli.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { startTestWatch } from '../helpers/watch.js';
import { CHILD, childFile, PARENT, parentFile } from '../trace/review-records.js';

afterAll(runCleanups);

function home(): string {
  const h = testDir('ct-review-home-');
  const day = join(h, 'sessions/2026/02/20');
  mkdirSync(day, { recursive: true });
  writeFileSync(join(day, `rollout-2026-02-20T10-00-00-${PARENT}.jsonl`), `${parentFile(PARENT).join('\n')}\n`);
  writeFileSync(join(day, `rollout-2026-02-20T10-00-00-${CHILD}.jsonl`), `${childFile().join('\n')}\n`);
  return h;
}

describe('backfill links a review thread with no parent id to the turn that ran the review', () => {
  it.each([1, 2])('with %i pipeline thread(s)', async (workers) => {
    const state = testDir('ct-review-state-');
    const r = await cli(['backfill', '--codex-home', home(), '--state-dir', state, '--json', '--workers', String(workers)]);
    expect(r.code).toBe(0);
    const spans = storedSpans(state);
    const root = spans.find((s) => s.kind === 'session') as Span;
    expect(spans.filter((s) => s.kind === 'session').map((s) => s.attributes[ATTR.threadId])).toEqual([PARENT]);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root.traceId]));
    const reviewTurn = spans.find((s) => s.kind === 'turn' && s.attributes[ATTR.threadId] === PARENT) as Span;
    const sub = spans.filter((s) => s.kind === 'subagent');
    expect(sub.map((s) => [s.parentSpanId, s.attributes[ATTR.subagentThreadId]])).toEqual([[reviewTurn.spanId, CHILD]]);
    const childTurn = spans.find((s) => s.kind === 'turn' && s.attributes[ATTR.threadId] === CHILD) as Span;
    expect([childTurn.parentSpanId, childTurn.status]).toEqual([sub[0]?.spanId, 'ok']);
    expect(spans.filter((s) => s.kind === 'llm').map((s) => [s.parentSpanId, s.attributes[ATTR.inputTokens]])).toEqual([[childTurn.spanId, 5200]]);
  });
});

describe('watch catching up links it the same way', () => {
  it('stores the spans backfill stores', async () => {
    const h = home();
    const ref = testDir('ct-review-ref-');
    expect((await cli(['backfill', '--codex-home', h, '--state-dir', ref, '--json'])).code).toBe(0);
    const state = testDir('ct-review-watch-');
    const w = await startTestWatch(h, state, 1);
    try {
      await w.handle.ready;
    } finally {
      await w.stop();
    }
    const key = (s: Span): string => JSON.stringify([s.spanId, s.parentSpanId, s.traceId, s.kind, s.status]);
    expect(storedSpans(state).map(key).sort()).toEqual(storedSpans(ref).map(key).sort());
    expect(storedSpans(state).filter((s) => s.kind === 'subagent')).toHaveLength(1);
  });
});
