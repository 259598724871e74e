/**
 * The waterfall's time axis: idle gaps (no span but the session root running) longer than a
 * threshold are compressed to a fixed width, so hours between turns do not squash the work into
 * slivers. Positions are fractions of the axis (0..1).
 */

export interface Interval {
  start: number;
  end: number;
}

export interface Gap extends Interval {
  /** where the compressed gap sits on the axis, 0..1 */
  at: number;
  /** its width on the axis, 0..1 */
  width: number;
}

export interface TimeScale {
  start: number;
  end: number;
  /** sum of shown (not compressed) time plus compressed gaps, in ms */
  span: number;
  gaps: Gap[];
  /** a time (epoch ms) -> its position on the axis, 0..1 */
  x(t: number): number;
}

export interface ScaleOptions {
  /** a gap at least this long is compressed (default 30 s) */
  minGapMs?: number;
  /** the width a compressed gap takes, as a share of the axis (default 0.03) */
  gapShare?: number;
}

/** The idle stretches between the union of intervals, at least `minGapMs` long, in time order. */
export function findGaps(intervals: readonly Interval[], minGapMs: number): Interval[] {
  const sorted = intervals.filter((i) => Number.isFinite(i.start) && Number.isFinite(i.end)).sort((a, b) => a.start - b.start);
  const gaps: Interval[] = [];
  let reach = -Infinity;
  for (const i of sorted) {
    if (reach !== -Infinity && i.start - reach >= minGapMs) gaps.push({ start: reach, end: i.start });
    reach = Math.max(reach, i.end);
  }
  return gaps;
}

/**
 * A scale over [start, end]; `busy` are the intervals of work (every span but the root). A gap
 * takes `gapShare` of the axis however long it is; the rest is shared in proportion to time.
 */
export function makeScale(start: number, end: number, busy: readonly Interval[], opts: ScaleOptions = {}): TimeScale {
  const minGapMs = opts.minGapMs ?? 30_000;
  const gapShare = opts.gapShare ?? 0.03;
  const total = Math.max(end - start, 1);
  const raw = findGaps(busy, minGapMs).filter((g) => g.start >= start && g.end <= end);
  const idle = raw.reduce((sum, g) => sum + (g.end - g.start), 0);
  const shown = Math.max(total - idle, 1);
  // compress only when the gaps are a real share of the axis
  const gapsShare = raw.length * gapShare;
  const compress = raw.length > 0 && idle / total > gapsShare && gapsShare < 0.5;
  if (!compress) {
    return { start, end, span: total, gaps: [], x: (t) => clamp((t - start) / total) };
  }
  const perMs = (1 - gapsShare) / shown;
  const gaps: Gap[] = [];
  let pos = 0;
  let last = start;
  for (const g of raw) {
    pos += (g.start - last) * perMs;
    gaps.push({ start: g.start, end: g.end, at: pos, width: gapShare });
    pos += gapShare;
    last = g.end;
  }
  const x = (t: number): number => {
    let p = 0;
    let from = start;
    for (const g of gaps) {
      if (t < g.start) break;
      if (t <= g.end) return clamp(g.at + ((t - g.start) / (g.end - g.start)) * g.width);
      p = g.at + g.width;
      from = g.end;
    }
    return clamp(p + (t - from) * perMs);
  };
  return { start, end, span: shown + idle, gaps, x };
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

export interface Bar {
  /** 0..1 */
  left: number;
  /** 0..1, at least `minWidth` (a zero-length span stays visible) */
  width: number;
}

/** A span's bar on the axis; an open span (no end) runs to `openEnd`. */
export function barOf(scale: TimeScale, start: number, end: number | null, minWidth = 0.002, openEnd = scale.end): Bar {
  const left = scale.x(start);
  const right = scale.x(end ?? openEnd);
  const width = Math.max(right - left, minWidth);
  return { left: Math.min(left, 1 - minWidth), width: Math.min(width, 1) };
}

export interface Tick {
  x: number;
  /** ms since the scale's start */
  offsetMs: number;
}

const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 216e5, 432e5, 864e5];

/** About `count` evenly stepped ticks over the shown (uncompressed) time, from the start of each stretch between gaps. */
export function ticks(scale: TimeScale, count = 6): Tick[] {
  const shownMs = scale.span - scale.gaps.reduce((s, g) => s + (g.end - g.start), 0);
  const target = Math.max(shownMs / count, 1);
  const step = STEPS.find((s) => s >= target) ?? Math.ceil(target / 864e5) * 864e5;
  const out: Tick[] = [];
  let from = scale.start;
  const segments: Interval[] = [];
  for (const g of scale.gaps) {
    segments.push({ start: from, end: g.start });
    from = g.end;
  }
  segments.push({ start: from, end: scale.end });
  for (const seg of segments) {
    for (let t = seg.start; t <= seg.end && out.length < 200; t += step) out.push({ x: scale.x(t), offsetMs: t - scale.start });
  }
  return out;
}
