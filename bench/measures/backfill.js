/** Backfill throughput beside the read-and-parse floor and ccusage, on the same CODEX_HOME. */
import { execFileSync } from 'node:child_process';
import { floor } from '../floor.js';
import { backfill, runChild } from '../lib/proc.js';
import { storeBytes, scratch } from '../lib/corpus.js';
import { ccusageBin } from '../lib/ccusage.js';

const MB = 1024 * 1024;

/** best of `n` floor runs (the first also warms the page cache for everyone) */
export async function measureFloor(home, n = 3) {
  let best;
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const r = await floor(home);
    const c = process.cpuUsage(c0);
    r.cpuSec = (c.user + c.system) / 1e6;
    if (best === undefined || r.ms < best.ms) best = r;
  }
  return { ...best, mbPerSec: best.bytes / MB / (best.ms / 1000) };
}

/** a fresh backfill of `home` into `stateDir`: time, MB/s, spans/s, peak RSS */
export async function measureBackfill(home, stateDir, nodeArgs = []) {
  execFileSync('sync'); // write back the corpus just generated or copied, so this run does not pay for it
  const r = await backfill(home, stateDir, nodeArgs);
  const s = r.summary;
  return {
    ms: r.ms,
    bytes: s.bytes,
    files: s.files,
    spans: s.spansDelivered,
    mbPerSec: s.bytes / MB / (r.ms / 1000),
    spansPerSec: s.spansDelivered / (r.ms / 1000),
    peakRssMb: r.usage ? r.usage.maxRssKb / 1024 : NaN,
    cpuSec: r.usage ? (r.usage.userUs + r.usage.systemUs) / 1e6 : NaN,
    storeBytes: storeBytes(stateDir),
  };
}

/** `ccusage codex daily --json --offline` with CODEX_HOME=home (a pure token scanner, as reference) */
export async function measureCcusage(home, bytes) {
  let bin;
  try {
    bin = ccusageBin();
  } catch (err) {
    return {
      error: `could not install ccusage: ${String(err.stderr ?? err.message)
        .trim()
        .slice(0, 300)}`,
    };
  }
  const r = await runChild(bin, ['codex', 'daily', '--json', '--offline'], { env: { CODEX_HOME: home } });
  if (r.code !== 0) return { error: `exit ${r.code}: ${r.stderr.trim().slice(0, 300)}` };
  let days;
  try {
    days = JSON.parse(r.stdout).daily.length;
  } catch {
    return { error: 'output is not the expected JSON' };
  }
  return { ms: r.ms, days, mbPerSec: bytes / MB / (r.ms / 1000) };
}

/** backfill time of each corpus in `homes` (1x, 2x, 4x ...), each into a fresh state dir */
export async function measureScaling(homes) {
  const out = [];
  for (const [i, home] of homes.entries()) out.push(await measureBackfill(home, scratch(`scale-state-${i}`)));
  return out;
}
