/**
 * Files that are not what their names say: a FIFO or a directory named `rollout-*.jsonl`,
 * a `.jsonl.zst` that inflates to gigabytes, a TS-era `.json` too large to read whole.
 * None may hang, crash, or hold memory in proportion to what it claims to contain.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliBundle, removeBundle, spawnCli, storedSpans } from '../helpers/cli.js';
import { DAY_DIR, fixtureText, putRollout } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

afterAll(() => {
  runCleanups();
  removeBundle();
});

const name = (n: number, ext = 'jsonl'): string => `rollout-2026-11-25T10-00-0${n}-01a213a3-0000-7000-8000-00000000000${n}.${ext}`;

/** A home with one real rollout beside a FIFO, a directory and a sparse 300 MB `.json`, all named like rollouts. */
function hostileHome(): { home: string; fifo: string; dir: string; big: string } {
  const home = testDir();
  putRollout(home, fixtureText('b-shell.jsonl'));
  const day = join(home, DAY_DIR);
  const fifo = join(day, name(2));
  execFileSync('mkfifo', [fifo]);
  const dir = join(day, name(3));
  mkdirSync(dir);
  const big = join(day, name(5, 'json'));
  writeFileSync(big, '{');
  truncateSync(big, 300 * 1024 * 1024); // sparse: the size is what is judged (it starts like a rollout)
  return { home, fifo, dir, big };
}

/**
 * A zstd frame of a raw block holding "{" (so that it starts like a rollout), RLE blocks
 * (RFC 8878 §3.1.1.2: each 4-byte block inflates to 128 KiB of "a"), then a raw block
 * holding one newline: `blocks × 128 KiB` of one line.
 */
function zstBomb(blocks: number): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])]; // magic; no content size; window 128 KiB
  parts.push(Buffer.from([0x08, 0x00, 0x00, 0x7b])); // raw, 1 byte: "{"
  const rle = Buffer.from([0x02, 0x00, 0x10, 0x61]); // size 131072 << 3 | RLE << 1, byte 'a'
  for (let i = 0; i < blocks; i++) parts.push(rle);
  parts.push(Buffer.from([0x09, 0x00, 0x00, 0x0a])); // last, raw, 1 byte: "\n"
  return Buffer.concat(parts);
}

/** Peak resident memory (MB) of a child, sampled from /proc while it runs. */
async function peakRssMb(args: string[]): Promise<{ peak: number; stderr: string; code: number | null }> {
  const file = await cliBundle();
  const proc = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // exited between two samples
    }
  }, 20);
  const code = await new Promise<number | null>((res) => proc.on('close', res));
  clearInterval(timer);
  return { peak, stderr, code };
}

describe('files named like rollouts that are not regular files', () => {
  it('show on a FIFO or a directory returns at once with a clear error (exit 2), never blocks in open()', async () => {
    const { fifo, dir } = hostileHome();
    for (const p of [fifo, dir]) {
      const started = Date.now();
      const r = await cli(['show', p]);
      expect(r.code, p).toBe(2);
      expect(r.stderr).toContain(p);
      expect(r.stderr).toMatch(/not a regular file|is a directory/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('backfill and trace go on past them (and past a .json too large to read whole), naming the file', async () => {
    const { home, big } = hostileHome();
    const state = testDir();
    const bf = await cli(['backfill', '--codex-home', home, '--state-dir', state]);
    expect(bf.stderr).toContain(big);
    expect(bf.stderr).toMatch(/larger than \d+ bytes/);
    expect(bf.stderr).not.toMatch(/\n\s+at /);
    expect(storedSpans(state).filter((s) => s.kind === 'tool')).toHaveLength(1);
    const tr = await cli(['trace', home, '--sink', 'jsonl', '--out', join(testDir(), 'o.jsonl')]);
    expect(tr.stderr).toContain(big);
    expect(tr.stdout + tr.stderr).toMatch(/spans delivered: 5/);
  });

  it('watch keeps tracing the other files with a FIFO in the folder, and stops on SIGTERM', async () => {
    const { home } = hostileHome();
    const state = testDir();
    const w = await spawnCli(['watch', '--codex-home', home, '--state-dir', state, '--idle', '1h'], {});
    try {
      await waitFor(() => w.stderr().includes('caught up'), 15_000, 'caught up');
      writeFileSync(join(home, DAY_DIR, name(7)), fixtureText('a-text.jsonl'));
      await waitFor(
        () => {
          try {
            return storedSpans(state).some((s) => s.kind === 'llm' && s.traceId !== storedSpans(state)[0]?.traceId);
          } catch {
            return false;
          }
        },
        15_000,
        'the new file traced',
      );
    } finally {
      w.proc.kill('SIGTERM');
    }
    const r = await w.exited;
    expect(r.code).toBe(0);
  });
});

describe('a .jsonl.zst that inflates to half a gigabyte', () => {
  it('is read in bounded memory (the line limit applies), with a warning naming file and offset', async () => {
    const path = putRollout(testDir(), '', '01a213a3-0000-7000-8000-0000000000aa').replace(/\.jsonl$/, '.jsonl.zst');
    writeFileSync(path, zstBomb(4096)); // 16 KB on disk, 512 MiB inflated
    const r = await peakRssMb(['show', path]);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(/offset=0 code=line_too_long/);
    expect(r.peak).toBeGreaterThan(0);
    expect(r.peak).toBeLessThan(250);
  });
});
