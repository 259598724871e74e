/**
 * A bad day with the backends, the built CLI run as a process: an OTLP port where nothing
 * listens, an endpoint that answers but not as OTLP. `--timeout` is a hard deadline, the
 * first failure is said within 5 s and names the endpoint and its origin, `watch` stops
 * within 5 s of SIGTERM during an outage, `doctor` fails on non-OTLP answers.
 */
import { cpSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCleanups, testDir } from '../helpers/index.js';
import { cleanEnv, ROOT, runBin } from './proc.js';

let home: string;
let closedPort: number;

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** ms from the process start to the first log line matching `re` (the log's own timestamp). */
function logDelay(stderr: string, re: RegExp, startedAt: number): number {
  const line = stderr.split('\n').find((l) => re.test(l));
  const time = line ? /time=(\S+)/.exec(line)?.[1] : undefined;
  return time ? Date.parse(time) - startedAt : Number.POSITIVE_INFINITY;
}

beforeAll(async () => {
  home = testDir('ct-bad-home-');
  cpSync(join(ROOT, 'fixtures', 'sample-codex-home'), home, { recursive: true });
  closedPort = await freePort();
});
afterAll(runCleanups);

describe('an OTLP backend that is down', () => {
  it('trace --timeout 3s exits 1 within the timeout plus a few seconds and names what was not delivered', async () => {
    const md = join(testDir(), 'summary.md');
    const t0 = Date.now();
    const r = await runBin(
      ['trace', home, '--sink', 'otlp', '--otlp-endpoint', `http://127.0.0.1:${closedPort}`, '--timeout', '3s', '--summary-md', md],
      cleanEnv(testDir()),
    );
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(3000 + 4000);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('NOT DELIVERED (--timeout 3s passed): 9 file(s)');
    expect(r.stderr).toContain(`sink otlp at http://127.0.0.1:${closedPort}/v1/traces (from --otlp-endpoint)`);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    expect(r.stderr).toMatch(/rollout-2026-11-25T16-55-20-01a213a2-1aca-7c10-9f3b-92d4ee298926\.jsonl/);
    // the first failure is said within 5 s, with the endpoint
    expect(logDelay(r.stderr, /msg="sink down/, t0)).toBeLessThan(5000);
    // then at a bounded rate: once in these seconds, not once per file or per retry
    expect(r.stderr.match(/msg="sink down/g)).toHaveLength(1);
    expect((r.stderr.match(/msg="delivery failed; will retry"/g) ?? []).length).toBeLessThanOrEqual(1);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('### ❌ Delivery failed');
    expect(text).toContain('**9 file(s) not delivered** (--timeout 3s passed).');
  });

  it('names the default endpoint and that OTEL_EXPORTER_OTLP_ENDPOINT is not set, in the first failure and in status', async () => {
    const t0 = Date.now();
    const r = await runBin(['trace', home, '--sink', 'otlp', '--timeout', '4s'], cleanEnv(testDir()));
    expect(r.code).toBe(1);
    const down = r.stderr.split('\n').find((l) => l.includes('msg="sink down'));
    expect(down).toContain('endpoint="http://localhost:4318/v1/traces (the default: OTEL_EXPORTER_OTLP_ENDPOINT is not set)"');
    expect(logDelay(r.stderr, /msg="sink down/, t0)).toBeLessThan(5000);
    const st = await runBin(['status', '--codex-home', home, '--state-dir', testDir()], cleanEnv(testDir()));
    expect(st.stdout).toContain(
      'sink otlp:   not configured: --sink otlp would send to http://localhost:4318/v1/traces (the default: OTEL_EXPORTER_OTLP_ENDPOINT is not set)',
    );
    const json = await runBin(
      ['status', '--codex-home', home, '--state-dir', testDir(), '--json'],
      cleanEnv(testDir(), { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
    );
    expect((JSON.parse(json.stdout) as { sinks: { otlpEndpoint: unknown } }).sinks.otlpEndpoint).toEqual({
      url: 'http://collector:4318/v1/traces',
      origin: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      configured: true,
    });
  });

  it('watch stops within 5 s of SIGTERM during the outage, exit 0, saying what is pending', async () => {
    const state = testDir('ct-bad-state-');
    let signalledAt = 0;
    const r = await runBin(
      ['watch', '--codex-home', home, '--state-dir', state, '--sink', 'otlp', '--sink', 'local', '--otlp-endpoint', `http://127.0.0.1:${closedPort}`],
      cleanEnv(testDir()),
      {
        onStderr: (text, child) => {
          if (signalledAt === 0 && text.includes('msg="sink down')) {
            signalledAt = Date.now();
            child.kill('SIGTERM');
          }
        },
      },
    );
    expect(signalledAt, r.stderr).toBeGreaterThan(0);
    expect(r.code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    expect(r.stderr).toMatch(
      /msg="stopped with deliveries pending: what was acknowledged is committed; the rollout files keep the rest[^"]*" files=\d+ spansPending=\d+ sinks=otlp/,
    );
    // nothing was acknowledged by every sink: no cursor moved, the next run delivers it all
    const st = await runBin(['status', '--codex-home', home, '--state-dir', state, '--json'], cleanEnv(testDir()));
    expect((JSON.parse(st.stdout) as { files: { traced: number } }).files.traced).toBe(0);
  });
});

describe('an OTLP endpoint that accepts connections and never answers', () => {
  let silent: import('node:net').Server;
  const sockets: import('node:net').Socket[] = [];
  let url: string;
  beforeAll(async () => {
    const { createServer: tcp } = await import('node:net');
    silent = tcp((socket) => {
      // accept, read nothing back, never answer
      sockets.push(socket);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => silent.close(() => r()));
  });

  it('trace --timeout 2s still ends within the deadline plus a few seconds, exit 1', async () => {
    const r = await runBin(['trace', home, '--sink', 'otlp', '--otlp-endpoint', url, '--timeout', '2s'], cleanEnv(testDir()));
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(2000 + 4000);
    expect(r.stderr).toContain('NOT DELIVERED (--timeout 2s passed): 9 file(s)');
  });

  it('watch exits 0 within 5 s of SIGTERM while every export hangs', async () => {
    const state = testDir('ct-silent-state-');
    let signalledAt = 0;
    const r = await runBin(['watch', '--codex-home', home, '--state-dir', state, '--sink', 'otlp', '--otlp-endpoint', url], cleanEnv(testDir()), {
      onStderr: (text, child) => {
        if (signalledAt === 0 && text.includes('msg=watching')) {
          signalledAt = Date.now();
          setTimeout(() => child.kill('SIGTERM'), 1500);
        }
      },
    });
    expect(signalledAt, r.stderr).toBeGreaterThan(0);
    expect(r.code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(1500 + 5000);
  });
});

describe('doctor against endpoints that answer', () => {
  const doctor = (url: string): Promise<{ code: number | null; stdout: string }> =>
    runBin(['doctor', '--codex-home', home, '--state-dir', testDir()], cleanEnv(testDir(), { OTEL_EXPORTER_OTLP_ENDPOINT: url }));

  it('fails on HTTP 415, on a 5xx and on a web page; passes on an OTLP answer', async () => {
    let answer: { status: number; type?: string; body: string } = { status: 415, body: 'unsupported' };
    const { server, url } = await serve((req, res) =>
      req.resume().on('end', () => res.writeHead(answer.status, answer.type ? { 'content-type': answer.type } : {}).end(answer.body)),
    );
    try {
      let r = await doctor(url);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /FAIL\s+otlp backend\s+http:\/\/127\.0\.0\.1:\d+\/v1\/traces answered HTTP 415 Unsupported Media Type; endpoint .* \(from OTEL_EXPORTER_OTLP_ENDPOINT\)/,
      );
      answer = { status: 503, body: '' };
      r = await doctor(url);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+otlp backend .*answered HTTP 503/);
      answer = { status: 200, type: 'text/html', body: '<html>hello</html>' };
      r = await doctor(url);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/FAIL\s+otlp backend .*with text\/html, not an OTLP response/);
      answer = { status: 200, type: 'application/x-protobuf', body: '' };
      r = await doctor(url);
      expect(r.stdout).toMatch(/ok\s+otlp backend .*accepted an empty OTLP http\/protobuf export \(HTTP 200\)/);
      expect(r.code).toBe(0);
    } finally {
      server.close();
    }
  });
});
