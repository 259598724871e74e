/** Cost of spans as `show` draws it: each LLM span's own price, rolled up to turns, subagents and sessions. */
import { addCost, addPrice, emptyCost, formatCost, formatUsd, priceSpan, type CostTotal } from '../pricing/cost.js';
import type { CallUsage } from '../pricing/price.js';
import type { CallRow } from '../store/index.js';
import type { Span } from '../trace/span.js';
import type { TraceCosts } from '../ui/view/paths.js';

export interface SpanCost {
  /** every model call below the span (subagents included) */
  total: CostTotal;
  /** the calls of the span's own thread (without those of subagents below it) */
  own: CostTotal;
}

/** The cost of every span that has model calls at or below it. */
export function spanCosts(spans: readonly Span[]): Map<string, SpanCost> {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const out = new Map<string, SpanCost>();
  const at = (id: string): SpanCost => {
    let c = out.get(id);
    if (!c) out.set(id, (c = { total: emptyCost(), own: emptyCost() }));
    return c;
  };
  for (const s of spans) {
    const p = priceSpan(s);
    if (p === undefined) continue;
    const one = emptyCost();
    addPrice(one, p);
    let own = true;
    for (let cur: Span | undefined = s; cur !== undefined; cur = cur.parentSpanId === null ? undefined : byId.get(cur.parentSpanId)) {
      const c = at(cur.spanId);
      addCost(c.total, one);
      if (own) addCost(c.own, one);
      // a subagent's calls are its own; above it they count only in the totals
      if (cur.kind === 'subagent' || cur.kind === 'session') own = false;
    }
  }
  return out;
}

/** One model call's price as text: `$0.0123`, or `unpriced (why)`. */
export function callCostText(t: CostTotal): string {
  const why = Object.values(t.unpriced)[0];
  return why ? `unpriced (${why.reason})` : formatUsd(t.micros);
}

/** The cost text `show` appends to a span's line. */
export function costLabel(s: Span, costs: Map<string, SpanCost>): string | undefined {
  const c = costs.get(s.spanId);
  if (!c) return undefined;
  if (s.kind === 'llm') return callCostText(c.total);
  // a subagent always shows both; a session only when subagents below it add to its own calls
  if (s.kind === 'subagent' || (s.kind === 'session' && formatCost(c.own) !== formatCost(c.total))) {
    return `cost ${formatCost(c.own)} own, ${formatCost(c.total)} total`;
  }
  return `cost ${formatCost(c.total)}`;
}

/** A trace's cost and each model call's, priced from its spans (what an exported HTML file shows). */
export function traceCostsOfSpans(spans: readonly Span[]): TraceCosts {
  const costs = spanCosts(spans);
  const total = emptyCost();
  const out: Record<string, string> = {};
  for (const s of spans) {
    const c = costs.get(s.spanId);
    if (s.kind !== 'llm' || c === undefined) continue;
    out[s.spanId] = callCostText(c.total);
    addCost(total, c.total);
  }
  return { total: Object.keys(out).length === 0 ? null : formatCost(total), spans: out };
}

/** A stored call as the pricer takes it. */
export function rowUsage(r: CallRow): CallUsage {
  return {
    model: r.model ?? 'unknown',
    provider: r.provider ?? undefined,
    time: r.time,
    input: r.inputTokens,
    cached: r.cachedTokens,
    output: r.outputTokens,
    reasoning: r.reasoningTokens,
    serviceTier: r.serviceTier ?? undefined,
  };
}
