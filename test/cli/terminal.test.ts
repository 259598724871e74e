/**
 * In a real terminal (a pseudo-terminal from util-linux `script`) and through a pipe: lines
 * fit the width (cut with …), colour on a TTY unless NO_COLOR / --no-color, humanized numbers
 * with exact ones in --json, `?` for unknown durations, the command a Windows shell ran,
 * show's filters, dates the same in every command, an example in every --help, the per-session
 * table of --summary-md.
 */
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, runCleanups, testDir } from '../helpers/index.js';
import { cleanEnv, HAVE_SCRIPT, ROOT, runBin, runInPty } from './proc.js';

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const visible = (l: string): number => [...l.replace(ANSI, '')].length;
let home: string;
let env: NodeJS.ProcessEnv;
let file: string;

beforeAll(async () => {
  home = testDir('ct-term-home-');
  cpSync(join(ROOT, 'fixtures', 'sample-codex-home'), home, { recursive: true });
  file = join(home, 'sessions', '2026', '11', '25', 'rollout-2026-11-25T16-56-43-01a213a3-5f3f-72c3-a83d-a033ed259373.jsonl');
  env = cleanEnv(testDir(), { CODEX_HOME: home, XDG_STATE_HOME: testDir('ct-term-xdg-') });
  expect((await runBin(['backfill'], env)).code).toBe(0);
});
afterAll(runCleanups);

describe.runIf(HAVE_SCRIPT)('in a terminal 80 columns wide', () => {
  it('sessions and show fit the width, cut with …, in colour', () => {
    for (const args of [['sessions'], ['show', file]]) {
      const r = runInPty(args, env, 80);
      expect(r.code, r.stdout).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(Math.max(...lines.map(visible)), r.stdout).toBeLessThanOrEqual(80);
      expect(r.stdout).toMatch(ANSI);
      if (args[0] === 'show') {
        expect(r.stdout).toContain('…');
        expect(r.stdout).toContain(`${ESC}[32mok${ESC}[39m`); // status in green
      } else {
        expect(r.stdout.replace(ANSI, '')).toMatch(/^START\s+PROJECT/m);
        expect(r.stdout.replace(ANSI, '')).toMatch(/01a213a3-5f3f/); // a prefix show takes, when whole ids do not fit
      }
    }
  });

  it('no colour with NO_COLOR or --no-color', () => {
    expect(runInPty(['sessions'], { ...env, NO_COLOR: '1' }).stdout).not.toMatch(ANSI);
    expect(runInPty(['show', file, '--no-color'], env).stdout).not.toMatch(ANSI);
  });

  it('backfill draws its progress bar at once and ends with the summary', () => {
    const r = runInPty(['backfill', '--force', '--codex-home', home, '--state-dir', testDir()], env, 100);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`finding rollouts under ${home} …`);
    expect(r.stdout).toMatch(/\[#+-*\] \d+\/9 files {2}[\d.]+\/0\.4 MB {2}\d+ spans {2}ETA/);
    expect(r.stdout).toMatch(/files: 9 \(9 read, 0\.4 MB\)/);
  });
});

describe('through a pipe', () => {
  it('no colour, whole lines, exact numbers in --json and humanized in the table', async () => {
    const table = await runBin(['sessions'], env);
    expect(table.stdout).not.toMatch(ANSI);
    const row = table.stdout.split('\n').find((l) => l.endsWith('01a213a3-5f3f-72c3-a83d-a033ed259373')) as string;
    expect(row).toMatch(/\s35\.2k\s+20\.9k\s+80\s/);
    const json = JSON.parse((await runBin(['sessions', '--json'], env)).stdout) as { sessionId: string; inputTokens: number }[];
    const exact = json.find((s) => s.sessionId === '01a213a3-5f3f-72c3-a83d-a033ed259373')?.inputTokens as number;
    expect(exact).toBeGreaterThan(35_150);
    expect(exact).toBeLessThan(35_250);
    expect(Number.isInteger(exact)).toBe(true);
    const tree = await runBin(['show', file], env);
    expect(Math.max(...tree.stdout.split('\n').map(visible))).toBeGreaterThan(80);
  });

  it('COLUMNS and FORCE_COLOR are honoured without a terminal', async () => {
    const r = await runBin(['show', file], { ...env, COLUMNS: '60', FORCE_COLOR: '1' });
    expect(r.stdout).toMatch(ANSI);
    expect(Math.max(...r.stdout.trimEnd().split('\n').map(visible))).toBeLessThanOrEqual(60);
  });

  it('an unknown duration is ?, never 0ms', async () => {
    // 0.50 records no timing for apply_patch and some commands: their start and end are one instant
    const r = await runBin(
      ['show', join(home, 'sessions', '2026', '11', '25', 'rollout-2026-11-25T16-55-20-01a213a2-1aca-7c10-9f3b-92d4ee298926.jsonl'), '--no-color'],
      env,
    );
    expect(r.stdout).not.toMatch(/\s0ms\s/);
    expect(r.stdout).toMatch(/execute_tool apply_patch\s+\+\d+ms\s+\?\s+ok/);
  });

  it('a Windows command shows as the command the shell ran', async () => {
    const dir = testDir();
    const text = readFileSync(fixturePath('0.169.0', 'b-shell.jsonl'), 'utf8');
    // exec_command_end as Codex writes it on Windows: PowerShell's argv
    const win = text.replace(
      '["/bin/bash","-lc","wc -l notes.txt && cat notes.txt"]',
      JSON.stringify([
        'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        '-NoProfile',
        '-Command',
        'Get-Content notes.txt | Measure-Object -Line',
      ]),
    );
    expect(win).not.toBe(text);
    const path = join(dir, 'rollout-2026-11-25T10-00-00-win.jsonl');
    writeFileSync(path, win);
    const r = await runBin(['show', path, '--no-color'], env);
    expect(r.stdout).toContain('$ Get-Content notes.txt | Measure-Object -Line  exit 0');
    expect(r.stdout).not.toContain('powershell');
  });
});

describe('show filters', () => {
  const failing = fixturePath('0.169.0', 'd-failing-command.jsonl');
  const names = (out: string): string[] =>
    out
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('trace '))
      .map((l) => l.replace(/^[\s│├└─]+/, '').split(/\s{2,}/)[0] as string);

  it('--errors keeps error spans and the spans they sit under', async () => {
    const all = await runBin(['show', failing, '--no-color'], env);
    const r = await runBin(['show', failing, '--errors', '--no-color'], env);
    expect(r.code).toBe(0);
    expect(names(r.stdout).length).toBeLessThan(names(all.stdout).length);
    expect(r.stdout).toMatch(/ERROR/);
    const jsonl = (await runBin(['show', failing, '--errors', '--format', 'jsonl'], env)).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; status: string });
    expect(jsonl.filter((s) => s.status === 'error').length).toBeGreaterThan(0);
    expect(jsonl.every((s) => s.status === 'error' || s.kind === 'session' || s.kind === 'turn')).toBe(true);
  });

  it('--kind, --min-duration and --depth', async () => {
    const tools = (await runBin(['show', failing, '--kind', 'tool', '--format', 'jsonl'], env)).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(new Set(tools.map((s) => s.kind))).toEqual(new Set(['session', 'turn', 'tool']));
    const depth0 = await runBin(['show', failing, '--depth', '0', '--no-color'], env);
    expect(names(depth0.stdout)).toEqual(['invoke_agent codex']);
    const slow = (await runBin(['show', file, '--min-duration', '200ms', '--format', 'jsonl'], env)).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { startTime: string; endTime: string; kind: string });
    const leaves = slow.filter((s) => s.kind === 'llm' || s.kind === 'tool');
    expect(leaves.length).toBeGreaterThan(0);
    expect(leaves.every((s) => Date.parse(s.endTime) - Date.parse(s.startTime) >= 200)).toBe(true);
  });
});

describe('dates: --since and --until mean the same in every command', () => {
  it('a bare --until day is included whole, in backfill and in sessions; 11/25/2026 is refused', async () => {
    const state = testDir();
    const until24 = await runBin(['backfill', '--state-dir', state, '--until', '2026-11-24'], env);
    expect(until24.stderr).toContain('matches --until 2026-11-24');
    const until25 = await runBin(['backfill', '--state-dir', state, '--until', '2026-11-25', '--json'], env);
    expect((JSON.parse(until25.stdout) as { files: number }).files).toBe(9);
    const listed = JSON.parse((await runBin(['sessions', '--state-dir', state, '--until', '2026-11-25', '--json'], env)).stdout) as unknown[];
    expect(listed).toHaveLength(8);
    expect(JSON.parse((await runBin(['sessions', '--state-dir', state, '--until', '2026-11-24', '--json'], env)).stdout)).toEqual([]);
    expect(JSON.parse((await runBin(['sessions', '--state-dir', state, '--since', '2026-11-25', '--json'], env)).stdout)).toHaveLength(8);
    for (const cmd of ['sessions', 'backfill']) {
      const r = await runBin([cmd, '--state-dir', state, '--until', '11/25/2026'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('"11/25/2026" is not a date');
    }
  });
});

describe('--help', () => {
  it.each([
    '',
    'show',
    'backfill',
    'trace',
    'watch',
    'sessions',
    'status',
    'doctor',
    'report',
    'ui',
    'export',
    'service',
    'service install',
    'service uninstall',
    'service status',
    'service logs',
  ])('%s --help has examples', async (cmd) => {
    const r = await runBin([...(cmd ? cmd.split(' ') : []), '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ codex-tracer \S+/);
  });
});

describe('trace --summary-md', () => {
  it('adds a table with a row per session', async () => {
    const md = join(testDir(), 'summary.md');
    appendFileSync(md, '');
    const r = await runBin(['trace', home, '--state-dir', testDir(), '--summary-md', md], env);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('| Session | Project | Turns | Model calls | Tools | Tokens in / out | Errors | Duration |');
    expect(text.match(/^\| `01a213a[0-9a-f-]+` \| work \| \d+ \| \d+ \| \d+ \| [\d.]+k? \/ \d+ \| \d+ \| [\d.]+m?s \|$/gm)).toHaveLength(8);
    expect(text).not.toContain('Delivery failed');
  });
});
