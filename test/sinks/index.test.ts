import { describe, expect, it } from 'vitest';
import { BraintrustSink } from '../../src/sinks/braintrust/sink.js';
import { JsonlSink, LazySink, SinkError, createSink, type SinkName } from '../../src/sinks/index.js';
import { OtlpSink } from '../../src/sinks/otlp/sink.js';

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
