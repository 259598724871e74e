import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readLineBatches, readLineBatchesSync, type Line } from '../../src/source/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ct-tailsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function asyncLines(path: string, from: number, hwm: number): Promise<Line[]> {
  const out: Line[] = [];
  for await (const b of readLineBatches(path, from, { highWaterMark: hwm })) out.push(...b);
  return out;
}

it('reads the same lines and offsets as the async reader, and leaves a partial last line', async () => {
  const path = join(dir, 'r.jsonl');
  writeFileSync(path, readFileSync('fixtures/codex-0.169.0/e-multi-tool.jsonl'));
  appendFileSync(path, '{"partial": "wa');
  for (const hwm of [7, 4096, 1 << 20]) {
    const sync = [...readLineBatchesSync(path, 0, { highWaterMark: hwm })].flat();
    expect(sync).toEqual(await asyncLines(path, 0, hwm));
    expect(sync.at(-1)?.end).toBe(readFileSync(path).lastIndexOf(0x0a) + 1);
    const mid = sync[3] as Line;
    expect([...readLineBatchesSync(path, mid.offset, { highWaterMark: hwm })].flat()).toEqual(sync.slice(3));
  }
});
