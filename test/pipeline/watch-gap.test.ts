/**
 * The catch-up does not wait for the watcher's initial scan. What is made or appended
 * after the catch-up but before the watcher is live sends no event; the walk made once
 * it is live gives those files their pass. The watcher is held back here (started only
 * when the test opens the gate), so that gap is certain.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RootWatcher } from '../../src/source/index.js';
import { showFiles, spanDiff } from '../helpers/cli.js';
import { addFixtures } from '../helpers/fixtures.js';
import { runCleanups } from '../helpers/temp.js';
import { backfilledHome, startTestWatch, type TestWatch, waitForSpans } from '../helpers/watch.js';

const gate = vi.hoisted(() => {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open: () => open() };
});

vi.mock('../../src/source/index.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/source/index.js')>();
  const held: typeof orig.watchRoots = async (home, onEvent, opts) => {
    let inner: RootWatcher | undefined;
    let closed = false;
    const ready = (async () => {
      await gate.opened;
      if (closed) return;
      inner = await orig.watchRoots(home, onEvent, opts);
      await inner.ready;
    })();
    return {
      ready,
      degraded: () => inner?.degraded(),
      async close() {
        closed = true;
        gate.open();
        await ready;
        await inner?.close();
      },
    };
  };
  return { ...orig, watchRoots: held };
});

let watcher: TestWatch | undefined;
afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  runCleanups();
});

describe('watch: the gap between the catch-up and a live watcher', () => {
  it('traces a rollout made and a backfilled one appended to in that gap', async () => {
    const { home, state, path, resume } = await backfilledHome();
    watcher = await startTestWatch(home, state, 1000); // resolves when caught up: the watcher is not live yet
    appendFileSync(path, resume);
    const [made] = addFixtures(home, '0.169.0', ['e-multi-tool.jsonl'], join('sessions', '2026', '11', '27'));
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.set.tracers.size, 'no pass before the watcher is live').toBe(0);
    gate.open();
    await watcher.handle.live;

    const expected = await showFiles([path, made!.path]);
    expect(spanDiff(expected, await waitForSpans(state, expected)), 'both traced and finalized').toEqual([]);
  });
});
