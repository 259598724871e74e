/** ToolCallMachine: one tool span per call id, from the call to its output. */
import { ended, maxTime, newSpan, setAttr, started, warn } from '../emit.js';
import type { ToolCallInfo, ToolResultInfo } from '../events.js';
import { spanKey } from '../ids.js';
import { ATTR, type Attributes } from '../span.js';
import type { Emitter, ThreadState, ToolState, TurnState } from '../state.js';
import { touchTurn } from './turn.js';

function toolKey(th: ThreadState, callId: string): string {
  const uses = th.callIdUses.get(callId) ?? 0;
  th.callIdUses.set(callId, uses + 1);
  // a call id seen again in the same thread (replayed scripts, retries) still gets its own span
  return spanKey.tool(uses === 0 ? callId : `${callId}#${uses + 1}`);
}

export function onToolCall(th: ThreadState, turn: TurnState, time: string, call: ToolCallInfo, out: Emitter): void {
  if (th.tools.has(call.callId)) warn(out, 'duplicate_call_id', `tool call ${call.callId} while a call with that id is still open`);
  const attrs: Attributes = {
    [ATTR.operation]: 'execute_tool',
    [ATTR.toolName]: call.name,
    [ATTR.toolCallId]: call.callId,
    [ATTR.toolType]: call.toolType === 'function' || call.toolType === 'custom' ? 'function' : 'extension',
    [ATTR.threadId]: th.threadId,
  };
  setAttr(attrs, 'codex.tool.namespace', call.namespace);
  setAttr(attrs, ATTR.mcpServer, call.mcpServer);
  setAttr(attrs, 'codex.tool.kind', call.toolType);
  setAttr(attrs, ATTR.command, th.opts.content(call.command));
  setAttr(attrs, ATTR.toolCwd, call.cwd);
  setAttr(attrs, ATTR.input, th.opts.content(call.arguments));
  const span = newSpan(th, 'tool', toolKey(th, call.callId), `execute_tool ${call.name}`, turn.span.spanId, time, attrs);
  const tool: ToolState = { span, name: call.name };
  touchTurn(turn, time);
  if (call.noOutput) {
    span.status = 'ok';
    ended(out, span, time);
    turn.lastChildEnd = maxTime(turn.lastChildEnd, time);
    return;
  }
  th.tools.set(call.callId, tool);
  started(out, span);
  const early = th.orphanOutputs.get(call.callId);
  if (early) {
    th.orphanOutputs.delete(call.callId);
    finishTool(th, turn, tool, maxTime(time, early.time), { callId: call.callId, output: early.output, exitCode: early.exitCode }, out);
  }
}

/** Facts about a call from events other than its output (exit code, duration, precise times). */
export function onToolResult(th: ThreadState, result: ToolResultInfo): void {
  const tool = th.tools.get(result.callId);
  if (!tool) return;
  mergeResult(th, tool, result);
}

/** Command lines and error text are content: they pass the content filter (redaction, --content none). */
function mergeResult(th: ThreadState, tool: ToolState, r: ToolResultInfo): void {
  const a = tool.span.attributes;
  if (r.exitCode !== undefined) tool.exitCode = r.exitCode;
  if (r.failed) {
    tool.failed = true;
    tool.failureMessage ??= th.opts.content(r.failureMessage);
  }
  setAttr(a, ATTR.toolDurationMs, r.durationMs);
  setAttr(a, ATTR.mcpServer, r.mcpServer);
  if (r.mcpTool !== undefined && r.mcpTool !== tool.name) {
    // the completion record names the MCP tool exactly (a call name may be shortened or flat)
    tool.name = r.mcpTool;
    a[ATTR.toolName] = r.mcpTool;
    tool.span.name = `execute_tool ${r.mcpTool}`;
  }
  setAttr(a, ATTR.command, th.opts.content(r.command));
  setAttr(a, ATTR.toolCwd, r.cwd);
}

export function onToolOutput(th: ThreadState, turn: TurnState, time: string, result: ToolResultInfo, out: Emitter): void {
  const tool = th.tools.get(result.callId);
  if (!tool) {
    // output before its call (out-of-order records): keep it until the call shows up
    th.orphanOutputs.set(result.callId, { time, output: result.output, exitCode: result.exitCode });
    return;
  }
  finishTool(th, turn, tool, result.endTime ?? time, result, out);
}

function finishTool(th: ThreadState, turn: TurnState, tool: ToolState, time: string, result: ToolResultInfo, out: Emitter): void {
  th.tools.delete(result.callId);
  mergeResult(th, tool, result);
  const a = tool.span.attributes;
  const output = th.opts.content(result.output);
  setAttr(a, ATTR.output, output);
  setAttr(a, ATTR.exitCode, tool.exitCode);
  const failed = tool.failed || (tool.exitCode !== undefined && tool.exitCode !== 0);
  tool.span.status = failed ? 'error' : 'ok';
  if (failed) {
    tool.span.statusMessage = tool.exitCode !== undefined && tool.exitCode !== 0 ? `exit code ${tool.exitCode}` : (tool.failureMessage ?? 'the tool call failed');
    a['error.type'] = tool.exitCode !== undefined && tool.exitCode !== 0 ? 'exit_code' : 'tool_error';
  }
  ended(out, tool.span, time);
  turn.lastChildEnd = maxTime(turn.lastChildEnd, time);
  touchTurn(turn, time);
  const line = `tool ${tool.name} (${result.callId}): ${result.output ?? ''}`;
  turn.newInput.push(line);
  if (th.opts.llmInput === 'full') turn.allInput.push(line);
}

/** The turn ends: calls still waiting for output end with an error; early outputs become spans. */
export function closeOpenTools(th: ThreadState, turn: TurnState, time: string, out: Emitter): void {
  for (const [callId, tool] of th.tools) {
    if (tool.span.parentSpanId !== turn.span.spanId) continue;
    th.tools.delete(callId);
    tool.span.status = 'error';
    tool.span.statusMessage = 'no output before the turn ended';
    tool.span.attributes['error.type'] = 'no_output';
    ended(out, tool.span, time);
  }
  for (const [callId, o] of th.orphanOutputs) {
    warn(out, 'output_without_call', `tool output for ${callId} without a call`);
    th.orphanOutputs.delete(callId);
    const call: ToolCallInfo = { callId, name: 'unknown', toolType: 'function' };
    onToolCall(th, turn, o.time, call, out);
    const tool = th.tools.get(callId);
    if (tool) finishTool(th, turn, tool, o.time, { callId, output: o.output, exitCode: o.exitCode }, out);
  }
}
