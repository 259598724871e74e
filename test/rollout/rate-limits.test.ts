/** Rate-limit snapshots read from real rollout records; history copied into a fork is not the fork's own. */
import { describe, expect, it } from 'vitest';
import { fixtureRecords, shiftIso, type FixtureRecord } from '../helpers/fixtures.js';
import { decideRateLimitLine, RateLimitScanner } from '../../src/rollout/rate-limits.js';

type Rec = FixtureRecord;
const load = fixtureRecords;
const shift = shiftIso;

/** The file's token_count records, given the windows a ChatGPT sign-in records (used % = `used`). */
function withLimits(recs: Rec[], used: number): Rec[] {
  return recs.map((r) =>
    r.type === 'event_msg' && r.payload.type === 'token_count' && r.payload.rate_limits
      ? {
          ...r,
          payload: {
            ...r.payload,
            rate_limits: {
              limit_id: 'codex',
              limit_name: null,
              primary: { used_percent: used, window_minutes: 300, resets_at: 1_795_640_000 },
              secondary: null,
              credits: null,
              plan_type: 'plus',
            },
          },
        }
      : r,
  );
}

function scan(recs: Rec[]): { scanner: RateLimitScanner; used: number[] } {
  const scanner = new RateLimitScanner();
  const used: number[] = [];
  for (const r of recs) {
    const line = Buffer.from(JSON.stringify(r));
    const d = decideRateLimitLine(line, 0, line.length);
    if ('skip' in d) continue;
    const s = scanner.push(d.text);
    if (s?.primary) used.push(s.primary.usedPercent);
  }
  return { scanner, used };
}

describe('rate-limit snapshots', () => {
  it('reads every snapshot of a session with its thread id and cwd', () => {
    const recs = withLimits(load('codex-0.140.0/e-multi-tool.jsonl'), 12);
    const { scanner, used } = scan(recs);
    expect(scanner.threadId).toBe(recs[0]!.payload.id);
    expect(scanner.cwd).toBe(recs[0]!.payload.cwd);
    expect(used.length).toBe(recs.filter((r) => r.type === 'event_msg' && r.payload.type === 'token_count').length);
    expect(new Set(used)).toEqual(new Set([12]));
  });

  it('skips the snapshots of history copied into a fork', () => {
    const parent = withLimits(load('codex-0.140.0/b-shell.jsonl'), 40);
    const own = withLimits(load('codex-0.140.0/a-text.jsonl'), 55);
    const t0 = own[0]!.timestamp;
    const fork = [
      { ...own[0]!, payload: { ...own[0]!.payload, forked_from_id: parent[0]!.payload.id } },
      ...parent.map((r, i) => ({ ...r, timestamp: shift(t0, 1 + (i % 5)) })),
      ...own.slice(1).map((r) => ({ ...r, timestamp: shift(r.timestamp, 5_000) })),
    ];
    const { scanner, used } = scan(fork);
    expect(scanner.threadId).toBe(own[0]!.payload.id);
    expect(used.length).toBeGreaterThan(0);
    expect(used.every((u) => u === 55)).toBe(true);
  });

  it('ignores snapshots whose windows are null (as the fixtures’ mock server left them)', () => {
    expect(scan(load('codex-0.100.0/a-text.jsonl')).used).toEqual([]);
  });
});
