/** The viewer's in-memory session index: built from the store, then kept current from the files a writer committed. */
import { copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionPages, TraceStore } from '../../src/store/index.js';
import { cli, DAY_DIR, runCleanups } from '../helpers/index.js';
import { sampleStore } from '../ui/store-fixture.js';

afterAll(runCleanups);

const SUBAGENT_CHILD = '01a213a3-5f96-7ce0-a6dd-692c2b18f3c9';
const PARENT_TRACE = '01a213a35f3f72c3a83da033ed259373';
const LATE = '01a213a3-3aa0-7ca0-8550-e9db01b3ebe3';

describe('SessionPages', () => {
  it('reads only the traces of files committed since, a subagent child into its parent trace', async () => {
    const { home, stateDir, held } = await sampleStore((name) => name.includes(SUBAGENT_CHILD) || name.includes(LATE));
    const store = TraceStore.open({ stateDir }, { readonly: true });
    try {
      const index = new SessionPages(store.db);
      expect(index.lastRefresh).toBe('full');
      const before = index.page();
      expect(before.total).toBe(7);
      const parentBefore = before.rows.find((r) => r.traceId === PARENT_TRACE)!;

      for (const f of held) copyFileSync(f, join(home, DAY_DIR, basename(f)));
      const r = await cli(['--state-dir', stateDir, 'backfill', '--codex-home', home]);
      expect(r.code, r.stderr).toBe(0);

      const after = index.page();
      expect(index.lastRefresh).toBe('incremental');
      expect(after.total).toBe(8);
      expect(after.rows.some((x) => x.sessionId === LATE && x.title !== null && x.llmCalls > 0)).toBe(true);
      const parentAfter = after.rows.find((x) => x.traceId === PARENT_TRACE)!;
      expect(parentAfter.llmCalls).toBeGreaterThan(parentBefore.llmCalls);
      expect(parentAfter.toolCalls).toBeGreaterThan(parentBefore.toolCalls);

      // the same numbers a fresh index reads from scratch
      const fresh = new SessionPages(store.db).page();
      expect(after.rows).toEqual(fresh.rows);
    } finally {
      store.close();
    }
  });
});
