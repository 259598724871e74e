/**
 * ToolCallMachine: one tool span per call id, from the call to its output, inside a
 * turn. The turn owns a `ToolsState` and offers a `ToolHost`: the tools tell it when a
 * record touched the turn and when a call finished (with the line its output adds to
 * the next model call's input).
 */
import { ended, endedCopy, maxTime, setAttr, started, updated, warn, type Emitter } from '../emit.js';
import type { ToolCallInfo, ToolResultInfo } from '../events.js';
import { ATTR, type Attributes, type Span } from '../span.js';
import { newSpan, toolKey, type Scope } from './scope.js';

export interface ToolState {
  readonly span: Span;
  name: string;
  exitCode?: number;
  failed?: boolean;
  failureMessage?: string;
}

/** An output seen before its call (out-of-order records). */
interface EarlyOutput {
  time: string;
  output?: string;
  exitCode?: number;
}

export interface ToolsState {
  /** calls waiting for their output, by call id */
  readonly running: Map<string, ToolState>;
  readonly early: Map<string, EarlyOutput>;
}

/** What a turn offers its tool calls. */
export interface ToolHost {
  readonly scope: Scope;
  /** the span tools hang under */
  readonly spanId: string;
  /** a record of a call touched the turn */
  touched(time: string): void;
  /** a call finished at `time`; `line` is what its output adds to the next model call's input */
  finished(time: string, line?: string): void;
}

export function initialTools(): ToolsState {
  return { running: new Map(), early: new Map() };
}

export function onToolCall(tools: ToolsState, host: ToolHost, time: string, call: ToolCallInfo, out: Emitter): void {
  const { scope } = host;
  if (tools.running.has(call.callId)) warn(out, 'duplicate_call_id', `tool call ${call.callId} while a call with that id is still open`);
  const attrs: Attributes = {
    [ATTR.operation]: 'execute_tool',
    [ATTR.toolName]: call.name,
    [ATTR.toolCallId]: call.callId,
    [ATTR.toolType]: call.toolType === 'function' || call.toolType === 'custom' ? 'function' : 'extension',
    [ATTR.threadId]: scope.threadId,
  };
  setAttr(attrs, 'codex.tool.namespace', call.namespace);
  setAttr(attrs, ATTR.mcpServer, call.mcpServer);
  setAttr(attrs, 'codex.tool.kind', call.toolType);
  setAttr(attrs, ATTR.command, scope.opts.content(call.command));
  setAttr(attrs, ATTR.toolCwd, call.cwd);
  setAttr(attrs, ATTR.input, scope.opts.content(call.arguments));
  const span = newSpan(scope, 'tool', toolKey(scope, call.callId), `execute_tool ${call.name}`, host.spanId, time, attrs);
  const tool: ToolState = { span, name: call.name };
  host.touched(time);
  if (call.noOutput) {
    span.status = 'ok';
    ended(out, span, time);
    host.finished(time);
    return;
  }
  tools.running.set(call.callId, tool);
  started(out, span);
  const early = tools.early.get(call.callId);
  if (early) {
    tools.early.delete(call.callId);
    finishTool(tools, host, tool, maxTime(time, early.time), { callId: call.callId, output: early.output, exitCode: early.exitCode }, out);
  }
}

/** Facts about a call from events other than its output (exit code, duration, precise times). */
export function onToolResult(tools: ToolsState, scope: Scope, result: ToolResultInfo): void {
  const tool = tools.running.get(result.callId);
  if (!tool) return;
  mergeResult(scope, tool, result);
}

/** Command lines and error text are content: they pass the content filter (redaction, --content none). */
function mergeResult(scope: Scope, tool: ToolState, r: ToolResultInfo): void {
  const a = tool.span.attributes;
  if (r.exitCode !== undefined) tool.exitCode = r.exitCode;
  if (r.failed) {
    tool.failed = true;
    tool.failureMessage ??= scope.opts.content(r.failureMessage);
  }
  setAttr(a, ATTR.toolDurationMs, r.durationMs);
  setAttr(a, ATTR.mcpServer, r.mcpServer);
  if (r.mcpTool !== undefined && r.mcpTool !== tool.name) {
    // the completion record names the MCP tool exactly (a call name may be shortened or flat)
    tool.name = r.mcpTool;
    a[ATTR.toolName] = r.mcpTool;
    tool.span.name = `execute_tool ${r.mcpTool}`;
  }
  setAttr(a, ATTR.command, scope.opts.content(r.command));
  setAttr(a, ATTR.toolCwd, r.cwd);
}

export function onToolOutput(tools: ToolsState, host: ToolHost, time: string, result: ToolResultInfo, out: Emitter): void {
  const tool = tools.running.get(result.callId);
  if (!tool) {
    // output before its call (out-of-order records): keep it until the call shows up
    tools.early.set(result.callId, { time, output: result.output, exitCode: result.exitCode });
    return;
  }
  finishTool(tools, host, tool, result.endTime ?? time, result, out);
}

function finishTool(tools: ToolsState, host: ToolHost, tool: ToolState, time: string, result: ToolResultInfo, out: Emitter): void {
  const { scope } = host;
  tools.running.delete(result.callId);
  mergeResult(scope, tool, result);
  const a = tool.span.attributes;
  setAttr(a, ATTR.output, scope.opts.content(result.output));
  setAttr(a, ATTR.exitCode, tool.exitCode);
  const failed = tool.failed || (tool.exitCode !== undefined && tool.exitCode !== 0);
  tool.span.status = failed ? 'error' : 'ok';
  if (failed) {
    tool.span.statusMessage = tool.exitCode !== undefined && tool.exitCode !== 0 ? `exit code ${tool.exitCode}` : (tool.failureMessage ?? 'the tool call failed');
    a['error.type'] = tool.exitCode !== undefined && tool.exitCode !== 0 ? 'exit_code' : 'tool_error';
  }
  ended(out, tool.span, time);
  host.finished(time, `tool ${tool.name} (${result.callId}): ${result.output ?? ''}`);
}

/** When the call started, if it is still running (a subagent spawned by it starts with it). */
export function runningSince(tools: ToolsState, callId: string): string | undefined {
  return tools.running.get(callId)?.span.startTime;
}

/** The turn ends: calls still waiting for output end with an error; early outputs become spans. */
export function closeTools(tools: ToolsState, host: ToolHost, time: string, out: Emitter): void {
  for (const [callId, tool] of tools.running) {
    tools.running.delete(callId);
    tool.span.status = 'error';
    tool.span.statusMessage = 'no output before the turn ended';
    tool.span.attributes['error.type'] = 'no_output';
    ended(out, tool.span, time);
  }
  for (const [callId, o] of tools.early) {
    warn(out, 'output_without_call', `tool output for ${callId} without a call`);
    tools.early.delete(callId);
    onToolCall(tools, host, o.time, { callId, name: 'unknown', toolType: 'function' }, out);
    const tool = tools.running.get(callId);
    if (tool) finishTool(tools, host, tool, o.time, { callId, output: o.output, exitCode: o.exitCode }, out);
  }
}

/** The session went idle: running calls are sent as ended with an error, and stay open. */
export function suspendTools(tools: ToolsState, time: string, out: Emitter): void {
  for (const tool of tools.running.values()) {
    endedCopy(out, tool.span, time, (copy) => {
      copy.status = 'error';
      copy.statusMessage = 'no output before the session went idle';
      copy.attributes['error.type'] = 'no_output';
    });
  }
}

export function resumeTools(tools: ToolsState, out: Emitter): void {
  for (const tool of tools.running.values()) updated(out, tool.span);
}
