/** Structured logs on stderr: logfmt (`level=warn msg="…" key=value`) or JSON lines. */
import type { Reporter, ReportFields } from '../pipeline/report.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = ReportFields;

/** The CLI's logger is how the pipeline reports (src/pipeline/report.ts). */
export type Logger = Reporter;

function quote(v: string): string {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : JSON.stringify(v);
}

export function createLogger(stream: NodeJS.WritableStream, opts: { level: string; format: string }): Logger {
  const min = RANK[(opts.level as Level) in RANK ? (opts.level as Level) : 'info'];
  const write = (level: Level, msg: string, fields: Fields = {}): void => {
    if (RANK[level] < min) return;
    const time = new Date().toISOString();
    if (opts.format === 'json') {
      stream.write(`${JSON.stringify({ time, level, msg, ...fields })}\n`);
      return;
    }
    let line = `time=${time} level=${level} msg=${quote(msg)}`;
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) line += ` ${k}=${quote(String(v))}`;
    stream.write(`${line}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
