/**
 * Values checked where they enter (issue: the store and the state dir under damage; values
 * checked at the edge): what a file's first bytes, a shared state dir or a damaged store bring.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, jsonlSpans, storedSpans } from '../helpers/cli.js';
import { fixtureText, putRollout } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterAll(runCleanups);

describe('a UTF-8 byte-order mark at the start of a file', () => {
  it('is stripped: the session header is read (cwd, version) and show FILE equals the stored trace', async () => {
    const home = testDir();
    const text = fixtureText('b-shell.jsonl');
    const plain = putRollout(testDir(), text);
    const withBom = putRollout(home, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const a = await cli(['show', plain, '--format', 'jsonl']);
    const b = await cli(['show', withBom, '--format', 'jsonl']);
    expect(b.code).toBe(0);
    expect(b.stderr).not.toMatch(/bad_line|not JSON/);
    const root = jsonlSpans(b.stdout).find((s) => s.kind === 'session');
    expect(root?.attributes['codex.cwd']).toBeTruthy();
    expect(root?.attributes['codex.cli_version']).toBe('0.169.0');
    expect(b.stdout).toBe(a.stdout);
    const state = testDir();
    expect((await cli(['backfill', '--codex-home', home, '--state-dir', state])).code).toBe(0);
    expect(storedSpans(state).map((s) => JSON.stringify(s)).sort()).toEqual(jsonlSpans(b.stdout).map((s) => JSON.stringify(s)).sort());
  });
});

describe('a shared, world-writable --state-dir', () => {
  it('keeps its mode and sticky bit; the store goes into a private sub-directory every command finds', async () => {
    const home = testDir();
    putRollout(home, fixtureText('b-shell.jsonl'));
    const shared = join(testDir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect((await cli(['backfill', '--codex-home', home, '--state-dir', shared])).code).toBe(0);
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    const own = join(shared, `codex-tracer-${userInfo().uid}`);
    expect(statSync(own).mode & 0o777).toBe(0o700);
    expect(readdirSync(shared)).toEqual([`codex-tracer-${userInfo().uid}`]);
    const list = await cli(['sessions', '--json', '--state-dir', shared]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
  });
});

describe('a corrupt store', () => {
  it('names the file and says how to recover', async () => {
    const state = testDir();
    writeFileSync(join(state, 'traces.sqlite'), Buffer.alloc(8192, 0x41));
    chmodSync(state, 0o700);
    const r = await cli(['sessions', '--state-dir', state]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(join(state, 'traces.sqlite'));
    expect(r.stderr).toMatch(/source of truth: `codex-tracer backfill --rebuild` moves it aside/);

    // doctor and status report it and go on (exit 1 / 0), they do not abort
    const doc = await cli(['doctor', '--state-dir', state, '--codex-home', testDir()]);
    expect(doc.code).toBe(1);
    expect(doc.stdout).toMatch(/FAIL\s+local store .*corrupt or not a codex-tracer database/);
    expect(doc.stdout).toMatch(/watcher/);
    const st = await cli(['status', '--state-dir', state, '--codex-home', testDir()]);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/cannot be read: .*corrupt/);

    // --rebuild moves it aside (kept) and traces the history into a new store
    const home = testDir();
    putRollout(home, fixtureText('b-shell.jsonl'));
    const rb = await cli(['backfill', '--rebuild', '--codex-home', home, '--state-dir', state]);
    expect(rb.code).toBe(0);
    expect(readdirSync(state).filter((f) => f.includes('.broken-'))).toHaveLength(1);
    expect(storedSpans(state).length).toBeGreaterThan(3);
  });
});

describe('credentials written into the OTLP endpoint URL', () => {
  it('are masked by status, status --json and doctor', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://alice:s3cr3t-PW@127.0.0.1:9/otel?api_key=sk-live-abcdef123456&tenant=t1' };
    const flags = ['--state-dir', testDir(), '--codex-home', testDir()];
    for (const args of [['status'], ['status', '--json'], ['doctor'], ['doctor', '--json']]) {
      const r = await cli([...args, ...flags], env);
      const out = r.stdout + r.stderr;
      expect(out, args.join(' ')).not.toMatch(/s3cr3t-PW|alice|sk-live-abcdef123456/);
      expect(out, args.join(' ')).toContain('127.0.0.1:9');
    }
  });
});

describe('--sink jsonl --out into a directory that does not exist', () => {
  it('fails at once (exit 2) naming the directory, before anything is read', async () => {
    const home = testDir();
    putRollout(home, fixtureText('b-shell.jsonl'));
    const out = join(testDir(), 'no', 'such', 'dir', 'spans.jsonl');
    const started = Date.now();
    const r = await cli(['trace', home, '--sink', 'jsonl', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the directory ${join(out, '..')} does not exist`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
