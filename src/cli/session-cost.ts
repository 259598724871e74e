/** The cost of listed sessions, priced per call from the stored usage (`sessions`, `report session`). */
import { addPrice, emptyCost, formatCost, unpricedCalls, usd, type CostTotal } from '../pricing/cost.js';
import { priceCall } from '../pricing/price.js';
import type { TraceStore } from '../store/index.js';
import { rowUsage } from './cost-view.js';

/** What `sessions --json` adds to each row. */
export interface SessionCost {
  /** dollars of the priced calls (micro-dollar precision) */
  costUsd: number;
  /** calls with no price, by model, with why; never counted as $0 */
  unpriced: CostTotal['unpriced'];
  unpricedCalls: number;
  costText: string;
}

export function toSessionCost(t: CostTotal): SessionCost {
  return { costUsd: usd(t.micros), unpriced: t.unpriced, unpricedCalls: unpricedCalls(t), costText: formatCost(t) };
}

/** trace id → cost of every model call in the trace (subagents included). */
export function sessionCosts(store: TraceStore, sessions: readonly { traceId: string }[]): Map<string, SessionCost> {
  const totals = new Map<string, CostTotal>();
  if (sessions.length === 0) return new Map();
  for (const r of store.llmCalls({ traceIds: sessions.map((s) => s.traceId) })) {
    let t = totals.get(r.traceId);
    if (!t) totals.set(r.traceId, (t = emptyCost()));
    addPrice(t, priceCall(rowUsage(r)));
  }
  return new Map([...totals].map(([id, t]) => [id, toSessionCost(t)]));
}
