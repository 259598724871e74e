/**
 * Flags and environment, resolved once per command into the settings it runs with:
 * where the state and the Codex home are, the content policy, the log, the sinks.
 * Commands read their `ctx.config`, never `process.env` or the raw flags for these.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_CONTENT, type ContentOptions } from '../content/options.js';
import { parseRedactPattern } from '../content/redact.js';
import { isSinkName, SINK_NAMES, type CreateSinkOptions, type SinkName } from '../sinks/index.js';
import { resolveStateDir } from '../store/index.js';

/** A mistake in how the command was called: exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface GlobalOptions {
  stateDir?: string;
  content?: string;
  maxFieldBytes?: string;
  redactPattern?: string[];
  redact?: boolean;
  llmInput?: string;
  logLevel?: string;
  logFormat?: string;
  /** false with --no-color */
  color?: boolean;
}

export interface SinkFlags {
  sink?: string[];
  out?: string;
  otlpEndpoint?: string;
  otlpProtocol?: string;
  braintrustProject?: string;
}

/** Every flag a command may carry that the config resolves (each command has some of them). */
export interface ConfigFlags extends GlobalOptions, SinkFlags {
  codexHome?: string;
}

export interface Config {
  /** `--state-dir`, else `$XDG_STATE_HOME/codex-tracer`, else `~/.local/state/codex-tracer` (not created here) */
  stateDir: string;
  /** `--codex-home`, else `$CODEX_HOME`, else `~/.codex` */
  codexHome: string;
  content: ContentOptions;
  log: { level: string; format: string };
  /** `--sink` (deduplicated; default: the local store) */
  sinks: SinkName[];
  /** what each remote or file sink reads from the flags (the environment fills the rest) */
  sinkOptions: Omit<CreateSinkOptions, 'local'>;
}

export function resolveCodexHome(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return resolve(flag ?? env.CODEX_HOME ?? join(homedir(), '.codex'));
}

export function contentOptions(g: GlobalOptions): ContentOptions {
  const mode = g.content ?? DEFAULT_CONTENT.mode;
  if (mode !== 'full' && mode !== 'none') throw new UsageError(`--content must be full or none, not ${mode}`);
  const llmInput = g.llmInput ?? DEFAULT_CONTENT.llmInput;
  if (llmInput !== 'new' && llmInput !== 'full') throw new UsageError(`--llm-input must be new or full, not ${llmInput}`);
  let maxFieldBytes = DEFAULT_CONTENT.maxFieldBytes;
  if (g.maxFieldBytes !== undefined) {
    maxFieldBytes = Number(g.maxFieldBytes);
    if (!Number.isInteger(maxFieldBytes) || maxFieldBytes < 16) throw new UsageError('--max-field-bytes must be an integer of at least 16');
  }
  let extraPatterns: RegExp[];
  try {
    extraPatterns = (g.redactPattern ?? []).map(parseRedactPattern);
  } catch (err) {
    throw new UsageError(`--redact-pattern: ${(err as Error).message}`);
  }
  return { mode, maxFieldBytes, redact: g.redact !== false, extraPatterns, llmInput };
}

function sinkNames(flags: SinkFlags): SinkName[] {
  const names = [...new Set(flags.sink && flags.sink.length > 0 ? flags.sink : ['local'])];
  for (const n of names) {
    if (!isSinkName(n)) throw new UsageError(`--sink: unknown sink "${n}" (use ${SINK_NAMES.join(', ')})`);
  }
  return names as SinkName[];
}

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv): Config {
  return {
    stateDir: resolveStateDir(flags.stateDir, env),
    codexHome: resolveCodexHome(flags.codexHome, env),
    content: contentOptions(flags),
    log: { level: flags.logLevel ?? env.CODEX_TRACER_LOG_LEVEL ?? 'info', format: flags.logFormat ?? 'text' },
    sinks: sinkNames(flags),
    sinkOptions: {
      out: flags.out,
      otlp: { ...(flags.otlpEndpoint ? { endpoint: flags.otlpEndpoint } : {}), ...(flags.otlpProtocol ? { protocol: flags.otlpProtocol } : {}) },
      braintrust: flags.braintrustProject ? { project: flags.braintrustProject } : {},
    },
  };
}

/** `30m`, `90s`, `2h`, `500ms`, or plain milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 30m, 90s, 2h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms'] as number;
  return Number(m[1]) * unit;
}

/** A whole number of at least `min`: `--limit 20`, `--concurrency 8`, `--depth 2`. */
export function parseCount(text: string | undefined, flag: string, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min)
    throw new UsageError(`${flag}: expected a whole number${min > 0 ? ` of at least ${min}` : ''}, got "${text}"`);
  return Number(text);
}

const DAY_MS = 86_400_000;

/**
 * `--since` / `--until`, the same in every command: an ISO date or instant (`2026-11-25`,
 * `2026-11-25T14:00`, `2026-11-25T14:00:00Z`), `today`, `yesterday`, or an age (`7d`, `12h`,
 * `30m`: that long ago). A bare day is local time and whole: `--since D` from its start,
 * `--until D` through its end (sessions that started before the next day). An instant is
 * exact (`--until` excludes it). Slashed forms (`11/25/2026`) are refused: month and day
 * order is ambiguous.
 */
export function parseDate(
  text: string | undefined,
  flag: string,
  edge: 'since' | 'until' = flag === '--until' ? 'until' : 'since',
  now = new Date(),
): Date | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  const wholeDay = (day: Date): Date => new Date(day.getFullYear(), day.getMonth(), day.getDate() + (edge === 'until' ? 1 : 0));
  if (t === 'today') return wholeDay(now);
  if (t === 'yesterday') return wholeDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
  const age = /^(\d+(?:\.\d+)?)(m|h|d|w)$/.exec(t);
  if (age) return new Date(now.getTime() - Number(age[1]) * { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS }[age[2] as 'm' | 'h' | 'd' | 'w']);
  const bad = (): UsageError =>
    new UsageError(`${flag}: "${text}" is not a date: use YYYY-MM-DD, an ISO-8601 time (2026-11-25T14:00Z), today, yesterday, or an age like 7d or 12h`);
  if (/^\d{4}-\d\d-\d\d$/.test(t)) {
    const [y, m, d] = t.split('-').map(Number) as [number, number, number];
    const day = new Date(y, m - 1, d);
    if (day.getMonth() !== m - 1 || day.getDate() !== d) throw bad();
    return wholeDay(day);
  }
  if (!/^\d{4}-\d\d-\d\dt\d\d:\d\d(:\d\d(\.\d+)?)?(z|[+-]\d\d:?\d\d)?$/.test(t)) throw bad();
  const d = new Date(text.trim());
  if (Number.isNaN(d.getTime())) throw bad();
  return d;
}

/** The day folders backfill walks for a range: `--until`'s instant is exclusive, the folder of its last moment is in. */
export function dayRange(since: Date | undefined, until: Date | undefined): { since?: Date; until?: Date } {
  return { ...(since ? { since } : {}), ...(until ? { until: new Date(until.getTime() - 1) } : {}) };
}
