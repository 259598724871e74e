import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodexHomeMissing, discover } from '../../src/source/discover.js';
import { fixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const U = {
  today: '01a213a5-3967-77d3-9b66-afc3cf5c9f56',
  yesterday: '01a213a5-0000-7000-8000-000000000002',
  octZst: '01a213a5-0000-7000-8000-000000000003',
  bothZst: '01a213a5-0000-7000-8000-000000000004',
  flat: '8f5b8ba5-a13c-4d61-a509-86ac3845af55',
  tsEra: '8f5b8ba5-a13c-4d61-a509-86ac3845af56',
  archived: '01a213a5-0000-7000-8000-000000000007',
  selfLoop: '01a213a5-0000-7000-8000-000000000008',
  linked: '01a213a5-0000-7000-8000-000000000009',
  outside: '01a213a5-0000-7000-8000-00000000000a',
};

let tmp: ReturnType<typeof tempDir>;
let outside: ReturnType<typeof tempDir>;
let home: string;

function put(rel: string, from = 'codex-0.169.0/a-text.jsonl'): string {
  const p = join(home, rel);
  mkdirSync(dirname(p), { recursive: true });
  copyFileSync(fixture(from), p);
  chmodSync(p, 0o644);
  return p;
}

function link(rel: string, target: string): void {
  const p = join(home, rel);
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(target, p);
}

beforeEach(() => {
  tmp = tempDir();
  outside = tempDir();
  home = join(tmp.dir, 'codex-home');
  const day = 'sessions/2026/11/25';
  put(`${day}/rollout-2026-11-25T10-00-00-${U.today}.jsonl`);
  put(`sessions/2026/11/24/rollout-2026-11-24T09-00-00-${U.yesterday}.jsonl`, 'codex-0.140.0/b-shell.jsonl');
  put(`sessions/2026/10/01/rollout-2026-10-01T08-00-00-${U.octZst}.jsonl.zst`, 'zst/a-text-0.169.0.jsonl.zst');
  put(`${day}/rollout-2026-11-25T11-00-00-${U.bothZst}.jsonl`);
  put(`${day}/rollout-2026-11-25T11-00-00-${U.bothZst}.jsonl.zst`, 'zst/a-text-0.169.0.jsonl.zst');
  put(`sessions/rollout-2025-06-01T10-00-00-${U.flat}.jsonl`, 'codex-0.20.0/a-text.jsonl');
  writeFileSync(join(home, `sessions/rollout-2025-04-20-${U.tsEra}.json`), '{"session":{},"items":[]}');
  put(`archived_sessions/rollout-2026-11-20T07-00-00-${U.archived}.jsonl`, 'codex-0.100.0/a-text.jsonl');
  // Not rollouts.
  writeFileSync(join(home, `${day}/notes.txt`), 'x');
  writeFileSync(join(home, 'history.jsonl'), '{}\n');
  // Symlinks: a directory loop, a self-loop, a link to a file inside the home, one outside.
  link(`${day}/loop`, '../../..');
  link(`${day}/rollout-2026-11-25T12-00-00-${U.selfLoop}.jsonl`, `rollout-2026-11-25T12-00-00-${U.selfLoop}.jsonl`);
  put(`keep/rollout-2026-11-25T13-00-00-${U.linked}.jsonl`);
  link(`${day}/rollout-2026-11-25T13-00-00-${U.linked}.jsonl`, join(home, `keep/rollout-2026-11-25T13-00-00-${U.linked}.jsonl`));
  writeFileSync(join(outside.dir, 'x.jsonl'), '{}\n');
  link(`${day}/rollout-2026-11-25T14-00-00-${U.outside}.jsonl`, join(outside.dir, 'x.jsonl'));
});
afterEach(() => {
  tmp.cleanup();
  outside.cleanup();
});

describe('discover', () => {
  it('finds sharded, flat, TS-era, compressed and archived rollouts, sorted by path', async () => {
    const { files, warnings } = await discover(home);
    expect(files.map((f) => relative(home, f.path))).toEqual([
      `archived_sessions/rollout-2026-11-20T07-00-00-${U.archived}.jsonl`,
      `sessions/2026/10/01/rollout-2026-10-01T08-00-00-${U.octZst}.jsonl.zst`,
      `sessions/2026/11/24/rollout-2026-11-24T09-00-00-${U.yesterday}.jsonl`,
      `sessions/2026/11/25/rollout-2026-11-25T10-00-00-${U.today}.jsonl`,
      `sessions/2026/11/25/rollout-2026-11-25T11-00-00-${U.bothZst}.jsonl`, // the .zst sibling loses
      `sessions/2026/11/25/rollout-2026-11-25T13-00-00-${U.linked}.jsonl`, // symlink inside the home
      `sessions/rollout-2025-04-20-${U.tsEra}.json`,
      `sessions/rollout-2025-06-01T10-00-00-${U.flat}.jsonl`,
    ]);
    const byThread = new Map(files.map((f) => [f.threadId, f]));
    expect(byThread.get(U.archived)).toMatchObject({ kind: 'jsonl', archived: true });
    expect(byThread.get(U.octZst)).toMatchObject({ kind: 'zst', archived: false });
    expect(byThread.get(U.tsEra)).toMatchObject({ kind: 'json', archived: false });
    const today = byThread.get(U.today);
    expect(today?.size).toBeGreaterThan(1000);
    expect(today?.ino).toBeGreaterThan(0);
    expect(today?.mtimeMs).toBeGreaterThan(0);
    const reasons = warnings.map((w) => `${relative(home, w.path)}: ${w.reason}`).join('\n');
    expect(reasons).toContain(`rollout-2026-11-25T12-00-00-${U.selfLoop}.jsonl: ELOOP`);
    expect(reasons).toContain(`rollout-2026-11-25T14-00-00-${U.outside}.jsonl: symlink points outside`);
  });

  it('filters by day, inclusive, from folder or file-name dates', async () => {
    const since = new Date(2026, 10, 24, 23, 59); // local time, like the folders
    const until = new Date(2026, 10, 25, 0, 1);
    const { files } = await discover(home, { since, until });
    expect(files.map((f) => f.threadId)).toEqual([U.yesterday, U.today, U.bothZst, U.linked]);
    const old = await discover(home, { until: new Date(2025, 5, 1) });
    expect(old.files.map((f) => f.threadId)).toEqual([U.tsEra, U.flat]);
    const late = await discover(home, { since: new Date(2026, 10, 20) });
    expect(late.files.map((f) => f.threadId)).toContain(U.archived);
    expect(late.files.map((f) => f.threadId)).not.toContain(U.octZst);
  });

  it('skips an unreadable directory with a warning', async () => {
    const locked = join(home, 'sessions/2026/09');
    mkdirSync(join(locked, '01'), { recursive: true });
    chmodSync(locked, 0o000);
    try {
      const { files, warnings } = await discover(home);
      expect(files.length).toBe(8);
      if (process.getuid?.() !== 0) expect(warnings.map((w) => w.path)).toContain(locked);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('walks synchronously with the same result: files, symlink and unreadable-folder warnings, day filter', async () => {
    const locked = join(home, 'sessions/2026/09');
    mkdirSync(join(locked, '01'), { recursive: true });
    chmodSync(locked, 0o000);
    try {
      const sync = await discover(home, { sync: true });
      expect(sync).toEqual(await discover(home));
      expect(sync.files.length).toBe(8);
      expect(sync.warnings.length).toBeGreaterThanOrEqual(2);
      const since = new Date(2026, 10, 24, 23, 59);
      expect(await discover(home, { since, sync: true })).toEqual(await discover(home, { since }));
    } finally {
      chmodSync(locked, 0o755);
    }
    await expect(discover(join(tmp.dir, 'nope'), { sync: true })).rejects.toBeInstanceOf(CodexHomeMissing);
  });

  it('throws CodexHomeMissing for a missing home, and returns nothing for an empty one', async () => {
    await expect(discover(join(tmp.dir, 'nope'))).rejects.toBeInstanceOf(CodexHomeMissing);
    await expect(discover(join(tmp.dir, 'nope'))).rejects.toThrow(/nope does not exist/);
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    expect(await discover(empty)).toEqual({ files: [], warnings: [] });
  });

  it('lists 5,000 files across many day folders', async () => {
    const big = join(tmp.dir, 'big');
    for (let d = 0; d < 50; d++) {
      const dir = join(big, 'sessions/2026', String(1 + Math.floor(d / 28)).padStart(2, '0'), String(1 + (d % 28)).padStart(2, '0'));
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < 100; i++) {
        const n = String(d * 100 + i).padStart(12, '0');
        writeFileSync(join(dir, `rollout-2026-01-01T00-00-00-01a213a5-0000-7000-8000-${n}.jsonl`), '');
      }
    }
    const { files, warnings } = await discover(big);
    expect(warnings).toEqual([]);
    expect(files).toHaveLength(5000);
    expect(new Set(files.map((f) => f.threadId)).size).toBe(5000);
    const sorted = [...files.map((f) => f.path)].sort();
    expect(files.map((f) => f.path)).toEqual(sorted);
  });
});
