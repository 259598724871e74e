/** The command line: argument parsing and exit codes. One file per command beside this one. */
import { Command, CommanderError, Option } from 'commander';
import { SINK_NAMES } from '../sinks/index.js';
import { SinkError } from '../sinks/sink.js';
import { StoreError } from '../store/index.js';
import { FileTooLarge, NotARegularFile } from '../source/index.js';
import type { ConfigFlags } from './config.js';
import { makeContext, UsageError, type CommandContext } from './context.js';
import { serviceCommand } from './service.js';
import { loadStoredTraces } from './stored.js';
import { viewerCommands } from './viewer-commands.js';
import { examples } from './help.js';

export const VERSION = '0.1.0';

const collect = (v: string, prev: string[] = []): string[] => prev.concat([v]);

export { examples } from './help.js';

/** The date forms --since and --until take, the same in every command (see parseDate). */
const DATES = 'YYYY-MM-DD, an ISO time, today, yesterday, or an age: 7d, 12h';

function sinkOptions(cmd: Command): Command {
  return cmd
    .option('--sink <name>', `where spans go: ${SINK_NAMES.map((n, i) => (i === 0 ? `${n} (default)` : n)).join(', ')}; repeat for several`, collect)
    .option('--out <file>', 'jsonl sink: append to this file instead of stdout')
    .option('--otlp-endpoint <url>', 'otlp sink: endpoint (overrides OTEL_EXPORTER_OTLP_ENDPOINT)')
    .option('--otlp-protocol <p>', 'otlp sink: http/protobuf (default) or http/json')
    .option('--braintrust-project <name>', 'braintrust sink: project name (overrides BRAINTRUST_PROJECT)');
}

export function buildProgram(run: (fn: (ctx: CommandContext) => Promise<number>, cmd: Command) => Promise<void>): Command {
  const program = new Command('codex-tracer')
    .description('Turn OpenAI Codex CLI session rollouts ($CODEX_HOME/sessions/**/rollout-*.jsonl) into traces.')
    .version(VERSION)
    .option('--state-dir <dir>', 'where the local store lives (default $XDG_STATE_HOME/codex-tracer or ~/.local/state/codex-tracer)')
    .addOption(
      new Option('--content <mode>', 'capture prompts, answers, tool arguments and results (full), or structure, timing and usage only (none)')
        .choices(['full', 'none'])
        .default('full'),
    )
    .option('--max-field-bytes <n>', 'truncate each captured text field to this many bytes', '16384')
    .option('--redact-pattern <regex>', 'also redact matches of this regex (repeatable; /re/flags or plain)', collect)
    .option('--no-redact', 'do not redact secrets (not recommended)')
    .addOption(
      new Option('--llm-input <mode>', 'LLM span input: what is new since the previous call, or the full history').choices(['new', 'full']).default('new'),
    )
    .addOption(new Option('--log-level <level>', 'stderr log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .addOption(new Option('--log-format <format>', 'stderr log format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no colour even on a terminal (NO_COLOR=1 does the same)')
    .addHelpText(
      'after',
      examples(
        'codex-tracer backfill                  # trace your whole history into the local store',
        'codex-tracer sessions --since 7d       # what ran this week',
        'codex-tracer show 01a213a3             # one session as a tree, by id prefix',
        'codex-tracer watch --sink otlp         # follow live sessions, send them to OTLP',
      ),
    )
    .showHelpAfterError()
    .exitOverride();

  addTracingCommands(program, run);
  addStoreCommands(program, run);
  serviceCommand(program, run, sinkOptions);
  viewerCommands(program, run);
  return program;
}

type Run = (fn: (ctx: CommandContext) => Promise<number>, cmd: Command) => Promise<void>;

// Each command's module is imported when the command runs: loading them all (OpenTelemetry for
// export, pricing for report, the viewer) was ~100 ms of every start, `watch`'s restart included.

/** show, backfill, trace, watch: the commands that read rollouts. */
function addTracingCommands(program: Command, run: Run): void {
  program
    .command('show')
    .description('draw a trace as a tree (or print its spans as JSON lines), straight from rollout files or from the local store by session id')
    .argument('<file-or-id...>', 'rollout files (a parent and its subagent files together make one trace), or session ids / prefixes')
    .addOption(new Option('--format <format>', 'tree or jsonl').choices(['tree', 'jsonl']).default('tree'))
    .option('--open', 'leave a session that is still running open instead of finalizing it')
    .option('--errors', 'only error spans (and the spans they sit under)')
    .option(
      '--kind <kind>',
      `only spans of this kind: ${['session', 'turn', 'subagent', 'compaction', 'llm', 'tool'].join(', ')} (repeatable, or comma-separated)`,
      collect,
    )
    .option('--min-duration <duration>', 'only spans at least this long (e.g. 2s, 500ms)')
    .option('--depth <n>', 'only this many levels below the session (0: the session alone)')
    .addHelpText(
      'after',
      examples(
        'codex-tracer show ~/.codex/sessions/2026/11/25/rollout-…jsonl',
        'codex-tracer show 01a213a3 --errors              # what failed, and where',
        'codex-tracer show 01a213a3 --kind tool --min-duration 5s',
        'codex-tracer show 01a213a3 --format jsonl | jq .name',
      ),
    )
    .action((targets: string[], _o, cmd: Command) => run(async (ctx) => (await import('./show.js')).showCommand(ctx, targets, cmd.optsWithGlobals()), cmd));

  sinkOptions(
    program
      .command('backfill')
      .description('trace the whole history once, with a progress bar; a second run does nothing new (cursors) unless --force')
      .option('--codex-home <dir>', 'Codex home (default $CODEX_HOME or ~/.codex)')
      .option('--since <date>', `only sessions from this date on (${DATES})`)
      .option('--until <date>', `only sessions before this date; a bare day is included whole (${DATES})`)
      .option('--session <id>', 'only this session (id or prefix; repeatable)', collect)
      .option('--cwd <path>', 'only sessions run in this directory (or below it)')
      .option('--idle <duration>', 'a session whose last record is older than this is finalized', '30m')
      .option('--concurrency <n>', 'files read and traced at once (with the local store alone, up to 4x as many more wait for their commit)', '16')
      .option('--workers <n>', 'pipeline threads tracing files beside the one committing them (local store alone; default: one per core; 0 or 1: none)')
      .option('--force', 'trace again files that were already traced (no duplicates: ids are deterministic)')
      .option('--rebuild', 'move the local store aside (a damaged one, say; nothing is deleted) and trace everything into a new one')
      .option('--json', 'print the summary as JSON')
      .addHelpText(
        'after',
        examples(
          'codex-tracer backfill                              # everything under ~/.codex, into the local store',
          'codex-tracer backfill --since 7d --sink otlp       # the last week, to OTEL_EXPORTER_OTLP_ENDPOINT',
          'codex-tracer backfill --session 01a213a3 --force   # one session (its subagents too), again',
        ),
      ),
  ).action((_o, cmd: Command) => run(async (ctx) => (await import('./backfill.js')).backfillCommand(ctx, cmd.optsWithGlobals()), cmd));

  sinkOptions(
    program
      .command('trace')
      .description('for CI: trace the given rollout files or folders, finalize every session, flush, print a summary; exit 1 if anything was not delivered')
      .argument('<path...>', "rollout files or folders (e.g. a job's own CODEX_HOME)")
      .option('--summary-md <file>', 'append the summary as Markdown (e.g. $GITHUB_STEP_SUMMARY)')
      .option('--timeout <duration>', 'a hard deadline for the whole command: past it, what was not delivered is named and the exit code is 1', '5m')
      .option('--allow-empty', 'exit 0 when there are no rollouts under the paths (default: exit 1)')
      .option('--json', 'print the summary as JSON')
      .addHelpText(
        'after',
        examples(
          'codex-tracer trace "$CODEX_HOME" --sink otlp --timeout 2m --summary-md "$GITHUB_STEP_SUMMARY"',
          'codex-tracer trace rollout.jsonl --sink jsonl | jq -c \'select(.status == "error")\'',
        ),
      ),
  ).action((paths: string[], _o, cmd: Command) => run(async (ctx) => (await import('./trace-cmd.js')).traceCommand(ctx, paths, cmd.optsWithGlobals()), cmd));

  sinkOptions(
    program
      .command('watch')
      .description('follow every rollout as Codex writes it (catches up first); SIGINT/SIGTERM flush and exit 0')
      .option('--codex-home <dir>', 'Codex home (default $CODEX_HOME or ~/.codex)')
      .option('--idle <duration>', 'finalize a session after this long without new records', '30m')
      .addHelpText(
        'after',
        examples('codex-tracer watch                                  # into the local store', 'codex-tracer watch --sink local --sink otlp --idle 10m'),
      )
      .option('--env-file <file>', 'read variables (sink settings, keys) from this file first, as `service install` writes it')
      .option('--log-file <file>', 'append logs to this file instead of stderr (capped: past 10 MB it moves to FILE.1)'),
  ).action((_o, cmd: Command) => run(async (ctx) => (await import('./watch-cmd.js')).watchCommand(ctx, cmd.optsWithGlobals()), cmd));
}

/** sessions, status, doctor: the commands that read the store and the setup. */
function addStoreCommands(program: Command, run: Run): void {
  program
    .command('sessions')
    .description('list sessions from the local store: start, project, turns, model calls, tool calls, tokens, errors, duration')
    .option('--since <date>', `only sessions started on or after this date (${DATES})`)
    .option('--until <date>', `only sessions started before this date; a bare day is included whole (${DATES})`)
    .option('--cwd <path>', 'only sessions run in this directory (or below it)')
    .option('--limit <n>', 'at most this many rows (newest first)', '100')
    .option('--json', 'print JSON (exact numbers)')
    .addHelpText(
      'after',
      examples(
        'codex-tracer sessions --since yesterday',
        'codex-tracer sessions --since 2026-11-01 --until 2026-11-30 --cwd ~/src/app',
        "codex-tracer sessions --json | jq '.[] | select(.errors > 0) | .sessionId'",
      ),
    )
    .action((_o, cmd: Command) => run(async (ctx) => (await import('./sessions.js')).sessionsCommand(ctx, cmd.optsWithGlobals()), cmd));

  program
    .command('report')
    .description('tokens, model calls and cost from the local store by day, week, month, session, project or model; or rate-limit windows (limits)')
    .argument('<kind>', 'daily | weekly | monthly | session | project | model | limits')
    .option('--since <date>', `from this local day on (${DATES})`)
    .option('--until <date>', `up to this local day, inclusive (${DATES})`)
    .option('--tz <zone>', "time zone of the dates (IANA name; default: this machine's)")
    .option('--breakdown', 'one line per model under each row')
    .option('--codex-home <dir>', 'limits: Codex home to read (default $CODEX_HOME or ~/.codex)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(
        'codex-tracer report daily --since 7d          # tokens and cost per day this week',
        'codex-tracer report model --breakdown --json  # per model, for scripts',
        'codex-tracer report limits                    # the 5-hour and weekly windows used',
      ),
    )
    .action((kind: string, _o, cmd: Command) => run(async (ctx) => (await import('./report.js')).reportCommand(ctx, kind, cmd.optsWithGlobals()), cmd));

  program
    .command('status')
    .description('where it reads and writes, cursors and lag, whether a watcher runs, sink configuration')
    .option('--codex-home <dir>', 'Codex home (default $CODEX_HOME or ~/.codex)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('codex-tracer status', 'codex-tracer status --json | jq .watcher'))
    .action((_o, cmd: Command) => run(async (ctx) => (await import('./status.js')).statusCommand(ctx, cmd.optsWithGlobals()), cmd));

  program
    .command('doctor')
    .description('check that tracing can work here: Node, CODEX_HOME, the newest rollout, the store, the watcher, the configured backends')
    .option('--codex-home <dir>', 'Codex home (default $CODEX_HOME or ~/.codex)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('codex-tracer doctor', 'OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 codex-tracer doctor'))
    .action((_o, cmd: Command) => run(async (ctx) => (await import('./doctor.js')).doctorCommand(ctx, cmd.optsWithGlobals()), cmd));
}

export interface Io {
  stdout: CommandContext['stdout'];
  stderr: CommandContext['stderr'];
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 failure, 2 usage or configuration error). */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let code = 0;
  const run = async (fn: (ctx: CommandContext) => Promise<number>, cmd: Command): Promise<void> => {
    const ctx = makeContext(cmd.optsWithGlobals() as ConfigFlags, io, loadStoredTraces);
    code = await fn(ctx);
  };
  const program = buildProgram(run);
  program.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    return handleError(err, io);
  }
  return code;
}

function handleError(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof UsageError) {
    io.stderr.write(`codex-tracer: ${err.message}\n`);
    return 2;
  }
  if (err instanceof SinkError && !err.transient) {
    io.stderr.write(`codex-tracer: sink configuration: ${err.message}\n`);
    return 2;
  }
  if (err instanceof NotARegularFile || err instanceof FileTooLarge) {
    io.stderr.write(`codex-tracer: ${err.message}\n`);
    return 2;
  }
  if (err instanceof StoreError) {
    io.stderr.write(`codex-tracer: ${err.message}\n`);
    return 1;
  }
  throw err;
}
