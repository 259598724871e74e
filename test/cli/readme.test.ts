/** The README's cost examples are real: the same commands on fixtures/sample-codex-home print them. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { runCleanups, testDir } from '../helpers/temp.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
let state: string;

/** The fenced block right after the line holding `marker`. */
function blockAfter(marker: string): string {
  const at = README.indexOf(marker);
  expect(at, marker).toBeGreaterThanOrEqual(0);
  const open = README.indexOf('```\n', at) + 4;
  return README.slice(open, README.indexOf('\n```', open));
}

beforeAll(async () => {
  state = testDir('ct-readme-');
  expect((await cli(['backfill', '--codex-home', 'fixtures/sample-codex-home', '--state-dir', state])).code).toBe(0);
});
afterAll(runCleanups);

describe('README', () => {
  it('shows the real `report daily` of the sample sessions', async () => {
    const block = blockAfter('`report daily` on the sample sessions');
    const [command, ...expected] = block.split('\n');
    expect(command).toBe('$ node bin/codex-tracer.js report daily --tz UTC');
    const r = await cli(['report', 'daily', '--tz', 'UTC', '--state-dir', state]);
    expect(r.stdout.trimEnd()).toBe(expected.join('\n'));
  });

  it('shows the real tree, with costs, of the sample session with a subagent', async () => {
    const r = await cli(['show', '01a213a3-5f3f', '--state-dir', state]);
    expect(r.stdout.trimEnd()).toBe(blockAfter('draws the trace of a session whose main thread spawned a subagent'));
  });
});
