/**
 * Values checked where they enter: timestamps, token counts and ids as a rollout gives
 * them. A value that cannot be is never passed on — a timestamp with 97 seconds, a token
 * count of -3, 1.5, null or 1e308, a cached count above the input — because one such
 * value becomes a root span that never ends or a bill in the billions. Callers warn
 * with file and offset; this file only judges.
 */
import type { Usage } from '../trace/span.js';
import type { TokenUsage } from './schema.js';

const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The instant of an ISO-8601 timestamp whose every field is in range (month 1–12, a day the
 * month has, hour < 24, minute and second < 60), else NaN. `Date.parse` alone would accept
 * `16:58:97` (as 16:59:37) on some engines and reject it on others.
 */
export function strictTime(ts: string): number {
  const m = ISO.exec(ts);
  if (m === null) return NaN;
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > (DAYS[mo - 1] as number) || h > 23 || mi > 59 || s > 59) return NaN;
  if (mo === 2 && d === 29 && new Date(Date.UTC(Number(m[1]), 1, 29)).getUTCMonth() !== 1) return NaN;
  return Date.parse(ts);
}

const two = (s: string, at: number): number => (s.charCodeAt(at) - 48) * 10 + (s.charCodeAt(at + 1) - 48);

/**
 * The common case without a regex or a Date: `YYYY-MM-DDTHH:MM:SS.mmmZ` (already matched
 * by the caller's pattern) with fields in range. Days past the 28th go the slow way.
 */
export function plainUtcInRange(ts: string): boolean {
  const mo = two(ts, 5);
  const d = two(ts, 8);
  if (mo < 1 || mo > 12 || d < 1 || two(ts, 11) > 23 || two(ts, 14) > 59 || two(ts, 17) > 59) return false;
  return d <= 28 || !Number.isNaN(strictTime(ts));
}

/** A token count as Codex writes it: a whole, non-negative, plausible number. */
const MAX_TOKENS = 1e12;
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_TOKENS;

export interface CheckedUsage {
  /** undefined when input or output is not a count: the response's usage is unknown */
  usage?: Usage;
  /** what was dropped or clamped, for the warning */
  problems: string[];
}

/**
 * OTel usage (cached ⊂ input, reasoning ⊂ output, total = input + output) from a record's
 * counts. An impossible input or output makes the usage unknown (never a guess); an
 * impossible cached or reasoning count is dropped (0); cached above input and reasoning
 * above output are clamped.
 */
export function checkUsage(u: TokenUsage): CheckedUsage {
  const problems: string[] = [];
  // null is no count either: a writer that knows none leaves the field out
  const field = (name: string, v: number | null | undefined): number | undefined => {
    if (v === undefined) return 0; // not recorded (older versions): none

    if (isCount(v)) return v;
    problems.push(`${name} ${String(v)} is not a token count`);
    return undefined;
  };
  const input = field('input_tokens', u.input_tokens);
  const output = field('output_tokens', u.output_tokens);
  let cached = field('cached_input_tokens', u.cached_input_tokens) ?? 0;
  let reasoning = field('reasoning_output_tokens', u.reasoning_output_tokens) ?? 0;
  if (input === undefined || output === undefined) return { problems };
  if (cached > input) {
    problems.push(`cached_input_tokens ${cached} > input_tokens ${input}: clamped`);
    cached = input;
  }
  if (reasoning > output) {
    problems.push(`reasoning_output_tokens ${reasoning} > output_tokens ${output}: clamped`);
    reasoning = output;
  }
  return { usage: { input, cached, output, reasoning, total: input + output }, problems };
}

/** An id that can name a thread: not empty or blank, no control characters, of sane length. */
export function usableId(id: string | null | undefined): string | undefined {
  if (typeof id !== 'string') return undefined;
  const t = id.trim();
  // eslint-disable-next-line no-control-regex
  return t === '' || t.length > 256 || /[\u0000-\u001f\u007f]/.test(t) ? undefined : t;
}
