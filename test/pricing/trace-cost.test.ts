/** Pricing what the reducer traced from real rollouts: forks, service tiers, subagents. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureRecords, shiftIso, type FixtureRecord } from '../helpers/fixtures.js';
import { costLabel, spanCosts, traceCostsOfSpans } from '../../src/cli/cost-view.js';
import { formatCost, priceSpan } from '../../src/pricing/cost.js';
import type { Span } from '../../src/trace/span.js';
import { byKind, traceLines } from '../trace/records.js';

type Rec = FixtureRecord;
const load = fixtureRecords;
const shift = shiftIso;

function tracedCost(spans: Span[]): number {
  let micros = 0;
  for (const s of spans) {
    const p = priceSpan(s);
    if (p?.priced) micros += p.micros;
  }
  return micros;
}

/** What a scanner that does not know forks counts: every token_count whose last usage is non-zero. */
function naiveInputTokens(recs: Rec[]): number {
  let n = 0;
  for (const r of recs) {
    const info =
      r.type === 'event_msg' && r.payload.type === 'token_count' ? (r.payload.info as { last_token_usage?: { input_tokens?: number } } | null) : null;
    n += info?.last_token_usage?.input_tokens ?? 0;
  }
  return n;
}

describe('a fork (Codex before ~0.150 copies the parent history into the new file)', () => {
  // the fork file as those versions write it: the child's session_meta (forked_from_id), the parent's
  // session_meta and every parent record stamped within milliseconds of the fork, then the child's own turn
  const parent = load('codex-0.140.0/b-shell.jsonl');
  const own = load('codex-0.140.0/a-text.jsonl');
  const t0 = own[0]!.timestamp;
  const forkMeta = { ...own[0]!, payload: { ...own[0]!.payload, forked_from_id: parent[0]!.payload.id } };
  const copied = parent.map((r, i) => ({ ...r, timestamp: shift(t0, 1 + (i % 5)) }));
  const later = own.slice(1).map((r) => ({ ...r, timestamp: shift(r.timestamp, 5_000) }));
  const fork = [forkMeta, ...copied, ...later];

  it('prices only the fork’s own model calls, not the copied history', () => {
    const alone = traceLines(own).spans;
    const forked = traceLines(fork).spans;
    expect(byKind(forked, 'llm')).toHaveLength(byKind(alone, 'llm').length);
    expect(tracedCost(alone)).toBeGreaterThan(0);
    expect(tracedCost(forked)).toBe(tracedCost(alone));
    // a scanner that sums every token_count of the file counts the parent's calls again
    expect(naiveInputTokens(fork)).toBeGreaterThan(naiveInputTokens(own));
  });
});

describe('service tier from thread_settings_applied', () => {
  const recs = load('codex-0.169.0/a-text.jsonl');

  it('carries the recorded tier on the LLM span and prices it', () => {
    const standard = traceLines(recs).spans;
    const withTier = recs.map((r) => {
      if (r.type !== 'event_msg' || r.payload.type !== 'thread_settings_applied') return r;
      return { ...r, payload: { ...r.payload, thread_settings: { ...(r.payload.thread_settings as object), service_tier: 'priority' } } };
    });
    const priority = traceLines(withTier).spans;
    const llm = byKind(priority, 'llm');
    expect(llm.length).toBeGreaterThan(0);
    for (const s of llm) expect(s.attributes['openai.request.service_tier']).toBe('priority');
    for (const s of byKind(standard, 'llm')) expect(s.attributes['openai.request.service_tier']).toBeUndefined();
    // gpt-5.5 priority is 2.5× its standard rates (overlay)
    const sum = (spans: Span[]): number => tracedCost(spans);
    expect(sum(priority)).toBe(Math.round(sum(standard) * 2.5));
  });
});

describe('show: a subagent’s own cost and its total', () => {
  const parent = readFileSync('fixtures/codex-0.169.0/i-subagent.jsonl', 'utf8').trim().split('\n');
  const child = readFileSync('fixtures/codex-0.169.0/i-subagent.1.jsonl', 'utf8').trim().split('\n');

  it('rolls LLM costs up to turns, the subagent and the session', () => {
    const { spans: ps } = traceLines(parent);
    const { spans: cs } = traceLines(child, { parentKnown: () => true });
    const spans = [...ps, ...cs];
    const costs = spanCosts(spans);
    const llm = byKind(spans, 'llm');
    const price = (s: Span): number => {
      const p = priceSpan(s);
      return p?.priced ? p.micros : NaN;
    };
    const session = byKind(spans, 'session')[0]!;
    const sub = byKind(spans, 'subagent')[0]!;
    const childCalls = llm.filter((s) => s.attributes['codex.thread.id'] !== session.attributes['codex.thread.id']);
    expect(childCalls.length).toBeGreaterThan(0);
    const all = llm.reduce((n, s) => n + price(s), 0);
    const mine = childCalls.reduce((n, s) => n + price(s), 0);
    expect(costs.get(session.spanId)?.total.micros).toBe(all);
    expect(costs.get(session.spanId)?.own.micros).toBe(all - mine);
    expect(costs.get(sub.spanId)?.total.micros).toBe(mine);
    expect(costLabel(sub, costs)).toMatch(/^cost \$[\d.]+ own, \$[\d.]+ total$/);
    expect(costLabel(session, costs)).toMatch(/own, .* total/);
    expect(costLabel(llm[0]!, costs)).toMatch(/^\$0\.\d{4}$/);
    // what an exported HTML file shows: the same per-call labels, and the session's total
    const exported = traceCostsOfSpans(spans);
    expect(Object.keys(exported.spans).sort()).toEqual(llm.map((s) => s.spanId).sort());
    for (const s of llm) expect(exported.spans[s.spanId]).toBe(costLabel(s, costs));
    expect(exported.total).toBe(formatCost(costs.get(session.spanId)!.total));
    expect(traceCostsOfSpans(byKind(spans, 'tool'))).toEqual({ total: null, spans: {} });
  });
});
