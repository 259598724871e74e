/** The byte-level line decision must agree with the string one on every real record (and on edge cases). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideLine, elideKeysBytes } from '../../src/rollout/fastpath.js';
import { initialNormalizerState, normalize } from '../../src/rollout/normalize.js';
import { parseDecided, parseLine } from '../../src/rollout/parse.js';

const ROOT = join(import.meta.dirname, '../../fixtures');
const lines = readdirSync(ROOT)
  .filter((d) => d.startsWith('codex-'))
  .flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) =>
        readFileSync(join(ROOT, d, f), 'utf8')
          .split('\n')
          .filter(Boolean),
      ),
  );

function viaBytes(text: string): ReturnType<typeof parseLine> {
  const buf = Buffer.from(`xx${text}yy`); // not at offset 0, with bytes around it
  const d = decideLine(buf, 2, buf.length - 2);
  return 'skip' in d ? { kind: 'skipped', type: d.skip } : parseDecided(d.text);
}

describe('decideLine', () => {
  it('decides the same wherever the line sits in the buffer, for every fixture line', () => {
    let skipped = 0;
    for (const text of lines) {
      const a = parseLine(text);
      expect(viaBytes(text)).toEqual(a);
      if (a.kind === 'skipped') skipped++;
    }
    expect(skipped).toBeGreaterThan(100);
  });

  it('keeps every field the trace reads when it cuts a line', () => {
    for (const text of lines) {
      const r = parseLine(text);
      if (r.kind !== 'record') continue;
      const whole = JSON.parse(text) as { payload?: Record<string, unknown> };
      const cut = r.record.payload as Record<string, unknown>;
      for (const k of [
        'id',
        'session_id',
        'cwd',
        'cli_version',
        'source',
        'parent_thread_id',
        'model',
        'turn_id',
        'message',
        'summary',
        'info',
        'call_id',
        'output',
        'arguments',
      ]) {
        if (whole.payload && k in whole.payload) expect(cut[k]).toEqual(whole.payload[k]);
      }
    }
  });

  it('cuts values with multi-byte text, escapes and nested keys', () => {
    const text = JSON.stringify({
      timestamp: 't',
      type: 'session_meta',
      payload: {
        id: 'é✓',
        base_instructions: { text: 'a "quoted" \\ b' + 'x'.repeat(3000) },
        cwd: '/naïve',
        dynamic_tools: [{ instructions: 'nested' }],
        n: 1,
      },
    });
    const keys = ['base_instructions', 'dynamic_tools', 'instructions'];
    expect(JSON.parse(elideKeysBytes(Buffer.from(text), keys) as string).payload).toEqual({
      id: 'é✓',
      base_instructions: null,
      cwd: '/naïve',
      dynamic_tools: null,
      n: 1,
    });
  });

  it('decodes a line it cannot cut whole (the parser then reports it)', () => {
    const bad = `{"timestamp":"t","type":"session_meta","payload":{"base_instructions":{"text":"${'x'.repeat(3000)}`;
    const d = decideLine(Buffer.from(bad), 0, Buffer.byteLength(bad));
    expect(d).toEqual({ text: bad });
  });

  it('cuts the outputs of exec_command_end and mcp_tool_call_end, which repeat the function_call_output, to the same events', () => {
    const big = 'out "q" \\ é✓ '.repeat(400);
    const lines = [
      {
        type: 'exec_command_end',
        call_id: 'c1',
        command: ['/bin/bash', '-lc', 'ls'],
        cwd: '/w',
        stdout: big,
        stderr: big,
        aggregated_output: big,
        exit_code: 2,
        duration: { secs: 1, nanos: 5 },
        formatted_output: big,
        status: 'failed',
      },
      {
        type: 'mcp_tool_call_end',
        call_id: 'c2',
        invocation: { server: 's', tool: 't', arguments: { content: big } },
        duration: { secs: 0, nanos: 9 },
        result: { Ok: { content: [{ type: 'text', text: big }], structuredContent: { a: big }, isError: true } },
      },
      { type: 'mcp_tool_call_end', call_id: 'c3', invocation: { server: 's', tool: 't' }, result: { Err: big } },
    ].map((payload) => JSON.stringify({ timestamp: '2026-11-25T16:58:45.068Z', type: 'event_msg', payload }));
    for (const text of lines) {
      const d = decideLine(Buffer.from(text), 0, Buffer.byteLength(text));
      if (!text.includes('"Err"')) expect('text' in d && d.text.length < 1000).toBe(true);
      const events = (t: string) => {
        const r = t === text ? { kind: 'record', record: { dialect: 'envelope', type: 'event_msg', ...(JSON.parse(t) as object) } } : parseLine(t);
        if (r.kind !== 'record') throw new Error('not a record');
        return normalize(initialNormalizerState({ fallbackThreadId: 't' }), r.record as never).events;
      };
      expect(events((d as { text: string }).text)).toEqual(events(text));
      expect(events(text).length).toBe(1);
    }
  });
});

/** The plain way `elideKeysBytes` is an optimisation of: one scan per key, every value cut, nested ones dropped. */
function elideOneScanPerKey(text: string, keys: readonly string[]): string | undefined {
  const ranges: [number, number][] = [];
  for (const key of keys) {
    const n = `"${key}":`;
    for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + n.length)) {
      const vs = i + n.length;
      const ve = endOfValue(text, vs);
      if (ve < 0) return undefined;
      ranges.push([vs, ve]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  for (const [vs, ve] of ranges) {
    if (vs < pos) continue;
    out += `${text.slice(pos, vs)}null`;
    pos = ve;
  }
  return out + text.slice(pos);
}

/** The end of the shortest JSON value at `vs` followed by `,` `}` `]` or the end, or -1. */
function endOfValue(text: string, vs: number): number {
  for (let ve = vs + 1; ve <= text.length; ve++) {
    if (ve < text.length && !',}]'.includes(text[ve] as string)) continue;
    try {
      JSON.parse(text.slice(vs, ve));
      return ve;
    } catch {
      // not yet the whole value
    }
  }
  return -1;
}

describe('elideKeysBytes', () => {
  const keys = ['base_instructions', 'instructions', 'dynamic_tools', 'user_instructions', 'developer_instructions'];
  it('cuts what one scan per key cuts: keys sharing a tail, nested in each other, in any order', () => {
    const payloads = [
      { user_instructions: 'u "q"', collaboration_mode: { settings: { developer_instructions: 'd' } }, after: 1 },
      { dynamic_tools: [{ instructions: 'nested', developer_instructions: { x: 'y' } }], base_instructions: { text: 't' }, instructions: 'i' },
      { developer_instructions: 'é✓ \\"instructions\\":', z: [1, { user_instructions: null }], base_instructions: 'b' },
      { a: 'no key here', b: { c: ['instructions', 'base_instructions:'] } },
      { x_instructions: 'not a listed key', instructions: 'i', userinstructions: 'neither' },
    ];
    for (const payload of payloads) {
      const text = JSON.stringify({ timestamp: 't', type: 'turn_context', payload });
      expect(elideKeysBytes(Buffer.from(text), keys)).toEqual(elideOneScanPerKey(text, keys));
    }
  });

  it('agrees with one scan per key on every fixture line, for every key list the fast path uses', () => {
    const lists = [
      keys,
      ['rate_limits'],
      ['encrypted_content'],
      ['aggregated_output', 'formatted_output', 'stdout', 'stderr'],
      ['content', 'structuredContent'],
    ];
    for (const text of lines.filter((l) => l.length < 20_000)) {
      for (const list of lists) expect(elideKeysBytes(Buffer.from(text), list)).toEqual(elideOneScanPerKey(text, list));
    }
  });
});
