import { afterEach, describe, expect, it } from 'vitest';
import { Delivery } from '../../src/pipeline/delivery.js';
import { BraintrustSink } from '../../src/sinks/braintrust/sink.js';
import { JsonlSink, LazySink, LocalSink, MemorySink, SINK_NAMES, SinkError, commitsCursors, createSink, type SinkName } from '../../src/sinks/index.js';
import { OtlpSink } from '../../src/sinks/otlp/sink.js';
import { MemoryCursors } from '../../src/store/index.js';
import { onCleanup, runCleanups } from '../helpers/temp.js';
import { cursorAt, testStore } from '../store/records.js';
import { ended, sampleTrace, started } from './records.js';

afterEach(runCleanups);

describe('createSink', () => {
  it('builds each remote sink from flags and environment, OTLP and Braintrust imported lazily', async () => {
    const otlp = createSink('otlp', { otlp: { endpoint: 'http://127.0.0.1:1' } }, {});
    expect(otlp).toBeInstanceOf(LazySink);
    expect(otlp.name).toBe('otlp');
    expect(otlp.status?.()).toEqual({ name: 'otlp', state: 'ok', delivered: 0, pending: 0 });
    const inner = await (otlp as LazySink).load();
    expect(inner).toBeInstanceOf(OtlpSink);
    expect((inner as OtlpSink).config.url).toBe('http://127.0.0.1:1/v1/traces');
    const bt = createSink('braintrust', {}, { BRAINTRUST_API_KEY: 'k' });
    expect(bt.name).toBe('braintrust');
    expect(await (bt as LazySink).load()).toBeInstanceOf(BraintrustSink);
    expect(createSink('jsonl', {}, {})).toBeInstanceOf(JsonlSink);
    await otlp.close();
    await bt.close();
  });

  it('configuration errors are permanent SinkErrors', () => {
    expect(() => createSink('otlp', {}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toThrow(SinkError);
    expect(() => createSink('braintrust', {}, {})).toThrow(/BRAINTRUST_API_KEY/);
    expect(() => createSink('nope' as SinkName, {}, {})).toThrow(/unknown sink/);
  });
});

describe('every sink by name', () => {
  it('lists each name once, the local store first, and builds the local sink too', async () => {
    expect(SINK_NAMES).toEqual(['local', 'otlp', 'braintrust', 'jsonl']);
    const store = testStore();
    const local = createSink('local', { local: { store } }, {});
    expect(local).toBeInstanceOf(LocalSink);
    expect(() => createSink('local', {}, {})).toThrow(/no store/);
    await local.close();
  });

  it("the local sink commits spans and cursors in one transaction when it holds the run's cursors", async () => {
    const store = testStore();
    const local = createSink('local', { local: { store } }, {});
    onCleanup(() => void local.close());
    expect(commitsCursors(local)).toBe(true);
    expect(commitsCursors(new MemorySink())).toBe(false);
    const { session } = sampleTrace();
    const cursor = cursorAt('/r.jsonl', { finalized: true });
    // its own cursors: one transaction (the cursor is in the store)
    await new Delivery([local], (local as LocalSink).cursors).commit([ended(session)], cursor);
    expect(store.getCursor('/r.jsonl')).toMatchObject({ committedOffset: 10, finalized: true });
    // other cursors (the trace command keeps none): the store gets the spans, not the cursor
    const memory = new MemoryCursors();
    await new Delivery([local], memory).commit([ended(session)], { ...cursor, path: '/other.jsonl' });
    expect(store.getCursor('/other.jsonl')).toBeUndefined();
    expect(memory.get('/other.jsonl')).toBeDefined();
  });
});

describe('MemorySink', () => {
  it('keeps the last state of every span, open ones too, in a stable order', async () => {
    const { session, turn, llm } = sampleTrace();
    const sink = new MemorySink();
    await sink.write([started(session), started(turn), ended(llm)]);
    await sink.write([ended(turn)]);
    expect(sink.spans().map((s) => [s.spanId, s.endTime])).toEqual(
      [session, turn, llm]
        .sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : a.spanId < b.spanId ? -1 : 1))
        .map((s) => [s.spanId, s === session ? null : s.endTime]),
    );
    expect(sink.status().delivered).toBe(3);
  });
});
