import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/source/lines.js';
import { readFirstLine, readLineBatches, readLines, type Line } from '../../src/source/tail.js';
import { fixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';
import { collect } from '../helpers/wait.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function texts(lines: Line[]): string[] {
  return lines.map((l) => ('text' in l ? l.text : 'bytes' in l ? `<tooLong ${l.bytes}>` : `<skipped ${l.skipped}>`));
}

function write(name: string, content: string | Buffer): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, content);
  return p;
}

describe('readLines', () => {
  it('yields every line of a real rollout with exact byte offsets, whatever the chunk size', async () => {
    const path = fixture('codex-0.169.0/e-multi-tool.jsonl');
    const bytes = readFileSync(path);
    const expected = bytes.toString('utf8').split('\n').slice(0, -1);
    for (const highWaterMark of [7, 333, 4096, undefined]) {
      const lines = await collect(readLines(path, 0, { highWaterMark }));
      expect(texts(lines)).toEqual(expected);
      let offset = 0;
      for (const line of lines) {
        expect(line.offset).toBe(offset);
        expect(bytes.subarray(line.offset, line.end).toString('utf8')).toBe(`${'text' in line ? line.text : ''}\n`);
        offset = line.end;
      }
      expect(offset).toBe(bytes.length);
      for (const line of lines) if ('text' in line) JSON.parse(line.text);
    }
  });

  it('holds back a partial last line until its remainder is appended', async () => {
    const p = write('r.jsonl', '{"a":1}\n{"b":');
    const first = await collect(readLines(p, 0));
    expect(texts(first)).toEqual(['{"a":1}']);
    expect(first[0]?.end).toBe(8);
    appendFileSync(p, '2}\n{"c"');
    const next = await collect(readLines(p, 8));
    expect(next).toEqual([{ offset: 8, end: 16, text: '{"b":2}' }]);
    appendFileSync(p, ':3}\n');
    expect(await collect(readLines(p, 16))).toEqual([{ offset: 16, end: 24, text: '{"c":3}' }]);
  });

  it('counts bytes, not characters, across multi-byte UTF-8 split between reads', async () => {
    const content = 'héllo wörld\n日本語\n😀x\n';
    const p = write('mb.jsonl', content);
    const buf = Buffer.from(content);
    for (const highWaterMark of [1, 2, 3, 5, 1024]) {
      const lines = await collect(readLines(p, 0, { highWaterMark }));
      expect(texts(lines)).toEqual(['héllo wörld', '日本語', '😀x']);
      expect(lines.map((l) => [l.offset, l.end])).toEqual([
        [0, 14], // é and ö are two bytes each
        [14, 24], // three 3-byte characters
        [24, buf.length], // a 4-byte emoji
      ]);
      expect(buf.length).toBe(30);
      expect(lines.map((l) => [l.offset, l.end])).toEqual([
        [0, 14],
        [14, 24],
        [24, 30],
      ]);
    }
  });

  it('starts at a mid-file offset', async () => {
    const p = write('mid.jsonl', 'one\ntwo\nthree\n');
    expect(await collect(readLines(p, 4))).toEqual([
      { offset: 4, end: 8, text: 'two' },
      { offset: 8, end: 14, text: 'three' },
    ]);
    expect(await collect(readLines(p, 14))).toEqual([]);
  });

  it('strips \\r of CRLF endings; end still counts it', async () => {
    const p = write('crlf.jsonl', 'a\r\nbb\r\n\r\nc\n');
    for (const highWaterMark of [1, 2, 64]) {
      const lines = await collect(readLines(p, 0, { highWaterMark }));
      expect(lines).toEqual([
        { offset: 0, end: 3, text: 'a' },
        { offset: 3, end: 7, text: 'bb' },
        { offset: 7, end: 9, text: '' },
        { offset: 9, end: 11, text: 'c' },
      ]);
    }
  });

  it('skips lines longer than maxLineBytes and reports them as tooLong', async () => {
    const long = 'x'.repeat(100);
    const p = write('long.jsonl', `short\n${long}\nok\n${long}`);
    for (const highWaterMark of [1, 8, 64, 4096]) {
      const lines = await collect(readLines(p, 0, { maxLineBytes: 10, highWaterMark }));
      expect(lines).toEqual([
        { offset: 0, end: 6, text: 'short' },
        { offset: 6, end: 107, tooLong: true, bytes: 101 },
        { offset: 107, end: 110, text: 'ok' },
      ]);
    }
    // A line of exactly maxLineBytes is kept.
    const exact = write('exact.jsonl', '0123456789\n');
    expect(texts(await collect(readLines(exact, 0, { maxLineBytes: 10, highWaterMark: 3 })))).toEqual(['0123456789']);
  });

  it('decodes invalid UTF-8 with replacement characters', async () => {
    const p = write('bad.jsonl', Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a, 0x6f, 0x6b, 0x0a]));
    const lines = await collect(readLines(p, 0));
    expect(texts(lines)).toEqual(['{\uFFFD\uFFFD}', 'ok']);
    expect(lines[1]?.offset).toBe(5);
  });

  it('batches lines per read', async () => {
    const p = write('b.jsonl', 'a\nb\nc\n');
    const batches = await collect(readLineBatches(p, 0));
    expect(batches).toHaveLength(1);
    expect(texts(batches[0] ?? [])).toEqual(['a', 'b', 'c']);
  });
});

describe('LineSplitter.flush', () => {
  it('emits an unterminated last line of a finished stream', () => {
    const s = new LineSplitter(10, 4);
    const out: Line[] = [];
    s.push(Buffer.from('ab\ncd'), out);
    expect(s.committable).toBe(13);
    s.flush(out);
    s.push(Buffer.from('toolong'), out);
    s.flush(out);
    expect(out).toEqual([
      { offset: 10, end: 13, text: 'ab' },
      { offset: 13, end: 15, text: 'cd' },
      { offset: 15, end: 22, tooLong: true, bytes: 7 },
    ]);
  });
});

describe('readFirstLine', () => {
  it('gives the first complete line only, across reads, and nothing for an unfinished or too long one', async () => {
    const long = `{"a":"${'é'.repeat(100_000)}"}`; // longer than one read
    expect(await readFirstLine(write('a.jsonl', `${long}\r\n{"b":1}\n{"c":2}\n`))).toBe(long);
    expect(await readFirstLine(write('b.jsonl', '{"x":1}\n'))).toBe('{"x":1}');
    expect(await readFirstLine(write('c.jsonl', '{"unfinished":'))).toBeUndefined();
    expect(await readFirstLine(write('d.jsonl', ''))).toBeUndefined();
    expect(await readFirstLine(write('e.jsonl', `${long}\n`), 1000)).toBeUndefined();
    expect(await readFirstLine(join(tmp.dir, 'missing.jsonl'))).toBeUndefined();
  });

  it('lets the caller judge the first bytes: refused, nothing more is read; accepted, the same line as without', async () => {
    const long = `{"a":"${'é'.repeat(100_000)}"}`;
    const heads: [number, boolean][] = [];
    const judge = (ok: boolean) => (head: Buffer, more: boolean) => (heads.push([head.length, more]), ok);
    // a sparse 4 GiB file of NUL bytes: refused at its first 64 KiB, never read to its end
    const nul = write('nul.jsonl', '');
    truncateSync(nul, 4 * 1024 ** 3);
    expect(await readFirstLine(nul, undefined, judge(false))).toBeUndefined();
    expect(heads).toEqual([[64 * 1024, true]]);
    for (const [name, text, want] of [
      ['f.jsonl', `${long}\r\n{"b":1}\n`, long],
      ['g.jsonl', '{"x":1}\r\n{"y":2}\n', '{"x":1}'],
      ['h.jsonl', '{"unfinished":', undefined],
    ] as const) {
      const path = write(name, text);
      expect(await readFirstLine(path, undefined, judge(true))).toBe(want);
      expect(await readFirstLine(path)).toBe(want);
    }
    expect(await readFirstLine(write('i.jsonl', '{"x":1}\n'), 3, judge(true))).toBeUndefined();
  });
});
