/**
 * The price of one model call, at the call's own timestamp, from @pydantic/genai-prices' bundled
 * data plus our overlay (overlay.ts). Money is integer micro-dollars: a per-million-token rate in
 * dollars is exactly micro-dollars per token. Cached ⊂ input (priced at the cache-read rate),
 * reasoning ⊂ output (never added on top); the long-context rate is chosen by the request's own
 * input size, as the package does (a tier applies when input tokens exceed its `start`).
 */
import { calcPrice, findProvider, type ModelPrice, type PriceCalculation } from '@pydantic/genai-prices';
import { ALIASES, LOCAL_PROVIDERS, PROVIDER_PREFIXES, SERVICE_TIER_MULTIPLIERS, SERVICE_TIER_NAMES, UNPRICED } from './overlay.js';

export type ServiceTier = 'standard' | 'priority' | 'flex';

/** One model call's usage as the trace recorded it. */
export interface CallUsage {
  model: string;
  /** gen_ai.provider.name of the session (`openai` when absent) */
  provider?: string;
  /** ISO time of the response */
  time: string;
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  /** the service tier the session recorded (`priority`, `fast`, `flex`, `default` …) */
  serviceTier?: string;
}

export type CallPrice =
  /** micros = inputMicros (cached included) + outputMicros (reasoning included) */
  | { priced: true; micros: number; inputMicros: number; outputMicros: number; modelId: string; tier: ServiceTier; longContext: boolean }
  | { priced: false; model: string; reason: string };

type Resolved = { modelId: string; price: ModelPrice; byDay: boolean } | { reason: string; byDay?: undefined };

const DATE_SUFFIX = /-\d{4}-\d{2}-\d{2}$/;
const cache = new Map<string, Resolved>();

/** The ids tried for `model`, in order (exact, prefix removed, overlay alias, snapshot date removed). */
export function candidateIds(model: string): string[] {
  const out = [model];
  const bare = PROVIDER_PREFIXES.reduce((m, p) => (m.startsWith(p) ? m.slice(p.length) : m), model);
  if (bare !== model) out.push(bare);
  const alias = ALIASES[bare];
  if (alias !== undefined) out.push(alias);
  if (DATE_SUFFIX.test(bare)) out.push(bare.replace(DATE_SUFFIX, ''));
  return out;
}

function lookup(model: string, provider: string, at: Date): Resolved {
  if (provider.startsWith('local:')) return { reason: `runs locally (${provider.slice(6)}): no per-token price` };
  for (const id of candidateIds(model)) {
    const why = UNPRICED[id];
    if (why !== undefined) return { reason: why };
    let r: PriceCalculation | null;
    try {
      r = calcPrice({ input_tokens: 1, output_tokens: 1 }, id, { providerId: provider, timestamp: at });
    } catch (err) {
      return { reason: `price table error: ${(err as Error).message}` };
    }
    if (r) {
      // a time-of-day constraint (off-peak prices) makes a per-day look-up inexact; OpenAI has none
      const byDay = !Array.isArray(r.model.prices) || r.model.prices.every((c) => c.constraint?.type !== 'time_of_date');
      return { modelId: r.model.id, price: r.model_price, byDay };
    }
  }
  return { reason: 'not in the price table' };
}

const tables = new Map<string, string>();

/** The price table for a session's provider id: its own when the package has one, else OpenAI's (see LOCAL_PROVIDERS). */
function priceTable(provider: string | undefined): string {
  const id = (provider ?? 'openai').toLowerCase();
  let t = tables.get(id);
  if (t === undefined) {
    t = LOCAL_PROVIDERS.includes(id) ? `local:${id}` : findProvider({ providerId: id }) ? id : 'openai';
    tables.set(id, t);
  }
  return t;
}

/** Price constraints are start dates (UTC midnight), so one look-up per model and UTC day is exact. */
function resolve(model: string, provider: string, time: string): Resolved {
  const key = `${provider}\u001f${model}\u001f${time.slice(0, 10)}`;
  let r = cache.get(key);
  if (r === undefined) {
    const at = new Date(time);
    r = Number.isNaN(at.getTime()) ? { reason: `no valid time (${time})` } : lookup(model, provider, at);
    if (r.byDay !== false) cache.set(key, r);
  }
  return r;
}

type PriceValue = ModelPrice[string];

/** The per-token rate (micro-dollars) of a price key for a request of `inputTokens`, and whether a tier applied. */
function rateOf(p: PriceValue, inputTokens: number): { rate: number; tiered: boolean } | undefined {
  if (p === undefined) return undefined;
  if (typeof p === 'number') return { rate: p, tiered: false };
  let rate = p.base;
  let best = -1;
  for (const t of p.tiers) {
    if (inputTokens > t.start && t.start > best) {
      best = t.start;
      rate = t.price;
    }
  }
  return { rate, tiered: best >= 0 };
}

export function serviceTierOf(recorded: string | undefined): ServiceTier | undefined {
  if (recorded === undefined || recorded === '') return 'standard';
  return SERVICE_TIER_NAMES[recorded.toLowerCase()];
}

/** The cost of one call, or why it has none. */
export function priceCall(u: CallUsage): CallPrice {
  const r = resolve(u.model, priceTable(u.provider), u.time);
  if ('reason' in r) return { priced: false, model: u.model, reason: r.reason };
  const tier = serviceTierOf(u.serviceTier);
  if (tier === undefined) return { priced: false, model: u.model, reason: `unknown service tier ${u.serviceTier}` };
  const mult = tier === 'standard' ? 1 : SERVICE_TIER_MULTIPLIERS[r.modelId]?.[tier];
  if (mult === undefined) return { priced: false, model: u.model, reason: `no ${tier} price for ${r.modelId}` };
  const input = rateOf(r.price.input_mtok, u.input);
  const output = rateOf(r.price.output_mtok, u.input);
  if (!input || !output) return { priced: false, model: u.model, reason: `${r.modelId} has no token prices` };
  const cacheRead = rateOf(r.price.cache_read_mtok, u.input) ?? input;
  const cached = Math.min(Math.max(u.cached, 0), u.input);
  const inputRaw = (u.input - cached) * input.rate + cached * cacheRead.rate;
  const micros = Math.round((inputRaw + u.output * output.rate) * mult);
  const inputMicros = Math.min(micros, Math.round(inputRaw * mult));
  return { priced: true, micros, inputMicros, outputMicros: micros - inputMicros, modelId: r.modelId, tier, longContext: input.tiered || output.tiered };
}
