import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLines, type Line } from '../../src/source/tail.js';
import { FileTooLarge, readWhole, readZstLines } from '../../src/source/zst.js';
import { fixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';
import { collect } from '../helpers/wait.js';

const CASES = [
  { zst: 'zst/a-text-0.169.0.jsonl.zst', plain: 'codex-0.169.0/a-text.jsonl' },
  { zst: 'zst/f-resume-0.100.0.two-frames.jsonl.zst', plain: 'codex-0.100.0/f-resume.jsonl' },
];

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('readZstLines', () => {
  for (const c of CASES) {
    it(`yields the same lines and offsets as the plain file (${c.zst})`, async () => {
      const fromZst = await collect(readZstLines(fixture(c.zst), 0, { highWaterMark: 1000 }));
      const fromPlain = await collect(readLines(fixture(c.plain), 0));
      expect(fromZst.length).toBeGreaterThan(5);
      expect(fromZst).toEqual(fromPlain);
    });
  }

  it('starts at an offset into the decompressed stream', async () => {
    const all = await collect(readZstLines(fixture(CASES[1]!.zst), 0));
    const mid = all[Math.floor(all.length / 2)] as Line;
    const rest = await collect(readZstLines(fixture(CASES[1]!.zst), mid.offset));
    expect(rest).toEqual(all.slice(Math.floor(all.length / 2)));
  });

  it('fails on a corrupt file', async () => {
    const bad = join(tmp.dir, 'rollout-bad.jsonl.zst');
    writeFileSync(bad, readFileSync(fixture(CASES[0]!.zst)).subarray(0, 100));
    await expect(collect(readZstLines(bad, 0))).rejects.toThrow();
  });
});

describe('readWhole', () => {
  it('decompresses a .jsonl.zst whole', async () => {
    expect(await readWhole(fixture(CASES[1]!.zst))).toBe(readFileSync(fixture(CASES[1]!.plain), 'utf8'));
  });

  it('reads a TS-era .json document', async () => {
    const doc = { session: { timestamp: '2025-04-20T10:00:00.000Z', id: 'x', instructions: '' }, items: [{ type: 'message' }] };
    const p = join(tmp.dir, 'rollout-2025-04-20-8f5b8ba5-a13c-4d61-a509-86ac3845af5f.json');
    writeFileSync(p, JSON.stringify(doc, null, 2));
    expect(JSON.parse(await readWhole(p))).toEqual(doc);
  });

  it('refuses files beyond maxBytes', async () => {
    await expect(readWhole(fixture(CASES[0]!.zst), { maxBytes: 1000 })).rejects.toBeInstanceOf(FileTooLarge);
    await expect(readWhole(fixture(CASES[0]!.plain), { maxBytes: 1000 })).rejects.toBeInstanceOf(FileTooLarge);
  });
});
