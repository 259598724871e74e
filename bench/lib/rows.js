/** The measured figures as table rows, each beside its budget. */
import { row } from './report.js';

const s = (ms) => ms / 1000;

export function backfillRows({ floor, bf, cc }) {
  const half = floor.mbPerSec / 2;
  return [
    row('floor: read + split + JSON.parse', floor.mbPerSec, 'MB/s', 'reference', null, `${floor.files} files, ${(floor.bytes / 2 ** 20).toFixed(0)} MB, ${floor.lines} lines in ${floor.ms.toFixed(0)} ms`),
    row('backfill into local store', bf.mbPerSec, 'MB/s', `≥ ${half.toFixed(0)} MB/s (50% of floor)`, bf.mbPerSec >= half, bf),
    row('backfill, share of floor', (100 * bf.mbPerSec) / floor.mbPerSec, '%', '≥ 50%', bf.mbPerSec >= half),
    row('backfill spans/s', bf.spansPerSec, 'spans/s', 'reference', null),
    row('backfill wall time', s(bf.ms), 's', 'reference', null),
    row('backfill CPU time (user + sys)', bf.cpuSec, 's', 'reference', null),
    row('backfill peak RSS', bf.peakRssMb, 'MB', 'reference', null),
    cc.error
      ? row('ccusage codex daily --offline', NaN, '', 'reference', null, cc.error)
      : row('ccusage codex daily --offline', cc.mbPerSec, 'MB/s', `reference (${s(cc.ms).toFixed(2)} s)`, null, cc),
  ];
}

export function watchRows({ lat, ri, grown }) {
  return [
    row('watch latency p50', lat.p50, 'ms', '≤ 50 ms', lat.p50 <= 50, lat),
    row('watch latency p95', lat.p95, 'ms', 'reference', null),
    row('watch latency p99', lat.p99, 'ms', '≤ 200 ms', lat.p99 <= 200 && lat.notSeenIn5s === 0),
    row('watch latency max', lat.max, 'ms', 'reference', null),
    row('idle CPU, steady (median 10 s window)', ri.idleCpuSecPerMin, 's/min', '≈ 0 (≤ 0.3 s/min)', ri.idleCpuSecPerMin <= 0.3, { windows: ri.idleCpuWindows }),
    row(`idle CPU, first ${ri.idleCpuWindows.length * 10} s after catch-up`, ri.idleCpuMeanSecPerMin, 's/min', 'reference', null),
    row('idle RSS (caught up)', ri.idleRssMb, 'MB', '< 150 MB', ri.idleRssMb < 150, { rssAfterCatchUpMb: ri.rssAfterCatchUpMb, peakRssMb: ri.peakRssMb }),
    row(`restart → caught up (${ri.restart.files} files)`, s(ri.restart.wallMs), 's', '< 1 s', ri.restart.wallMs < 1000, ri.restart),
    row(`restart, ${grown.grownFiles} files (1%) grew`, s(grown.restart.wallMs), 's', '< 1 s', grown.restart.wallMs < 1000, grown),
  ];
}

export function hugeRows({ huge }) {
  return [
    row(`huge session (${(huge.bytes / 2 ** 20).toFixed(0)} MB) peak RSS`, huge.peakRssMb, 'MB', '< 300 MB', huge.peakRssMb < 300, huge),
    row('huge session backfill', huge.mbPerSec, 'MB/s', 'reference', null),
  ];
}

/** linear when the 4x corpus costs at most 1.2x as much per MB as the 1x one */
export function scalingRows({ scaling }) {
  const [a, b, c] = scaling;
  const perMb = (r) => r.ms / (r.bytes / 2 ** 20);
  const ratio = c.ms / a.ms;
  const size = (r) => `${(r.bytes / 2 ** 20).toFixed(0)} MB`;
  return [
    row(`scaling: backfill ${size(a)} (1x)`, s(a.ms), 's', 'reference', null),
    row(`scaling: backfill ${size(b)} (2x)`, s(b.ms), 's', 'reference', null, { ratio: b.ms / a.ms }),
    row(`scaling: backfill ${size(c)} (4x)`, s(c.ms), 's', 'reference', null),
    row('scaling: time per MB, 4x ÷ 1x', perMb(c) / perMb(a), '×', '≤ 1.2 (linear)', perMb(c) <= 1.2 * perMb(a), { timeRatio4x: ratio, perMbMs: scaling.map(perMb) }),
  ];
}
