import { describe, expect, it } from 'vitest';
import { BraintrustSink, JsonlSink, OtlpSink, SinkError, createSink, type SinkName } from '../../src/sinks/index.js';

describe('createSink', () => {
  it('builds each remote sink from flags and environment', async () => {
    const otlp = createSink('otlp', { otlp: { endpoint: 'http://127.0.0.1:1' } }, {});
    expect(otlp).toBeInstanceOf(OtlpSink);
    expect((otlp as OtlpSink).config.url).toBe('http://127.0.0.1:1/v1/traces');
    expect(createSink('braintrust', {}, { BRAINTRUST_API_KEY: 'k' })).toBeInstanceOf(BraintrustSink);
    expect(createSink('jsonl', {}, {})).toBeInstanceOf(JsonlSink);
    await otlp.close();
  });

  it('configuration errors are permanent SinkErrors', () => {
    expect(() => createSink('otlp', {}, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })).toThrow(SinkError);
    expect(() => createSink('braintrust', {}, {})).toThrow(/BRAINTRUST_API_KEY/);
    expect(() => createSink('nope' as SinkName, {}, {})).toThrow(/unknown sink/);
  });
});
