/** Sums of call prices, the usage of an LLM span, and how money is written. */
import { ATTR, type Span } from '../trace/span.js';
import { priceCall, type CallPrice, type CallUsage } from './price.js';

/** Cost of many calls: priced micro-dollars, plus the calls that could not be priced, by model. */
export interface CostTotal {
  micros: number;
  pricedCalls: number;
  /** model → calls without a price and why */
  unpriced: Record<string, { calls: number; reason: string }>;
}

export function emptyCost(): CostTotal {
  return { micros: 0, pricedCalls: 0, unpriced: {} };
}

export function addPrice(t: CostTotal, p: CallPrice): void {
  if (p.priced) {
    t.micros += p.micros;
    t.pricedCalls += 1;
    return;
  }
  const u = (t.unpriced[p.model] ??= { calls: 0, reason: p.reason });
  u.calls += 1;
}

export function addCost(t: CostTotal, other: CostTotal): void {
  t.micros += other.micros;
  t.pricedCalls += other.pricedCalls;
  for (const [m, u] of Object.entries(other.unpriced)) {
    const mine = (t.unpriced[m] ??= { calls: 0, reason: u.reason });
    mine.calls += u.calls;
  }
}

export function unpricedCalls(t: CostTotal): number {
  return Object.values(t.unpriced).reduce((n, u) => n + u.calls, 0);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The usage of an LLM span, or undefined when the span recorded none (nothing to price). */
export function spanUsage(s: Span): CallUsage | undefined {
  const a = s.attributes;
  if (s.kind !== 'llm' || typeof a[ATTR.inputTokens] !== 'number') return undefined;
  return {
    model: str(a[ATTR.requestModel]) ?? 'unknown',
    provider: str(a[ATTR.providerName]),
    time: s.endTime ?? s.startTime,
    input: num(a[ATTR.inputTokens]),
    cached: num(a[ATTR.cacheReadTokens]),
    output: num(a[ATTR.outputTokens]),
    reasoning: num(a[ATTR.reasoningTokens]),
    serviceTier: str(a[ATTR.serviceTier]),
  };
}

/** The price of an LLM span; undefined when it has no usage. */
export function priceSpan(s: Span): CallPrice | undefined {
  const u = spanUsage(s);
  return u === undefined ? undefined : priceCall(u);
}

/** Dollars from micro-dollars: cents from a dollar up, four decimals below it. */
export function formatUsd(micros: number): string {
  const usd = micros / 1e6;
  return usd >= 1 || usd === 0 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

/** `$1.23`, `$1.23 + 2 unpriced`, or `unpriced` when nothing had a price. */
export function formatCost(t: CostTotal): string {
  const n = unpricedCalls(t);
  if (t.pricedCalls === 0 && n > 0) return 'unpriced';
  return n > 0 ? `${formatUsd(t.micros)} + ${n} unpriced` : formatUsd(t.micros);
}

/** Dollars as a JSON number (micro-dollar precision). */
export function usd(micros: number): number {
  return micros / 1e6;
}
