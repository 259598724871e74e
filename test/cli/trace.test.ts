/**
 * `trace PATH...` for CI: folders and files, every session finalized, a summary as
 * JSON and as Markdown, and the jsonl sink writing one line per finished span.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, showFiles, sortedLines, spanDiff, storeSpans } from '../helpers/cli.js';
import { type HomeFile, makeCodexHome } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

let home: string;
let files: HomeFile[];
/** what `show FILE` prints for every trace of the home (finalized) */
let expected: string[];

/** A parent with its subagent files (`x.jsonl` + `x.1.jsonl`) make one trace. */
function groups(fs: HomeFile[]): HomeFile[][] {
  const byStem = new Map<string, HomeFile[]>();
  for (const f of fs) {
    const stem = f.fixture.replace(/(\.\d+)?\.jsonl$/, '');
    byStem.set(stem, [...(byStem.get(stem) ?? []), f]);
  }
  return [...byStem.values()];
}

beforeAll(async () => {
  ({ home, files } = makeCodexHome());
  expected = (await Promise.all(groups(files).map((g) => showFiles(g.map((f) => f.path))))).flat().sort();
});
afterAll(runCleanups);

describe('trace', () => {
  it('traces a folder into the store: every session finalized, summary as JSON and Markdown', async () => {
    const state = testDir('ct-state-');
    const md = join(testDir(), 'summary.md');
    const r = await cli(['trace', home, '--state-dir', state, '--json', '--summary-md', md]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    const roots = expected.filter((l) => l.includes('"parentSpanId":null'));
    expect(s).toMatchObject({
      files: files.length,
      filesRead: files.length,
      sessions: roots.length,
      spansDelivered: expected.length,
      undeliveredFiles: 0,
      errors: [],
      sinks: ['local'],
    });
    const stored = storeSpans(state);
    expect(spanDiff(expected, stored)).toEqual([]);
    expect(stored.filter((l) => l.includes('"endTime":null'))).toEqual([]);

    const text = readFileSync(md, 'utf8');
    expect(text).toContain('## codex-tracer trace');
    expect(text).toContain('✅ all spans delivered');
    expect(text).toContain(`| Sessions | ${roots.length} |`);
    expect(text).toContain(`| Spans delivered | ${expected.length} |`);
    expect(text).toContain('| Undelivered files | 0 |');
  });

  it('appends to --summary-md and prints text without --json', async () => {
    const md = join(testDir(), 'summary.md');
    const one = files.find((f) => f.fixture === 'codex-0.100.0/b-shell.jsonl') as HomeFile;
    for (let i = 0; i < 2; i++) {
      const r = await cli(['trace', one.path, '--state-dir', testDir(), '--summary-md', md]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^files: 1 \(1 read, 0\.0 MB\)\nsessions: 1 {2}turns: 1 {2}model calls: 2 {2}tool calls: 1\n/);
    }
    expect(readFileSync(md, 'utf8').match(/## codex-tracer trace/g)).toHaveLength(2);
  });

  it('--sink jsonl --out FILE writes one line per finished span, for files given one by one', async () => {
    const out = join(testDir(), 'spans.jsonl');
    const state = testDir('ct-state-');
    const r = await cli(['trace', ...files.map((f) => f.path), '--sink', 'jsonl', '--out', out, '--state-dir', state, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = sortedLines(readFileSync(out, 'utf8'));
    expect(lines).toHaveLength(expected.length);
    expect(spanDiff(expected, lines)).toEqual([]);
    expect((JSON.parse(r.stdout) as { sinks: string[] }).sinks).toEqual(['jsonl']);
  });

  it('exits 2 for a path that does not exist', async () => {
    const r = await cli(['trace', join(home, 'nope'), '--state-dir', testDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file or directory');
  });
});
