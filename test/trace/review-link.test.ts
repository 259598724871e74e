/**
 * Issue 11 item 6: a review thread whose header names no parent (0.104: `source`
 * `{"subagent":"review"}`, no `parent_thread_id`) nests under the parent turn that ran the review
 * when its file is present — linked by cwd and time to the parent's `entered_review_mode` …
 * `exited_review_mode` (rollout/review-link.ts, docs/decisions.md). Records in the 0.104 shapes
 * (envelope lines, task_started/task_complete with turn ids, review events as event_msg).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import { linkReviewChildren, reviewWindowsOf } from '../../src/rollout/review-link.js';
import { ATTR, type Span } from '../../src/trace/span.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { assertWellFormed, byKind } from './records.js';
import { CHILD, childFile, CWD, ev, OTHER, PARENT, parentFile, ts } from './review-records.js';

afterAll(runCleanups);

function write(dir: string, name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

const rows = (spans: Span[]): string[] =>
  spans.map((s) => `${s.traceId} ${s.spanId} ${s.parentSpanId} ${s.kind} ${s.status} ${s.startTime} ${s.endTime}`).sort();

describe('item 6: a review thread with no parent id (0.104) nests under the turn that ran the review', () => {
  it('links it by cwd and time, in either file order: one trace, the review thread under the review turn', async () => {
    const dir = testDir('ct-review-');
    const parent = write(dir, 'parent.jsonl', parentFile(PARENT));
    const child = write(dir, 'child.jsonl', childFile());
    // a session in another directory reviewing at the same time, and one in the same directory whose review was over
    const elsewhere = write(dir, 'elsewhere.jsonl', parentFile(OTHER, '/home/dev/other'));
    const before = write(dir, 'before.jsonl', parentFile('019c1a00-0000-7000-8000-0000000000e1', CWD, -60_000));
    const a = await traceInMemory([parent, child, elsewhere, before]);
    const b = await traceInMemory([before, child, elsewhere, parent]);
    expect(rows(b.spans)).toEqual(rows(a.spans));
    const { spans, warnings } = a;
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const inParent = spans.filter((s) => s.traceId === spans.find((r) => r.kind === 'session' && r.attributes[ATTR.threadId] === PARENT)?.traceId);
    expect(byKind(inParent, 'session')).toHaveLength(1);
    // the review runs in the turn the format started for it (its entered_review_mode names no turn): one turn
    const parentTurns = byKind(inParent, 'turn').filter((t) => t.attributes[ATTR.threadId] === PARENT);
    expect(parentTurns).toHaveLength(1);
    const reviewTurn = parentTurns[0] as Span;
    expect([reviewTurn.status, reviewTurn.attributes[ATTR.input]]).toEqual(['ok', 'current changes']);
    const sub = byKind(inParent, 'subagent');
    expect(sub.map((s) => [s.parentSpanId, s.attributes[ATTR.subagentThreadId], s.attributes[ATTR.subagentRole], s.status])).toEqual([
      [reviewTurn.spanId, CHILD, 'review', 'ok'],
    ]);
    // the review runs from entering review mode to leaving it
    expect([sub[0]?.startTime, sub[0]?.endTime]).toEqual([ts(30), ts(5001)]);
    const childTurns = byKind(inParent, 'turn').filter((t) => t.parentSpanId === sub[0]?.spanId);
    expect(childTurns.map((t) => [t.attributes[ATTR.threadId], t.status])).toEqual([[CHILD, 'ok']]);
    expect(String(childTurns[0]?.attributes[ATTR.input])).toContain('Review the current code changes');
    // the review's one model response, with its usage; the parent's turn made none (its mirrored output is not one)
    const llm = byKind(inParent, 'llm');
    expect(llm.map((s) => [s.parentSpanId, s.attributes[ATTR.inputTokens], s.attributes[ATTR.outputTokens], s.status])).toEqual([
      [childTurns[0]?.spanId, 5200, 90, 'ok'],
    ]);
    // the other sessions' reviews stay theirs, with no child
    expect(byKind(spans, 'subagent')).toHaveLength(1);
    expect(byKind(spans, 'session')).toHaveLength(3);
  });

  it('leaves the review thread its own trace when no parent of its cwd was in review mode when it started', async () => {
    const dir = testDir('ct-review-');
    const parent = write(dir, 'parent.jsonl', parentFile(PARENT));
    const child = write(dir, 'child.jsonl', childFile(6000));
    const { spans } = await traceInMemory([parent, child]);
    expect(
      byKind(spans, 'session')
        .map((s) => s.attributes[ATTR.threadId])
        .sort(),
    ).toEqual([PARENT, CHILD].sort());
    expect(byKind(spans, 'subagent')).toEqual([]);
  });
});

describe('the linking rule (rollout/review-link.ts)', () => {
  it('reads the review windows of a file in the event_msg and the item_completed shapes', () => {
    const paginated = [
      ev(0, { type: 'item_completed', thread_id: PARENT, turn_id: 't', item: { type: 'EnteredReviewMode', id: 'x' } }),
      ev(50, { type: 'item_completed', thread_id: PARENT, turn_id: 't', item: { type: 'ExitedReviewMode', id: 'y' } }),
    ];
    expect(reviewWindowsOf([...parentFile(PARENT), ...paginated.map((l) => l.replace(ts(0), ts(9000)).replace(ts(50), ts(9050)))])).toEqual([
      { enteredAt: ts(30), exitedAt: ts(5001) },
      { enteredAt: ts(9000), exitedAt: ts(9050) },
    ]);
  });

  it('takes the window entered last before the child started; one child per window; an unclosed window is open', () => {
    const parents = [
      { threadId: 'p1', cwd: '/w', windows: [{ enteredAt: ts(0), exitedAt: ts(1000) }] },
      { threadId: 'p2', cwd: '/w', windows: [{ enteredAt: ts(100) }] },
      { threadId: 'p3', cwd: '/x', windows: [{ enteredAt: ts(150) }] },
    ];
    const children = [
      { threadId: 'c2', cwd: '/w', startTime: ts(300) },
      { threadId: 'c1', cwd: '/w', startTime: ts(200) },
      { threadId: 'c3', cwd: '/w', startTime: ts(5000) },
    ];
    expect(linkReviewChildren(parents, children)).toEqual([
      { child: 'c1', parent: 'p2', enteredAt: ts(100) },
      { child: 'c2', parent: 'p1', enteredAt: ts(0) },
    ]);
    expect(linkReviewChildren(parents, [...children].reverse())).toEqual(linkReviewChildren(parents, children));
  });
});
