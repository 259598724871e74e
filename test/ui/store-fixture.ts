/** A state dir with the sample Codex home (fixtures/sample-codex-home) backfilled into it. */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { cli, FIXTURES, testDir } from '../helpers/index.js';

export const SAMPLE_HOME = join(FIXTURES, 'sample-codex-home');

export interface SampleStore {
  home: string;
  stateDir: string;
}

/** Copies the sample home (all of it, or all but the files `hold` says to keep back) and backfills it. */
export async function sampleStore(hold: (name: string) => boolean = () => false): Promise<SampleStore & { held: string[] }> {
  const home = testDir('ct-ui-home-');
  const held: string[] = [];
  cpSync(SAMPLE_HOME, home, {
    recursive: true,
    filter: (src) => {
      const name = src.split('/').pop() ?? '';
      if (name.endsWith('.jsonl') && hold(name)) {
        held.push(src);
        return false;
      }
      return true;
    },
  });
  const stateDir = testDir('ct-ui-state-');
  const r = await cli(['--state-dir', stateDir, 'backfill', '--codex-home', home]);
  if (r.code !== 0) throw new Error(`backfill failed (${r.code}): ${r.stderr}`);
  return { home, stateDir, held };
}
