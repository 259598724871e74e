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
    expect(
      storedSpans(state)
        .map((s) => JSON.stringify(s))
        .sort(),
    ).toEqual(
      jsonlSpans(b.stdout)
        .map((s) => JSON.stringify(s))
        .sort(),
    );
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

/** The lines of a fixture as objects, edited by `edit`, back as a rollout. */
interface Rec {
  type: string;
  timestamp?: string;
  payload: { id?: string; usage?: unknown };
}

function editRecords(text: string, edit: (rec: Rec, i: number) => void): string {
  return (
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l, i) => {
        const rec = JSON.parse(l) as Rec;
        edit(rec, i);
        return JSON.stringify(rec);
      })
      .join('\n') + '\n'
  );
}

async function showJsonl(path: string): Promise<{ spans: ReturnType<typeof jsonlSpans>; stderr: string; code: number }> {
  const r = await cli(['show', path, '--format', 'jsonl']);
  return { spans: jsonlSpans(r.stdout), stderr: r.stderr, code: r.code };
}

describe('impossible token counts', () => {
  it('never reach a span: impossible input/output make the usage unknown, cached/reasoning are dropped or clamped; warned once with an offset', async () => {
    const bad = [
      { input_tokens: -5, output_tokens: 10 },
      { input_tokens: 1.5, output_tokens: 10 },
      { input_tokens: 100, output_tokens: null, cached_input_tokens: 1e308 },
      { input_tokens: 100, output_tokens: 10, cached_input_tokens: 250, reasoning_output_tokens: 99 },
    ];
    let n = 0;
    const text = editRecords(fixtureText('e-multi-tool.jsonl'), (rec) => {
      if (rec.type === 'token_usage_record') rec.payload.usage = { ...bad[n++ % bad.length] };
    });
    expect(n).toBe(4);
    const { spans, stderr } = await showJsonl(putRollout(testDir(), text));
    const llm = spans.filter((s) => s.kind === 'llm');
    expect(llm).toHaveLength(4);
    for (const s of llm) {
      const a = s.attributes;
      for (const k of [
        'gen_ai.usage.input_tokens',
        'gen_ai.usage.output_tokens',
        'gen_ai.usage.cache_read.input_tokens',
        'gen_ai.usage.reasoning.output_tokens',
      ]) {
        if (a[k] !== undefined) expect(Number.isSafeInteger(a[k]) && (a[k] as number) >= 0, `${k}=${String(a[k])}`).toBe(true);
      }
      if (a['gen_ai.usage.input_tokens'] !== undefined)
        expect(a['gen_ai.usage.cache_read.input_tokens'] as number).toBeLessThanOrEqual(a['gen_ai.usage.input_tokens'] as number);
      if (a['gen_ai.usage.output_tokens'] !== undefined)
        expect(a['gen_ai.usage.reasoning.output_tokens'] as number).toBeLessThanOrEqual(a['gen_ai.usage.output_tokens'] as number);
    }
    const withUsage = llm.filter((s) => s.attributes['gen_ai.usage.input_tokens'] !== undefined);
    expect(
      withUsage.map((s) => [
        s.attributes['gen_ai.usage.input_tokens'],
        s.attributes['gen_ai.usage.cache_read.input_tokens'],
        s.attributes['gen_ai.usage.output_tokens'],
        s.attributes['gen_ai.usage.reasoning.output_tokens'],
      ]),
    ).toEqual([[100, 100, 10, 10]]);
    expect(stderr.match(/code=bad_usage/g)).toHaveLength(1);
    expect(stderr).toMatch(/offset=\d+ code=bad_usage reason="input_tokens -5 is not a token count/);
  });
});

describe('impossible and future timestamps', () => {
  it('a time with 97 seconds and one ten years out are warned with their offsets; the trace keeps sane times and backfill finalizes it', async () => {
    const text = editRecords(fixtureText('b-shell.jsonl'), (rec, i) => {
      if (i === 5) rec.timestamp = '2026-11-25T16:58:97.225Z';
      if (i === 8) rec.timestamp = '2036-11-25T16:56:40.000Z';
    });
    const home = testDir();
    const path = putRollout(home, text);
    const { spans, stderr } = await showJsonl(path);
    expect(stderr.match(/code=bad_timestamp/g)).toHaveLength(2);
    expect(stderr).toMatch(/code=bad_timestamp reason="invalid timestamp/);
    expect(stderr).toMatch(/code=bad_timestamp reason="timestamp later than the file was last written/);
    const root = spans.find((s) => s.kind === 'session');
    expect(root?.endTime?.startsWith('2026-11-25T16:5')).toBe(true);
    for (const s of spans) expect(s.endTime === null || s.endTime < '2026-11-26').toBe(true);
    const state = testDir();
    expect((await cli(['backfill', '--codex-home', home, '--state-dir', state])).code).toBe(0);
    expect(storedSpans(state).find((s) => s.kind === 'session')?.endTime).toBe(root?.endTime);
  });
});

describe('a session id that is empty', () => {
  it('falls back to the id in the file name: two such files are two traces, not one', async () => {
    const home = testDir();
    const blank = (t: string): string =>
      editRecords(t, (rec) => {
        if (rec.type === 'session_meta') rec.payload.id = '';
      });
    putRollout(home, blank(fixtureText('a-text.jsonl')), '01a213a3-0000-7000-8000-0000000000e1');
    putRollout(home, blank(fixtureText('b-shell.jsonl')), '01a213a3-0000-7000-8000-0000000000e2');
    const state = testDir();
    const r = await cli(['backfill', '--codex-home', home, '--state-dir', state]);
    expect(r.stderr).toMatch(/code=bad_session_id/);
    const roots = storedSpans(state).filter((s) => s.kind === 'session');
    expect(roots.map((s) => s.traceId).sort()).toEqual(['01a213a30000700080000000000000e1', '01a213a30000700080000000000000e2']);
    expect(roots.map((s) => s.attributes['codex.cwd']).every((c) => typeof c === 'string')).toBe(true);
  });
});

describe('a lone UTF-16 surrogate in a prompt', () => {
  it('is the same (U+FFFD) in show FILE and in the stored trace', async () => {
    const home = testDir();
    const text = fixtureText('a-text.jsonl').replaceAll('Say hello', '\\ud800Say hello');
    expect(text).toContain('\\ud800');
    const path = putRollout(home, text);
    const { spans } = await showJsonl(path);
    const state = testDir();
    expect((await cli(['backfill', '--codex-home', home, '--state-dir', state])).code).toBe(0);
    const stored = storedSpans(state);
    expect(stored.map((s) => JSON.stringify(s)).sort()).toEqual(spans.map((s) => JSON.stringify(s)).sort());
    expect(spans.find((s) => s.kind === 'turn')?.attributes['input.value']).toMatch(/^\ufffdSay hello/);
  });
});

describe('the same function_call record twice', () => {
  it('is one call: one tool span, ended by its output; every span has an end after finalize', async () => {
    const lines = fixtureText('b-shell.jsonl').split('\n');
    const at = lines.findIndex((l: string) => l.includes('"type":"function_call"'));
    lines.splice(at, 0, lines[at] as string);
    const { spans, stderr } = await showJsonl(putRollout(testDir(), lines.join('\n')));
    const tools = spans.filter((s) => s.kind === 'tool');
    expect(tools).toHaveLength(1);
    expect(tools[0]?.status).toBe('ok');
    expect(stderr).toMatch(/code=duplicate_call_id reason="tool call call_shell_1 again while that call is still open; the repeat is ignored"/);
    for (const s of spans) expect(s.endTime, `${s.kind} ${s.name}`).not.toBeNull();
    for (const s of spans) expect(s.status, `${s.kind} ${s.name}`).not.toBe('unset');
  });
});
