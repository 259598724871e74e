import { SinkError } from '../sink.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../retry.js';

export interface BraintrustConfig {
  /** API base, e.g. https://api.braintrust.dev */
  apiUrl: string;
  apiKey: string;
  /** project name; the project is created when missing */
  project: string;
  /** merged into the root row's metadata (the span's own keys win) */
  additionalMetadata: Record<string, unknown>;
  timeoutMs: number;
  maxRowsPerRequest: number;
  maxQueuedRows: number;
  retry: RetryPolicy;
}

export type BraintrustOverrides = Partial<Omit<BraintrustConfig, 'retry'>> & { retry?: Partial<RetryPolicy> };

type Env = Record<string, string | undefined>;

export const DEFAULT_BRAINTRUST_API = 'https://api.braintrust.dev';
const NAME = 'braintrust';

function parseMetadata(raw: string | undefined): Record<string, unknown> {
  if (!raw?.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SinkError(NAME, 'BRAINTRUST_ADDITIONAL_METADATA is not valid JSON', false);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SinkError(NAME, 'BRAINTRUST_ADDITIONAL_METADATA must be a JSON object', false);
  }
  return parsed as Record<string, unknown>;
}

/** BRAINTRUST_API_KEY, BRAINTRUST_API_URL, BRAINTRUST_PROJECT, BRAINTRUST_ADDITIONAL_METADATA; flags win. */
export function braintrustConfigFromEnv(env: Env = process.env, o: BraintrustOverrides = {}): BraintrustConfig {
  const apiKey = o.apiKey ?? env.BRAINTRUST_API_KEY?.trim();
  if (!apiKey) throw new SinkError(NAME, 'BRAINTRUST_API_KEY is not set', false);
  return {
    apiUrl: (o.apiUrl ?? (env.BRAINTRUST_API_URL?.trim() || DEFAULT_BRAINTRUST_API)).replace(/\/+$/, ''),
    apiKey,
    project: o.project ?? (env.BRAINTRUST_PROJECT?.trim() || 'codex'),
    additionalMetadata: o.additionalMetadata ?? parseMetadata(env.BRAINTRUST_ADDITIONAL_METADATA),
    timeoutMs: o.timeoutMs ?? 30_000,
    maxRowsPerRequest: o.maxRowsPerRequest ?? 200,
    maxQueuedRows: o.maxQueuedRows ?? 2000,
    retry: { ...DEFAULT_RETRY, ...o.retry },
  };
}
