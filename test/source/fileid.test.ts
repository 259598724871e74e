import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyChange, fileIdentity, hashFirstLine, type SeenFile } from '../../src/source/fileid.js';
import { tempDir } from '../helpers/temp.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const base: SeenFile = {
  dev: 1,
  ino: 100,
  committedOffset: 500,
  size: 520,
  mtimeMs: 1000,
  firstLineHash: 'aaaa',
};

describe('classifyChange', () => {
  const cases: Array<[string, Partial<{ dev: number; ino: number; size: number; mtimeMs: number }>, string | undefined, string]> = [
    ['same stat', {}, undefined, 'unchanged'],
    ['same stat and first line', {}, 'aaaa', 'unchanged'],
    ['appended', { size: 900, mtimeMs: 2000 }, undefined, 'grown'],
    ['appended, same first line', { size: 900, mtimeMs: 2000 }, 'aaaa', 'grown'],
    ['other inode', { ino: 101 }, undefined, 'replaced'],
    ['other device', { dev: 2 }, undefined, 'replaced'],
    ['first line changed', { size: 900 }, 'bbbb', 'replaced'],
    ['shrank', { size: 510, mtimeMs: 2000 }, undefined, 'truncated'],
    ['shrank below the committed offset', { size: 10, mtimeMs: 2000 }, 'aaaa', 'truncated'],
    ['same size, touched, same first line', { mtimeMs: 2000 }, 'aaaa', 'unchanged'],
    ['same size, rewritten, first line unknown', { mtimeMs: 2000 }, undefined, 'replaced'],
  ];
  for (const [name, stat, hash, want] of cases) {
    it(name, () => {
      const now = { dev: base.dev, ino: base.ino, size: base.size, mtimeMs: base.mtimeMs, ...stat };
      expect(classifyChange(base, now, hash)).toBe(want);
    });
  }

  it('ignores the first line when the cursor has no hash', () => {
    const { firstLineHash: _omit, ...noHash } = base;
    expect(classifyChange(noHash, { dev: 1, ino: 100, size: 900, mtimeMs: 2 }, 'zzzz')).toBe('grown');
  });
});

describe('fileIdentity and hashFirstLine on real files', () => {
  it('tracks a file through append, replace and truncate', async () => {
    const p = join(tmp.dir, 'rollout.jsonl');
    writeFileSync(p, '{"type":"session_meta"}\n{"a":1}\n');
    const id0 = await fileIdentity(p);
    const hash0 = await hashFirstLine(p);
    expect(hash0).toMatch(/^[0-9a-f]{16}$/);
    const cursor: SeenFile = { ...id0, committedOffset: id0.size, firstLineHash: hash0 };

    appendFileSync(p, '{"b":2}\n');
    expect(classifyChange(cursor, await fileIdentity(p), await hashFirstLine(p))).toBe('grown');

    const other = join(tmp.dir, 'other.jsonl');
    writeFileSync(other, '{"type":"session_meta","id":"new"}\n');
    renameSync(other, p);
    expect(classifyChange(cursor, await fileIdentity(p), await hashFirstLine(p))).toBe('replaced');

    const again = await fileIdentity(p);
    const c2: SeenFile = { ...cursor, ...again, committedOffset: again.size };
    truncateSync(p, 5);
    expect(classifyChange(c2, await fileIdentity(p))).toBe('truncated');
  });

  it('returns undefined while the first line is incomplete, and bounds long first lines', async () => {
    const p = join(tmp.dir, 'r.jsonl');
    writeFileSync(p, '');
    expect(await hashFirstLine(p)).toBeUndefined();
    writeFileSync(p, '{"type":"session_');
    expect(await hashFirstLine(p)).toBeUndefined();
    appendFileSync(p, 'meta"}\n');
    const h = await hashFirstLine(p);
    appendFileSync(p, '{"more":1}\n');
    expect(await hashFirstLine(p)).toBe(h);

    const big = join(tmp.dir, 'big.jsonl');
    writeFileSync(big, 'x'.repeat(100_000)); // no newline yet, beyond the 64 KiB bound
    const hb = await hashFirstLine(big);
    expect(hb).toMatch(/^[0-9a-f]{16}$/);
    appendFileSync(big, 'y\n');
    expect(await hashFirstLine(big)).toBe(hb);
  });
});
