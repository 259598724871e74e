/**
 * Rendering of a scripted response as the Server-Sent Events stream of the OpenAI
 * Responses API: `response.created`, then per output item `response.output_item.added`
 * and `response.output_item.done`, then `response.completed` with usage.
 */
import type { MockItem, MockUsage, ServedToolCall } from './mock-types.js';

type Json = Record<string, unknown>;

/** The wire form of one output item; `n` is the response number, `i` the item index. */
export function wireItem(item: MockItem, n: number, i: number): Json {
  switch (item.type) {
    case 'message':
      return {
        type: 'message',
        id: `msg_${n}_${i}`,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: item.text, annotations: [] }],
        ...(item.phase ? { phase: item.phase } : {}),
      };
    case 'reasoning':
      return {
        type: 'reasoning',
        id: `rs_${n}_${i}`,
        summary: item.summary.map((text) => ({ type: 'summary_text', text })),
        content: item.content ? item.content.map((text) => ({ type: 'reasoning_text', text })) : null,
        encrypted_content: `mock-encrypted-${n}-${i}`,
      };
    case 'function_call':
      return {
        type: 'function_call',
        id: `fc_${n}_${i}`,
        status: 'completed',
        name: item.name,
        ...(item.namespace ? { namespace: item.namespace } : {}),
        arguments: typeof item.args === 'string' ? item.args : JSON.stringify(item.args),
        call_id: item.callId,
      };
    case 'custom_tool_call':
      return {
        type: 'custom_tool_call',
        id: `ctc_${n}_${i}`,
        status: 'completed',
        call_id: item.callId,
        name: item.name,
        input: item.input,
      };
  }
}

/** The item as announced in `response.output_item.added` (content not yet streamed). */
function addedItem(wire: Json): Json {
  if (wire.type === 'message') return { ...wire, status: 'in_progress', content: [] };
  if (wire.type === 'reasoning') return { ...wire, summary: [] };
  return { ...wire, status: 'in_progress' };
}

/** Tool calls among the items, for the served log. */
export function toolCallsOf(items: MockItem[]): ServedToolCall[] {
  const calls: ServedToolCall[] = [];
  for (const item of items) {
    if (item.type === 'function_call') {
      calls.push({
        callId: item.callId,
        name: item.name,
        type: 'function_call',
        ...(item.namespace ? { namespace: item.namespace } : {}),
      });
    } else if (item.type === 'custom_tool_call') {
      calls.push({ callId: item.callId, name: item.name, type: 'custom_tool_call' });
    }
  }
  return calls;
}

function wireUsage(u: MockUsage): Json {
  return {
    input_tokens: u.input_tokens,
    input_tokens_details: { cached_tokens: u.cached_tokens },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_tokens },
    total_tokens: u.total_tokens,
  };
}

/** Writes SSE events with running sequence numbers. */
class SseWriter {
  readonly events: string[] = [];
  private seq = 0;

  emit(type: string, data: Json): void {
    this.events.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.seq++, ...data })}\n\n`);
  }
}

/** `response.created` and the items; what a failing or stalling stream sends before its end (or instead of it). */
function streamItems(w: SseWriter, id: string, n: number, items: MockItem[]): Json[] {
  const base = { id, object: 'response', model: 'gpt-5.5' };
  w.emit('response.created', { response: { ...base, status: 'in_progress', output: [] } });
  const output = items.map((item, i) => wireItem(item, n, i));
  output.forEach((wire, index) => {
    w.emit('response.output_item.added', { output_index: index, item: addedItem(wire) });
    w.emit('response.output_item.done', { output_index: index, item: wire });
  });
  return output;
}

/** The complete SSE body for one response. */
export function renderSse(id: string, n: number, items: MockItem[], usage: MockUsage): string {
  const w = new SseWriter();
  const output = streamItems(w, id, n, items);
  w.emit('response.completed', {
    response: { id, object: 'response', model: 'gpt-5.5', status: 'completed', output, usage: wireUsage(usage) },
  });
  return w.events.join('');
}

/** The SSE of a response that fails after its items: `response.failed` with `error` (`code`, `message`). */
export function renderFailedSse(id: string, n: number, items: MockItem[], error: { code: string; message: string }): string {
  const w = new SseWriter();
  const output = streamItems(w, id, n, items);
  w.emit('response.failed', {
    response: { id, object: 'response', model: 'gpt-5.5', status: 'failed', output, error, usage: null },
  });
  return w.events.join('');
}

/** The start of a stream that never ends: `response.created` and the items, no terminal event. */
export function renderStalledSse(id: string, n: number, items: MockItem[]): string {
  const w = new SseWriter();
  streamItems(w, id, n, items);
  return w.events.join('');
}

/** Rough token estimate for a text (4 characters a token), never below 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Output and reasoning token estimates for a list of items. */
export function outputTokensOf(items: MockItem[]): { output: number; reasoning: number } {
  let output = 0;
  let reasoning = 0;
  for (const item of items) {
    if (item.type === 'message') output += estimateTokens(item.text);
    else if (item.type === 'reasoning') {
      const r = estimateTokens([...item.summary, ...(item.content ?? [])].join(''));
      reasoning += r;
      output += r;
    } else if (item.type === 'function_call') {
      output += estimateTokens(typeof item.args === 'string' ? item.args : JSON.stringify(item.args));
    } else output += estimateTokens(item.input);
  }
  return { output, reasoning };
}
