/**
 * Our own price overlay: the few things @pydantic/genai-prices 0.1.8 does not know about Codex.
 * The only file of prices we maintain; everything else comes from the package's bundled data.
 *
 * Sources: OpenAI's API pricing page (https://developers.openai.com/api/docs/pricing, its "Priority"
 * and "Flex" rate tables, as transcribed here on 2026-12-01 without a fresh read of the live page:
 * verify before relying on a priority or flex figure), the model catalog built into Codex CLI 0.169.0
 * (`service_tiers`: Codex offers only `priority`, shown as "Fast"; `codex-auto-review` names no
 * backing model) and genai-prices' own data (prices/providers/openai.yml, openai_codex.yml).
 * Date: 2026-12-01. Re-check on every genai-prices upgrade: an id it learns should leave this file.
 *
 * Rules (never fuzzy): an id is looked up as written; then with an `openai/` provider prefix removed;
 * then through ALIASES; then with a trailing `-YYYY-MM-DD` snapshot date removed. A model in
 * UNPRICED, or one no step finds, is listed as unpriced; it is never priced as $0 or as a look-alike.
 */

/**
 * Codex `model_provider` ids that run models on the user's machine: no per-token price. Any other
 * provider id the price table does not know (a name from the user's config.toml for a proxy or
 * gateway) is priced with OpenAI's table: the model id, not the route, names what was used.
 */
export const LOCAL_PROVIDERS: readonly string[] = ['oss', 'ollama', 'lmstudio'];

/** Provider prefixes Codex (or a proxy) puts before a model id. */
export const PROVIDER_PREFIXES: readonly string[] = ['openai/'];

/**
 * Codex ids the package does not know → the id it prices them as (the same model under another
 * name). Empty at this date: every Codex id of 0.169/0.171 is either known to the package (it maps
 * `gpt-5-codex` → gpt-5, `gpt-5.1-codex-max` → gpt-5.1 …), handled by the prefix and date rules, or
 * has no public price (UNPRICED, or simply unknown, like `gpt-6.1-sol`).
 */
export const ALIASES: Readonly<Record<string, string>> = {};

/** Ids with no public per-token price: listed as unpriced, with why. */
export const UNPRICED: Readonly<Record<string, string>> = {
  'gpt-5.3-codex-spark': 'research preview for ChatGPT plans, not sold on the API',
  'codex-auto-review': "Codex's internal review model; the rollout does not record which model serves it",
};

/**
 * Service tiers: price of a request on the priority ("fast" in Codex) or flex tier, as a multiple
 * of its standard price (input, cached input and output alike, long-context tier included), keyed
 * by the package's model id. OpenAI lists these as separate rate tables; every entry here is that
 * table divided by the standard one. A tier missing for a model leaves its requests unpriced.
 */
export const SERVICE_TIER_MULTIPLIERS: Readonly<Record<string, Readonly<Partial<Record<'priority' | 'flex', number>>>>> = {
  'gpt-5': { priority: 2, flex: 0.5 },
  'gpt-5.1': { priority: 2, flex: 0.5 },
  'gpt-5-mini': { priority: 1.8, flex: 0.5 },
  'gpt-5-nano': { flex: 0.5 },
  'gpt-5.2': { priority: 2, flex: 0.5 },
  'gpt-5.4': { priority: 2, flex: 0.5 },
  'gpt-5.5': { priority: 2.5, flex: 0.5 },
  o3: { priority: 1.75, flex: 0.5 },
  // $2.00 / $0.50 / $8.00 against $1.10 / $0.275 / $4.40
  'o4-mini': { priority: 20 / 11, flex: 0.5 },
};

/** Names the session may record for a service tier → the tier priced. */
export const SERVICE_TIER_NAMES: Readonly<Record<string, 'standard' | 'priority' | 'flex'>> = {
  default: 'standard',
  standard: 'standard',
  auto: 'standard',
  priority: 'priority',
  fast: 'priority',
  flex: 'flex',
};
