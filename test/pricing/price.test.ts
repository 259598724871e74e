import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { addPrice, emptyCost, formatCost } from '../../src/pricing/cost.js';
import { priceCall, type CallUsage } from '../../src/pricing/price.js';

/** 10k input of which 8k cached, 500 output of which 400 reasoning. */
const call = (model: string, time: string, over: Partial<CallUsage> = {}): CallUsage => ({
  model,
  time,
  input: 10_000,
  cached: 8_000,
  output: 500,
  reasoning: 400,
  ...over,
});

function micros(u: CallUsage): number {
  const p = priceCall(u);
  if (!p.priced) throw new Error(`${u.model} unpriced: ${p.reason}`);
  return p.micros;
}

describe('prices from @pydantic/genai-prices, at the call’s own time', () => {
  // rates in $/1M tokens = µ$/token: uncached input × input + cached × cache read + output × output
  it('prices Codex ids the package maps (gpt-5-codex → gpt-5, gpt-5.1-codex-max → gpt-5.1, gpt-5.2-codex → gpt-5.2)', () => {
    expect(micros(call('gpt-5-codex', '2025-10-01T12:00:00.000Z'))).toBe(2_000 * 1.25 + 8_000 * 0.125 + 500 * 10);
    expect(micros(call('gpt-5.1-codex-max', '2026-01-05T12:00:00.000Z'))).toBe(2_000 * 1.25 + 8_000 * 0.125 + 500 * 10);
    expect(micros(call('gpt-5.2-codex', '2026-02-01T12:00:00.000Z'))).toBe(2_000 * 1.75 + 8_000 * 0.175 + 500 * 14);
    expect(micros(call('gpt-5.5', '2026-11-25T12:00:00.000Z'))).toBe(2_000 * 5 + 8_000 * 0.5 + 500 * 30);
  });

  it('uses the price in force at the call’s timestamp where the package dates a change', () => {
    // o3: $10 / $0.5 / $40 until 2025-06-10, then $2 / $0.5 / $8
    expect(micros(call('o3', '2025-06-09T23:59:59.999Z'))).toBe(2_000 * 10 + 8_000 * 0.5 + 500 * 40);
    expect(micros(call('o3', '2025-06-10T00:00:00.000Z'))).toBe(2_000 * 2 + 8_000 * 0.5 + 500 * 8);
    // gpt-5.6-sol: $5 / $0.5 / $30 until 2026-08-21, then $4 / $0.4 / $20
    expect(micros(call('gpt-5.6-sol', '2026-08-20T18:00:00.000Z'))).toBe(2_000 * 5 + 8_000 * 0.5 + 500 * 30);
    expect(micros(call('gpt-5.6-sol', '2026-08-21T06:00:00.000Z'))).toBe(2_000 * 4 + 8_000 * 0.4 + 500 * 20);
  });

  it('prices cached ⊂ input once and never adds reasoning on top of output', () => {
    const base = micros(call('gpt-5.5', '2026-11-25T12:00:00.000Z'));
    expect(micros(call('gpt-5.5', '2026-11-25T12:00:00.000Z', { reasoning: 0 }))).toBe(base);
    expect(micros(call('gpt-5.5', '2026-11-25T12:00:00.000Z', { cached: 0 }))).toBe(10_000 * 5 + 500 * 30);
  });

  it('agrees with the package’s own calcPrice to the micro-dollar', () => {
    const cases: [string, string, number, number, number][] = [
      ['gpt-5-codex', '2025-10-01T00:00:00Z', 7_157, 0, 23],
      ['gpt-5.5', '2026-11-25T00:00:00Z', 300_000, 250_000, 4_000],
      ['o3', '2025-06-01T00:00:00Z', 1_234, 1_000, 77],
      ['gpt-5-pro', '2026-01-01T00:00:00Z', 50_000, 20_000, 900],
      ['gpt-5.4', '2026-04-01T00:00:00Z', 280_000, 0, 10],
      ['gpt-6-sol', '2026-11-01T00:00:00Z', 272_001, 5, 5],
    ];
    for (const [model, time, input, cached, output] of cases) {
      const theirs = calcPrice({ input_tokens: input, cache_read_tokens: cached, output_tokens: output }, model, {
        providerId: 'openai',
        timestamp: new Date(time),
      });
      expect(micros({ model, time, input, cached, output, reasoning: 0 }), model).toBe(Math.round((theirs?.total_price ?? NaN) * 1e6));
    }
  });
});

describe('long context: the rate is chosen by the request’s own input size', () => {
  it('pins the 272k edge of gpt-5.5 (the package’s tier starts above 271,999 input tokens)', () => {
    const at = '2026-11-25T12:00:00.000Z';
    const below = priceCall({ model: 'gpt-5.5', time: at, input: 271_999, cached: 0, output: 1_000, reasoning: 0 });
    const edge = priceCall({ model: 'gpt-5.5', time: at, input: 272_000, cached: 0, output: 1_000, reasoning: 0 });
    expect(below).toMatchObject({ priced: true, micros: 271_999 * 5 + 1_000 * 30, longContext: false });
    // the whole request moves to $10 / $1 / $45, output included
    expect(edge).toMatchObject({ priced: true, micros: 272_000 * 10 + 1_000 * 45, longContext: true });
    const cachedEdge = priceCall({ model: 'gpt-5.5', time: at, input: 272_000, cached: 200_000, output: 1_000, reasoning: 0 });
    expect(cachedEdge).toMatchObject({ micros: 72_000 * 10 + 200_000 * 1 + 1_000 * 45 });
  });
});

describe('what has no price is listed, never $0 and never a look-alike', () => {
  it('lists unknown and price-less Codex ids with the reason', () => {
    const t = emptyCost();
    for (const m of ['gpt-6.1-sol', 'gpt-5.3-codex-spark', 'codex-auto-review', 'gpt-6.1-sol']) {
      const p = priceCall(call(m, '2026-11-25T12:00:00.000Z'));
      expect(p.priced).toBe(false);
      addPrice(t, p);
    }
    expect(t.micros).toBe(0);
    expect(t.unpriced['gpt-6.1-sol']).toEqual({ calls: 2, reason: 'not in the price table' });
    expect(t.unpriced['gpt-5.3-codex-spark']?.reason).toMatch(/not sold on the API/);
    expect(t.unpriced['codex-auto-review']?.calls).toBe(1);
    expect(formatCost(t)).toBe('unpriced');
    addPrice(t, priceCall(call('gpt-5.5', '2026-11-25T12:00:00.000Z')));
    expect(formatCost(t)).toBe('$0.0290 + 4 unpriced');
  });

  it('strips an openai/ prefix and a snapshot date, nothing looser', () => {
    const at = '2026-11-25T12:00:00.000Z';
    expect(micros(call('openai/gpt-5.5', at))).toBe(micros(call('gpt-5.5', at)));
    expect(micros(call('gpt-5-codex-2025-09-15', at))).toBe(micros(call('gpt-5-codex', at)));
    expect(priceCall(call('gpt-5.5x', at)).priced).toBe(false);
    expect(priceCall(call('gpt', at)).priced).toBe(false);
  });

  it('does not price local providers; a custom provider name is priced by the model id', () => {
    const at = '2026-11-25T12:00:00.000Z';
    expect(priceCall(call('gpt-oss-20b', at, { provider: 'ollama' }))).toMatchObject({ priced: false, reason: expect.stringMatching(/locally/) });
    expect(micros(call('gpt-5.5', at, { provider: 'my-proxy' }))).toBe(micros(call('gpt-5.5', at)));
  });
});

describe('service tier as the session recorded it', () => {
  const at = '2026-11-25T12:00:00.000Z';
  it('prices priority (Codex "fast") and flex from the overlay multipliers', () => {
    const standard = micros(call('gpt-5.5', at));
    expect(micros(call('gpt-5.5', at, { serviceTier: 'priority' }))).toBe(standard * 2.5);
    expect(micros(call('gpt-5.5', at, { serviceTier: 'fast' }))).toBe(standard * 2.5);
    expect(micros(call('gpt-5.5', at, { serviceTier: 'flex' }))).toBe(standard * 0.5);
    expect(micros(call('gpt-5.5', at, { serviceTier: 'default' }))).toBe(standard);
  });

  it('leaves a tier it has no price for unpriced rather than guessing', () => {
    expect(priceCall(call('gpt-5.3-codex', at, { serviceTier: 'priority' }))).toMatchObject({ priced: false, reason: 'no priority price for gpt-5.3-codex' });
    expect(priceCall(call('gpt-5.5', at, { serviceTier: 'scale' }))).toMatchObject({ priced: false, reason: 'unknown service tier scale' });
  });
});
