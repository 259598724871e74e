/** Test helpers for the pure core: records in, final spans out. No file system, no timers. */
import { SessionProcessor } from '../../src/pipeline/processor.js';
import type { Effect } from '../../src/trace/effects.js';
import { defaultReducerOptions, foldSpans, type ReducerOptions } from '../../src/trace/reduce.js';
import type { Span } from '../../src/trace/span.js';

export interface Traced {
  spans: Span[];
  effects: Effect[];
  warnings: { offset: number; code: string; message: string }[];
  proc: SessionProcessor;
}

/** Feeds lines (objects are JSON-encoded) through one processor, with byte offsets as a file would have them. */
export function traceLines(lines: (object | string)[], opts: Partial<ReducerOptions> & { finalize?: boolean; file?: string } = {}): Traced {
  const { finalize = true, file = 'test.jsonl', ...reducer } = opts;
  const proc = new SessionProcessor(file, { ...defaultReducerOptions('test-thread'), ...reducer });
  const effects: Effect[] = [];
  let offset = 0;
  for (const l of lines) {
    const text = typeof l === 'string' ? l : JSON.stringify(l);
    effects.push(...proc.push({ offset, text }));
    offset += Buffer.byteLength(text) + 1;
  }
  if (finalize) effects.push(...proc.finalize());
  return { spans: [...foldSpans(effects).values()], effects, warnings: proc.warnings, proc };
}

export function byKind(spans: Span[], kind: Span['kind']): Span[] {
  return spans.filter((s) => s.kind === kind);
}

export function num(s: Span, key: string): number {
  const v = s.attributes[key];
  return typeof v === 'number' ? v : 0;
}

/** Every span's parent exists in the same trace; exactly one root per trace. */
export function assertWellFormed(spans: Span[]): void {
  const ids = new Set(spans.map((s) => `${s.traceId}/${s.spanId}`));
  const roots = new Map<string, number>();
  for (const s of spans) {
    if (s.parentSpanId === null) roots.set(s.traceId, (roots.get(s.traceId) ?? 0) + 1);
    else if (!ids.has(`${s.traceId}/${s.parentSpanId}`))
      throw new Error(`span ${s.name} ${s.spanId} has a parent ${s.parentSpanId} that is not in trace ${s.traceId}`);
    if (!/^[0-9a-f]{32}$/.test(s.traceId) || !/^[0-9a-f]{16}$/.test(s.spanId)) throw new Error(`bad ids on ${s.name}`);
    if (s.endTime !== null && s.endTime < s.startTime) throw new Error(`span ${s.name} ends before it starts`);
  }
  for (const [trace, n] of roots) if (n !== 1) throw new Error(`trace ${trace} has ${n} roots`);
}

// ---- hand-made records (envelope dialect) ----
let clock = Date.parse('2026-01-01T00:00:00.000Z');
export function resetClock(): void {
  clock = Date.parse('2026-01-01T00:00:00.000Z');
}
export function at(msLater = 10): string {
  clock += msLater;
  return new Date(clock).toISOString();
}
export const env = (type: string, payload: object, ms = 10): object => ({ timestamp: at(ms), type, payload });
export const ev = (payload: object, ms = 10): object => env('event_msg', payload, ms);
export const item = (payload: object, ms = 10): object => env('response_item', payload, ms);
export const meta = (id: string, extra: object = {}): object => env('session_meta', { id, timestamp: at(0), cwd: '/w', cli_version: '0.140.0', ...extra });
export const usage = (total: number, last: number): object =>
  ev({
    type: 'token_count',
    info: {
      total_token_usage: { input_tokens: total, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: total },
      last_token_usage: { input_tokens: last, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: last },
    },
  });
export const fcall = (callId: string, name = 'exec_command', args = '{"cmd":"ls"}'): object =>
  item({ type: 'function_call', name, arguments: args, call_id: callId });
export const fout = (callId: string, output = 'Process exited with code 0\nOutput:\nok'): object =>
  item({ type: 'function_call_output', call_id: callId, output });
export const say = (text: string): object => item({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
