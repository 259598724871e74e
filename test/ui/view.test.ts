/** The viewer's pure parts on real traces: tree rows, search reveal, gap compression, bars, summary, transcript. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import type { Span } from '../../src/trace/span.js';
import { bootScript } from '../../src/ui/shell.js';
import { prettyContent } from '../../src/ui/view/format.js';
import { FACETS_PATH, FIRST_SESSIONS_QUERY, outlinePath, sessionsPath } from '../../src/ui/view/paths.js';
import { errorSpans, matchSpans, reveal } from '../../src/ui/view/search.js';
import { summarize } from '../../src/ui/view/summary.js';
import { barOf, findGaps, makeScale, ticks } from '../../src/ui/view/timeline.js';
import { buildTranscript } from '../../src/ui/view/transcript.js';
import { buildTree, flatten, parentIds } from '../../src/ui/view/tree.js';
import { FIXTURES } from '../helpers/index.js';

const v169 = (name: string): string => join(FIXTURES, 'codex-0.169.0', name);
let multi: Span[];
let subagent: Span[];
let failing: Span[];

beforeAll(async () => {
  multi = (await traceInMemory([v169('e-multi-tool.jsonl')])).spans;
  subagent = (await traceInMemory([v169('i-subagent.jsonl'), v169('i-subagent.1.jsonl')])).spans;
  failing = (await traceInMemory([v169('d-failing-command.jsonl')])).spans;
});

const t = (iso: string): number => Date.parse(iso);

describe('tree rows', () => {
  it('puts session, turn and calls in depth-first start order with guides', () => {
    const roots = buildTree(multi);
    expect(roots).toHaveLength(1);
    const rows = flatten(roots);
    expect(rows).toHaveLength(multi.length);
    expect(rows.map((r) => r.node.span.kind).slice(0, 3)).toEqual(['session', 'turn', 'llm']);
    expect(rows.map((r) => r.depth).slice(0, 3)).toEqual([0, 1, 2]);
    const calls = rows.filter((r) => r.depth === 2);
    expect(calls.map((r) => r.last)).toEqual(calls.map((_, i) => i === calls.length - 1));
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.node.span.startTime >= calls[i - 1]!.node.span.startTime).toBe(true);
    expect(calls.every((r) => r.guides.length === 1 && r.guides[0] === false)).toBe(true);
  });

  it('nests a subagent under the turn that spawned it, and collapse hides a subtree', () => {
    const roots = buildTree(subagent);
    const rows = flatten(roots);
    const sub = rows.find((r) => r.node.span.kind === 'subagent');
    expect(sub?.node.parent?.span.kind).toBe('turn');
    expect(sub?.hasChildren).toBe(true);
    const collapsed = flatten(roots, { collapsed: new Set([sub!.node.span.spanId]) });
    const below = rows.filter((r) => r.depth > sub!.depth && isUnder(r.node, sub!.node.span.spanId)).length;
    expect(below).toBeGreaterThan(0);
    expect(collapsed).toHaveLength(rows.length - below);
    const all = flatten(roots, { collapsed: parentIds(roots) });
    expect(all).toHaveLength(1);
  });
});

function isUnder(n: { parent: { span: Span; parent: unknown } | null }, id: string): boolean {
  for (let p = n.parent as { span: Span; parent: unknown } | null; p !== null; p = p.parent as typeof p) if (p.span.spanId === id) return true;
  return false;
}

describe('search and errors only', () => {
  it('a match shows with its ancestors and nothing else', () => {
    const roots = buildTree(multi);
    const hits = matchSpans(roots, 'cat src/a.txt');
    expect(hits.size).toBe(1);
    const r = reveal(roots, hits);
    const rows = flatten(roots, { only: r.visible });
    expect(rows.map((x) => x.node.span.kind)).toEqual(['session', 'turn', 'tool']);
    expect(r.ancestors.size).toBe(2);
  });

  it('errors only keeps the failing command and its ancestors', () => {
    const roots = buildTree(failing);
    const errs = errorSpans(roots);
    expect(errs.size).toBeGreaterThan(0);
    const rows = flatten(roots, { only: reveal(roots, errs).visible });
    expect(rows.at(-1)?.node.span.kind).toBe('tool');
    expect(rows.at(-1)?.node.span.status).toBe('error');
  });
});

describe('time axis', () => {
  it('finds idle gaps between busy intervals (overlaps merged)', () => {
    const gaps = findGaps(
      [
        { start: 0, end: 10 },
        { start: 5, end: 20 },
        { start: 100, end: 110 },
        { start: 112, end: 120 },
      ],
      50,
    );
    expect(gaps).toEqual([{ start: 20, end: 100 }]);
  });

  it('compresses a long idle gap to a fixed share and keeps bars in order', () => {
    const start = t('2026-11-25T10:00:00Z');
    const busy = [
      { start, end: start + 60_000 },
      { start: start + 3 * 3600_000, end: start + 3 * 3600_000 + 60_000 },
    ];
    const scale = makeScale(start, busy[1]!.end, busy, { minGapMs: 30_000, gapShare: 0.04 });
    expect(scale.gaps).toHaveLength(1);
    expect(scale.gaps[0]!.width).toBe(0.04);
    const a = barOf(scale, busy[0]!.start, busy[0]!.end);
    const b = barOf(scale, busy[1]!.start, busy[1]!.end);
    expect(a.left).toBe(0);
    expect(a.width).toBeCloseTo(0.48, 5);
    expect(b.left).toBeCloseTo(0.52, 5);
    expect(b.left + b.width).toBeCloseTo(1, 5);
    expect(ticks(scale).every((k) => k.x < 0.48 + 1e-9 || k.x >= 0.52 - 1e-9)).toBe(true);
  });

  it('leaves a short trace linear, and gives a zero-length span a visible width', () => {
    const s = summarize(multi);
    const scale = makeScale(
      t(s.start!),
      t(s.end!),
      multi.filter((x) => x.kind !== 'session').map((x) => ({ start: t(x.startTime), end: t(x.endTime!) })),
    );
    expect(scale.gaps).toEqual([]);
    const mid = (t(s.start!) + t(s.end!)) / 2;
    expect(scale.x(mid)).toBeCloseTo(0.5, 5);
    expect(barOf(scale, mid, mid).width).toBe(0.002);
    expect(barOf(scale, t(s.start!), null).width).toBe(1);
  });
});

describe('summary, transcript and content', () => {
  it('sums the trace as the truth file says', async () => {
    const truth = (await import(v169('e-multi-tool.truth.json'), { with: { type: 'json' } })).default as {
      usage_sum: { input: number; cached: number; output: number };
      tool_calls: unknown[];
      model_calls: number;
    };
    const s = summarize(multi);
    expect(s.llmCalls).toBe(truth.model_calls);
    expect(s.toolCalls).toBe(truth.tool_calls.length);
    expect(s.inputTokens).toBe(truth.usage_sum.input);
    expect(s.cachedTokens).toBe(truth.usage_sum.cached);
    expect(s.outputTokens).toBe(truth.usage_sum.output);
    expect(s.agents).toBe(1);
    expect(summarize(subagent).agents).toBe(2);
  });

  it('reads as a conversation with tool calls between messages', () => {
    const items = buildTranscript(multi);
    expect(items[0]?.kind).toBe('user');
    expect(items.filter((i) => i.kind === 'tool')).toHaveLength(summarize(multi).toolCalls);
    expect(items.some((i) => i.kind === 'assistant' && i.text.includes('[tool call]'))).toBe(false);
  });

  it('pretty-prints JSON arguments once, decoding JSON inside strings', () => {
    const args = multi.find((x) => x.kind === 'tool')!.attributes['input.value'] as string;
    const p = prettyContent(args);
    expect(p.json).toBe(true);
    expect(p.text).toContain('\n  "cmd": "mkdir -p src');
    expect(prettyContent(JSON.stringify({ output: JSON.stringify({ a: 1 }) })).text).toBe('{\n  "output": {\n    "a": 1\n  }\n}');
    expect(prettyContent('plain text')).toEqual({ text: 'plain text', json: false });
  });
});

describe("the page's boot script", () => {
  /** The requests the boot script starts for an address (run with a stand-in window and fetch). */
  function prefetchedFor(hash: string): string[] {
    const asked: string[] = [];
    const win: { ctPrefetch?: Record<string, unknown> } = {};
    const fetchStub = (path: string): Promise<never> => {
      asked.push(path);
      return Promise.reject(new Error('offline'));
    };
    new Function('window', 'location', 'fetch', bootScript())(win, { hash }, fetchStub);
    expect(Object.keys(win.ctPrefetch ?? {})).toEqual(asked);
    return asked;
  }

  it('asks for exactly what the first page will ask for, and nothing for other pages', () => {
    const sessions = [FACETS_PATH, sessionsPath(FIRST_SESSIONS_QUERY)];
    expect(prefetchedFor('')).toEqual(sessions);
    expect(prefetchedFor('#/')).toEqual(sessions);
    const id = 'ab'.repeat(16);
    expect(prefetchedFor(`#/trace/${id}`)).toEqual([outlinePath(id)]);
    expect(prefetchedFor(`#/trace/${id}?span=0123456789abcdef`)).toEqual([outlinePath(id)]);
    expect(prefetchedFor(`#/trace/${id}/transcript`)).toEqual([]);
    expect(sessionsPath(FIRST_SESSIONS_QUERY)).toBe('/api/sessions?limit=50&sort=start');
  });
});
