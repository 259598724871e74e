/**
 * MCP tool calls name their server and tool: `gen_ai.tool.name` is the server's tool and
 * `codex.mcp.server` the server, from the `mcp__<server>` namespace (0.169+, recorded with the
 * real CLI against a stdio MCP server), a flat `mcp__<server>__<tool>` call name (older
 * Codex), and the completion records (`item_completed:McpToolCall`, `mcp_tool_call_end.invocation`).
 */
import { describe, expect, it } from 'vitest';
import { ATTR, type Span } from '../../src/trace/span.js';
import { CASE_VERSIONS, caseTruth, traceCase } from '../cases/cases.js';
import { assertWellFormed, byKind, ev, fcall, fout, item, meta, num, resetClock, say, traceLines, usage } from './records.js';

const tool = (spans: Span[], callId: string): Span => {
  const found = byKind(spans, 'tool').find((s) => s.attributes[ATTR.toolCallId] === callId);
  if (!found) throw new Error(`no tool span for ${callId}`);
  return found;
};

describe.each(CASE_VERSIONS)('%s: l-mcp, two MCP calls recorded against a stdio server', (version) => {
  it('gives one tool span per call, named by the tool, with its server and status', async () => {
    const truth = caseTruth(version, 'l-mcp');
    const { spans, warnings } = await traceCase(version, 'l-mcp');
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const tools = byKind(spans, 'tool');
    expect(tools.map((t) => t.attributes[ATTR.toolCallId]).sort()).toEqual(truth.tool_calls.map((c) => c.callId).sort());
    const sayCall = tool(spans, 'call_mcp_say');
    const failCall = tool(spans, 'call_mcp_fail');
    expect(sayCall.name).toBe('execute_tool say');
    expect(sayCall.attributes[ATTR.toolName]).toBe('say');
    expect(failCall.attributes[ATTR.toolName]).toBe('fail');
    for (const t of [sayCall, failCall]) {
      expect(t.attributes[ATTR.mcpServer]).toBe('echo');
      expect(t.attributes['codex.tool.kind']).toBe('mcp');
      expect(t.attributes[ATTR.toolType]).toBe('extension');
      expect(t.endTime! >= t.startTime).toBe(true);
    }
    expect(sayCall.status).toBe('ok');
    expect(String(sayCall.attributes[ATTR.output])).toContain('echo: hello');
    // the server answered isError: true (McpToolCall status "failed")
    expect(failCall.status).toBe('error');
    const llm = byKind(spans, 'llm');
    expect(llm).toHaveLength(truth.model_calls);
    expect(llm.reduce((a, s) => a + num(s, ATTR.inputTokens), 0)).toBe(truth.usage_sum.input);
    expect(llm.reduce((a, s) => a + num(s, ATTR.outputTokens), 0)).toBe(truth.usage_sum.output);
    expect(byKind(spans, 'turn').map((t) => t.status)).toEqual(['ok']);
  });
});

describe('MCP names in older records', () => {
  it('splits a flat mcp__<server>__<tool> call name, and the end record confirms it', () => {
    resetClock();
    const { spans, warnings } = traceLines([
      meta('t-mcp-flat'),
      ev({ type: 'task_started', turn_id: 'turn-1' }),
      ev({ type: 'user_message', message: 'read the docs' }),
      fcall('call_docs', 'mcp__my_docs__fetch_doc', '{"url":"https://example.com"}'),
      ev({
        type: 'mcp_tool_call_end',
        call_id: 'call_docs',
        invocation: { server: 'my_docs', tool: 'fetch_doc', arguments: { url: 'https://example.com' } },
        duration: { secs: 0, nanos: 118372900 },
        result: { Ok: { content: [{ type: 'text', text: 'doc' }], isError: false } },
      }),
      fout('call_docs', 'doc'),
      usage(100, 100),
      say('Done.'),
      usage(200, 100),
      ev({ type: 'task_complete', turn_id: 'turn-1', last_agent_message: 'Done.' }),
    ]);
    assertWellFormed(spans);
    expect(warnings).toEqual([]);
    const t = tool(spans, 'call_docs');
    expect(t.name).toBe('execute_tool fetch_doc');
    expect(t.attributes[ATTR.toolName]).toBe('fetch_doc');
    expect(t.attributes[ATTR.mcpServer]).toBe('my_docs');
    expect(t.attributes[ATTR.toolDurationMs]).toBe(118);
    expect(t.status).toBe('ok');
  });

  it('takes server and tool from mcp_tool_call_end.invocation when the call name does not say them', () => {
    resetClock();
    const { spans } = traceLines([
      meta('t-mcp-invocation'),
      ev({ type: 'task_started', turn_id: 'turn-1' }),
      ev({ type: 'user_message', message: 'look it up' }),
      fcall('call_lookup', 'docs__lookup', '{"q":"x"}'),
      ev({
        type: 'mcp_tool_call_end',
        call_id: 'call_lookup',
        invocation: { server: 'docs', tool: 'lookup', arguments: { q: 'x' } },
        duration: { secs: 1, nanos: 0 },
        result: { Err: 'tool call failed: timeout' },
      }),
      fout('call_lookup', 'tool call failed: timeout'),
      usage(100, 100),
      ev({ type: 'task_complete', turn_id: 'turn-1' }),
    ]);
    const t = tool(spans, 'call_lookup');
    expect(t.attributes[ATTR.toolName]).toBe('lookup');
    expect(t.name).toBe('execute_tool lookup');
    expect(t.attributes[ATTR.mcpServer]).toBe('docs');
    expect(t.attributes[ATTR.toolDurationMs]).toBe(1000);
    expect(t.status).toBe('error');
  });

  it('leaves tools that are not MCP alone', () => {
    resetClock();
    const { spans } = traceLines([
      meta('t-not-mcp'),
      ev({ type: 'task_started', turn_id: 'turn-1' }),
      item({ type: 'function_call', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{}', call_id: 'call_spawn' }),
      fout('call_spawn', '{"agent_id":"x"}'),
      fcall('call_ls', 'exec_command'),
      fout('call_ls'),
      ev({ type: 'task_complete', turn_id: 'turn-1' }),
    ]);
    for (const id of ['call_spawn', 'call_ls']) expect(tool(spans, id).attributes[ATTR.mcpServer]).toBeUndefined();
    expect(tool(spans, 'call_spawn').attributes[ATTR.toolName]).toBe('spawn_agent');
  });
});
