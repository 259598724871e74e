/**
 * Bad input through `show FILE` (the processor) and `backfill`: nothing throws, the
 * warning names the file and the byte offset, and everything after the bad line is
 * still traced (every span of the clean file is there, identical where the bad line
 * could not have changed it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceInMemory } from '../../src/pipeline/in-memory.js';
import type { Span } from '../../src/trace/span.js';
import { cli, jsonlSpans, storedSpans } from '../helpers/cli.js';
import { fixtureText, putRollout } from '../helpers/fixtures.js';
import { runCleanups, testDir } from '../helpers/temp.js';

afterAll(runCleanups);

const CLEAN = fixtureText('e-multi-tool.jsonl');
const LINES = CLEAN.split('\n').slice(0, -1);
/** the bad line goes here: after the session header and the first turn's start, before every tool call */
const AT = 4;

function withLineAt(at: number, bad: string | Buffer): { buf: Buffer; offset: number } {
  const before = Buffer.from(`${LINES.slice(0, at).join('\n')}\n`);
  const after = Buffer.from(`${LINES.slice(at).join('\n')}\n`);
  const mid = Buffer.concat([Buffer.isBuffer(bad) ? bad : Buffer.from(bad), Buffer.from('\n')]);
  return { buf: Buffer.concat([before, mid, after]), offset: before.length };
}

async function traceText(
  text: string | Buffer,
): Promise<{ path: string; spans: Span[]; warnings: { file: string; offset: number; code: string }[]; unknown: Record<string, number> }> {
  const path = putRollout(testDir(), text, '01a213a3-3aa0-7ca0-8550-e9db01b3ebe3');
  const res = await traceInMemory([path]);
  return { path, spans: res.spans, warnings: res.warnings, unknown: res.stats[0]?.unknown ?? {} };
}

let cleanSpans: Span[] | undefined;
async function clean(): Promise<Span[]> {
  cleanSpans ??= (await traceText(CLEAN)).spans;
  return cleanSpans;
}

const byId = (spans: Span[]): Map<string, Span> => new Map(spans.map((s) => [s.spanId, s]));

/** Every span of the clean trace is there; tool and model spans (all after the bad line) are identical. */
async function expectRestTraced(spans: Span[]): Promise<void> {
  const want = await clean();
  const got = byId(spans);
  for (const s of want) {
    expect(got.has(s.spanId), `span ${s.kind} ${s.name} missing`).toBe(true);
    if (s.kind === 'tool' || s.kind === 'llm') expect(got.get(s.spanId)).toEqual(s);
  }
  expect(want.filter((s) => s.kind === 'tool')).toHaveLength(5);
}

describe('a bad line in the middle of a real rollout', () => {
  const cases: [string, string | Buffer, string][] = [
    ['a line of garbage', 'this is not JSON at all {{{ ]]', 'bad_line'],
    ['a truncated record (cut mid-JSON)', LINES[AT]!.slice(0, 40), 'bad_line'],
    ['invalid UTF-8 bytes only', Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]), 'bad_line'],
    ['a JSON value that is not a record', '[1,2,3]', 'bad_line'],
  ];
  for (const [name, bad, code] of cases) {
    it(`${name}: skipped with a warning naming file and offset; the rest is traced`, async () => {
      const { buf, offset } = withLineAt(AT, bad);
      const r = await traceText(buf);
      expect(r.warnings).toContainEqual(expect.objectContaining({ file: r.path, offset, code }));
      await expectRestTraced(r.spans);
    });
  }

  it('invalid UTF-8 inside a string of a real record is replaced (U+FFFD), not fatal', async () => {
    const line = LINES[AT]!.replace('"type"', '"ty\udcffpe"'); // harmless key rename keeps it a record of unknown shape
    const raw = Buffer.concat([Buffer.from(LINES[AT]!.slice(0, -2)), Buffer.from([0xff, 0xfe]), Buffer.from(LINES[AT]!.slice(-2))]);
    expect(line).toBeTypeOf('string');
    const { buf } = withLineAt(AT, raw);
    const r = await traceText(buf);
    await expectRestTraced(r.spans);
  });

  it('a record with wrong field types is skipped or tolerated, never fatal', async () => {
    const bads = [
      '{"timestamp":"2026-11-25T16:56:35.000Z","type":"response_item","payload":{"type":"function_call","name":123,"arguments":{"x":1},"call_id":null}}',
      '{"timestamp":"2026-11-25T16:56:35.000Z","type":"event_msg","payload":"a string"}',
      '{"timestamp":"2026-11-25T16:56:35.000Z","type":"event_msg","payload":{"type":"token_count","info":"nope","rate_limits":7}}',
      '{"timestamp":"2026-11-25T16:56:35.000Z","type":"session_meta","payload":{"id":42,"cwd":["x"]}}',
      '{"timestamp":12345,"type":"response_item","payload":null}',
      '{"timestamp":"2026-11-25T16:56:35.000Z","type":"turn_context","payload":{"cwd":false,"model":{}}}',
    ];
    let text = `${LINES.slice(0, AT).join('\n')}\n`;
    const offsets: number[] = [];
    for (const b of bads) {
      offsets.push(Buffer.byteLength(text));
      text += `${b}\n`;
    }
    text += `${LINES.slice(AT).join('\n')}\n`;
    const r = await traceText(text);
    for (const w of r.warnings) {
      expect(w.file).toBe(r.path);
      expect(offsets).toContain(w.offset);
    }
    await expectRestTraced(r.spans);
  });

  it('missing and invalid timestamps: the previous time is used; an invalid one is warned with its offset', async () => {
    const items = LINES.map((l, i) => (l.includes('"type":"response_item"') && i > AT ? i : -1)).filter((i) => i >= 0);
    const [i1, i2] = [items[0]!, items[2]!];
    const lines = [...LINES];
    const noTime = JSON.parse(lines[i1]!) as Record<string, unknown>;
    delete noTime.timestamp;
    lines[i1] = JSON.stringify(noTime);
    lines[i2] = JSON.stringify({ ...(JSON.parse(lines[i2]!) as Record<string, unknown>), timestamp: 'yesterday-ish' });
    const offsetOf = (i: number): number => Buffer.byteLength(`${lines.slice(0, i).join('\n')}\n`);
    const r = await traceText(`${lines.join('\n')}\n`);
    // a missing timestamp is normal in the oldest format (bare items): the previous time, no warning
    expect(r.warnings.filter((w) => w.offset === offsetOf(i1))).toEqual([]);
    expect(r.warnings).toContainEqual(expect.objectContaining({ file: r.path, offset: offsetOf(i2), code: 'bad_timestamp' }));
    for (const s of r.spans) {
      expect(Number.isNaN(Date.parse(s.startTime))).toBe(false);
      if (s.endTime !== null) expect(s.endTime >= s.startTime).toBe(true);
    }
    const want = await clean();
    expect(new Set(r.spans.map((s) => s.spanId))).toEqual(new Set(want.map((s) => s.spanId)));
  });

  it('a duplicate session_meta in the middle does not start a second session', async () => {
    const { buf } = withLineAt(AT + 6, LINES[0]!);
    const r = await traceText(buf);
    expect(r.spans.filter((s) => s.kind === 'session')).toHaveLength(1);
    await expectRestTraced(r.spans);
  });

  it('an unknown record type and an unknown event are ignored and counted', async () => {
    const a = withLineAt(AT, '{"timestamp":"2026-11-25T16:56:35.000Z","type":"hologram","payload":{"x":1}}');
    const text = Buffer.concat([
      a.buf.subarray(0, a.offset),
      Buffer.from('{"timestamp":"2026-11-25T16:56:35.000Z","type":"event_msg","payload":{"type":"telepathy_started","mind":"yes"}}\n'),
      a.buf.subarray(a.offset),
    ]);
    const r = await traceText(text);
    expect(Object.values(r.unknown).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(2);
    const want = await clean();
    expect(r.spans).toEqual(want);
  });
});

describe('events out of order', () => {
  const idx = (pred: (l: string) => boolean, from = 0): number => LINES.findIndex((l, i) => i >= from && pred(l));

  it('a tool output before its call: the tool span still covers call and output', async () => {
    const call = idx((l) => l.includes('"type":"function_call"') || l.includes('"type":"custom_tool_call"'));
    const callId = /"call_id":"([^"]+)"/.exec(LINES[call]!)![1]!;
    const out = idx((l) => l.includes('_output"') && l.includes(callId));
    expect(out).toBeGreaterThan(call);
    const lines = [...LINES];
    const [o] = lines.splice(out, 1);
    lines.splice(call, 0, o!);
    const r = await traceText(`${lines.join('\n')}\n`);
    const tool = r.spans.find((s) => s.kind === 'tool' && s.attributes['gen_ai.tool.call.id'] === callId);
    expect(tool).toBeDefined();
    expect(tool!.endTime).not.toBeNull();
    expect(r.spans.filter((s) => s.kind === 'tool')).toHaveLength(5);
  });

  it('task_complete before the last item: the turn closes, the late item is kept, nothing throws', async () => {
    const done = LINES.findLastIndex((l) => l.includes('"task_complete"'));
    const lines = [...LINES];
    const [tc] = lines.splice(done, 1);
    lines.splice(done - 2, 0, tc!);
    const r = await traceText(`${lines.join('\n')}\n`);
    const want = await clean();
    const got = byId(r.spans);
    // the last response's usage now comes after its turn ended: its id falls back to the sequence number
    for (const s of want) if (s.kind !== 'llm') expect(got.has(s.spanId), `${s.kind} ${s.name}`).toBe(true);
    expect(r.spans.filter((s) => s.kind === 'llm')).toHaveLength(want.filter((s) => s.kind === 'llm').length);
    for (const s of r.spans) expect(s.endTime).not.toBeNull();
  });
});

describe('whole files that are not rollouts', () => {
  it('an empty file: show says there are no spans (exit 1), backfill traces the rest (exit 0)', async () => {
    const home = testDir();
    const empty = putRollout(home, '', '01a213a3-3aa0-7ca0-8550-000000000001');
    putRollout(home, CLEAN);
    const show = await cli(['show', empty]);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('no spans');
    const state = testDir();
    const bf = await cli(['backfill', '--codex-home', home, '--state-dir', state, '--json']);
    expect(bf.stderr).not.toContain('THROWN');
    expect(bf.code).toBe(0);
    expect(
      storedSpans(state)
        .map((s) => s.spanId)
        .sort(),
    ).toEqual((await clean()).map((s) => s.spanId).sort());
  });

  it('a binary file named .jsonl: a warning naming the file (offset 0), no spans, the other files are traced', async () => {
    const home = testDir();
    const bytes = Buffer.alloc(64 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + (i >> 5)) % 256;
    const bin = putRollout(home, bytes, '01a213a3-3aa0-7ca0-8550-000000000002');
    putRollout(home, CLEAN);
    const show = await cli(['show', bin, '--format', 'jsonl']);
    expect(show.stderr).not.toContain('THROWN');
    expect(show.stderr).toContain(`msg="bad input" file=${bin} offset=0 code=not_jsonl`);
    expect(show.code).toBe(1);
    expect(show.stdout).toBe('');
    const state = testDir();
    const bf = await cli(['backfill', '--codex-home', home, '--state-dir', state]);
    expect(bf.code).toBe(0);
    expect(bf.stderr).toContain(`file=${bin}`);
    expect(
      storedSpans(state)
        .map((s) => s.spanId)
        .sort(),
    ).toEqual((await clean()).map((s) => s.spanId).sort());
  });

  it('show prints the warning with file and offset on stderr, the spans on stdout', async () => {
    const { buf, offset } = withLineAt(AT, 'garbage');
    const path = join(testDir(), 'rollout-2026-11-25T16-56-34-01a213a3-3aa0-7ca0-8550-e9db01b3ebe3.jsonl');
    writeFileSync(path, buf);
    const r = await cli(['show', path, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`file=${path} offset=${offset}`);
    expect(
      jsonlSpans(r.stdout)
        .map((s) => s.spanId)
        .sort(),
    ).toEqual((await clean()).map((s) => s.spanId).sort());
  });

  it('a truncated last line (a write cut short): show traces all before it', async () => {
    const text = `${CLEAN}${LINES[5]!.slice(0, 30)}`;
    const r = await traceText(text);
    expect(r.spans.map((s) => s.spanId).sort()).toEqual((await clean()).map((s) => s.spanId).sort());
  });
});
