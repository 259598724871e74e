import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchRoots, type RootWatcher, type WatchEvent } from '../../src/source/watch.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const NAME = 'rollout-2026-11-26T09-00-00-01a213a5-0000-7000-8000-000000000001.jsonl';

let tmp: ReturnType<typeof tempDir>;
let watcher: RootWatcher | undefined;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  tmp.cleanup();
});

function has(events: WatchEvent[], type: WatchEvent['type'], path: string): boolean {
  return events.some((e) => e.type === type && e.path === path);
}

describe('watchRoots', () => {
  it('picks up a new day folder, its rollout and appends; archive moves; ignores other files', async () => {
    const home = join(tmp.dir, 'home');
    mkdirSync(home);
    const events: WatchEvent[] = [];
    watcher = await watchRoots(home, (e) => events.push(e));
    await watcher.ready;

    const day = join(home, 'sessions/2026/11/26');
    mkdirSync(day, { recursive: true });
    const file = join(day, NAME);
    writeFileSync(file, '{"type":"session_meta"}\n');
    writeFileSync(join(day, 'notes.txt'), 'not a rollout');
    writeFileSync(join(home, 'history.jsonl'), '{}\n');
    mkdirSync(join(home, 'log'));
    writeFileSync(join(home, 'log', NAME), 'outside the roots\n');
    await waitFor(() => has(events, 'add', file), 5000, 'add of the new rollout');

    appendFileSync(file, '{"type":"event_msg"}\n');
    await waitFor(() => has(events, 'change', file), 5000, 'change after append');

    mkdirSync(join(home, 'archived_sessions'));
    const archived = join(home, 'archived_sessions', NAME);
    renameSync(file, archived);
    await waitFor(() => has(events, 'add', archived) && has(events, 'unlink', file), 5000, 'archive move');

    expect(events.every((e) => e.path.endsWith('.jsonl'))).toBe(true);
    expect(events.some((e) => e.path.startsWith(join(home, 'log')))).toBe(false);
  });

  it('waits for a missing CODEX_HOME to appear, then watches it', async () => {
    const home = join(tmp.dir, 'later');
    const events: WatchEvent[] = [];
    watcher = await watchRoots(home, (e) => events.push(e), { homePollMs: 50 });
    let ready = false;
    void watcher.ready.then(() => (ready = true));
    await new Promise((r) => setTimeout(r, 120));
    expect(ready).toBe(false);

    mkdirSync(home);
    await watcher.ready;
    const day = join(home, 'sessions/2026/11/26');
    mkdirSync(day, { recursive: true });
    const file = join(day, NAME);
    writeFileSync(file, '{}\n');
    await waitFor(() => has(events, 'add', file), 5000, 'add after the home appeared');
  });

  it('follows a symlinked sessions/ root and reports paths under the home', async () => {
    const home = join(tmp.dir, 'home');
    const elsewhere = join(tmp.dir, 'disk/sessions');
    mkdirSync(home);
    mkdirSync(elsewhere, { recursive: true });
    symlinkSync(elsewhere, join(home, 'sessions'));
    const events: WatchEvent[] = [];
    watcher = await watchRoots(home, (e) => events.push(e));
    await watcher.ready;
    mkdirSync(join(elsewhere, '2026/11/26'), { recursive: true });
    writeFileSync(join(elsewhere, '2026/11/26', NAME), '{}\n');
    const viaHome = join(home, 'sessions/2026/11/26', NAME);
    await waitFor(() => has(events, 'add', viaHome), 5000, 'add via the symlinked root');
    expect(events.every((e) => e.path.startsWith(home))).toBe(true);
  });

  it('follows a root that becomes a symlink after the start', async () => {
    const home = join(tmp.dir, 'home');
    const elsewhere = join(tmp.dir, 'disk/archive');
    mkdirSync(home);
    mkdirSync(elsewhere, { recursive: true });
    const events: WatchEvent[] = [];
    watcher = await watchRoots(home, (e) => events.push(e));
    await watcher.ready;
    symlinkSync(elsewhere, join(home, 'archived_sessions'));
    const viaHome = join(home, 'archived_sessions', NAME);
    // the link's target is taken in asynchronously: write until the rollout is seen
    await waitFor(
      () => {
        writeFileSync(join(elsewhere, NAME), '{}\n');
        return has(events, 'add', viaHome) || has(events, 'change', viaHome);
      },
      5000,
      'a rollout via the root linked later',
    );
    expect(events.every((e) => e.path.startsWith(home))).toBe(true);
  });

  it('reports nothing already there; a rollout made later in an old folder, and a folder removed and made again', async () => {
    const home = join(tmp.dir, 'home');
    const day = join(home, 'sessions/2026/11/26');
    mkdirSync(day, { recursive: true });
    const old = join(day, NAME);
    writeFileSync(old, '{}\n');
    const events: WatchEvent[] = [];
    watcher = await watchRoots(home, (e) => events.push(e));
    await watcher.ready;
    const later = join(day, NAME.replace('0001.jsonl', '0002.jsonl'));
    writeFileSync(later, '{}\n');
    await waitFor(() => has(events, 'add', later), 5000, 'add in a folder that existed at start');
    expect(events.some((e) => e.path === old)).toBe(false);

    rmSync(join(home, 'sessions/2026'), { recursive: true });
    await waitFor(() => has(events, 'unlink', old), 5000, 'the removal seen');
    mkdirSync(day, { recursive: true });
    writeFileSync(old, '{}\n');
    await waitFor(() => has(events, 'add', old), 5000, 'add in the folder made again');
    appendFileSync(old, '{}\n');
    await waitFor(() => has(events, 'change', old), 5000, 'change in the folder made again');
  });

  it('closes cleanly while still waiting for the home', async () => {
    watcher = await watchRoots(join(tmp.dir, 'never'), () => {}, { homePollMs: 50 });
    await watcher.close();
    await watcher.ready;
  });
});
