/**
 * The mock Responses API on its own: SSE framing, step matching and the served log, without
 * running Codex.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockResponses, type MockResponsesServer } from './mock-responses.js';

let mock: MockResponsesServer | undefined;

afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

function meta(fields: Record<string, unknown>): string {
  return JSON.stringify({ thread_id: 'thread-main', agent_name: '/root', request_kind: 'turn', ...fields });
}

async function post(server: MockResponsesServer, headers: Record<string, string>, input: unknown[]): Promise<string> {
  const res = await fetch(`${server.origin}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-5.5', input }),
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  return res.text();
}

function events(sse: string): { event: string; data: Record<string, unknown> }[] {
  return sse
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return {
        event: (eventLine ?? '').replace(/^event: /, ''),
        data: JSON.parse((dataLine ?? '').replace(/^data: /, '')) as Record<string, unknown>,
      };
    });
}

const userInput = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }];

describe('mock Responses API', () => {
  it('streams created, added/done per item, completed with usage', async () => {
    mock = await startMockResponses([
      {
        label: 'call',
        respond: {
          items: [
            { type: 'reasoning', summary: ['thinking'] },
            { type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', callId: 'c1', args: { a: 1 } },
          ],
          usage: { input_tokens: 100, cached_tokens: 40, output_tokens: 20, reasoning_tokens: 5 },
        },
      },
    ]);
    const evs = events(await post(mock, { 'x-codex-turn-metadata': meta({}) }, userInput));
    expect(evs.map((e) => e.event)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(evs[4]?.data.item).toMatchObject({ type: 'function_call', namespace: 'multi_agent_v1', call_id: 'c1', arguments: '{"a":1}' });
    expect(evs[5]?.data.response).toMatchObject({
      id: 'resp_1',
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 40 },
        output_tokens: 20,
        output_tokens_details: { reasoning_tokens: 5 },
        total_tokens: 120,
      },
    });
    expect(mock.served.responses[0]).toMatchObject({
      responseId: 'resp_1',
      threadId: 'thread-main',
      compaction: false,
      toolCalls: [{ callId: 'c1', name: 'spawn_agent', type: 'function_call', namespace: 'multi_agent_v1' }],
    });
  });

  it('routes compaction and subagent requests to their steps and logs the rest', async () => {
    mock = await startMockResponses([
      { label: 'main', respond: { items: [{ type: 'message', text: 'main' }] } },
      { label: 'compact', match: (r) => r.isCompaction, respond: { items: [{ type: 'message', text: 'summary' }] } },
      { label: 'child', match: (r) => r.isSubagent, respond: { items: [{ type: 'message', text: 'child' }] } },
    ]);
    const child = meta({ thread_id: 'thread-child', thread_source: 'subagent', parent_thread_id: 'thread-main' });
    await post(mock, { 'x-codex-turn-metadata': child }, userInput);
    await post(mock, { 'x-codex-turn-metadata': meta({ request_kind: 'compaction' }) }, userInput);
    await post(mock, { 'x-codex-turn-metadata': meta({}) }, userInput);
    await post(mock, { 'x-codex-turn-metadata': meta({}) }, userInput);
    await fetch(`${mock.origin}/v1/models`);
    const s = mock.served;
    expect(s.responses.map((r) => [r.step, r.threadId, r.compaction])).toEqual([
      ['child', 'thread-child', false],
      ['compact', 'thread-main', true],
      ['main', 'thread-main', false],
      ['unscripted', 'thread-main', false],
    ]);
    expect(s.responses[0]?.parentThreadId).toBe('thread-main');
    expect(s.unscripted).toHaveLength(1);
    expect(s.otherRequests).toEqual([{ method: 'GET', path: '/v1/models', status: 200 }]);
  });
});
