/**
 * `report` and the `sessions` cost column over a temp CODEX_HOME of real 0.169 fixtures: token
 * totals from the fixtures' ground truth (what the mock model served), cost priced per request,
 * dates in the asked time zone, unpriced models listed, rate-limit windows.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceCall } from '../../src/pricing/price.js';
import { cli } from '../helpers/cli.js';
import { DAY_DIR, fixturePath, FIXTURES, type HomeFile, makeCodexHome, rolloutName } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

interface Truth {
  usage_sum: { input: number; cached: number; output: number; reasoning: number };
  usage_per_request: { usage: { input_tokens: number; cached_tokens: number; output_tokens: number; reasoning_tokens: number } }[];
}
interface Totals {
  calls: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  unpricedCalls: number;
  unpriced: Record<string, { calls: number; reason: string }>;
}
interface ReportJson {
  timezone: string;
  rows: (Totals & { key: string; models: string[]; breakdown?: Record<string, Totals> })[];
  totals: Totals;
}

const V = '0.169.0';
const truthOf = (f: HomeFile): Truth => JSON.parse(readFileSync(fixturePath(V, f.fixture.split('/')[1]!.replace(/\.jsonl$/, '.truth.json')), 'utf8')) as Truth;

let home: string;
let files: HomeFile[];
let state: string;

/** The whole fixture set's cost, priced request by request from the ground truth (all gpt-5.5, on 2026-11-25). */
function truthMicros(fs: HomeFile[]): number {
  let micros = 0;
  for (const f of fs) {
    for (const r of truthOf(f).usage_per_request) {
      const p = priceCall({
        model: 'gpt-5.5',
        time: '2026-11-25T16:56:00.000Z',
        input: r.usage.input_tokens,
        cached: r.usage.cached_tokens,
        output: r.usage.output_tokens,
        reasoning: r.usage.reasoning_tokens,
      });
      if (p.priced) micros += p.micros;
    }
  }
  return micros;
}

async function reportJson(args: string[]): Promise<ReportJson> {
  const r = await cli(['report', ...args, '--state-dir', state, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ReportJson;
}

beforeAll(async () => {
  ({ home, files } = makeCodexHome([V]));
  state = testDir('ct-state-');
  const r = await cli(['backfill', '--codex-home', home, '--state-dir', state]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(runCleanups);

describe('report', () => {
  it('daily: token totals equal the ground truth, cost is priced per request', async () => {
    const rep = await reportJson(['daily', '--tz', 'UTC']);
    const sum = (pick: (t: Truth) => number): number => files.reduce((a, f) => a + pick(truthOf(f)), 0);
    expect(rep.rows.map((r) => r.key)).toEqual(['2026-11-25']);
    expect(rep.totals).toMatchObject({
      inputTokens: sum((t) => t.usage_sum.input),
      cachedTokens: sum((t) => t.usage_sum.cached),
      outputTokens: sum((t) => t.usage_sum.output),
      reasoningTokens: sum((t) => t.usage_sum.reasoning),
      calls: sum((t) => t.usage_per_request.length),
      unpricedCalls: 0,
    });
    expect(Math.round(rep.totals.costUsd * 1e6)).toBe(truthMicros(files));
  });

  it('dates are local to --tz (16:56 UTC is the next day in Tokyo) and --since/--until are inclusive local days', async () => {
    expect((await reportJson(['daily', '--tz', 'Asia/Tokyo'])).rows.map((r) => r.key)).toEqual(['2026-11-26']);
    expect((await reportJson(['daily', '--tz', 'UTC', '--since', '2026-11-25', '--until', '2026-11-25'])).rows).toHaveLength(1);
    expect((await reportJson(['daily', '--tz', 'Asia/Tokyo', '--until', '2026-11-25'])).rows).toHaveLength(0);
    expect((await reportJson(['weekly', '--tz', 'UTC'])).rows.map((r) => r.key)).toEqual(['2026-11-23']);
    expect((await reportJson(['monthly', '--tz', 'UTC'])).rows.map((r) => r.key)).toEqual(['2026-11']);
  });

  it('session, project and model rows add up to the same totals; --breakdown splits by model', async () => {
    const daily = await reportJson(['daily', '--tz', 'UTC', '--breakdown']);
    for (const kind of ['session', 'project', 'model']) {
      const rep = await reportJson([kind, '--tz', 'UTC']);
      expect(rep.totals, kind).toEqual(daily.totals);
      expect(rep.rows.reduce((n, r) => n + r.calls, 0)).toBe(rep.totals.calls);
    }
    // one session per parent file: the subagent's calls are in its parent's session
    expect((await reportJson(['session', '--tz', 'UTC'])).rows).toHaveLength(files.filter((f) => !/\.\d+\.jsonl$/.test(f.fixture)).length);
    expect(Object.keys(daily.rows[0]?.breakdown ?? {})).toEqual(['gpt-5.5']);
  });

  it('rejects an unknown kind, time zone or date with exit 2', async () => {
    expect((await cli(['report', 'yearly', '--state-dir', state])).code).toBe(2);
    expect((await cli(['report', 'daily', '--tz', 'Mars/Olympus', '--state-dir', state])).code).toBe(2);
    expect((await cli(['report', 'daily', '--since', 'last week', '--state-dir', state])).code).toBe(2);
    expect((await cli(['report', 'daily', '--since', '11/25/2026', '--state-dir', state])).code).toBe(2);
  });

  it('takes the date forms every command takes: an age, yesterday, an ISO time', async () => {
    const days = Math.ceil((Date.now() - Date.parse('2026-11-25T00:00:00Z')) / 86_400_000) + 1;
    expect((await reportJson(['daily', '--tz', 'UTC', '--since', `${days}d`])).rows).toHaveLength(1);
    expect((await reportJson(['daily', '--tz', 'UTC', '--since', 'yesterday', '--until', 'today'])).rows).toHaveLength(0);
    expect((await reportJson(['daily', '--tz', 'UTC', '--since', '2026-11-25T00:00Z', '--until', '2026-11-25T23:00Z'])).rows).toHaveLength(1);
  });
});

describe('sessions cost column', () => {
  it('shows each session’s cost, and --json carries costUsd that adds up to the report', async () => {
    const table = await cli(['sessions', '--state-dir', state]);
    expect(table.stdout.split('\n')[0]).toMatch(/\bCOST\b/);
    expect(table.stdout).toMatch(/\$0\.\d{4}/);
    const list = JSON.parse((await cli(['sessions', '--state-dir', state, '--json'])).stdout) as { costUsd: number; unpricedCalls: number }[];
    const total = list.reduce((n, s) => n + Math.round(s.costUsd * 1e6), 0);
    expect(total).toBe(truthMicros(files));
    expect(list.every((s) => s.unpricedCalls === 0)).toBe(true);
  });
});

describe('a model without a price', () => {
  it('is listed as unpriced in report and sessions, never as $0', async () => {
    const own = testDir('ct-unpriced-');
    const st = testDir('ct-unpriced-state-');
    const src = readFileSync(fixturePath(V, 'a-text.jsonl'), 'utf8');
    // the same real session, run with a model the price table does not know
    const text = src.replace(/"model":"gpt-5\.5"/g, '"model":"gpt-6.1-sol"');
    mkdirSync(join(own, DAY_DIR), { recursive: true });
    writeFileSync(join(own, DAY_DIR, rolloutName(JSON.parse(src.slice(0, src.indexOf('\n'))).payload.id)), text);
    expect((await cli(['backfill', '--codex-home', own, '--state-dir', st])).code).toBe(0);
    const r = await cli(['report', 'model', '--state-dir', st, '--json', '--tz', 'UTC']);
    const rep = JSON.parse(r.stdout) as ReportJson;
    expect(rep.totals.calls).toBeGreaterThan(0);
    expect(rep.totals.costUsd).toBe(0);
    expect(rep.totals.unpriced['gpt-6.1-sol']).toEqual({ calls: rep.totals.calls, reason: 'not in the price table' });
    const human = await cli(['report', 'daily', '--state-dir', st, '--tz', 'UTC']);
    expect(human.stdout).toMatch(/unpriced/);
    expect(human.stdout).toMatch(/gpt-6\.1-sol: 1 call \(not in the price table\)/);
    expect(human.stdout).not.toMatch(/\$0\.00/);
    const sessions = await cli(['sessions', '--state-dir', st]);
    expect(sessions.stdout).toMatch(/\bunpriced\b/);
  });
});

describe('report limits', () => {
  it('shows which sessions used how much of the 5-hour and weekly windows', async () => {
    const lim = testDir('ct-limits-');
    mkdirSync(join(lim, DAY_DIR), { recursive: true });
    const resets5h = 1_795_640_000;
    const resetsWeek = 1_796_200_000;
    // real sessions; their token_count records given the windows a ChatGPT sign-in records
    const withLimits = (name: string, from: number, to: number): void => {
      const src = readFileSync(fixturePath(V, name), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
      const counts = src.filter((r) => r.type === 'event_msg' && r.payload.type === 'token_count' && r.payload.rate_limits);
      counts.forEach((r, i) => {
        const used = counts.length === 1 ? to : from + ((to - from) * i) / (counts.length - 1);
        r.payload.rate_limits = {
          limit_id: 'codex',
          limit_name: null,
          primary: { used_percent: used, window_minutes: 300, resets_at: resets5h },
          secondary: { used_percent: used / 10, window_minutes: 10080, resets_at: resetsWeek },
          credits: null,
          plan_type: 'pro',
        };
      });
      writeFileSync(join(lim, DAY_DIR, rolloutName(String(src[0]!.payload.id))), `${src.map((r) => JSON.stringify(r)).join('\n')}\n`);
    };
    withLimits('e-multi-tool.jsonl', 10, 20);
    withLimits('b-shell.jsonl', 20, 25);
    const r = await cli(['report', 'limits', '--codex-home', lim, '--json', '--tz', 'UTC']);
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(r.stdout) as {
      windows: { slot: string; windowMinutes: number; peakPercent: number; sessions: { fromPercent: number; toPercent: number }[] }[];
    };
    const { windows } = parsed;
    const five = windows.find((w) => w.windowMinutes === 300);
    expect(five?.peakPercent).toBe(25);
    expect(five?.sessions.map((s) => [s.fromPercent, s.toPercent]).sort()).toEqual([
      [10, 20],
      [20, 25],
    ]);
    expect(windows.find((w) => w.windowMinutes === 10080)?.peakPercent).toBe(2.5);
    const human = await cli(['report', 'limits', '--codex-home', lim, '--tz', 'UTC']);
    expect(human.stdout).toMatch(/5-hour window \(codex, resets .*\): peak 25% used/);
    expect(human.stdout).toMatch(/weekly window/);
    // a compressed rollout is read too
    const zst = readFileSync(join(FIXTURES, 'zst', 'b-shell-limits-0.140.0.jsonl.zst'));
    const zHome = testDir('ct-limits-zst-');
    mkdirSync(join(zHome, DAY_DIR), { recursive: true });
    writeFileSync(join(zHome, DAY_DIR, `${rolloutName('01a213a2-dc50-7dd2-8a1a-f5e427f2635b')}.zst`), zst);
    const z = JSON.parse((await cli(['report', 'limits', '--codex-home', zHome, '--json', '--tz', 'UTC'])).stdout) as typeof parsed;
    expect(z.windows.find((w) => w.windowMinutes === 300)?.sessions.map((s) => [s.fromPercent, s.toPercent])).toEqual([[30, 34]]);
    const missing = await cli(['report', 'limits', '--codex-home', join(lim, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});

describe('report keys', () => {
  it('names a project by its repository (any remote form), weeks by their Monday', async () => {
    const { repoName, weekOf } = await import('../../src/cli/report-groups.js');
    for (const u of ['https://github.com/org/repo.git', 'git@github.com:org/repo.git', 'ssh://git@github.com/org/repo'])
      expect(repoName(u)).toBe('github.com/org/repo');
    expect(repoName('/srv/git/repo')).toBe('/srv/git/repo');
    expect([weekOf('2026-11-23'), weekOf('2026-11-29'), weekOf('2026-11-30')]).toEqual(['2026-11-23', '2026-11-23', '2026-11-30']);
  });
});
