import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.resume();
  const code = await main(['node', 'codex-tracer', ...args], { stdout, stderr, env });
  return { code, out };
}

describe('doctor', () => {
  it('passes on the sample sessions and reports the newest rollout as understood', async () => {
    const state = mkdtempSync(join(tmpdir(), 'ct-doctor-'));
    dirs.push(state);
    const r = await run(['doctor', '--codex-home', 'fixtures/sample-codex-home', '--state-dir', state, '--json']);
    expect(r.code).toBe(0);
    const checks = JSON.parse(r.out) as { name: string; ok: boolean; detail: string }[];
    expect(checks.find((c) => c.name === 'newest rollout')?.detail).toContain('format understood');
  });

  it('fails with a clear reason when CODEX_HOME is missing and the OTLP backend refuses', async () => {
    const state = mkdtempSync(join(tmpdir(), 'ct-doctor-'));
    dirs.push(state);
    const r = await run(['doctor', '--codex-home', join(state, 'nope'), '--state-dir', state], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+codex home .* does not exist/);
    expect(r.out).toMatch(/FAIL\s+otlp backend .*not reachable/);
  });

  it('reports an OTLP backend that answers, and a 401 as a credentials problem', async () => {
    let status = 200;
    const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(status).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const state = mkdtempSync(join(tmpdir(), 'ct-doctor-'));
    dirs.push(state);
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` };
    const ok = await run(['doctor', '--codex-home', 'fixtures/sample-codex-home', '--state-dir', state], env);
    expect(ok.out).toMatch(/ok\s+otlp backend .*HTTP 200/);
    status = 401;
    const bad = await run(['doctor', '--codex-home', 'fixtures/sample-codex-home', '--state-dir', state], env);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('check the credentials');
    server.close();
  });
});
