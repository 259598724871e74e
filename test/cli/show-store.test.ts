/**
 * backfill, then `show ID --format jsonl` from the store gives exactly the spans
 * `show FILE --format jsonl` gives, for every fixture version (a parent and its
 * subagent child file together make one trace).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cli, showFiles, sortedLines, spanDiff, storeSpans } from '../helpers/cli.js';
import { type HomeFile, makeCodexHome, VERSIONS } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterAll(runCleanups);

/** Groups the files of a home into traces: a parent with its `.1` subagent file. */
function traces(files: HomeFile[]): HomeFile[][] {
  const byFixture = new Map(files.map((f) => [f.fixture, f]));
  return files
    .filter((f) => !/\.\d+\.jsonl$/.test(f.fixture))
    .map((f) => {
      const child = byFixture.get(f.fixture.replace(/\.jsonl$/, '.1.jsonl'));
      return child ? [f, child] : [f];
    });
}

describe.each(VERSIONS)('codex %s: backfill', (version) => {
  it('prints the same spans as show FILE, for every session', async () => {
    const { home, files } = makeCodexHome([version]);
    const state = testDir('ct-state-');
    const b = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--idle', '1s']);
    expect(b.stderr).not.toMatch(/level=error/);
    expect(b.code).toBe(0);
    for (const group of traces(files)) {
      const fromFiles = await showFiles(group.map((f) => f.path));
      const stored = await cli(['--state-dir', state, 'show', (group[0] as HomeFile).threadId, '--format', 'jsonl']);
      expect(stored.code, stored.stderr).toBe(0);
      expect(sortedLines(stored.stdout), (group[0] as HomeFile).fixture).toEqual(fromFiles);
    }
  });

  it('backfill twice, or again with --force, leaves the same span set (same ids, no duplicates)', async () => {
    const { home } = makeCodexHome([version]);
    const state = testDir('ct-state-');
    const args = ['backfill', '--codex-home', home, '--state-dir', state, '--idle', '1s'];
    expect((await cli(args)).code).toBe(0);
    const first = storeSpans(state);
    expect(new Set(first.map((s) => (JSON.parse(s) as { spanId: string }).spanId)).size).toBe(first.length);
    expect((await cli(args)).stdout).toMatch(/^Nothing new/);
    expect(storeSpans(state)).toEqual(first);
    expect((await cli([...args, '--force'])).code).toBe(0);
    expect(spanDiff(first, storeSpans(state))).toEqual([]);
  });
});
