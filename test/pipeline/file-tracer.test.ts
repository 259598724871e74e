/**
 * FileTracer, the one runtime every mode runs files through, on real rollouts with the
 * in-memory sink and in-memory cursors: the file is the write-ahead log, the cursor
 * says how much of it every sink acknowledged.
 */
import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Delivery } from '../../src/pipeline/delivery.js';
import { FileTracer, type TracerEnv } from '../../src/pipeline/file-tracer.js';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import type { FileWarning } from '../../src/pipeline/processor.js';
import { SILENT } from '../../src/pipeline/report.js';
import { TracerSet } from '../../src/pipeline/tracers.js';
import { MemorySink } from '../../src/sinks/memory.js';
import { SinkError } from '../../src/sinks/sink.js';
import { threadIdOfPath } from '../../src/source/index.js';
import { MemoryCursors } from '../../src/store/index.js';
import type { SpanEffect } from '../../src/trace/effects.js';
import { defaultReducerOptions } from '../../src/trace/reduce.js';
import { fixturePath } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterAll(runCleanups);

const MULTI = readFileSync(fixturePath('0.169.0', 'e-multi-tool.jsonl'), 'utf8');
const TEXT = readFileSync(fixturePath('0.169.0', 'a-text.jsonl'), 'utf8');
/** 66 kB: more than one read of 64 KiB */
const LONG = readFileSync(fixturePath('0.169.0', 'h-compaction.jsonl'), 'utf8');

/** A sink in front of the in-memory one that can be taken down: writes then fail as a network outage does. */
class OutageSink extends MemorySink {
  down = false;
  override async write(batch: readonly SpanEffect[]): Promise<void> {
    if (this.down) throw new SinkError('outage', 'connection refused', true);
    await super.write(batch);
  }
}

interface Run {
  sink: MemorySink;
  cursors: MemoryCursors;
  delivery: Delivery;
  delivered: SpanEffect[];
  warnings: FileWarning[];
  tracer(path: string, cursor?: ReturnType<MemoryCursors['get']>): FileTracer;
}

function run(sink: MemorySink = new MemorySink(), cursors = new MemoryCursors(), batchBytes?: number): Run {
  const delivery = new Delivery([sink], cursors);
  const delivered: SpanEffect[] = [];
  const warnings: FileWarning[] = [];
  const env: TracerEnv = {
    delivery,
    reducer: (p) => defaultReducerOptions(threadIdOfPath(p)),
    onEffects: (_p, parcel) => delivered.push(...parcel.effects),
    onWarning: (w) => warnings.push(w),
    batchBytes,
  };
  return { sink, cursors, delivery, delivered, warnings, tracer: (path, cursor) => new FileTracer(path, env, cursor) };
}

/** The spans of the whole file traced in one go, at `path` (ids depend on nothing else). */
async function whole(path: string, text: string): Promise<string[]> {
  writeFileSync(path, text);
  return (await traceInMemory([path])).spans.map((s) => JSON.stringify(s));
}

const lines = (text: string): string[] => text.split(/(?<=\n)/);
const json = (sink: MemorySink): string[] => sink.spans().map((s) => JSON.stringify(s));
const all = (): boolean => true;

describe('FileTracer with the in-memory sink', () => {
  it('resumes from the committed offset: replays the start, delivers only what is after it', async () => {
    const path = join(testDir(), 'rollout.jsonl');
    const expected = await whole(path, MULTI);
    const head = lines(MULTI).slice(0, 20).join('');
    writeFileSync(path, head);
    const first = run();
    expect(await first.tracer(path).step()).toBe('read');
    const cursor = first.cursors.get(path);
    expect(cursor).toMatchObject({ committedOffset: Buffer.byteLength(head), finalized: false });

    appendFileSync(path, MULTI.slice(head.length));
    const second = run(new MemorySink(), first.cursors);
    const t = second.tracer(path, cursor);
    expect(await t.step({ finalizeWhen: all })).toBe('read');
    // what the first run delivered in full is not delivered again
    const endedBefore = new Set(first.delivered.filter((e) => e.type === 'span_ended' && e.span.kind === 'tool').map((e) => e.span.spanId));
    expect(endedBefore.size).toBeGreaterThan(0);
    expect(second.delivered.filter((e) => endedBefore.has(e.span.spanId))).toEqual([]);
    // together the two runs hold exactly the spans of one run over the whole file
    const merged = new MemorySink();
    await merged.write(first.delivered);
    await merged.write(second.delivered);
    expect(json(merged)).toEqual(expected);
    expect(second.cursors.get(path)).toMatchObject({ committedOffset: Buffer.byteLength(MULTI), finalized: true });
    expect(t.status).toBe('finalized');
  });

  it('is blocked while the sink is down, keeps its cursor, and delivers everything once it is back', async () => {
    const path = join(testDir(), 'rollout.jsonl');
    const expected = await whole(path, MULTI);
    const sink = new OutageSink();
    const r = run(sink);
    const t = r.tracer(path);
    sink.down = true;
    expect(await t.step({ finalizeWhen: all })).toBe('blocked');
    expect(t.isBlocked).toBe(true);
    expect(r.cursors.get(path)).toBeUndefined();
    expect(await t.step({ finalizeWhen: all })).toBe('blocked');
    sink.down = false;
    expect(await t.step({ finalizeWhen: all })).toBe('idle'); // the held batch went out; nothing new to read
    expect(t.isBlocked).toBe(false);
    expect(json(sink)).toEqual(expected);
    expect(r.cursors.get(path)).toMatchObject({ committedOffset: Buffer.byteLength(MULTI), finalized: true });
  });

  it('sends the end of the session with the last batch: one commit per batch, none for the finalize', async () => {
    const path = join(testDir(), 'rollout.jsonl');
    const expected = await whole(path, LONG);
    const r = run(new MemorySink(), new MemoryCursors(), 64 * 1024); // reads of 64 KiB: two batches
    const t = r.tracer(path);
    expect(await t.step({ finalizeWhen: all })).toBe('read');
    expect(r.delivery.counts.batches).toBe(2);
    expect(t.status).toBe('finalized');
    const last = r.delivered.filter((e) => e.type === 'span_ended' && e.span.kind === 'session');
    expect(last).toHaveLength(1);
    expect(json(r.sink)).toEqual(expected);
    expect(await t.finalize()).toBe(true);
    expect(r.delivery.counts.batches).toBe(2);
  });

  it('starts over when the file is truncated and rewritten in place', async () => {
    const path = join(testDir(), 'rollout.jsonl');
    const expectedText = await whole(path, TEXT);
    writeFileSync(path, MULTI);
    const r = run();
    const t = r.tracer(path);
    expect(await t.step({ finalizeWhen: all })).toBe('read');
    writeFileSync(path, TEXT); // same inode, shorter, another session
    const before = r.delivered.length;
    expect(await t.step({ finalizeWhen: all })).toBe('read');
    const again = new MemorySink();
    await again.write(r.delivered.slice(before));
    expect(json(again)).toEqual(expectedText);
    expect(r.cursors.get(path)).toMatchObject({ committedOffset: Buffer.byteLength(TEXT), finalized: true });
  });

  it('follows a file moved to a new name: its cursor moves with it and nothing is traced again', async () => {
    const dir = testDir();
    const from = join(dir, 'rollout-2026-11-25T10-00-00-01a213a3-3aa0-7ca0-8550-e9db01b3ebe3.jsonl');
    const to = join(dir, 'archived-rollout-2026-11-25T10-00-00-01a213a3-3aa0-7ca0-8550-e9db01b3ebe3.jsonl');
    writeFileSync(from, MULTI);
    const cursors = new MemoryCursors();
    const sink = new MemorySink();
    const set1 = new TracerSet({ delivery: new Delivery([sink], cursors), reducer: {}, log: SILENT });
    await set1.step(from, statSync(from), { finalizeWhen: all });
    expect(cursors.get(from)?.finalized).toBe(true);

    renameSync(from, to);
    const later = new MemorySink();
    const set2 = new TracerSet({ delivery: new Delivery([later], cursors), reducer: {}, log: SILENT });
    expect(await set2.step(to, statSync(to), { finalizeWhen: all })).toBe('idle');
    expect(cursors.get(from)).toBeUndefined();
    expect(cursors.get(to)).toMatchObject({ committedOffset: Buffer.byteLength(MULTI), finalized: true });
    expect(later.spans()).toEqual([]);
    expect(set2.tracer(to)?.status).toBe('finalized');
  });
});
