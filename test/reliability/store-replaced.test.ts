/**
 * The local store's files deleted or replaced under a running `watch` while Codex keeps
 * appending: SQLite would go on committing into files nobody reads (a deleted `-wal` lost
 * session finalizations). The watcher stops instead — exit 1, a message naming the file,
 * no stack trace — and a restarted watcher ends with exactly the spans of an undisturbed run.
 */
import { appendFileSync, copyFileSync, cpSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliBundle, runChild, spawnCli, storeJson, watchUntilStore } from '../helpers/cli.js';
import { fixtureText, makeCorpusHome, putRollout, withNewIds, writtenNow } from '../helpers/fixtures.js';
import { testDir } from '../helpers/temp.js';
import { sleep, waitFor } from '../helpers/wait.js';

/** the corpus' records are old (finalized at once); the live sessions' are shifted to now (kept open) */
const IDLE = '10m';

useCliBundle();

const damages: [string, (db: string) => void, RegExp][] = [
  ['its -wal deleted', (db) => unlinkSync(`${db}-wal`), /its write-ahead log \S+traces\.sqlite-wal was deleted/],
  [
    'the database replaced by a copy of it',
    (db) => {
      copyFileSync(db, `${db}.copy`);
      renameSync(`${db}.copy`, db);
    },
    /the database file \S+traces\.sqlite was replaced by another file/,
  ],
  ['the database deleted', (db) => unlinkSync(db), /the database file \S+traces\.sqlite was deleted/],
];

describe('the store changed under a running watch', () => {
  it.each(damages)('%s: watch exits 1 naming the file; restarted, the store equals an undisturbed run', async (_name, damage, message) => {
    const home = makeCorpusHome(1);
    const live = ['e-multi-tool.jsonl', 'f-resume.jsonl', 'h-compaction.jsonl'].map((f, i) => writtenNow(withNewIds(fixtureText(f), 700 + i)));
    const finalHome = testDir();
    cpSync(home, finalHome, { recursive: true });
    for (const text of live) putRollout(finalHome, text);
    const refState = testDir();
    const ref = await runChild(['backfill', '--codex-home', finalHome, '--state-dir', refState, '--idle', IDLE], {});
    expect(ref.code, ref.stderr).toBe(0);
    const want = storeJson(refState);

    const state = testDir();
    const args = ['watch', '--codex-home', home, '--state-dir', state, '--idle', IDLE];
    const chunks = live.map((text) => text.split(/(?<=\n)/));
    const written = chunks.map((lines) => Math.floor(lines.length / 3));
    const paths = live.map((_t, k) => putRollout(home, chunks[k]!.slice(0, written[k]).join('')));
    const w = await spawnCli(args, {});
    let exited = false;
    void w.exited.then(() => (exited = true));
    await waitFor(() => w.stderr().includes('caught up'), 15_000, 'the watcher to catch up');
    damage(join(state, 'traces.sqlite'));
    // Codex goes on writing: the next commit finds the store changed
    while (!exited && written.some((n, k) => n < chunks[k]!.length)) {
      const k = written.findIndex((n, i) => n < chunks[i]!.length);
      appendFileSync(paths[k]!, chunks[k]!.slice(written[k], written[k]! + 2).join(''));
      written[k] = Math.min(chunks[k]!.length, written[k]! + 2);
      await sleep(50);
    }
    const timer = setTimeout(() => w.proc.kill('SIGKILL'), 15_000);
    const exit = await w.exited;
    clearTimeout(timer);
    expect(exit.code, w.stderr().slice(-2000)).toBe(1);
    expect(w.stderr()).toMatch(message);
    expect(w.stderr()).toMatch(/level=error msg="stopping: the local store was changed under the watcher; restart it".*Restart codex-tracer/);
    expect(w.stderr()).not.toMatch(/\n\s+at /);
    expect(
      written.some((n, k) => n < chunks[k]!.length),
      'stopped before every record was written',
    ).toBe(true);

    // the rest of the sessions, then a restart: it traces whatever the store did not really hold
    chunks.forEach((lines, k) => appendFileSync(paths[k]!, lines.slice(written[k]).join('')));
    const again = await watchUntilStore(args, state, want);
    expect(again.code, again.stderr.slice(-2000)).toBe(0);
    expect(again.got).toBe(want);
  });
});
