/**
 * What people read in a terminal: numbers and durations humanized, lines fitted to the
 * width (cut with `…`), colour on a TTY unless NO_COLOR / --no-color. Machine output
 * (`--json`, `--format jsonl`) never goes through here: it keeps exact values.
 */

/** `651.7M`, `12.3k`, `950`. */
export function humanNumber(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  for (const [unit, div] of [
    ['B', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (a >= div * 0.9995) return `${(n / div).toFixed(1)}${unit}`;
  }
  return String(n);
}

/** `850ms`, `4.20s`, `2m00s`, `1h05m`; `?` when unknown (no end, or a negative span of time). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 59_995) return `${(ms / 1000).toFixed(2)}s`;
  const totalS = Math.round(ms / 1000);
  const m = Math.floor(totalS / 60);
  if (m < 60) return `${m}m${String(totalS % 60).padStart(2, '0')}s`;
  const totalM = Math.round(ms / 60_000);
  return `${Math.floor(totalM / 60)}h${String(totalM % 60).padStart(2, '0')}m`;
}

export type Colour = 'red' | 'green' | 'yellow' | 'dim' | 'bold' | 'cyan';
const CODES: Record<Colour, [number, number]> = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22], cyan: [36, 39] };

export interface Segment {
  text: string;
  colour?: Colour;
}

export interface Terminal {
  colour: boolean;
  /** columns to fit; Infinity when the output is not a terminal and COLUMNS is not set */
  width: number;
  paint(text: string, colour: Colour | undefined): string;
  /** the segments as one line, cut to the width with `…`, painted */
  line(segments: readonly Segment[]): string;
}

export interface TerminalSettings {
  stream: { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** false when --no-color was given */
  colorFlag?: boolean;
}

/** Colour: FORCE_COLOR (not 0) forces it; NO_COLOR (any value), --no-color, TERM=dumb or no TTY turn it off. */
export function colourEnabled(s: TerminalSettings): boolean {
  if (s.colorFlag === false) return false;
  const force = s.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (s.env.NO_COLOR !== undefined && s.env.NO_COLOR !== '') return false;
  if (s.env.TERM === 'dumb') return false;
  return s.stream.isTTY === true;
}

/** Width: COLUMNS when set, else the terminal's, else none (a pipe or file gets whole lines). */
export function terminalWidth(s: TerminalSettings): number {
  const env = Number(s.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  if (s.stream.isTTY && s.stream.columns && s.stream.columns > 0) return s.stream.columns;
  return Number.POSITIVE_INFINITY;
}

export function makeTerminal(s: TerminalSettings): Terminal {
  const colour = colourEnabled(s);
  const width = terminalWidth(s);
  const paint = (text: string, c: Colour | undefined): string => {
    if (!colour || !c || text === '') return text;
    const [on, off] = CODES[c];
    return `\x1b[${on}m${text}\x1b[${off}m`;
  };
  return {
    colour,
    width,
    paint,
    line(segments) {
      return fitSegments(segments, width)
        .map((seg) => paint(seg.text, seg.colour))
        .join('')
        .trimEnd();
    },
  };
}

/** Cuts the segments so that their text is at most `width` characters, the last one ending in `…`. */
export function fitSegments(segments: readonly Segment[], width: number): Segment[] {
  const total = segments.reduce((a, seg) => a + [...seg.text].length, 0);
  if (total <= width) return [...segments];
  const out: Segment[] = [];
  let room = Math.max(1, width) - 1;
  for (const seg of segments) {
    const chars = [...seg.text];
    if (chars.length <= room) {
      out.push(seg);
      room -= chars.length;
      continue;
    }
    out.push({ ...seg, text: `${chars.slice(0, room).join('').trimEnd()}…` });
    return out;
  }
  return out;
}

/** Plain text cut to `max` characters with `…`. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A span's length: `?` when unknown (no timing in the rollout: start and end are one instant). */
export function spanDuration(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !(ms > 0) ? '?' : formatDuration(ms);
}
