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

export function parseDate(text: string | undefined, flag: string): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(/^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00` : text);
  if (Number.isNaN(d.getTime())) throw new UsageError(`${flag}: "${text}" is not a date (YYYY-MM-DD or ISO-8601)`);
  return d;
}
