/**
 * Domain events: the vocabulary between `src/rollout/` (which knows every Codex
 * dialect) and the reducer (which knows none). One rollout record becomes zero
 * or more events. `time` is the record's timestamp (ISO-8601, UTC, ms).
 */
import type { Usage } from './span.js';

export interface SessionInfo {
  /** this file's thread id (the first `session_meta.id`) */
  threadId: string;
  /** the root session of a subagent tree, when the file says so (`session_meta.session_id`) */
  rootSessionId?: string;
  parentThreadId?: string;
  forkedFromId?: string;
  startTime?: string;
  cwd?: string;
  cliVersion?: string;
  originator?: string;
  source?: string;
  modelProvider?: string;
  gitCommit?: string;
  gitBranch?: string;
  gitRepositoryUrl?: string;
  agentNickname?: string;
  agentRole?: string;
  depth?: number;
  /** the file's lines carry no timestamps (legacy JSONL, TS-era documents): only their order is known */
  untimed?: boolean;
}

export type OutputItem = { kind: 'message'; text: string; phase?: string } | { kind: 'reasoning'; text: string };

export interface ToolCallInfo {
  callId: string;
  name: string;
  /** function | custom | local_shell | web_search | tool_search | image_generation | mcp */
  toolType: string;
  namespace?: string;
  /** an MCP call: the server (`name` is then the server's tool) */
  mcpServer?: string;
  arguments?: string;
  command?: string;
  cwd?: string;
  /** hosted tools (web search) have no output item: the span ends at the call */
  noOutput?: boolean;
}

export interface ToolResultInfo {
  callId: string;
  exitCode?: number;
  /**
   * How long the execution ran. On a `tool_output` it is the output's own account (`Wall time: …`,
   * `duration_seconds`): the output item is written once the call returned, at its end or — parallel
   * calls — later, when the calls before it are done too.
   */
  durationMs?: number;
  /** true when the format says the call failed (status failed, error output, success:false) */
  failed?: boolean;
  failureMessage?: string;
  /** the output says the call was interrupted: the turn was aborted while it ran (no model request followed) */
  aborted?: boolean;
  command?: string;
  cwd?: string;
  output?: string;
  /** an MCP call's server and tool as its completion record names them (`invocation`, `McpToolCall`) */
  mcpServer?: string;
  mcpTool?: string;
  /** precise times from the format (`started_at_ms`/`completed_at_ms`), ISO */
  startTime?: string;
  endTime?: string;
}

interface At {
  time: string;
  /** the turn the record names, when the format has turn ids */
  turnId?: string;
}

export type DomainEvent =
  | ({ type: 'session_meta'; info: SessionInfo } & At)
  | ({ type: 'turn_started'; parentTurnId?: string } & At)
  /** serviceTier: a tier name, null when the settings say none (standard), absent when not recorded */
  | ({ type: 'turn_context'; model?: string; cwd?: string; effort?: string; serviceTier?: string | null } & At)
  /** a model request starts here (legacy `state` lines, per-request `turn_context`) */
  | ({ type: 'request_boundary' } & At)
  /** what the human typed (never injected context) */
  | ({ type: 'user_prompt'; text: string } & At)
  | ({ type: 'model_output'; item: OutputItem; compaction?: boolean } & At)
  | ({ type: 'tool_call'; call: ToolCallInfo } & At)
  | ({ type: 'tool_output'; result: ToolResultInfo } & At)
  /** extra facts about a call (exit code, duration…) from an event that is not the output item */
  | ({ type: 'tool_result'; result: ToolResultInfo } & At)
  /** one model response ended; its usage (already deduplicated), unless the record left it unknown */
  | ({ type: 'usage'; usage?: Usage; responseId?: string } & At)
  | ({ type: 'compaction'; summary?: string; trigger?: string; windowNumber?: number } & At)
  | ({ type: 'compaction_done'; startTime?: string } & At)
  | ({
      type: 'turn_ended';
      status: 'ok' | 'error';
      reason?: string;
      lastAgentMessage?: string;
      durationMs?: number;
      ttftMs?: number;
      /** the turn was aborted (`turn_aborted`), for this reason (interrupted, replaced, …) */
      abort?: string;
      /** the turn ended because a model request failed (`task_complete.error`) */
      requestFailed?: boolean;
    } & At)
  /** review mode (`/review`): the review runs in a child thread; `hint` is what it reviews */
  | ({ type: 'review_started'; hint?: string } & At)
  | ({ type: 'review_ended' } & At)
  /** the file copied the history of another thread (a fork): the thread it came from */
  | ({ type: 'forked_from'; threadId: string } & At)
  | ({ type: 'error'; message: string } & At)
  | ({ type: 'subagent_spawned'; childThreadId: string; callId?: string; nickname?: string; role?: string } & At)
  | ({ type: 'subagent_done'; childThreadId: string; status: 'ok' | 'error'; message?: string } & At)
  /** synthesized by the pipeline, never by the parser: the session is idle / the run ends */
  | ({ type: 'finalize' } & At);
