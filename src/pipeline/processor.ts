/**
 * One rollout file, line by line: parse → normalize → reduce. Holds the per-file
 * normalizer and reducer state and the counts a user sees in summaries. Used by
 * every mode (show, trace, backfill, watch); knows no sink and does no I/O.
 */
import { normalize, initialNormalizerState, type NormalizerState } from '../rollout/normalize.js';
import { parseDecided, parseLine, type RolloutRecord } from '../rollout/parse.js';
import type { Effect } from '../trace/effects.js';
import { initialTraceState, reduceSession, type ReducerOptions, type TraceState } from '../trace/reduce.js';

export type LineInput =
  | { offset: number; text: string; decided?: true }
  | { offset: number; tooLong: true; bytes: number }
  /** a line the reader dropped undecoded (see `decideLine`) */
  | { offset: number; skipped: string };

export interface ProcessorStats {
  lines: number;
  records: number;
  skipped: number;
  badLines: number;
  badTimestamps: number;
  unknown: Record<string, number>;
  warnings: number;
}

export interface FileWarning {
  file: string;
  offset: number;
  code: string;
  message: string;
}

/** How far a record's time may run past its file's last write (file-system timestamp granularity, a touched file). */
const CLOCK_SLACK_MS = 3600 * 1000;

export class SessionProcessor {
  readonly stats: ProcessorStats = { lines: 0, records: 0, skipped: 0, badLines: 0, badTimestamps: 0, unknown: {}, warnings: 0 };
  readonly warnings: FileWarning[] = [];
  private readonly norm: NormalizerState;
  /** codes of value problems already warned about in this file (each is warned once, with its first offset) */
  private readonly warnedOnce = new Set<string>();
  private readonly trace: TraceState;
  private lastTime?: string;

  /**
   * `onWarning` sees every warning as it happens (the kept list stops at `maxWarnings`);
   * `onUnknown` every record of a type or event name the normalizer does not know, with its offset.
   */
  constructor(
    readonly file: string,
    opts: ReducerOptions,
    private readonly maxWarnings = 100,
    private readonly onWarning?: (w: FileWarning) => void,
    private readonly onUnknown?: (name: string, offset: number) => void,
  ) {
    this.trace = initialTraceState(opts);
    this.norm = initialNormalizerState({ fallbackThreadId: opts.fallbackThreadId });
  }

  /**
   * The file was last written at `mtimeMs`: no record in it can be dated much later (its
   * writer stamps records with the same clock as the file). Called whenever the file's
   * identity is taken, so a followed file's bound moves with its growth.
   */
  fileWrittenAt(mtimeMs: number): void {
    this.norm.notAfterMs = mtimeMs + CLOCK_SLACK_MS;
  }

  get threadId(): string | undefined {
    return this.trace.thread?.threadId;
  }

  get traceId(): string | undefined {
    return this.trace.thread?.traceId;
  }

  /** The time of the last record seen (for idle detection). */
  get lastRecordTime(): string | undefined {
    return this.lastTime;
  }

  push(line: LineInput): Effect[] {
    this.stats.lines++;
    if ('tooLong' in line) {
      this.warn(line.offset, 'line_too_long', `line of ${line.bytes} bytes skipped (over the line size limit)`);
      return [];
    }
    if ('skipped' in line) {
      this.stats.skipped++;
      return [];
    }
    if (line.text.length === 0 || /^\s*$/.test(line.text)) return [];
    const parsed = line.decided ? parseDecided(line.text) : parseLine(line.text);
    if (parsed.kind === 'skipped') {
      this.stats.skipped++;
      return [];
    }
    if (parsed.kind === 'bad') {
      this.badLine(line.offset, parsed.reason);
      return [];
    }
    return this.pushRecord(parsed.record, line.offset);
  }

  pushRecord(record: RolloutRecord, offset: number): Effect[] {
    this.stats.records++;
    const res = normalize(this.norm, record);
    if (res.unknown) {
      this.stats.unknown[res.unknown] = (this.stats.unknown[res.unknown] ?? 0) + 1;
      this.onUnknown?.(res.unknown, offset);
    }
    if (res.badTimestamp) {
      this.stats.badTimestamps++;
      this.warn(offset, 'bad_timestamp', res.badTimestamp);
    }
    for (const p of res.problems ?? []) {
      if (this.warnedOnce.has(p.code)) continue;
      this.warnedOnce.add(p.code);
      this.warn(offset, p.code, `${p.message} (warned once per file)`);
    }
    if (res.events.length === 0) return [];
    const effects: Effect[] = [];
    for (const ev of res.events) {
      if (ev.time > (this.lastTime ?? '')) this.lastTime = ev.time;
      for (const e of reduceSession(this.trace, ev).effects) {
        if (e.type === 'warning') this.warn(offset, e.code, e.message);
        effects.push(e);
      }
    }
    return effects;
  }

  /** A line (or document) that is not a record: counted and reported with its offset. */
  badLine(offset: number, reason: string): void {
    this.stats.badLines++;
    this.warn(offset, 'bad_line', reason);
  }

  /** The session is idle or the run ends: close what is open, end the root span. */
  finalize(): Effect[] {
    const time = this.lastTime ?? '1970-01-01T00:00:00.000Z';
    return reduceSession(this.trace, { type: 'finalize', time }).effects;
  }

  private warn(offset: number, code: string, message: string): void {
    this.stats.warnings++;
    const w: FileWarning = { file: this.file, offset, code, message };
    if (this.warnings.length < this.maxWarnings) this.warnings.push(w);
    this.onWarning?.(w);
  }
}
