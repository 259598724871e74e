import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlSink } from '../../src/sinks/jsonl.js';
import { SinkError } from '../../src/sinks/sink.js';
import type { Span } from '../../src/trace/span.js';
import { ended, sampleTrace, started, updated } from './records.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'jsonl-sink-'));
  dirs.push(d);
  return d;
}

describe('JsonlSink', () => {
  it('appends one finished span per line to a private file', async () => {
    const file = join(await tempDir(), 'spans.jsonl');
    const t = sampleTrace();
    const sink = new JsonlSink({ out: file });
    await sink.write([started(t.session), started(t.turn), ended(t.llm), updated(t.turn), ended(t.tool)]);
    await sink.write([ended(t.turn), ended(t.session), ended(t.session, true)]);
    await sink.close();
    const again = new JsonlSink({ out: file });
    await again.write([ended(t.llm)]);
    await again.close();

    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const spans = lines.map((l) => JSON.parse(l) as Span);
    expect(spans).toEqual([t.llm, t.tool, t.turn, t.session, t.llm]);
    expect(lines[0]).toBe(JSON.stringify(t.llm));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(sink.status()).toEqual({ name: 'jsonl', state: 'ok', delivered: 4, pending: 0 });
  });

  it('writes to a stream (stdout by default)', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const sink = new JsonlSink({ stream: out });
    await sink.write([ended(sampleTrace().tool)]);
    expect(chunks.join('')).toBe(`${JSON.stringify(sampleTrace().tool)}\n`);
  });

  it('a path that stops being writable after start is a permanent SinkError', async () => {
    const { mkdir } = await import('node:fs/promises');
    const dir = join(await tempDir(), 'gone-dir');
    await mkdir(dir);
    const sink = new JsonlSink({ out: join(dir, 'x.jsonl') });
    await rm(dir, { recursive: true });
    const err = await sink.write([ended(sampleTrace().tool)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).transient).toBe(false);
    expect(sink.status().state).toBe('failing');
  });
});

describe('JsonlSink: writes at once, torn lines, bad --out', () => {
  it('two large batches written at once never interleave their lines', async () => {
    const file = join(await tempDir(), 'spans.jsonl');
    const t = sampleTrace();
    const big = (n: number, mark: string): ReturnType<typeof ended>[] =>
      Array.from({ length: n }, (_, i) =>
        ended({ ...t.tool, spanId: `${mark}${String(i).padStart(15, '0')}`, attributes: { ...t.tool.attributes, blob: 'x'.repeat(20_000) } }),
      );
    const sink = new JsonlSink({ out: file });
    await Promise.all([sink.write(big(60, 'a')), sink.write(big(60, 'b')), sink.write(big(60, 'c'))]);
    await sink.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(180);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('a torn last line left by a crash is cut (and reported) before the next append', async () => {
    const { writeFile } = await import('node:fs/promises');
    const file = join(await tempDir(), 'spans.jsonl');
    const t = sampleTrace();
    const good = `${JSON.stringify(t.llm)}\n`;
    await writeFile(file, good + JSON.stringify(t.tool).slice(0, 37));
    const repairs: unknown[] = [];
    const sink = new JsonlSink({ out: file, onRepair: (i) => repairs.push(i) });
    await sink.write([ended(t.turn)]);
    await sink.close();
    expect(await readFile(file, 'utf8')).toBe(`${good}${JSON.stringify(t.turn)}\n`);
    expect(repairs).toEqual([{ file, offset: Buffer.byteLength(good), bytes: 37 }]);
  });

  it('--out into a directory that does not exist, or a directory, fails at once as a configuration error', async () => {
    const dir = await tempDir();
    for (const [out, why] of [
      [join(dir, 'missing', 'x.jsonl'), /directory .* does not exist/],
      [dir, /is a directory/],
    ] as const) {
      let err: unknown;
      try {
        new JsonlSink({ out });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SinkError);
      expect((err as SinkError).transient).toBe(false);
      expect((err as SinkError).message).toMatch(why);
    }
  });
});
