import { describe, expect, it } from 'vitest';
import { notRolloutReason } from '../../src/rollout/sniff.js';

const b = (s: string | number[]): Uint8Array => (typeof s === 'string' ? Buffer.from(s, 'latin1') : Uint8Array.from(s));

describe('notRolloutReason: can these first bytes start a rollout?', () => {
  it.each([
    ['a record', '{"timestamp":"2026-01-01T00:00:00.000Z"', true],
    ['a byte-order mark, then a record', '\xef\xbb\xbf{"a":1}', false],
    ['whitespace, then a record', ' \r\n\t{"a":1}', true],
    ['an empty file', '', false],
    ['a file being written: part of a byte-order mark', '\xef\xbb', false],
    ['a file being written: whitespace so far', '\n\n', false],
  ])('%s: yes (or cannot tell yet)', (_name, head, more) => {
    expect(notRolloutReason(b(head), more)).toBeUndefined();
  });

  it.each([
    ['NUL bytes', [0, 0, 0, 0], /it starts with a NUL byte \(0x00\)/],
    ['a binary', [0x89, 0x50, 0x4e, 0x47], /it starts with byte 0x89/],
    ['plain text', 'hello world\n', /it starts with "h"/],
    ['a JSON array (no rollout is one)', '[{"a":1}]', /it starts with "\["/],
    ['whitespace, then text', '  x', /it starts with "x" at offset 2/],
    ['half a byte-order mark, then more', '\xef\xbb{', /it starts with byte 0xef/],
  ])('%s: no, and why', (_name, head, why) => {
    const r = notRolloutReason(b(head), false);
    expect(r).toMatch(/^not JSON lines: /);
    expect(r).toMatch(why);
  });

  it('only whitespace in a head that the file goes on past: no', () => {
    expect(notRolloutReason(b(' '.repeat(4096)), true)).toBe('not JSON lines: nothing but whitespace in its first 4096 bytes');
  });
});
