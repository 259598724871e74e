import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openDatabase, resolveStateDir, schemaVersion, stateDirWarning, StoreError, TraceStore } from '../../src/store/index.js';
import { migrate, PAGE_SIZE } from '../../src/store/db.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterEach(runCleanups);

describe('openDatabase', () => {
  it('migrates an empty file to the current schema in WAL mode', () => {
    const file = join(testDir(), 'x.sqlite');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(Number(db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['cursors', 'sink_cursors', 'sink_lanes', 'span_blocks', 'spans', 'sqlite_sequence']);
    db.close();
    // reopening does not migrate again
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
  });

  it('upgrades a first-version store in place: its spans read back as they were', () => {
    const file = join(testDir(), 'x.sqlite');
    const raw = new Database(file);
    migrate(raw, file, MIGRATIONS.slice(0, 1));
    const attributes = { 'gen_ai.operation.name': 'chat', 'input.value': 'a long prompt '.repeat(200) };
    raw
      .prepare(
        `INSERT INTO spans (span_id, trace_id, parent_span_id, kind, name, start_time, end_time, status, attributes)
      VALUES ('s1', 't1', NULL, 'llm', 'chat', '2025-01-01T00:00:00.000Z', NULL, 'unset', ?)`,
      )
      .run(JSON.stringify(attributes));
    raw.close();
    const store = TraceStore.open({ file });
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    expect(store.getTraceSpans('t1').map((s) => s.attributes)).toEqual([attributes]);
    store.close();
  });

  it('gives a new store 32 KiB pages (large compressed rows waste less of them)', () => {
    const db = openDatabase(join(testDir(), 'x.sqlite'));
    expect(db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    db.close();
  });

  it('refuses a store written by a newer version', () => {
    const file = join(testDir(), 'x.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(/newer than this codex-tracer knows/);
  });

  it('names the file when it is not a database', async () => {
    const file = join(testDir(), 'x.sqlite');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'this is not sqlite at all, not even close'.repeat(40));
    const err = (() => {
      try {
        openDatabase(file);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toContain(file);
    expect((err as StoreError).message).toMatch(/corrupt or not a codex-tracer database/);
  });

  it('a read-only open of a missing store says so', () => {
    const file = join(testDir(), 'missing.sqlite');
    expect(() => openDatabase(file, { readonly: true })).toThrow(/no local store here yet/);
  });
});

describe('TraceStore.open on a state dir', () => {
  it('creates the dir 0700 and the db 0600, and never changes the mode of a directory that exists', async () => {
    const stateDir = join(testDir(), 'nested', 'state');
    const store = TraceStore.open({ stateDir });
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(store.path).toBe(join(stateDir, 'traces.sqlite'));
    store.close();

    const { chmodSync } = await import('node:fs');
    chmodSync(stateDir, 0o755);
    TraceStore.open({ stateDir }).close();
    expect(statSync(stateDir).mode & 0o777).toBe(0o755);
    expect(stateDirWarning(stateDir)).toMatch(/open to other users \(mode 755\).*chmod 700/);
    expect(resolveStateDir(stateDir)).toBe(stateDir); // a store is there already: it stays put
  });

  it('a shared sticky folder as state dir keeps its mode; the state goes into a private sub-directory', async () => {
    const { chmodSync, mkdirSync } = await import('node:fs');
    const { userInfo } = await import('node:os');
    const shared = join(testDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const dir = resolveStateDir(shared);
    expect(dir).toBe(join(shared, `codex-tracer-${userInfo().uid}`));
    expect(existsSync(dir)).toBe(false); // resolving creates nothing
    TraceStore.open({ stateDir: dir }).close();
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(resolveStateDir(shared)).toBe(dir);

    // someone else's (or an open) sub-directory made first is refused, not used
    const other = join(testDir(), 'shared2');
    mkdirSync(other);
    chmodSync(other, 0o1777);
    mkdirSync(resolveStateDir(other));
    chmodSync(resolveStateDir(other), 0o777);
    expect(() => TraceStore.open({ stateDir: resolveStateDir(other) })).toThrow(/open to others; refusing/);
  });

  it('writes to a read-only connection fail with a StoreError naming the file, and leave the store intact', () => {
    const stateDir = testDir();
    TraceStore.open({ stateDir }).close();
    const ro = TraceStore.open({ stateDir }, { readonly: true });
    try {
      ro.putCursor({ path: '/a', dev: 1, ino: 2, sessionId: null, committedOffset: 0, size: 0, mtimeMs: 0, finalized: false, firstLineHash: null });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).message).toContain(ro.path);
      expect((e as StoreError).message).toMatch(/read-only/);
      expect((e as StoreError).transient).toBe(false);
    }
    expect(ro.stats().cursors).toBe(0);
    ro.close();
  });
});
