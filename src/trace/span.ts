/**
 * The span model shared by the reducer, the pipeline and every sink.
 * `Span` is exactly the record `show --format jsonl` prints (one per line).
 */
export type SpanKind = 'session' | 'turn' | 'llm' | 'tool' | 'compaction' | 'subagent';
export type SpanStatus = 'ok' | 'error' | 'unset';
export type AttrValue = string | number | boolean | string[];
export type Attributes = Record<string, AttrValue>;

export interface Span {
  /** 32 lower-case hex */
  traceId: string;
  /** 16 lower-case hex */
  spanId: string;
  parentSpanId: string | null;
  kind: SpanKind;
  name: string;
  /** ISO-8601 with milliseconds, UTC */
  startTime: string;
  /** null while the span is still open */
  endTime: string | null;
  status: SpanStatus;
  statusMessage?: string;
  attributes: Attributes;
}

/** Token usage of one model response. cached ⊂ input, reasoning ⊂ output, total = input + output. */
export interface Usage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  total: number;
}

/** Attribute names used on spans (OpenTelemetry GenAI names where one exists). */
export const ATTR = {
  conversationId: 'gen_ai.conversation.id',
  operation: 'gen_ai.operation.name',
  agentName: 'gen_ai.agent.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseId: 'gen_ai.response.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  reasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  totalTokens: 'codex.usage.total_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  /** content: what went in / came out (prompt, tool arguments, new LLM input) */
  input: 'input.value',
  output: 'output.value',
  cliVersion: 'codex.cli_version',
  cwd: 'codex.cwd',
  originator: 'codex.originator',
  source: 'codex.source',
  turnIndex: 'codex.turn.index',
  turnId: 'codex.turn.id',
  exitCode: 'codex.tool.exit_code',
  command: 'codex.tool.command',
  toolCwd: 'codex.tool.cwd',
  toolDurationMs: 'codex.tool.duration_ms',
  /** position of the span's start in its file, on sessions whose lines have no timestamps (legacy, TS era) */
  seq: 'codex.seq',
  /** the MCP server of an MCP tool call (`gen_ai.tool.name` is the server's tool) */
  mcpServer: 'codex.mcp.server',
  subagentThreadId: 'codex.subagent.thread_id',
  subagentParentThreadId: 'codex.subagent.parent_thread_id',
  subagentDepth: 'codex.subagent.depth',
  subagentNickname: 'codex.subagent.nickname',
  subagentRole: 'codex.subagent.role',
  parentThreadId: 'codex.parent_thread_id',
  threadId: 'codex.thread.id',
  /** the service tier the session recorded for the request (priority, flex …), as Codex wrote it */
  serviceTier: 'openai.request.service_tier',
} as const;

/**
 * Spans that start at the same time in the order their records came in the file, where the
 * format gives no times to tell them apart (`codex.seq`, on legacy and TS-era sessions); 0 otherwise.
 */
export function fileOrder(a: Span, b: Span): number {
  const x = a.attributes[ATTR.seq];
  const y = b.attributes[ATTR.seq];
  return typeof x === 'number' && typeof y === 'number' ? x - y : 0;
}
