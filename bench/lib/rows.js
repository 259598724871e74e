/** The measured figures as table rows, each beside its budget. */
import { row } from './report.js';

const s = (ms) => ms / 1000;

/** backfill speed must reach this share of the floor measured in the same run (goal 1.0) */
export const FLOOR_SHARE_BUDGET = 0.6;
const RSS_BUDGET_MB = 250;
const STORE_SHARE_BUDGET = 0.35;

/** one corpus's rows: its floor, the backfill beside it, ccusage on the same files */
export function backfillRows({ label, floor, bf, cc }) {
  const need = floor.mbPerSec * FLOOR_SHARE_BUDGET;
  const mb = bf.bytes / 2 ** 20;
  const p = (m) => `${label}: ${m}`;
  const storeShare = bf.storeBytes / bf.bytes;
  return [
    row(
      p('floor: read + split + JSON.parse'),
      floor.mbPerSec,
      'MB/s',
      'reference',
      null,
      `${floor.files} files, ${(floor.bytes / 2 ** 20).toFixed(0)} MB, ${floor.lines} lines in ${floor.ms.toFixed(0)} ms`,
    ),
    row(p('backfill into local store'), bf.mbPerSec, 'MB/s', `≥ ${need.toFixed(0)} MB/s (${FLOOR_SHARE_BUDGET}× floor)`, bf.mbPerSec >= need, bf),
    row(p('backfill speed ÷ floor speed'), bf.mbPerSec / floor.mbPerSec, '×', `≥ ${FLOOR_SHARE_BUDGET}× (goal 1.0×)`, bf.mbPerSec >= need),
    row(p('backfill wall time'), s(bf.ms), 's', `reference (floor ${s(floor.ms).toFixed(2)} s)`, null),
    row(p('backfill CPU time (user + sys)'), bf.cpuSec, 's', 'reference', null),
    row(p('backfill CPU per MB'), bf.cpuSec / mb, 'CPU-s/MB', `reference (floor ${(floor.cpuSec / (floor.bytes / 2 ** 20)).toFixed(4)})`, null),
    // CPU time does not depend on what else the machine runs as wall time does
    row(p('backfill CPU ÷ floor CPU'), bf.cpuSec / floor.cpuSec, '×', "reference (1 = the floor's work)", null, { floorCpuSec: floor.cpuSec }),
    row(p('backfill spans/s'), bf.spansPerSec, 'spans/s', 'reference', null, { spans: bf.spans }),
    row(p('backfill peak RSS'), bf.peakRssMb, 'MB', `≤ ${RSS_BUDGET_MB} MB (goal 150)`, bf.peakRssMb <= RSS_BUDGET_MB),
    row(p('store size ÷ rollout bytes'), 100 * storeShare, '%', `≤ ${100 * STORE_SHARE_BUDGET}% (goal 20%)`, storeShare <= STORE_SHARE_BUDGET, {
      storeBytes: bf.storeBytes,
      rolloutBytes: bf.bytes,
    }),
    cc === undefined
      ? undefined
      : cc.error
        ? row(p('ccusage codex daily --offline'), NaN, '', 'reference', null, cc.error)
        : row(p('ccusage codex daily --offline'), cc.mbPerSec, 'MB/s', `reference (${s(cc.ms).toFixed(2)} s)`, null, cc),
  ].filter((r) => r !== undefined);
}

export function watchRows({ lat, ri, grown }) {
  return [
    row('watch latency p50', lat.p50, 'ms', '≤ 50 ms', lat.p50 <= 50, lat),
    row('watch latency p95', lat.p95, 'ms', 'reference', null),
    row('watch latency p99', lat.p99, 'ms', '≤ 100 ms (goal 20)', lat.p99 <= 100 && lat.notSeenIn5s === 0),
    row('watch latency max', lat.max, 'ms', 'reference', null),
    row('idle CPU, steady (median 10 s window)', ri.idleCpuSecPerMin, 's/min', '≈ 0 (≤ 0.3 s/min)', ri.idleCpuSecPerMin <= 0.3, { windows: ri.idleCpuWindows }),
    row(`idle CPU, first ${ri.idleCpuWindows.length * 10} s after catch-up`, ri.idleCpuMeanSecPerMin, 's/min', 'reference', null),
    row('idle RSS (caught up)', ri.idleRssMb, 'MB', '< 150 MB', ri.idleRssMb < 150, { rssAfterCatchUpMb: ri.rssAfterCatchUpMb, peakRssMb: ri.peakRssMb }),
    row(`restart → caught up (${ri.restart.files} files)`, s(ri.restart.wallMs), 's', '< 1 s', ri.restart.wallMs < 1000, ri.restart),
    row(`restart → live (watches set)`, s(ri.restart.liveWallMs), 's', '< 1 s', ri.restart.liveWallMs < 1000),
    row(`restart, ${grown.grownFiles} files (1%) grew`, s(grown.restart.wallMs), 's', '< 1 s', grown.restart.wallMs < 1000, grown),
    row(`restart, ${grown.grownFiles} files grew → live`, s(grown.restart.liveWallMs), 's', '< 1 s', grown.restart.liveWallMs < 1000),
  ];
}

export function hugeRows({ huge }) {
  return [
    row(
      `huge session (${(huge.bytes / 2 ** 20).toFixed(0)} MB) peak RSS`,
      huge.peakRssMb,
      'MB',
      `≤ ${RSS_BUDGET_MB} MB (goal 150)`,
      huge.peakRssMb <= RSS_BUDGET_MB,
      huge,
    ),
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
    row('scaling: time per MB, 4x ÷ 1x', perMb(c) / perMb(a), '×', '≤ 1.2 (linear)', perMb(c) <= 1.2 * perMb(a), {
      timeRatio4x: ratio,
      perMbMs: scaling.map(perMb),
    }),
  ];
}
