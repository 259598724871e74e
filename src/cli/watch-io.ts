/**
 * `watch --env-file` and `--log-file`, for running as a service: variables read from the
 * service's environment file (launchd has no EnvironmentFile=), logs appended to a
 * size-capped file in the state dir instead of stderr.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnvFile } from '../service/envfile.js';
import { CappedLog } from '../service/logfile.js';
import { resolveConfig, type ConfigFlags } from './config.js';
import { UsageError, type CommandContext } from './context.js';
import { createLogger } from './log.js';

export interface ServiceIoFlags extends ConfigFlags {
  envFile?: string;
  logFile?: string;
}

export function serviceIo(ctx: CommandContext, flags: ServiceIoFlags): { ctx: CommandContext; close: () => void } {
  let env = ctx.env;
  if (flags.envFile) {
    let text: string;
    try {
      text = readFileSync(flags.envFile, 'utf8');
    } catch (err) {
      throw new UsageError(`--env-file: cannot read ${flags.envFile}: ${(err as Error).message}`);
    }
    // as systemd's EnvironmentFile=: the file wins over the inherited environment
    env = { ...ctx.env, ...parseEnvFile(text) };
  }
  // the file's variables count as the environment the command's config is resolved from
  const config = env === ctx.env ? ctx.config : resolveConfig(flags, env);
  if (!flags.logFile) return { ctx: { ...ctx, env, config }, close: () => undefined };
  const file = new CappedLog(resolve(flags.logFile));
  const log = createLogger(file, config.log);
  return { ctx: { ...ctx, env, config, log }, close: () => file.end() };
}
