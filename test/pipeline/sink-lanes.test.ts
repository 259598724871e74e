/**
 * Sinks at their own pace: each sink's cursors (SinkCursorGroup) and its lane (SinkLanes).
 * A sink that hangs delays only its own lane; a sink that was behind is served from its own
 * offset after a restart, the others only with what is new to them.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Delivery } from '../../src/pipeline/delivery.js';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import { SILENT } from '../../src/pipeline/report.js';
import { runLanes, SinkLanes } from '../../src/pipeline/sink-lanes.js';
import type { TracerSet } from '../../src/pipeline/tracers.js';
import { MemorySink } from '../../src/sinks/memory.js';
import { SinkError } from '../../src/sinks/sink.js';
import { MemoryCursors, SinkCursorGroup, type Cursor, type TraceStore } from '../../src/store/index.js';
import type { SpanEffect } from '../../src/trace/effects.js';
import { fixturePath } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { testStore } from '../store/records.js';

afterAll(runCleanups);

const MULTI = readFileSync(fixturePath('0.169.0', 'e-multi-tool.jsonl'), 'utf8');

function cursor(offset: number, p: Partial<Cursor> = {}): Cursor {
  return { path: '/r.jsonl', dev: 1, ino: 2, sessionId: 's', committedOffset: offset, size: 2000, mtimeMs: 5, finalized: false, firstLineHash: 'h', ...p };
}

const offsetOf = (store: TraceStore, path: string, sink?: string): number | undefined => store.getCursor(path, sink)?.committedOffset;

describe('SinkCursorGroup', () => {
  it('each sink keeps its own offset; the shared cursor is the least of them, once every sink has one', () => {
    const store = testStore();
    const group = new SinkCursorGroup(store, ['local', 'otlp']);
    const local = group.cursors('local');
    const otlp = group.cursors('otlp');
    local.put(cursor(500));
    expect(offsetOf(store, '/r.jsonl', 'local')).toBe(500);
    expect(offsetOf(store, '/r.jsonl')).toBeUndefined(); // otlp acknowledged nothing yet
    otlp.put(cursor(200));
    expect(offsetOf(store, '/r.jsonl')).toBe(200);
    local.put(cursor(2000, { finalized: true }));
    expect(offsetOf(store, '/r.jsonl')).toBe(200);
    otlp.put(cursor(2000));
    expect(store.getCursor('/r.jsonl')).toMatchObject({ committedOffset: 2000, finalized: false }); // finalized only once both are
    otlp.put(cursor(2000, { finalized: true }));
    expect(store.getCursor('/r.jsonl')).toMatchObject({ committedOffset: 2000, finalized: true });
    expect(store.cursorSinks()).toEqual(['local', 'otlp']);
  });

  it('a sink with no cursor of its own starts at the shared one; a move renames every cursor of the file', () => {
    const store = testStore();
    store.putCursor(cursor(700)); // a run with one sink left it there
    const group = new SinkCursorGroup(store, ['local', 'jsonl']);
    const jsonl = group.cursors('jsonl');
    expect(jsonl.get('/r.jsonl')?.committedOffset).toBe(700);
    expect(jsonl.all().map((c) => c.committedOffset)).toEqual([700]);
    group.cursors('local').put(cursor(900));
    expect(offsetOf(store, '/r.jsonl')).toBe(700); // jsonl is still at 700
    group.cursors('local').rename('/r.jsonl', '/archived/r.jsonl');
    expect(offsetOf(store, '/archived/r.jsonl', 'local')).toBe(900);
    expect(offsetOf(store, '/archived/r.jsonl')).toBe(700);
    jsonl.rename('/r.jsonl', '/archived/r.jsonl');
    expect(jsonl.get('/archived/r.jsonl')?.committedOffset).toBe(700);
    expect(store.getAllCursors('jsonl')).toEqual([]);
  });
});

/** A sink whose writes wait until `open()` (an endpoint that takes the request and does not answer). */
class GatedSink extends MemorySink {
  private gate?: Promise<void>;
  private release?: () => void;
  writes = 0;
  constructor(closed: boolean) {
    super();
    if (closed) this.gate = new Promise((r) => (this.release = r));
  }
  open(): void {
    this.release?.();
    this.gate = undefined;
  }
  override async write(batch: readonly SpanEffect[]): Promise<void> {
    this.writes++;
    await this.gate;
    await super.write(batch);
  }
}

/** Refuses writes while `down` (connection refused). */
class OutageSink extends MemorySink {
  down = false;
  override async write(batch: readonly SpanEffect[]): Promise<void> {
    if (this.down) throw new SinkError('outage', 'connection refused', true);
    await super.write(batch);
  }
}

const json = (sink: MemorySink): string[] => sink.spans().map((s) => JSON.stringify(s));
const run = { finalize: 'all', idleMs: 0 } as const;

describe('SinkLanes', () => {
  it("the lanes share the run's thread ids and review links: every sink gets the same traces", () => {
    const lanes = new SinkLanes([new Delivery([new MemorySink()], new MemoryCursors()), new Delivery([new MemorySink()], new MemoryCursors())], {
      reducer: {},
      log: SILENT,
    });
    const [first, other] = lanes.sets as [TracerSet, TracerSet];
    first.noteFile('/h/sessions/rollout-2026-11-25T10-00-00-01a213a2-0000-7000-8000-00000000000a.jsonl');
    first.linkReview({ child: 'c', parent: 'p', enteredAt: '2026-11-25T10:00:00.000Z' });
    expect([...other.knownThreads]).toEqual(['01a213a2-0000-7000-8000-00000000000a']);
    expect(other.reviewLinks()).toEqual([{ child: 'c', parent: 'p', enteredAt: '2026-11-25T10:00:00.000Z' }]);
  });

  it('a sink that hangs delays only its own lane', async () => {
    const path = join(testDir(), 'rollout-2026-11-25T10-00-00-01a213a2-0000-7000-8000-000000000001.jsonl');
    writeFileSync(path, MULTI);
    const expected = (await traceInMemory([path])).spans.map((s) => JSON.stringify(s));
    const fast = new MemorySink();
    const slow = new GatedSink(true);
    const lanes = new SinkLanes([new Delivery([fast], new MemoryCursors()), new Delivery([slow], new MemoryCursors())], { reducer: {}, log: SILENT });
    let done = false;
    const all = runLanes(lanes, [{ path, size: MULTI.length }], run).then(() => (done = true));
    for (let i = 0; i < 50 && json(fast).length < expected.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(json(fast)).toEqual(expected);
    expect(lanes.sets[0]?.opts.delivery.cursors.get(path)?.finalized).toBe(true);
    expect(done).toBe(false);
    expect(slow.writes).toBeGreaterThan(0);
    expect(json(slow)).toEqual([]);
    slow.open();
    await all;
    expect(json(slow)).toEqual(expected);
    expect(lanes.primary.summary.undeliveredFiles).toBe(0);
  });

  it('after a restart, the sink that was behind is served from its own offset; the other only gets what is new', async () => {
    const store = testStore();
    const path = join(testDir(), 'rollout-2026-11-25T10-00-00-01a213a2-0000-7000-8000-000000000002.jsonl');
    const lines = MULTI.split(/(?<=\n)/);
    const half = Math.floor(lines.length / 2);
    writeFileSync(path, lines.slice(0, half).join(''));
    const lanesOf = (a: MemorySink, b: MemorySink): SinkLanes => {
      const group = new SinkCursorGroup(store, ['a', 'b']);
      return new SinkLanes([new Delivery([a], group.cursors('a')), new Delivery([b], group.cursors('b'))], { reducer: {}, log: SILENT });
    };
    const a1 = new MemorySink();
    const b1 = new OutageSink();
    b1.down = true;
    const first = lanesOf(a1, b1);
    await runLanes(first, [{ path, size: 0 }], { finalize: 'none', idleMs: 0 });
    expect(first.waiting()).toEqual([path]);
    expect(first.primary.summary.undeliveredFiles).toBe(1);
    const aOffset = offsetOf(store, path, 'a') ?? 0;
    expect(aOffset).toBeGreaterThan(0);
    expect(offsetOf(store, path, 'b')).toBeUndefined();
    expect(offsetOf(store, path)).toBeUndefined();

    // the file grows while we are down; the next run has both sinks up
    appendFileSync(path, lines.slice(half).join(''));
    const expected = (await traceInMemory([path])).spans.map((s) => JSON.stringify(s));
    const a2 = new MemorySink();
    const b2 = new MemorySink();
    await runLanes(lanesOf(a2, b2), [{ path, size: 0 }], run);
    expect(json(b2)).toEqual(expected); // everything: it had acknowledged nothing
    // a got only the spans touched after its offset, and with its first run has every span in its final state
    expect(json(a2).length).toBeLessThan(expected.length);
    const merged = new Map([...a1.spans(), ...a2.spans()].map((s) => [s.spanId, JSON.stringify(s)]));
    expect([...merged.values()].sort()).toEqual([...expected].sort());
    expect(store.getCursor(path)).toMatchObject({ finalized: true, committedOffset: Buffer.byteLength(MULTI) });
  });
});
