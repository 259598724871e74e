/** The terminal helpers on their own: durations, numbers, dates, fitting, the progress bar's first frame and ETA. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../src/cli/config.js';
import { colourEnabled, fitSegments, formatDuration, humanNumber, makeTerminal, spanDuration } from '../../src/cli/format.js';
import { createLogger } from '../../src/cli/log.js';
import { createProgress, groupingLogger } from '../../src/cli/progress.js';
import { uniquePrefixLength } from '../../src/cli/sessions.js';
import { shellJoin } from '../../src/rollout/tool-output.js';

describe('durations', () => {
  it('carry seconds into minutes: +2m00s, not +1m60s', () => {
    expect(formatDuration(119_600)).toBe('2m00s');
    expect(formatDuration(59_999)).toBe('1m00s');
    expect(formatDuration(59_000)).toBe('59.00s');
    expect(formatDuration(3_599_700)).toBe('1h00m');
    expect(formatDuration(850)).toBe('850ms');
  });
  it('unknown is ?', () => {
    expect(spanDuration(0)).toBe('?');
    expect(spanDuration(null)).toBe('?');
    expect(spanDuration(Number.NaN)).toBe('?');
    expect(spanDuration(12)).toBe('12ms');
  });
});

describe('numbers', () => {
  it('humanized', () => {
    expect(humanNumber(651_728_840)).toBe('651.7M');
    expect(humanNumber(35_180)).toBe('35.2k');
    expect(humanNumber(999)).toBe('999');
    expect(humanNumber(999_960)).toBe('1.0M');
    expect(humanNumber(2_500_000_000)).toBe('2.5B');
  });
});

describe('dates', () => {
  const now = new Date(2026, 10, 25, 15, 30); // local time
  it('ages, today, yesterday, ISO; a bare --until day is whole', () => {
    expect(parseDate('7d', '--since', 'since', now)?.getTime()).toBe(now.getTime() - 7 * 86_400_000);
    expect(parseDate('12h', '--since', 'since', now)?.getTime()).toBe(now.getTime() - 12 * 3_600_000);
    expect(parseDate('yesterday', '--since', 'since', now)).toEqual(new Date(2026, 10, 24));
    expect(parseDate('yesterday', '--until', 'until', now)).toEqual(new Date(2026, 10, 25));
    expect(parseDate('today', '--since', 'since', now)).toEqual(new Date(2026, 10, 25));
    expect(parseDate('2026-11-25', '--since')).toEqual(new Date(2026, 10, 25));
    expect(parseDate('2026-11-25', '--until')).toEqual(new Date(2026, 10, 26));
    expect(parseDate('2026-11-25T14:00:00Z', '--until')).toEqual(new Date(Date.UTC(2026, 10, 25, 14)));
  });
  it('refuses ambiguous and impossible forms', () => {
    for (const bad of ['11/25/2026', '25/11/2026', '2026-02-30', 'last week', '2026-11-25 14:00']) {
      expect(() => parseDate(bad, '--since'), bad).toThrow(/is not a date: use YYYY-MM-DD/);
    }
  });
});

describe('fitting and colour', () => {
  it('cuts the line at the width with …', () => {
    expect(fitSegments([{ text: 'abcdef' }, { text: 'ghij' }], 8).map((s) => s.text)).toEqual(['abcdef', 'g…']);
    expect(makeTerminal({ stream: {}, env: { COLUMNS: '5' } }).line([{ text: 'abcdefgh' }])).toBe('abcd…');
  });
  it('NO_COLOR, --no-color and TERM=dumb turn colour off; FORCE_COLOR turns it on', () => {
    const tty = { isTTY: true };
    expect(colourEnabled({ stream: tty, env: {} })).toBe(true);
    expect(colourEnabled({ stream: tty, env: { NO_COLOR: '1' } })).toBe(false);
    expect(colourEnabled({ stream: tty, env: {}, colorFlag: false })).toBe(false);
    expect(colourEnabled({ stream: tty, env: { TERM: 'dumb' } })).toBe(false);
    expect(colourEnabled({ stream: {}, env: {} })).toBe(false);
    expect(colourEnabled({ stream: {}, env: { FORCE_COLOR: '1' } })).toBe(true);
  });
  it('session ids shorten to a prefix that still tells them apart', () => {
    expect(uniquePrefixLength(['01a213a3-5f3f-72c3', '01a213a3-5f96-7ce0'])).toBe(13);
    expect(uniquePrefixLength(['01a213a3-5f3f-72c3-a', '01a213a3-5f3f-72c3-b'])).toBe(20);
  });
});

describe('Windows commands', () => {
  it('are the script the shell ran', () => {
    expect(shellJoin(['C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '-NoProfile', '-Command', 'Get-ChildItem -Force'])).toBe(
      'Get-ChildItem -Force',
    );
    expect(shellJoin(['pwsh.exe', '-c', 'ls'])).toBe('ls');
    expect(shellJoin(['C:\\Windows\\system32\\cmd.exe', '/c', 'dir', '/b'])).toBe('dir /b');
    expect(shellJoin(['/bin/bash', '-lc', 'ls -1'])).toBe('ls -1');
  });
});

describe('progress', () => {
  const tty = (): PassThrough & { isTTY: boolean; text: () => string } => {
    const s = new PassThrough() as PassThrough & { isTTY: boolean; text: () => string };
    let out = '';
    s.on('data', (b: Buffer) => (out += b.toString()));
    s.isTTY = true;
    s.text = () => out;
    return s;
  };

  it('draws at once, then an ETA from the bytes still to read', async () => {
    let t = 0;
    const s = tty();
    const p = createProgress(s, makeTerminal({ stream: s, env: {} }), { enabled: true, phase: 'finding rollouts under /h', now: () => t });
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toContain('finding rollouts under /h …'); // before any file was found
    p.start(10, 1_000_000);
    t = 10_000;
    p.update({ files: 1, bytes: 250_000 }, 7); // a quarter of the bytes in 10 s: 30 s to go
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toContain('1/10 files  0.3/1.0 MB  7 spans  ETA 30.00s');
    p.done();
  });

  it('while a sink is down it says so instead of an ETA', async () => {
    let t = 0;
    const s = tty();
    const p = createProgress(s, makeTerminal({ stream: {}, env: {} }), { enabled: true, phase: 'x', now: () => t, stalled: () => 'otlp down, retrying' });
    p.start(9, 400_000);
    t = 60_000;
    p.update({ files: 0, bytes: 0 }, 0);
    await new Promise((r) => setImmediate(r));
    expect(s.text()).toContain('0/9 files  0.0/0.4 MB  0 spans  otlp down, retrying');
    expect(s.text()).not.toMatch(/ETA \d/);
    p.done();
  });

  it('a repeated warning is said once, then counted', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (b: Buffer) => (text += b.toString()));
    const log = groupingLogger(
      createLogger(out, { level: 'info', format: 'text' }),
      createProgress(out, makeTerminal({ stream: {}, env: {} }), { enabled: false, phase: '' }),
    );
    for (let i = 0; i < 5; i++) log.warn('bad input', { file: `f${i}`, code: 'unknown_record', reason: 'x' });
    log.warn('bad input', { file: 'g', code: 'bad_line', reason: 'y' });
    log.summarize();
    expect(text.match(/msg="bad input"/g)).toHaveLength(2);
    expect(text).toMatch(/msg="bad input: 4 more like the one above" code=unknown_record times=5/);
  });
});
