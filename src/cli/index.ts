import { Command } from 'commander';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('codex-tracer')
    .description('Turn OpenAI Codex CLI session rollouts into traces.')
    .version('0.1.0');
  await program.parseAsync(argv);
  return 0;
}
