/**
 * A one-line progress bar on stderr, only on a terminal. It shows at once (the walk of a
 * large history comes first), then files, bytes, spans and an ETA from the bytes still to
 * read; while a sink is down it says so instead of an ETA that means nothing.
 */
import { formatDuration, type Terminal } from './format.js';
import type { Fields, Logger } from './log.js';

export interface Progress {
  /** the totals are known: the bar starts */
  start(totalFiles: number, totalBytes: number): void;
  update(done: { files: number; bytes: number }, spans: number): void;
  /** takes the bar off the line (before a log line), `redraw` puts it back */
  clear(): void;
  redraw(): void;
  done(): void;
}

export interface ProgressOptions {
  enabled: boolean;
  /** what is being done before the totals are known */
  phase: string;
  /** a reason the ETA means nothing now (`otlp down`), or undefined */
  stalled?: () => string | undefined;
  now?: () => number;
}

const NONE: Progress = { start: () => undefined, update: () => undefined, clear: () => undefined, redraw: () => undefined, done: () => undefined };

export function createProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, term: Terminal, opts: ProgressOptions): Progress {
  if (!opts.enabled || !stream.isTTY) return NONE;
  const now = opts.now ?? Date.now;
  const t0 = now();
  let totals: { files: number; bytes: number } | undefined;
  let startedAt = t0;
  let last = { files: 0, bytes: 0, spans: 0 };
  let shown = '';
  let lastDraw = 0;
  const text = (): string => {
    if (!totals) return `${opts.phase} …`;
    const frac = totals.bytes > 0 ? last.bytes / totals.bytes : totals.files > 0 ? last.files / totals.files : 1;
    const width = 24;
    const filled = Math.round(Math.min(1, frac) * width);
    const elapsed = now() - startedAt;
    const stalled = opts.stalled?.();
    const eta = stalled ? stalled : frac > 0 && elapsed > 500 ? `ETA ${formatDuration(Math.max(0, elapsed / frac - elapsed))}` : 'ETA …';
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${last.files}/${totals.files} files  ${(last.bytes / 1e6).toFixed(1)}/${(totals.bytes / 1e6).toFixed(1)} MB  ${last.spans} spans  ${eta}`;
  };
  const draw = (): void => {
    shown = term.line([{ text: text() }]);
    stream.write(`\r${shown}\x1b[K`);
    lastDraw = now();
  };
  draw();
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    start(files, bytes) {
      totals = { files, bytes };
      startedAt = now();
      draw();
    },
    update(d, spans) {
      last = { ...d, spans };
      if (now() - lastDraw >= 100 || (totals && d.files >= totals.files)) draw();
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
    },
    redraw: draw,
    done() {
      clearInterval(timer);
      if (shown) stream.write('\r\x1b[K');
      shown = '';
    },
  };
}

/**
 * A logger for runs with a progress bar: each log line clears the bar first and puts it
 * back after; a warning repeated (same message and code, another file) is said once, and
 * `summarize()` gives the count of the rest at the end.
 */
export function groupingLogger(inner: Logger, progress: Progress): Logger & { summarize(): void } {
  const seen = new Map<string, { count: number; first: Fields | undefined }>();
  const around = (fn: () => void): void => {
    progress.clear();
    fn();
    progress.redraw();
  };
  return {
    debug: (m, f) => around(() => inner.debug(m, f)),
    info: (m, f) => around(() => inner.info(m, f)),
    error: (m, f) => around(() => inner.error(m, f)),
    warn(m, f) {
      const key = `${m}\u0000${String(f?.code ?? f?.reason ?? '')}`;
      const s = seen.get(key);
      if (s) {
        s.count++;
        return;
      }
      seen.set(key, { count: 1, first: f });
      around(() => inner.warn(m, f));
    },
    summarize() {
      for (const [key, s] of seen) {
        if (s.count < 2) continue;
        const msg = key.split('\u0000')[0] as string;
        inner.warn(`${msg}: ${s.count - 1} more like the one above`, {
          code: s.first?.code ?? undefined,
          reason: s.first?.code ? undefined : s.first?.reason,
          times: s.count,
        });
      }
    },
  };
}
