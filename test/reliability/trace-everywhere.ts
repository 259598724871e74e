/**
 * One `trace` run into every sink at once (local store, jsonl file, an OTLP receiver and a
 * Braintrust mock), for the secret tests: what each sink received, to search for leaks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { startBraintrustMock, startOtlpReceiver, type MockServer } from '../helpers/http.js';
import { testDir } from '../helpers/temp.js';

export const BT_KEY = 'bt-sk-Zq81nVx0LmRt5PaKe93WcYhD';
export const OTLP_TOKEN = 'otlp-tok-Hq27MdsP0xVb4KcN8yT';

/** every file of a directory (the store, its WAL and shared memory), concatenated */
export function dirBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

/** traces `home`'s sessions into every sink; the mock servers are pushed to `servers` (close them after) */
export async function traceEverywhere(home: string, servers: MockServer[], extra: string[] = []) {
  const otlp = await startOtlpReceiver();
  const bt = await startBraintrustMock(BT_KEY);
  servers.push(otlp, bt);
  const state = testDir();
  const out = join(testDir(), 'spans.jsonl');
  const env = {
    BRAINTRUST_API_KEY: BT_KEY,
    BRAINTRUST_API_URL: bt.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${OTLP_TOKEN}`,
  };
  const r = await cli(
    [
      ...extra,
      '--log-level',
      'debug',
      'trace',
      join(home, 'sessions'),
      '--state-dir',
      state,
      '--sink',
      'local',
      '--sink',
      'jsonl',
      '--out',
      out,
      '--sink',
      'otlp',
      '--sink',
      'braintrust',
      '--json',
    ],
    env,
  );
  return { r, otlp, bt, state, out, env };
}
