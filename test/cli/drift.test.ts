/**
 * Drift is visible: records of a type or event name this version does not know are ignored
 * but counted by name — in the summary of `trace` and `backfill` (`--json` lists them), in the
 * footer of `show`, and by `doctor` over the whole history (not only the newest file). The
 * history is real recordings with records a future Codex might add, in Codex's own envelopes.
 */
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/pipeline/summary.js';
import { cli } from '../helpers/cli.js';
import { addFixtures, FIXTURES } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterAll(runCleanups);

/** Adds, after the line at `index`, new records in the line's own envelope (same timestamp + 1 ms, ordinal kept). */
function injectAfter(path: string, index: number, payloads: { type: string; payload: object }[]): void {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  const at = JSON.parse(lines[index] as string) as { timestamp: string; ordinal?: number };
  const ts = new Date(Date.parse(at.timestamp) + 1).toISOString();
  const added = payloads.map((p) => JSON.stringify({ timestamp: ts, ...(at.ordinal !== undefined ? { ordinal: at.ordinal } : {}), ...p }));
  lines.splice(index + 1, 0, ...added);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** mtimes: the dirty files written before the clean ones (all after their records, which a file's mtime must not precede) */
const NOW = Date.now();

/** A CODEX_HOME: an old 0.140 file with new kinds of records, a 0.169 file with more, and clean newer files. */
function driftHome(): { home: string; dirty: string[] } {
  const home = testDir('ct-drift-');
  const [old] = addFixtures(home, '0.140.0', ['b-shell.jsonl']);
  const [mid] = addFixtures(home, '0.169.0', ['e-multi-tool.jsonl']);
  const clean = addFixtures(home, '0.169.0', ['a-text.jsonl', 'f-resume.jsonl']);
  if (!old || !mid) throw new Error('fixtures missing');
  injectAfter(old.path, 3, [
    { type: 'world_clock', payload: { tick: 1 } },
    { type: 'event_msg', payload: { type: 'thread_memory_updated', memory: 'x' } },
    { type: 'event_msg', payload: { type: 'thread_memory_updated', memory: 'y' } },
  ]);
  injectAfter(mid.path, 5, [
    { type: 'response_item', payload: { type: 'audio_clip', id: 'ac_1', duration_ms: 1200 } },
    {
      type: 'event_msg',
      payload: { type: 'item_completed', thread_id: mid.threadId, turn_id: 't', item: { type: 'VoiceNote', id: 'vn_1' }, started_at_ms: 1, completed_at_ms: 2 },
    },
    { type: 'event_msg', payload: { type: 'thread_memory_updated', memory: 'z' } },
  ]);
  // the drift is in older files: the newest rollout of the history is clean
  const at = (ms: number): Date => new Date(NOW - ms);
  utimesSync(old.path, at(300_000), at(300_000));
  utimesSync(mid.path, at(240_000), at(240_000));
  clean.forEach((f, i) => utimesSync(f.path, at(120_000 - i * 60_000), at(120_000 - i * 60_000)));
  return { home, dirty: [old.path, mid.path] };
}

const EXPECTED = {
  world_clock: 1,
  'event_msg:thread_memory_updated': 3,
  'response_item:audio_clip': 1,
  'event_msg:item_completed:VoiceNote': 1,
};

describe('unknown record types and event names', () => {
  const { home, dirty } = driftHome();

  it('trace counts them by name in its --json summary and its text summary, and traces the rest as usual', async () => {
    const out = join(testDir(), 'spans.jsonl');
    const r = await cli(['trace', home, '--sink', 'jsonl', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as RunSummary;
    expect(s.unknownRecords).toEqual(EXPECTED);
    expect(s).toMatchObject({ files: 4, sessions: 4, warnings: 0, badLines: 0 });
    const text = await cli(['trace', home, '--sink', 'jsonl', '--out', join(testDir(), 'b.jsonl')]);
    expect(text.stderr).toContain(
      'unknown record types (ignored): event_msg:thread_memory_updated ×3, event_msg:item_completed:VoiceNote ×1, response_item:audio_clip ×1, world_clock ×1',
    );
  });

  it('backfill counts them once; a second run reads nothing and counts nothing', async () => {
    const state = testDir();
    const first = JSON.parse((await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json'])).stdout) as RunSummary;
    expect(first.unknownRecords).toEqual(EXPECTED);
    const again = JSON.parse((await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json'])).stdout) as RunSummary;
    expect(again.filesRead).toBe(0);
    expect(again.unknownRecords).toEqual({});
  });

  it('show FILE lists them under the tree', async () => {
    const r = await cli(['show', dirty[1] as string]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(
      'unknown record types (ignored): event_msg:item_completed:VoiceNote ×1, event_msg:thread_memory_updated ×1, response_item:audio_clip ×1',
    );
    const jsonl = await cli(['show', dirty[1] as string, '--format', 'jsonl']);
    expect(jsonl.stdout).not.toContain('unknown record types'); // stdout stays spans only
    expect(jsonl.stderr).toContain('unknown record types (ignored)');
  });

  it('doctor reports them over the whole history, naming the files, though the newest file is clean', async () => {
    const r = await cli(['doctor', '--codex-home', home, '--state-dir', testDir(), '--json']);
    const checks = JSON.parse(r.stdout) as { name: string; ok: boolean; detail: string }[];
    expect(checks.find((c) => c.name === 'newest rollout')?.detail).toContain('format understood');
    const drift = checks.find((c) => c.name === 'record types');
    expect(drift?.ok).toBe(true);
    expect(drift?.detail).toContain('all 4 rollouts: unknown record types (ignored): event_msg:thread_memory_updated ×3');
    expect(drift?.detail).toContain(`event_msg:thread_memory_updated in 2 file(s), newest ${dirty[1]}`);
    expect(drift?.detail).toContain(`world_clock in 1 file(s), newest ${dirty[0]}`);
  });
});

describe('no false drift', () => {
  it('every real recording (5 lab versions, the recorded cases of 0.169 and 0.171) has only known records', async () => {
    const r = await cli(['trace', FIXTURES, '--sink', 'jsonl', '--out', join(testDir(), 'all.jsonl'), '--json']);
    const s = JSON.parse(r.stdout) as RunSummary;
    expect(s.files).toBeGreaterThan(50);
    expect(s.unknownRecords).toEqual({});
  });
});
