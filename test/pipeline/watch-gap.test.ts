/**
 * No change falls between the catch-up and a live watcher. The native watches are set before the
 * catch-up's walk: what is made or appended while the watcher starts is seen by the walk, and
 * what changes after the walk listed a file reaches the watcher as an event. The watcher is
 * held back here (started only when the test opens the gate), and the walk is followed by a
 * write, so that both moments are certain.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RootWatcher } from '../../src/source/index.js';
import { showFiles, spanDiff } from '../helpers/cli.js';
import { fixtureText, putRollout, rolloutName, threadIdOf, withNewIds } from '../helpers/fixtures.js';
import { runCleanups } from '../helpers/temp.js';
import { backfilledHome, startTestWatch, type TestWatch, waitForSpans } from '../helpers/watch.js';

const hooks = vi.hoisted(() => {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open: () => open(), afterWalk: (): void => {} };
});

vi.mock('../../src/source/index.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/source/index.js')>();
  const held: typeof orig.watchRoots = async (home, onEvent, opts) => {
    let inner: RootWatcher | undefined;
    let closed = false;
    const ready = (async () => {
      await hooks.opened;
      if (closed) return;
      inner = await orig.watchRoots(home, onEvent, opts);
      await inner.ready;
    })();
    return {
      ready,
      degraded: () => inner?.degraded(),
      async close() {
        closed = true;
        hooks.open();
        await ready;
        await inner?.close();
      },
    };
  };
  const walked: typeof orig.discover = async (...args) => {
    const found = await orig.discover(...args);
    hooks.afterWalk();
    return found;
  };
  return { ...orig, watchRoots: held, discover: walked };
});

let watcher: TestWatch | undefined;
afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  runCleanups();
});

describe('watch: no gap between the catch-up and a live watcher', () => {
  it('traces a rollout made and a backfilled one appended to while the watcher starts, and one made after the walk', async () => {
    const { home, state, path, resume } = await backfilledHome();
    let later: string | undefined;
    // sessions of their own (new thread ids): a fixture's copy would be a trace the backfill stored
    hooks.afterWalk = () => {
      later ??= putRollout(home, withNewIds(fixtureText('a-text.jsonl'), 2)); // in a watched folder: its event
    };
    const starting = startTestWatch(home, state, 1000); // resolves when caught up: not before the watcher is live
    appendFileSync(path, resume);
    const text = withNewIds(fixtureText('e-multi-tool.jsonl'), 1);
    const made = join(home, 'sessions', '2026', '11', '27', rolloutName(threadIdOf(text)));
    mkdirSync(join(made, '..'), { recursive: true });
    writeFileSync(made, text);
    await new Promise((r) => setTimeout(r, 300));
    hooks.open();
    watcher = await starting;
    expect(later, 'a rollout made once the walk was done').toBeDefined();

    const expected = await showFiles([path, made, later!]);
    expect(spanDiff(expected, await waitForSpans(state, expected)), 'all three traced and finalized').toEqual([]);
  });
});
