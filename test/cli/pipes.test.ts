/**
 * Pipes and machine output, the built CLI as a process: stdout carries only data (a jsonl
 * sink's spans, with the summary on stderr), a reader that goes away (`| head -1`) ends every
 * command quietly with exit 0, and a bad argument is a usage error (exit 2) saying what was expected.
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCleanups, testDir } from '../helpers/index.js';
import { cleanEnv, ROOT, runBin, runPiped } from './proc.js';

let home: string;
let state: string;
let env: NodeJS.ProcessEnv;
const FILE = 'rollout-2026-11-25T16-56-43-01a213a3-5f3f-72c3-a83d-a033ed259373.jsonl';
let file: string;

beforeAll(async () => {
  home = testDir('ct-pipe-home-');
  cpSync(join(ROOT, 'fixtures', 'sample-codex-home'), home, { recursive: true });
  file = join(home, 'sessions', '2026', '11', '25', FILE);
  state = testDir('ct-pipe-state-');
  env = cleanEnv(testDir(), { CODEX_HOME: home, XDG_STATE_HOME: state });
  expect((await runBin(['backfill'], env)).code).toBe(0);
});
afterAll(runCleanups);

const isJsonLine = (l: string): boolean => {
  try {
    return typeof JSON.parse(l) === 'object';
  } catch {
    return false;
  }
};

describe('stdout carries only data', () => {
  it('trace --sink jsonl: every stdout line is a span, the summary is on stderr (also with --json)', async () => {
    for (const extra of [[], ['--json']]) {
      const r = await runBin(['trace', home, '--sink', 'jsonl', ...extra], env);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(63);
      expect(lines.filter((l) => !isJsonLine(l))).toEqual([]);
      expect(lines.every((l) => 'spanId' in (JSON.parse(l) as object))).toBe(true);
      expect(r.stderr).toMatch(extra.length ? /"spansDelivered":63/ : /spans delivered: 63/);
    }
  });

  it('backfill --sink jsonl --force: spans on stdout, summary on stderr', async () => {
    const r = await runBin(['backfill', '--sink', 'jsonl', '--force'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n').every(isJsonLine)).toBe(true);
    expect(r.stderr).toMatch(/^files: 9 \(9 read/m);
  });
});

describe('a closed pipe ends the command quietly, exit 0', () => {
  const cases: [string, string[]][] = [
    ['show FILE --format jsonl', ['show', '', '--format', 'jsonl']],
    ['show FILE (tree)', ['show', '']],
    ['show ID', ['show', '01a213a3-5f3f']],
    ['sessions', ['sessions']],
    ['sessions --json', ['sessions', '--json']],
    ['trace --sink jsonl', ['trace', '', '--sink', 'jsonl']],
    ['status', ['status']],
    ['doctor', ['doctor']],
    ['--help', ['--help']],
  ];
  it.each(cases)('%s | true (a reader that is gone before the first write)', (_name, args) => {
    const r = runPiped(
      args.map((a) => (a === '' ? file : a)),
      'true',
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
  });
});

describe('a bad argument is a usage error saying what was expected', () => {
  const cases: [string[], RegExp][] = [
    [['show', 'DIR'], /show: .* is a directory; expected rollout files \(rollout-\*\.jsonl\) or a session id\. To trace a folder, use `codex-tracer trace /],
    [['sessions', '--limit', 'abc'], /--limit: expected a whole number of at least 1, got "abc"/],
    [['sessions', '--limit', '0'], /--limit: expected a whole number of at least 1, got "0"/],
    [['sessions', '--since', '11/25/2026'], /--since: "11\/25\/2026" is not a date: use YYYY-MM-DD, an ISO-8601 time .*today, yesterday, or an age like 7d/],
    [['backfill', '--until', '2026-13-01'], /--until: "2026-13-01" is not a date/],
    [['backfill', '--concurrency', 'many'], /--concurrency: expected a whole number of at least 1, got "many"/],
    [['show', 'FILE', '--depth', 'x'], /--depth: expected a whole number, got "x"/],
    [['show', 'FILE', '--kind', 'bogus'], /--kind: expected one of session, turn, subagent, compaction, llm, tool, got "bogus"/],
    [['show', 'FILE', '--min-duration', 'soon'], /--min-duration: "soon" is not a duration/],
    [['trace', 'FILE', '--timeout', 'never'], /--timeout: "never" is not a duration/],
    [['trace', 'FILE', '--sink', 'otlp', '--otlp-endpoint', 'not a url'], /--otlp-endpoint: "not a url" is not a URL/],
  ];
  it.each(cases)('%j', async (args, message) => {
    const dir = testDir();
    mkdirSync(join(dir, 'DIR'));
    const r = await runBin(
      args.map((a) => (a === 'DIR' ? join(dir, 'DIR') : a === 'FILE' ? file : a)),
      env,
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/EISDIR|datatype mismatch|\n\s+at /);
    expect(r.stdout).toBe('');
  });
});
