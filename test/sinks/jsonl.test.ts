import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlSink } from '../../src/sinks/jsonl.js';
import { SinkError } from '../../src/sinks/sink.js';
import type { Span } from '../../src/trace/span.js';
import { ended, sampleTrace, started, updated } from './helpers.js';

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

  it('a path it cannot write is a permanent SinkError', async () => {
    const sink = new JsonlSink({ out: join(await tempDir(), 'missing-dir', 'x.jsonl') });
    const err = await sink.write([ended(sampleTrace().tool)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).transient).toBe(false);
    expect(sink.status().state).toBe('failing');
  });
});
