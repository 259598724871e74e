/**
 * watch, in process over a temp CODEX_HOME: a rollout written line by line (one
 * line split across two writes), new day folders, replaced and truncated files,
 * idle finalization; and backfill then watch leaves the span set unchanged.
 */
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, showFiles, sortedLines, spanDiff, storeSpans } from '../helpers/cli.js';
import { addFixtures, DAY_DIR, fixturePath, makeCodexHome, rolloutName, splitAtResume, threadIdOf } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';
import { sleep } from '../helpers/wait.js';
import { backfilledHome, startTestWatch, type TestWatch, waitForSpans, writeLineByLine } from '../helpers/watch.js';

/** an idle timeout the fixtures never reach: sessions stay open, as `show FILE --open` prints them */
const NEVER = 365 * 86_400_000;

let watcher: TestWatch | undefined;
afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  runCleanups();
});

/** Spans `show FILE --open` prints: what a watcher that has not finalized the session holds. */
async function showOpen(paths: string[]): Promise<string[]> {
  const r = await cli(['show', ...paths, '--format', 'jsonl', '--open']);
  return sortedLines(r.stdout);
}

function emptyHome(): { home: string; day: string } {
  const home = testDir('ct-home-');
  const day = join(home, DAY_DIR);
  mkdirSync(day, { recursive: true });
  return { home, day };
}

describe('watch', () => {
  it('follows a rollout written line by line, a partial line split across two writes', async () => {
    const { home, day } = emptyHome();
    const state = testDir('ct-state-');
    watcher = await startTestWatch(home, state, NEVER);
    const src = fixturePath('0.169.0', 'e-multi-tool.jsonl');
    const text = readFileSync(src, 'utf8');
    const path = join(day, rolloutName(threadIdOf(text)));
    await writeLineByLine(path, text);
    const expected = await showOpen([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);
  });

  it('picks up a new day folder created after it started', async () => {
    const { home } = emptyHome();
    const state = testDir('ct-state-');
    watcher = await startTestWatch(home, state, NEVER);
    const [f] = addFixtures(home, '0.140.0', ['b-shell.jsonl'], join('sessions', '2026', '11', '26'));
    const expected = await showOpen([f!.path]);
    expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);
  });

  it('traces again a file replaced by another rollout (new inode) or rewritten in place', async () => {
    const { home, day } = emptyHome();
    const state = testDir('ct-state-');
    const path = join(day, rolloutName('00000000-0000-4000-8000-000000000001'));
    copyFileSync(fixturePath('0.169.0', 'h-compaction.jsonl'), path);
    watcher = await startTestWatch(home, state, NEVER);
    let expected = await showOpen([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);

    // rewritten in place (same inode), smaller: a truncation
    writeFileSync(path, readFileSync(fixturePath('0.100.0', 'a-text.jsonl')));
    expected = await showOpen([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);

    // rewritten in place, larger than what was read: only the first record tells
    writeFileSync(path, readFileSync(fixturePath('0.140.0', 'e-multi-tool.jsonl')));
    expected = await showOpen([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);

    // replaced by rename (new inode)
    const tmp = join(home, 'tmp.jsonl');
    copyFileSync(fixturePath('0.50.0', 'g-reasoning.jsonl'), tmp);
    renameSync(tmp, path);
    expected = await showOpen([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected))).toEqual([]);
  });

  it('finalizes idle sessions: the store then holds what show FILE prints', async () => {
    const { home, files } = makeCodexHome(['0.169.0']);
    const state = testDir('ct-state-');
    watcher = await startTestWatch(home, state, 1000);
    for (const f of files.filter((x) => !x.fixture.includes('i-subagent'))) {
      const expected = await showFiles([f.path]);
      expect(spanDiff(expected, await waitForSpans(state, expected)), f.fixture).toEqual([]);
    }
  });

  it('finalizes a session written live once idle; a resume re-opens it and it is finalized again', async () => {
    const { home, day } = emptyHome();
    const state = testDir('ct-state-');
    const text = readFileSync(fixturePath('0.169.0', 'f-resume.jsonl'), 'utf8');
    const [firstRun, resume] = splitAtResume(text);
    const path = join(day, rolloutName(threadIdOf(text)));
    watcher = await startTestWatch(home, state, 1000);
    await writeLineByLine(path, firstRun);
    let expected = await showFiles([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected)), 'finalized when idle').toEqual([]);
    await writeLineByLine(path, resume);
    expected = await showFiles([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected)), 'resumed, then finalized again').toEqual([]);
  });
});

describe('backfill then watch', () => {
  it('leaves the same span set (same ids, no duplicates)', async () => {
    const { home } = makeCodexHome();
    const state = testDir('ct-state-');
    expect((await cli(['backfill', '--codex-home', home, '--state-dir', state, '--idle', '1s'])).code).toBe(0);
    const afterBackfill = storeSpans(state);
    watcher = await startTestWatch(home, state, 1000);
    await sleep(1500);
    await watcher.stop();
    expect(spanDiff(afterBackfill, storeSpans(state))).toEqual([]);
  });

  it('gives no pass to files as backfill left them, yet traces a later append to one of them', async () => {
    const { home, files, state, path, resume } = await backfilledHome();
    watcher = await startTestWatch(home, state, 1000);
    expect(files.length).toBeGreaterThan(3);
    expect(watcher.set.tracers.size, 'tracers made at catch-up').toBe(0);
    appendFileSync(path, resume);
    const expected = await showFiles([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected)), 'the resume, finalized again').toEqual([]);
  });

  it('ends a session that grew while it was down, idle once read, in the commit of its read', async () => {
    const { home, state, path, resume } = await backfilledHome();
    appendFileSync(path, resume); // the fixture's records are old: idle as soon as they are read
    watcher = await startTestWatch(home, state, 1000);
    const expected = await showFiles([path]);
    expect(spanDiff(expected, await waitForSpans(state, expected, 0)), 'replayed and finalized again by the catch-up').toEqual([]);
    expect(watcher.set.opts.delivery.counts.batches, 'one commit: the read and the session end together').toBe(1);
  });
});
