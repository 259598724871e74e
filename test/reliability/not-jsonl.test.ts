/**
 * Files named like rollouts that are not JSON lines — a sparse 4 GB file of NUL bytes, random
 * bytes, a `.jsonl.zst` that inflates to NULs — are recognised by their first bytes and
 * skipped with one warning (file, offset 0, `not_jsonl`), in well under a second, by
 * backfill, trace, show FILE and watch; the real rollouts beside them are traced as ever.
 */
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, removeBundle, showFiles, spawnCli, storedSpans, storeSpans } from '../helpers/cli.js';
import { DAY_DIR, fixtureText, putRollout, withNewIds } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

afterAll(() => {
  runCleanups();
  removeBundle();
});

const name = (n: number, ext = 'jsonl'): string => `rollout-2026-11-25T10-00-0${n}-01a213a3-0000-7000-8000-00000000000${n}.${ext}`;

/** A zstd frame of RLE blocks of NUL bytes (RFC 8878 §3.1.1.2): `blocks` × 128 KiB of 0x00. */
function zstOfNuls(blocks: number): Buffer {
  const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])]; // magic; no content size; window 128 KiB
  for (let i = 0; i < blocks; i++) parts.push(Buffer.from([i === blocks - 1 ? 0x03 : 0x02, 0x00, 0x10, 0x00]));
  return Buffer.concat(parts);
}

/** A home with one real rollout beside three files that are not JSON lines. */
function hostileHome(): { home: string; real: string; bad: string[] } {
  const home = testDir();
  const real = putRollout(home, fixtureText('e-multi-tool.jsonl'));
  const day = join(home, DAY_DIR);
  const nuls = join(day, name(1));
  writeFileSync(nuls, '');
  truncateSync(nuls, 4 * 1024 ** 3); // sparse: 4 GB of NUL bytes, no disk used
  const random = join(day, name(2));
  const bytes = Buffer.alloc(1024 * 1024);
  let x = 12345;
  for (let i = 0; i < bytes.length; i++) bytes[i] = (x = (x * 1103515245 + 12345) % 2147483648) >> 16;
  bytes[0] = 0xc3; // not "{", whatever the generator gave
  writeFileSync(random, bytes);
  const zst = join(day, name(3, 'jsonl.zst'));
  writeFileSync(zst, zstOfNuls(4096)); // 16 KB on disk, 512 MiB of NULs inflated
  return { home, real, bad: [nuls, random, zst] };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ r: T; ms: number }> {
  const t0 = Date.now();
  const r = await fn();
  return { r, ms: Date.now() - t0 };
}

const warned = (stderr: string, file: string): boolean => stderr.includes(`file=${file} offset=0 code=not_jsonl reason="not JSON lines: it starts with`);

describe('files that are not JSON lines', () => {
  it('show FILE: exit 1 at once, the warning names the file and says why', async () => {
    const { bad } = hostileHome();
    for (const file of bad) {
      const { r, ms } = await timed(() => cli(['show', file]));
      expect(r.code, r.stderr).toBe(1);
      expect(warned(r.stderr, file), r.stderr).toBe(true);
      expect(r.stderr).toContain(`no spans in ${file}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(ms, file).toBeLessThan(1000);
    }
    const nul = await cli(['show', bad[0]!]);
    expect(nul.stderr).toContain('it starts with a NUL byte (0x00)');
  });

  it('backfill and trace skip them in well under a second, the summary counts them; the next backfill does not look at them again until they change', async () => {
    const { home, real, bad } = hostileHome();
    const want = await showFiles([real]);
    const state = testDir();
    const bf = await timed(() => cli(['backfill', '--codex-home', home, '--state-dir', state, '--json']));
    expect(bf.r.code, bf.r.stderr).toBe(0);
    expect(bf.ms).toBeLessThan(1500);
    // backfill names the first of a kind of warning and counts the rest (see groupingLogger)
    expect(
      bad.some((file) => warned(bf.r.stderr, file)),
      bf.r.stderr,
    ).toBe(true);
    expect(bf.r.stderr).toMatch(/2 more like the one above" code=not_jsonl times=3/);
    expect(JSON.parse(bf.r.stdout)).toMatchObject({ files: 4, notRolloutFiles: 3, warnings: 3, undeliveredFiles: 0 });
    expect(storeSpans(state)).toEqual(want);

    const tr = await timed(() => cli(['trace', home, '--sink', 'jsonl', '--out', join(testDir(), 'o.jsonl'), '--json']));
    expect(tr.r.code, tr.r.stderr).toBe(0);
    expect(tr.ms).toBeLessThan(1500);
    expect(JSON.parse(tr.r.stdout)).toMatchObject({ files: 4, notRolloutFiles: 3, warnings: 3 });
    const human = await cli(['trace', home, '--sink', 'jsonl', '--out', join(testDir(), 'o.jsonl')]);
    expect(human.stderr).toMatch(/warnings: 3 \(bad lines 0, files not JSON lines 3\)/);

    // skipped once: their cursors say so, and nothing is said again while they stay as they are
    const again = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ filesRead: 0, notRolloutFiles: 0, warnings: 0 });
    // changed: looked at (and skipped) again
    appendFileSync(bad[0]!, '{"not":"a rollout"}\n');
    const changed = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json']);
    expect(JSON.parse(changed.stdout)).toMatchObject({ notRolloutFiles: 1, warnings: 1 });
    expect(storeSpans(state)).toEqual(want);
  });

  it('watch skips them (one warning each) and goes on tracing what comes next', async () => {
    const { home, bad } = hostileHome();
    const state = testDir();
    const w = await spawnCli(['watch', '--codex-home', home, '--state-dir', state, '--idle', '1h'], {});
    try {
      await waitFor(() => w.stderr().includes('caught up'), 15_000, 'caught up');
      for (const file of bad) expect(warned(w.stderr(), file), w.stderr()).toBe(true);
      // a new file of NULs while it runs, then a real rollout
      const later = join(home, DAY_DIR, name(5));
      writeFileSync(later, Buffer.alloc(64 * 1024));
      const next = putRollout(home, withNewIds(fixtureText('a-text.jsonl'), 55));
      await waitFor(() => warned(w.stderr(), later), 15_000, 'the new file of NULs warned');
      const nextTrace = (await showFiles([next])).map((l) => (JSON.parse(l) as { traceId: string }).traceId)[0];
      await waitFor(
        () => {
          try {
            return storedSpans(state).some((s) => s.traceId === nextTrace && s.kind === 'llm');
          } catch {
            return false;
          }
        },
        15_000,
        'the next rollout traced',
      );
      appendFileSync(later, Buffer.alloc(1024)); // grows: looked at again, not warned again
      await new Promise((r) => setTimeout(r, 1000));
      expect(w.stderr().split(`file=${later} offset=0 code=not_jsonl`)).toHaveLength(2);
    } finally {
      w.proc.kill('SIGTERM');
    }
    const r = await w.exited;
    expect(r.code, w.stderr().slice(-2000)).toBe(0);
  });
});
