/**
 * ToolCallMachine: one tool span per call id, from the call to its output, inside a
 * turn. The turn owns a `ToolsState` and offers a `ToolHost`: the tools tell it when a
 * record touched the turn and when a call finished (with the line its output adds to
 * the next model call's input).
 */
import { addMs, ended, endedCopy, maxTime, minTime, msBetween, setAttr, started, updated, warn, type Emitter } from '../emit.js';
import type { ToolCallInfo, ToolResultInfo } from '../events.js';
import { ATTR, type Attributes, type Span } from '../span.js';
import type { InputPart } from '../state.js';
import { newSpan, toolKey, type Scope } from './scope.js';

export interface ToolState {
  readonly span: Span;
  name: string;
  /** running: waiting for its output; ended: its span was sent as ended (later records still update it) */
  status: 'running' | 'ended';
  exitCode?: number;
  failed?: boolean;
  failureMessage?: string;
  /** the turn ended before its output came */
  cutOff?: boolean;
  /** when the call was made (the span's start may move to its execution) */
  readonly calledAt: string;
  /** when its output was written (the call had returned by then), or when its turn's end cut it off */
  returnedBy?: string;
  /** when the format says the execution itself ran (an approval can make it start long after the call) */
  execStart?: string;
  execEnd?: string;
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
  /** calls that ended, by call id: a record that comes late (after the output, after the turn) still updates them */
  readonly done: Map<string, ToolState>;
  readonly early: Map<string, EarlyOutput>;
}

/** What a turn offers its tool calls. */
export interface ToolHost {
  readonly scope: Scope;
  /** the span tools hang under */
  readonly spanId: string;
  /** a record of a call touched the turn */
  touched(time: string): void;
  /**
   * a call finished at `time`; `part` is what its output adds to the next model call's input, unless
   * the output says the call was interrupted (`aborted`: no request follows it)
   */
  finished(time: string, part?: InputPart, aborted?: boolean): void;
}

export function initialTools(): ToolsState {
  return { running: new Map(), done: new Map(), early: new Map() };
}

export function onToolCall(tools: ToolsState, host: ToolHost, time: string, call: ToolCallInfo, out: Emitter): void {
  const { scope } = host;
  if (tools.running.has(call.callId)) {
    // the same call written twice: one call, one span (a second span would never get an output)
    warn(out, 'duplicate_call_id', `tool call ${call.callId} again while that call is still open; the repeat is ignored`);
    return;
  }
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
  const tool: ToolState = { span, name: call.name, status: 'running', calledAt: time };
  host.touched(time);
  if (call.noOutput) {
    span.status = 'ok';
    tool.status = 'ended';
    tools.done.set(call.callId, tool);
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

/** A call that ended with its turn, before its output came. */
export function awaitsOutput(tools: ToolsState, callId: string): boolean {
  return tools.done.get(callId)?.cutOff === true;
}

/** Whether the call is this turn's (running, ended, or an output waiting for it). */
export function hasCall(tools: ToolsState, callId: string): boolean {
  return tools.running.has(callId) || tools.done.has(callId) || tools.early.has(callId);
}

/**
 * Facts about a call from events other than its output (exit code, duration, precise times).
 * For a call that already ended (the record came after its output, or after its turn), the
 * span is sent again with them.
 */
export function onToolResult(tools: ToolsState, scope: Scope, result: ToolResultInfo, out: Emitter): void {
  const running = tools.running.get(result.callId);
  if (running) return mergeResult(scope, running, result);
  const tool = tools.done.get(result.callId);
  if (!tool) return;
  mergeResult(scope, tool, result);
  setAttr(tool.span.attributes, ATTR.exitCode, tool.exitCode);
  settleStatus(tool);
  coverExecution(tool);
  ended(out, tool.span, tool.execEnd ?? tool.span.endTime ?? tool.span.startTime);
}

/** An output for a call that already ended (its turn was aborted before it came): the span gets it. */
export function onLateOutput(tools: ToolsState, scope: Scope, time: string, result: ToolResultInfo, out: Emitter): void {
  const tool = tools.done.get(result.callId);
  if (!tool) return;
  if (tool.cutOff) {
    // the turn's end had called it an error for want of an output: the output says how it went
    tool.cutOff = false;
    tool.span.status = 'unset';
    delete tool.span.statusMessage;
    delete tool.span.attributes['error.type'];
  }
  mergeResult(scope, tool, result);
  setAttr(tool.span.attributes, ATTR.output, scope.opts.content(result.output));
  setAttr(tool.span.attributes, ATTR.exitCode, tool.exitCode);
  settleStatus(tool);
  coverExecution(tool);
  ended(out, tool.span, tool.execEnd ?? minTime(result.endTime ?? time, tool.returnedBy ?? time));
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
  if (r.startTime !== undefined && r.endTime !== undefined) setExecution(tool, r.startTime, r.endTime);
}

/**
 * When the execution ran, within the call: it starts no earlier than the call, and ends no later than
 * the call returned (its output, or the turn's end that cut it off) — a completion record written after
 * that (an interrupted command whose exit is noticed after the abort) does not stretch the span.
 */
function setExecution(tool: ToolState, start: string, end: string): void {
  const last = tool.returnedBy !== undefined ? minTime(end, tool.returnedBy) : end;
  tool.execEnd = maxTime(last, tool.calledAt);
  tool.execStart = minTime(maxTime(start, tool.calledAt), tool.execEnd);
}

/**
 * The execution by its output's own account (`Wall time`, `duration_seconds`; no completion record
 * says when it ran). A call that ran alone returned when its output was written: it ran for the
 * duration before it. A call that ran beside others may have had its output held until they were done
 * too: it ran for the duration from its call. (An approval wait cannot be told apart there.)
 */
function executionFromOutput(tools: ToolsState, tool: ToolState, callId: string, outputAt: string, durationMs: number): void {
  const parallel = overlapsAnother(tools, callId, tool.calledAt);
  if (parallel) setExecution(tool, tool.calledAt, addMs(tool.calledAt, durationMs));
  else setExecution(tool, addMs(outputAt, -durationMs), outputAt);
}

/** Whether another call of the turn ran while this one did: still running, or returned after this one was made. */
function overlapsAnother(tools: ToolsState, callId: string, calledAt: string): boolean {
  for (const id of tools.running.keys()) if (id !== callId) return true;
  for (const [id, t] of tools.done) if (id !== callId && t.returnedBy !== undefined && t.returnedBy > calledAt) return true;
  return false;
}

/**
 * The span covers the execution when the format says when it ran: a call can wait long for an
 * approval before it starts (kept as `codex.tool.wait_ms`), and parallel calls each end at their own
 * completion, not when the last of their outputs is written.
 */
function coverExecution(tool: ToolState): void {
  const start = tool.execStart;
  if (start === undefined || start <= tool.calledAt) return;
  tool.span.attributes['codex.tool.wait_ms'] = msBetween(tool.calledAt, start);
  tool.span.startTime = start;
}

/** Status from what is known of the call: a failure, or a non-zero exit code, is an error. */
function settleStatus(tool: ToolState): void {
  const a = tool.span.attributes;
  const exit = tool.exitCode !== undefined && tool.exitCode !== 0;
  if (!tool.failed && !exit) {
    if (tool.span.status !== 'error') tool.span.status = 'ok';
    return;
  }
  tool.span.status = 'error';
  tool.span.statusMessage = exit ? `exit code ${tool.exitCode}` : (tool.failureMessage ?? 'the tool call failed');
  a['error.type'] = exit ? 'exit_code' : 'tool_error';
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
  tool.returnedBy = time;
  const textTimed = tool.execEnd === undefined && result.startTime === undefined && result.durationMs !== undefined && !scope.untimed;
  if (textTimed) executionFromOutput(tools, tool, result.callId, time, result.durationMs as number);
  endRunning(tools, result.callId, tool);
  mergeResult(scope, tool, result);
  const a = tool.span.attributes;
  setAttr(a, ATTR.output, scope.opts.content(result.output));
  setAttr(a, ATTR.exitCode, tool.exitCode);
  settleStatus(tool);
  coverExecution(tool);
  ended(out, tool.span, tool.execEnd ?? time);
  // the next model request goes out once the output is written, however early the execution ended
  // the output itself, not a copy in a line: the content filter then redacts it once for both spans
  host.finished(maxTime(tool.execEnd ?? time, time), { label: `tool ${tool.name} (${result.callId}): `, text: result.output ?? '' }, result.aborted);
}

function endRunning(tools: ToolsState, callId: string, tool: ToolState): void {
  tools.running.delete(callId);
  tool.status = 'ended';
  tools.done.set(callId, tool);
}

/** When the call started, if it is still running (a subagent spawned by it starts with it). */
export function runningSince(tools: ToolsState, callId: string): string | undefined {
  return tools.running.get(callId)?.span.startTime;
}

/** The turn ends: calls still waiting for output end with an error; early outputs become spans. */
export function closeTools(tools: ToolsState, host: ToolHost, time: string, out: Emitter): void {
  for (const [callId, tool] of tools.running) {
    endRunning(tools, callId, tool);
    tool.cutOff = true;
    tool.returnedBy = time;
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
