/**
 * Backfill on pipeline threads (src/pipeline/pool/): files traced in workers, committed by
 * the main thread, give exactly the store a single-thread run gives. The threads run from
 * the built files, so this runs bin/codex-tracer.js (`npm run build` first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dbPathIn } from '../../src/store/index.js';
import { makeCodexHome, runCleanups, storeSpans, testDir } from '../helpers/index.js';

const BIN = fileURLToPath(new URL('../../bin/codex-tracer.js', import.meta.url));
afterAll(runCleanups);

function backfill(
  home: string,
  state: string,
  workers: number,
  extra: string[] = [],
): { code: number; summary: { files: number; filesRead: number; spansDelivered: number; undeliveredFiles: number }; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [BIN, '--log-level', 'debug', 'backfill', '--codex-home', home, '--state-dir', state, '--json', '--workers', String(workers), ...extra],
    { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: testDir() } },
  );
  return { code: r.status ?? -1, summary: JSON.parse(r.stdout || '{}') as never, stderr: r.stderr };
}

function cursors(state: string): unknown[] {
  const db = new Database(dbPathIn(state), { readonly: true });
  try {
    return db.prepare('SELECT path, dev, ino, session_id, committed_offset, size, mtime_ms, finalized, first_line_hash FROM cursors ORDER BY path').all();
  } finally {
    db.close();
  }
}

/** blocks of large values in the store, and those no span points at (there must be none) */
function blocks(state: string): { blocks: number; orphans: number } {
  const db = new Database(dbPathIn(state), { readonly: true });
  try {
    return db
      .prepare(`SELECT COUNT(*) AS blocks, COALESCE(SUM(id NOT IN (SELECT block FROM spans WHERE block IS NOT NULL)), 0) AS orphans FROM span_blocks`)
      .get() as { blocks: number; orphans: number };
  } finally {
    db.close();
  }
}

describe('backfill on pipeline threads', () => {
  const { home, files } = makeCodexHome();

  it('stores exactly the spans and cursors of a single-thread run', () => {
    const [pooled, single] = [testDir(), testDir()];
    const a = backfill(home, pooled, 2);
    const b = backfill(home, single, 0);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stderr).toMatch(/msg="tracing on pipeline threads" workers=2/);
    expect(b.stderr).not.toMatch(/pipeline threads/);
    expect(a.summary).toEqual(b.summary);
    expect(a.summary.filesRead).toBe(files.length);
    expect(storeSpans(pooled)).toEqual(storeSpans(single));
    expect(cursors(pooled)).toEqual(cursors(single));
  });

  it('follows a file moved to archived_sessions to its new name (cursor renamed, nothing traced again)', () => {
    const state = testDir();
    expect(backfill(home, state, 2).code).toBe(0);
    const before = storeSpans(state);
    const moved = files[0]?.path as string;
    mkdirSync(join(home, 'archived_sessions'), { recursive: true });
    const to = join(home, 'archived_sessions', basename(moved));
    renameSync(moved, to);
    const again = backfill(home, state, 2);
    expect(again.code, again.stderr).toBe(0);
    expect(again.summary.spansDelivered).toBe(0);
    expect(storeSpans(state)).toEqual(before);
    expect((cursors(state) as { path: string }[]).map((c) => c.path)).toContain(to);
    renameSync(to, moved);
  });

  it('--force traces every file again and leaves no block behind that no span points at (threads and one thread)', () => {
    const state = testDir();
    expect(backfill(home, state, 2).code).toBe(0);
    const before = storeSpans(state);
    const first = blocks(state);
    expect(first.blocks).toBeGreaterThan(0);
    for (const workers of [2, 0]) {
      const again = backfill(home, state, workers, ['--force']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.summary.spansDelivered).toBeGreaterThan(0);
      expect(storeSpans(state)).toEqual(before);
      expect(blocks(state).orphans).toBe(0);
    }
  });
});
