/** What every command gets: streams, a structured logger, the content policy, store access. */
import { DEFAULT_CONTENT, type ContentOptions } from '../content/options.js';
import { makeContentFilter, parseRedactPattern } from '../content/redact.js';
import type { ContentFilter } from '../trace/state.js';
import type { Span } from '../trace/span.js';
import { makeTerminal, type Terminal } from './format.js';
import { createLogger, type Logger } from './log.js';

/** A mistake in how the command was called: exit code 2, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface GlobalOptions {
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

export interface CommandContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** how stdout is drawn: width and colour (a TTY, NO_COLOR, --no-color, COLUMNS) */
  term: Terminal;
  /** the same for stderr (progress, notes) */
  errTerm: Terminal;
  content: ContentOptions;
  contentFilter: ContentFilter;
  llmInput: 'new' | 'full';
  loadStoredTraces: (ids: string[], stateDir?: string) => Promise<Span[]>;
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

export function makeContext(
  g: GlobalOptions,
  io: { stdout: CommandContext['stdout']; stderr: CommandContext['stderr']; env: NodeJS.ProcessEnv },
  loadStoredTraces: CommandContext['loadStoredTraces'],
): CommandContext {
  const content = contentOptions(g);
  const log = createLogger(io.stderr, { level: g.logLevel ?? io.env.CODEX_TRACER_LOG_LEVEL ?? 'info', format: g.logFormat ?? 'text' });
  const term = makeTerminal({ stream: io.stdout, env: io.env, colorFlag: g.color });
  const errTerm = makeTerminal({ stream: io.stderr, env: io.env, colorFlag: g.color });
  return { ...io, log, term, errTerm, content, contentFilter: makeContentFilter(content), llmInput: content.llmInput, loadStoredTraces };
}
