/**
 * Rate-limit snapshots from a rollout: `event_msg:token_count.rate_limits`
 * (`{limit_id, primary:{used_percent, window_minutes, resets_at}, secondary:{…}, plan_type}`),
 * written by Codex with each token count. History copied into a fork or a fork-context subagent
 * (a foreign `session_meta` and the burst after it) is not the file's own and is skipped.
 */
import { elideKeysBytes } from './fastpath.js';
import { INHERITED_BURST_MS } from './normalize.js';
import { isObj } from './read.js';

export interface RateLimitWindow {
  usedPercent: number;
  windowMinutes?: number;
  /** epoch seconds */
  resetsAt?: number;
}

export interface RateLimitSample {
  /** ISO time of the record */
  time: string;
  limitId?: string;
  planType?: string;
  /** the short (5-hour) window */
  primary?: RateLimitWindow;
  /** the long (weekly) window */
  secondary?: RateLimitWindow;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function readWindow(v: unknown): RateLimitWindow | undefined {
  if (!isObj(v)) return undefined;
  const used = num(v.used_percent);
  return used === undefined ? undefined : { usedPercent: used, windowMinutes: num(v.window_minutes), resetsAt: num(v.resets_at) };
}

const SESSION_META = Buffer.from('"type":"session_meta"');
const RATE_LIMITS = Buffer.from('"rate_limits":{');
/** the session header's instruction blobs (one list for every call: elideKeysBytes prepares a list's scans once) */
const META_BLOBS = ['base_instructions', 'instructions', 'dynamic_tools'];

/** The line reader's hook: decode only session metadata (without its instruction blobs) and records with rate limits. */
export function decideRateLimitLine(buf: Buffer, start: number, end: number): { skip: string } | { text: string } {
  const line = buf.subarray(start, end);
  if (line.subarray(0, 200).includes(SESSION_META)) {
    const text = elideKeysBytes(line, META_BLOBS);
    return text === undefined ? { text: line.toString('utf8') } : { text };
  }
  return line.includes(RATE_LIMITS) ? { text: line.toString('utf8') } : { skip: 'no rate limits' };
}

/** Follows one rollout file: its own thread id and cwd, and each rate-limit snapshot of its own. */
export class RateLimitScanner {
  threadId?: string;
  cwd?: string;
  private inheritedSince?: number;

  /** One line of the file; the snapshot it holds, if any. */
  push(text: string): RateLimitSample | undefined {
    let rec: unknown;
    try {
      rec = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isObj(rec) || !isObj(rec.payload)) return undefined;
    const time = str(rec.timestamp);
    const p = rec.payload;
    if (rec.type === 'session_meta') {
      const id = str(p.id);
      if (this.threadId === undefined) {
        this.threadId = id;
        this.cwd = str(p.cwd);
      } else if (id !== this.threadId && time) this.inheritedSince = Date.parse(time);
      return undefined;
    }
    if (rec.type !== 'event_msg' || p.type !== 'token_count' || !isObj(p.rate_limits) || !time) return undefined;
    if (this.inheritedSince !== undefined) {
      if (Date.parse(time) - this.inheritedSince < INHERITED_BURST_MS) return undefined;
      this.inheritedSince = undefined;
    }
    const r = p.rate_limits;
    const primary = readWindow(r.primary);
    const secondary = readWindow(r.secondary);
    if (!primary && !secondary) return undefined;
    return { time: new Date(time).toISOString(), limitId: str(r.limit_id), planType: str(r.plan_type), primary, secondary };
  }
}
