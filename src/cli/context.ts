/** What every command gets: streams, a structured logger, its resolved config, store access. */
import type { ContentOptions } from '../content/options.js';
import { makeContentFilter } from '../content/redact.js';
import type { ContentFilter } from '../trace/state.js';
import type { Span } from '../trace/span.js';
import { resolveConfig, type Config, type ConfigFlags } from './config.js';
import { createLogger, type Logger } from './log.js';

export { UsageError, type GlobalOptions } from './config.js';

export interface CommandContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** the command's flags and environment, resolved once */
  config: Config;
  content: ContentOptions;
  contentFilter: ContentFilter;
  llmInput: 'new' | 'full';
  loadStoredTraces: (ids: string[], stateDir: string) => Promise<Span[]>;
}

export function makeContext(
  flags: ConfigFlags,
  io: { stdout: CommandContext['stdout']; stderr: CommandContext['stderr']; env: NodeJS.ProcessEnv },
  loadStoredTraces: CommandContext['loadStoredTraces'],
): CommandContext {
  const config = resolveConfig(flags, io.env);
  const log = createLogger(io.stderr, config.log);
  const content = config.content;
  return { ...io, log, config, content, contentFilter: makeContentFilter(content), llmInput: content.llmInput, loadStoredTraces };
}
