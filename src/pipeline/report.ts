/**
 * How the pipeline reports what happens (bad input, delivery failures, progress): an
 * interface of its own, so that it knows nothing of who listens. The CLI's structured
 * logger implements it; tests may collect the reports.
 */
export type ReportFields = Record<string, string | number | boolean | undefined | null>;

export interface Reporter {
  debug(msg: string, fields?: ReportFields): void;
  info(msg: string, fields?: ReportFields): void;
  warn(msg: string, fields?: ReportFields): void;
  error(msg: string, fields?: ReportFields): void;
}

/** A reporter that drops everything (a caller that only wants the spans). */
export const SILENT: Reporter = { debug() {}, info() {}, warn() {}, error() {} };
