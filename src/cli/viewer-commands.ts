/** `ui` and `export`, registered on the program by `buildProgram`; their modules are imported when they run. */
import { Option, type Command } from 'commander';
import type { CommandContext } from './context.js';
import { examples } from './help.js';

export function viewerCommands(program: Command, run: (fn: (ctx: CommandContext) => Promise<number>, cmd: Command) => Promise<void>): void {
  program
    .command('ui')
    .description('a local trace viewer in the browser (127.0.0.1, read-only, live): sessions, waterfall, span detail, transcript')
    .option('--port <n>', 'preferred port, default 4820 (the next free one is used when it is taken; 0: any)')
    .option('--open', 'open the viewer in the default browser')
    .addHelpText('after', examples('codex-tracer ui --open', 'codex-tracer ui --port 8080 --state-dir ~/.local/state/codex-tracer'))
    .action((_o, cmd: Command) => run(async (ctx) => (await import('./ui-cmd.js')).uiCommand(ctx, cmd.optsWithGlobals()), cmd));

  program
    .command('export')
    .description('one session as a self-contained HTML file, Markdown, or OTLP JSON lines (file-exporter format); redaction applies')
    .argument('<session>', 'session id or prefix (see `codex-tracer sessions`)')
    .addOption(new Option('--format <format>', 'html, md or otlp-json').choices(['html', 'md', 'otlp-json']).default('html'))
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      examples(
        'codex-tracer export 01a213a3 --out session.html',
        'codex-tracer export 01a213a3 --format md | pbcopy',
        'codex-tracer export 01a213a3 --format otlp-json --out trace.jsonl',
      ),
    )
    .action((session: string, _o, cmd: Command) =>
      run(async (ctx) => (await import('./export-cmd.js')).exportCommand(ctx, session, cmd.optsWithGlobals()), cmd),
    );
}
