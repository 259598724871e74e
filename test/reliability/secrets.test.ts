/**
 * Secrets: the corpus of test/redact (30+ formats) planted in the prompts, answers,
 * tool arguments and tool outputs of real rollouts, traced through every sink at once:
 * not one secret in the store's bytes, the jsonl file, the OTLP payloads, the
 * Braintrust request bodies, or the logs. Also --redact-pattern, --content none,
 * --max-field-bytes, git remote credentials, file modes, and API keys kept out of
 * logs and `status --json`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PLANTED } from '../redact/corpus.js';
import { cli, jsonlSpans, storedSpans } from '../helpers/cli.js';
import { fixtureText, putRollout, withNewIds } from '../helpers/fixtures.js';
import type { MockServer } from '../helpers/http.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { BLOB, leaks, plantSecrets, SECRETS } from './plant.js';
import { BT_KEY, dirBytes, OTLP_TOKEN, traceEverywhere as traceInto } from './trace-everywhere.js';

const traceEverywhere = (home: string, extra: string[] = []) => traceInto(home, servers, extra);

let servers: MockServer[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  servers = [];
});
afterAll(runCleanups);

function plantedHome(): string {
  const home = testDir();
  putRollout(home, plantSecrets(fixtureText('e-multi-tool.jsonl')));
  putRollout(home, plantSecrets(fixtureText('b-shell.jsonl')));
  putRollout(home, plantSecrets(withNewIds(fixtureText('e-multi-tool.jsonl', '0.100.0'), 3)));
  return home;
}

describe('planted secrets never reach a sink', () => {
  it('the corpus has at least 20 formats, and planting really puts them in the spans (redaction off)', async () => {
    expect(new Set(PLANTED.map((p) => p.format)).size).toBeGreaterThanOrEqual(20);
    const home = plantedHome();
    const r = await cli([
      '--no-redact',
      '--max-field-bytes',
      '1000000',
      'show',
      ...readdirSync(join(home, 'sessions/2026/11/25')).map((f) => join(home, 'sessions/2026/11/25', f)),
      '--format',
      'jsonl',
    ]);
    expect(r.code).toBe(0);
    const spans = jsonlSpans(r.stdout);
    const byKind = (k: string): string => JSON.stringify(spans.filter((s) => s.kind === k));
    // every secret is in the prompts and answers (turns), model input/output and tool arguments/results
    for (const kind of ['turn', 'llm', 'tool']) expect(leaks(byKind(kind))).toEqual(SECRETS);
  });

  it('local store bytes, jsonl file, OTLP payloads, Braintrust bodies and logs hold none of them', async () => {
    const t = await traceEverywhere(plantedHome());
    expect(t.r.stderr).not.toContain('THROWN');
    expect(t.r.code).toBe(0);
    const spans = storedSpans(t.state);
    expect(spans.filter((s) => s.kind === 'tool').length).toBeGreaterThanOrEqual(11);
    expect(t.otlp.spans().length).toBeGreaterThanOrEqual(spans.length);
    expect(t.bt.rows.size).toBe(spans.length);
    expect(leaks(dirBytes(t.state)), 'local store').toEqual([]);
    expect(leaks(readFileSync(t.out)), 'jsonl').toEqual([]);
    expect(leaks(Buffer.concat(t.otlp.bodies)), 'otlp').toEqual([]);
    expect(leaks(Buffer.concat(t.bt.bodies)), 'braintrust').toEqual([]);
    expect(leaks(t.r.stdout + t.r.stderr), 'logs').toEqual([]);
    // redaction left the ordinary text around the secrets
    expect(readFileSync(t.out, 'utf8')).toContain('aws configure set aws_access_key_id');
    // and the sinks' own credentials appear nowhere but in request headers
    for (const key of [BT_KEY, OTLP_TOKEN]) {
      expect(t.r.stdout + t.r.stderr).not.toContain(key);
      expect(dirBytes(t.state).includes(key)).toBe(false);
    }
  });

  it('--redact-pattern adds a rule; --content none drops every content attribute; --max-field-bytes truncates', async () => {
    const custom = 'ACME-INTERNAL-7734219';
    const home = testDir();
    putRollout(home, plantSecrets(fixtureText('b-shell.jsonl'), `ticket ${custom}\n${BLOB}`));
    const file = readdirSync(join(home, 'sessions/2026/11/25')).map((f) => join(home, 'sessions/2026/11/25', f));
    const plain = await cli(['show', ...file, '--format', 'jsonl']);
    expect(plain.stdout).toContain(custom);
    const extra = await cli(['--redact-pattern', '/ACME-INTERNAL-\\d+/', 'show', ...file, '--format', 'jsonl']);
    expect(extra.stdout).not.toContain(custom);
    expect(extra.stdout).toContain('ticket ');

    const none = await traceEverywhere(home, ['--content', 'none']);
    expect(none.r.code).toBe(0);
    const spans = storedSpans(none.state);
    expect(spans.length).toBeGreaterThan(3);
    for (const s of [...spans, ...jsonlSpans(readFileSync(none.out, 'utf8'))]) {
      expect(s.attributes['input.value'], `${s.kind} input`).toBeUndefined();
      expect(s.attributes['output.value'], `${s.kind} output`).toBeUndefined();
    }
    for (const s of none.otlp.spans()) expect(s.attributes.map((a) => a.key)).not.toContain('input.value');
    for (const row of none.bt.rows.values()) {
      expect(row.input, 'braintrust input').toBeUndefined();
      expect(row.output, 'braintrust output').toBeUndefined();
    }
    for (const bytes of [dirBytes(none.state), readFileSync(none.out), Buffer.concat(none.otlp.bodies), Buffer.concat(none.bt.bodies)]) {
      expect(bytes.includes(custom)).toBe(false);
      expect(bytes.includes('aws configure set')).toBe(false);
    }
    // usage and timing stay
    expect(spans.some((s) => typeof s.attributes['gen_ai.usage.input_tokens'] === 'number')).toBe(true);

    const short = await cli(['--max-field-bytes', '64', 'show', ...file, '--format', 'jsonl']);
    for (const s of jsonlSpans(short.stdout)) {
      for (const k of ['input.value', 'output.value']) {
        const v = s.attributes[k];
        if (typeof v === 'string') expect(Buffer.byteLength(v), `${s.kind} ${k}: ${v}`).toBeLessThanOrEqual(64 + 40);
      }
    }
    expect(short.stdout).toMatch(/truncated/);
  });

  it('git remote credentials are stripped from the session span in every sink', async () => {
    const token = 'ghp_R3moteT0kenInGitUrl0000000000000000';
    const lines = fixtureText('b-shell.jsonl').split('\n');
    const meta = JSON.parse(lines[0]!) as { payload: Record<string, unknown> };
    meta.payload.git = { repository_url: `https://deploy:${token}@github.com/acme/app.git`, branch: 'main', commit_hash: 'abc123' };
    lines[0] = JSON.stringify(meta);
    const home = testDir();
    putRollout(home, lines.join('\n'));
    const t = await traceEverywhere(home);
    expect(t.r.code).toBe(0);
    const session = storedSpans(t.state).find((s) => s.kind === 'session');
    expect(session?.attributes['vcs.repository.url.full']).toBe('https://github.com/acme/app.git');
    for (const bytes of [dirBytes(t.state), readFileSync(t.out), Buffer.concat(t.otlp.bodies), Buffer.concat(t.bt.bodies)]) {
      expect(bytes.includes(token)).toBe(false);
    }
  });
});

describe('private files and API keys', () => {
  it('the state dir is 0700 and the store 0600; status --json and logs never show an API key', async () => {
    const home = testDir();
    putRollout(home, fixtureText('b-shell.jsonl'));
    const state = join(testDir(), 'nested', 'state');
    const env = {
      BRAINTRUST_API_KEY: BT_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${OTLP_TOKEN},x-api-key=${OTLP_TOKEN}2`,
    };
    const bf = await cli(['--log-level', 'debug', 'backfill', '--codex-home', home, '--state-dir', state], env);
    expect(bf.code).toBe(0);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(state)) expect(statSync(join(state, f)).mode & 0o077, f).toBe(0);
    const status = await cli(['status', '--json', '--codex-home', home, '--state-dir', state], env);
    const text = await cli(['status', '--codex-home', home, '--state-dir', state], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ sinks: { braintrust: expect.stringContaining('key set') } });
    for (const out of [bf, status, text]) {
      for (const key of [BT_KEY, OTLP_TOKEN]) expect(out.stdout + out.stderr).not.toContain(key);
    }
  });
});
