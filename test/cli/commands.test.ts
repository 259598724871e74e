/**
 * backfill, sessions, status and show over a temp CODEX_HOME of real fixtures:
 * summaries and listings checked against the fixtures' ground truth, a second run
 * that finds nothing new, --force without duplicates, exit codes.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, showFiles, spanDiff, storeSpans } from '../helpers/cli.js';
import { fixturePath, type HomeFile, makeCodexHome } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

interface Truth {
  thread_id: string;
  turns: number;
  model_calls: number;
  tool_calls: unknown[];
  failing_calls: unknown[];
  usage_sum: { input: number; cached: number; output: number; reasoning: number };
}

const V = '0.169.0';
const truthOf = (f: HomeFile): Truth => JSON.parse(readFileSync(fixturePath(V, f.fixture.split('/')[1]!.replace(/\.jsonl$/, '.truth.json')), 'utf8')) as Truth;
const isChild = (f: HomeFile): boolean => /\.\d+\.jsonl$/.test(f.fixture);

let home: string;
let files: HomeFile[];
let state: string;
/** every span `show FILE` prints for the home, a parent and its subagent file together */
let expectedSpans: string[];

beforeAll(async () => {
  ({ home, files } = makeCodexHome([V]));
  state = testDir('ct-state-');
  const parents = files.filter((f) => !isChild(f) && !f.fixture.includes('i-subagent'));
  const pair = files.filter((f) => f.fixture.includes('i-subagent'));
  expectedSpans = (await Promise.all([...parents.map((f) => showFiles([f.path])), showFiles(pair.map((f) => f.path))])).flat().sort();
});
afterAll(runCleanups);

const sum = (fs: HomeFile[], pick: (t: Truth) => number): number => fs.reduce((a, f) => a + pick(truthOf(f)), 0);

describe('backfill', () => {
  it('traces everything once and summarizes it (--json)', async () => {
    const r = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({
      files: files.length,
      filesRead: files.length,
      sessions: files.length - 1,
      turns: sum(files, (t) => t.turns),
      modelCalls: sum(files, (t) => t.model_calls),
      toolCalls: sum(files, (t) => t.tool_calls.length),
      inputTokens: sum(files, (t) => t.usage_sum.input),
      cachedTokens: sum(files, (t) => t.usage_sum.cached),
      outputTokens: sum(files, (t) => t.usage_sum.output),
      reasoningTokens: sum(files, (t) => t.usage_sum.reasoning),
      errorSpans: 1,
      warnings: 0,
      badLines: 0,
      undeliveredFiles: 0,
      errors: [],
      codexHome: home,
      sinks: ['local'],
    });
    expect(s.spansDelivered).toBe(expectedSpans.length);
    expect(spanDiff(expectedSpans, storeSpans(state))).toEqual([]);
  });

  it('finds nothing new the second time, and --force adds no duplicates', async () => {
    const again = await cli(['backfill', '--codex-home', home, '--state-dir', state]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^Nothing new: the 10 rollout file\(s\) under .* are already traced \(use --force/);
    const json = JSON.parse((await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ files: 10, filesRead: 0, spansDelivered: 0 });
    const forced = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^files: 10 \(10 read, 0\.5 MB\)$/m);
    expect(spanDiff(expectedSpans, storeSpans(state))).toEqual([]);
  });

  it('exits 2 with a clear message when CODEX_HOME does not exist', async () => {
    const missing = join(testDir(), 'no-such-home');
    const r = await cli(['backfill', '--state-dir', testDir()], { CODEX_HOME: missing });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing} does not exist`);
    expect(r.stderr.match(/set CODEX_HOME/g)).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});

describe('show ID', () => {
  it('finds a session by a prefix of its id, in the state dir of the environment', async () => {
    const xdg = testDir('ct-xdg-');
    expect((await cli(['backfill', '--codex-home', home], { XDG_STATE_HOME: xdg })).code).toBe(0);
    const a = files.find((f) => f.fixture.endsWith('/e-multi-tool.jsonl')) as HomeFile;
    const r = await cli(['show', a.threadId.slice(0, 13), '--format', 'jsonl'], { XDG_STATE_HOME: xdg });
    expect(r.code, r.stderr).toBe(0);
    expect(spanDiff(await showFiles([a.path]), r.stdout.split('\n').filter(Boolean).sort())).toEqual([]);
    const tree = await cli(['show', a.threadId, '--state-dir', join(xdg, 'codex-tracer')]);
    expect(tree.stdout).toContain('invoke_agent codex');
  });

  it('exits 2 for an id that matches no session', async () => {
    const r = await cli(['show', 'ffffffff-0000', '--state-dir', state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no session matches "ffffffff-0000"');
    expect(r.stdout).toBe('');
  });
});

describe('sessions', () => {
  it('lists one row per session with the truth counts (--json)', async () => {
    const r = await cli(['sessions', '--state-dir', state, '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(files.length - 1);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual([
        'cachedTokens',
        'costUsd',
        'cwd',
        'durationMs',
        'endTime',
        'errors',
        'inputTokens',
        'llmCalls',
        'model',
        'outputTokens',
        'project',
        'reasoningTokens',
        'sessionId',
        'spanId',
        'startTime',
        'status',
        'toolCalls',
        'traceId',
        'turns',
        'unpriced',
        'unpricedCalls',
      ]);
    }
    for (const f of files.filter((x) => !isChild(x))) {
      const tree = files.filter((x) => x.fixture.startsWith(f.fixture.replace(/\.jsonl$/, '')));
      const row = rows.find((x) => x.sessionId === f.threadId);
      expect(row, f.fixture).toMatchObject({
        project: 'work',
        status: 'ok',
        model: 'gpt-5.5',
        turns: sum(tree, (t) => t.turns),
        llmCalls: sum(tree, (t) => t.model_calls),
        toolCalls: sum(tree, (t) => t.tool_calls.length),
        errors: sum(tree, (t) => t.failing_calls.length),
        inputTokens: sum(tree, (t) => t.usage_sum.input),
        outputTokens: sum(tree, (t) => t.usage_sum.output),
        cachedTokens: sum(tree, (t) => t.usage_sum.cached),
      });
      expect(row?.durationMs).toBeGreaterThan(0);
    }
  });

  it('prints a table, and says so when the store is empty', async () => {
    const r = await cli(['sessions', '--state-dir', state]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^START\s+PROJECT\s+TURNS\s+LLM\s+TOOLS\s+IN\s+CACHED\s+OUT\s+COST\s+ERR\s+DURATION\s+SESSION$/);
    expect(lines).toHaveLength(files.length);
    const hc = files.find((f) => f.fixture.endsWith('/h-compaction.jsonl')) as HomeFile;
    expect(lines.find((l) => l.endsWith(hc.threadId))).toMatch(
      /^2026-11-2\d \d\d:\d\d\s+work\s+1\s+3\s+1\s+30\.\dk\s+14\.\dk\s+56\s+\$\d+\.\d{4}\s+0\s+\d+ms\s/,
    );
    const none = testDir();
    const empty = await cli(['sessions', '--state-dir', none]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toContain('No sessions in the store yet');
    expect(existsSync(join(none, 'traces.sqlite')), 'sessions is read-only: it creates no store').toBe(false);
  });
});

describe('status', () => {
  it('reports files, cursors and lag (--json), and a file that grew as behind', async () => {
    const r = await cli(['status', '--codex-home', home, '--state-dir', state, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { store: Record<string, unknown>; files: Record<string, number>; watcher: { running: boolean }; behind: unknown[] };
    expect(s).toMatchObject({ codexHome: home, codexHomeExists: true, stateDir: state, watcher: { running: false }, behind: [], warnings: [] });
    expect(s.store).toMatchObject({ path: join(state, 'traces.sqlite'), exists: true, spans: expectedSpans.length, sessions: 9, openSpans: 0, cursors: 10 });
    expect(s.files).toEqual({ discovered: 10, traced: 10, behind: 0, lagBytes: 0, notFinalized: 0 });

    const grown = files[0] as HomeFile;
    const partial = '{"timestamp":"2026-11-25T17:00:00.000Z","type":"event_msg"';
    appendFileSync(grown.path, partial);
    const lag = Buffer.byteLength(partial);
    const after = JSON.parse((await cli(['status', '--codex-home', home, '--state-dir', state, '--json'])).stdout) as typeof s;
    expect(after.files).toMatchObject({ discovered: 10, traced: 10, behind: 1, lagBytes: lag });
    expect(after.behind).toEqual([{ path: grown.path, lagBytes: lag }]);

    const text = await cli(['status', '--codex-home', home, '--state-dir', state]);
    expect(text.stdout).toContain(`codex home:  ${home}\n`);
    expect(text.stdout).toMatch(/store: .*\(9 sessions, \d+ spans, 0 open/);
    expect(text.stdout).toContain(`files:       10 found, 10 traced, 1 behind (${lag} bytes), 0 sessions still open`);
    expect(text.stdout).toContain(`  behind: ${grown.path} (${lag} bytes)`);
  });

  it('works before anything was traced', async () => {
    const r = await cli(['status', '--codex-home', join(testDir(), 'nothing'), '--state-dir', testDir(), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ codexHomeExists: false, store: { exists: false }, files: { discovered: 0 } });
  });
});
