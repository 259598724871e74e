/**
 * A 64 MB single line (e.g. a runaway tool output) in the middle of a real rollout:
 * skipped with a warning naming file and offset, the rest traced, and memory bounded
 * — peak RSS of a child process grows by well under the line's size compared with the
 * same file without it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliBundle, jsonlSpans, removeBundle, runChild, storedSpans } from '../helpers/cli.js';
import { fixtureText, putRollout } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

const LINE_BYTES = 64 * 1024 * 1024;
const E = fixtureText('e-multi-tool.jsonl');
const LINES = E.split('\n').slice(0, -1);
const AT = 10;

let preload: string;
beforeAll(async () => {
  await cliBundle();
  preload = join(testDir(), 'maxrss.cjs');
  // VmHWM, not resourceUsage().maxRSS: Linux carries the parent's peak across fork+exec
  writeFileSync(
    preload,
    "process.on('exit', () => { const m = /VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8')); process.stderr.write('MAXRSS_KB=' + (m ? m[1] : '') + '\\n'); });\n",
  );
});
afterAll(() => {
  removeBundle();
  runCleanups();
});

function maxRssMb(stderr: string): number {
  const m = /MAXRSS_KB=(\d+)/.exec(stderr);
  if (!m) throw new Error(`no MAXRSS in: ${stderr.slice(-500)}`);
  return Number(m[1]) / 1024;
}

/** A valid JSON record whose string field makes the line LINE_BYTES long. */
function hugeRecord(): Buffer {
  const head = Buffer.from(
    '{"timestamp":"2026-11-25T16:56:36.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"call_huge","output":"',
  );
  const tail = Buffer.from('"}}');
  const body = Buffer.alloc(LINE_BYTES - head.length - tail.length, 'x');
  return Buffer.concat([head, body, tail]);
}

function files(): { clean: string; huge: string; offset: number; homeClean: string; homeHuge: string } {
  const homeClean = testDir();
  const homeHuge = testDir();
  const clean = putRollout(homeClean, E);
  const before = Buffer.from(`${LINES.slice(0, AT).join('\n')}\n`);
  const buf = Buffer.concat([before, hugeRecord(), Buffer.from(`\n${LINES.slice(AT).join('\n')}\n`)]);
  const huge = putRollout(homeHuge, buf);
  return { clean, huge, offset: before.length, homeClean, homeHuge };
}

describe('a 64 MB line', () => {
  it('show and backfill skip it with a warning (file, offset), trace the rest, and stay far below its size in memory', async () => {
    const f = files();
    const env = { NODE_OPTIONS: `--require ${preload}` };
    const base = await runChild(['show', f.clean, '--format', 'jsonl'], env, 25_000);
    const big = await runChild(['show', f.huge, '--format', 'jsonl'], env, 25_000);
    expect(base.code).toBe(0);
    expect(big.code).toBe(0);
    expect(big.stderr).toContain(`file=${f.huge} offset=${f.offset} code=line_too_long`);
    const want = jsonlSpans(base.stdout)
      .map((s) => s.spanId)
      .sort();
    expect(
      jsonlSpans(big.stdout)
        .map((s) => s.spanId)
        .sort(),
    ).toEqual(want);
    const growShow = maxRssMb(big.stderr) - maxRssMb(base.stderr);

    const s1 = testDir();
    const s2 = testDir();
    const b1 = await runChild(['backfill', '--codex-home', f.homeClean, '--state-dir', s1], env, 25_000);
    const b2 = await runChild(['backfill', '--codex-home', f.homeHuge, '--state-dir', s2], env, 25_000);
    expect(b1.code).toBe(0);
    expect(b2.code).toBe(0);
    expect(b2.stderr).toContain(`file=${f.huge} offset=${f.offset} code=line_too_long`);
    expect(
      storedSpans(s2)
        .map((s) => s.spanId)
        .sort(),
    ).toEqual(want);
    const growBackfill = maxRssMb(b2.stderr) - maxRssMb(b1.stderr);
    process.stderr.write(
      `64 MB line: peak RSS ${maxRssMb(base.stderr).toFixed(1)} -> ${maxRssMb(big.stderr).toFixed(1)} MB (show), ${maxRssMb(b1.stderr).toFixed(1)} -> ${maxRssMb(b2.stderr).toFixed(1)} MB (backfill); growth show ${growShow.toFixed(1)} MB, backfill ${growBackfill.toFixed(1)} MB\n`,
    );
    // the reader holds at most the 16 MB line limit before it gives the line up (up to three
    // times that with GC lag: the base run, which loads no OpenTelemetry, starts with a small
    // heap, so collections come later); holding the 64 MB line would grow by more than 64 MB
    expect(growShow).toBeLessThan(48);
    expect(growBackfill).toBeLessThan(48);
  });
});
