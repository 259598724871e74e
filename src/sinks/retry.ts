import { SinkError } from './sink.js';

/**
 * Shared delivery rules of the remote sinks: exponential backoff with jitter,
 * `Retry-After`, and the split of failures into transient (retry) and permanent
 * (configuration: retrying soon will not help).
 */
export interface RetryPolicy {
  /** delay before the first retry */
  initialDelayMs: number;
  /** cap of one backoff delay (a longer Retry-After is still honoured within maxElapsedMs) */
  maxDelayMs: number;
  multiplier: number;
  /** +/- fraction of randomness added to each delay */
  jitter: number;
  /** attempts in total, the first included */
  maxAttempts: number;
  /** give up (reject with the last transient error) once this much time has passed */
  maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  multiplier: 2,
  jitter: 0.2,
  maxAttempts: 8,
  maxElapsedMs: 120_000,
};

/** Delay before retry number `retry` (1 = first retry). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.initialDelayMs * policy.multiplier ** Math.max(0, retry - 1), policy.maxDelayMs);
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** 429 and 5xx can pass; other 4xx are configuration errors (auth, bad endpoint, bad request). */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const MAX_MESSAGE = 500;

/** One-line, bounded text of a server's answer (never request headers). */
export function shortMessage(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_MESSAGE ? `${one.slice(0, MAX_MESSAGE)}…` : one;
}

/** SinkError for an HTTP answer that is not 2xx. */
export function httpError(sink: string, status: number, body: string, retryAfter?: string | null): SinkError {
  const text = shortMessage(body);
  const message = `HTTP ${status}${text ? `: ${text}` : ''}`;
  return new SinkError(sink, message, isTransientStatus(status), parseRetryAfter(retryAfter));
}

/** Any thrown value as a SinkError; unknown errors (network, timeout) are transient. */
export function toSinkError(sink: string, err: unknown): SinkError {
  if (err instanceof SinkError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  const detail = typeof code === 'string' && !e.message.includes(code) ? ` (${code})` : '';
  return new SinkError(sink, `${e.message}${cause}${detail}`, true);
}

export interface RetryHooks {
  /** called before each wait; the sink shows 'retrying' */
  onRetry?: (err: SinkError, delayMs: number, retry: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `attempt` until it succeeds, a permanent SinkError is thrown, or the policy
 * is exhausted (then the last transient SinkError is thrown, with its retryAfterMs).
 */
export async function withRetry<T>(sink: string, attempt: (n: number) => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY, hooks: RetryHooks = {}): Promise<T> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? defaultSleep;
  const started = now();
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const se = toSinkError(sink, err);
      if (!se.transient || n >= policy.maxAttempts) throw se;
      const delay = se.retryAfterMs ?? backoffDelay(n, policy, hooks.random);
      if (now() - started + delay > policy.maxElapsedMs) throw se;
      hooks.onRetry?.(se, delay, n);
      await sleep(delay);
    }
  }
}
