/** `event_msg` payloads → domain events. */
import type { DomainEvent, ToolResultInfo } from '../trace/events.js';
import { agentStatus, contentText, isInjectedUserText } from './items.js';
import { readAbortReason, readEventTag, readExecEnd, readTaskComplete, readTaskStartedParent } from './read.js';
import { durationMs, ItemCompleted } from './schema.js';
import { pathFromUri, shellJoin } from './tool-output.js';

type At = { time: string; turnId?: string };

export interface EventContext {
  time: string;
  /** token_count handling lives in normalize (it needs the file's running totals) */
  onTokenCount: (payload: unknown, at: At) => DomainEvent[];
}

export function isoFromMs(ms: number | null | undefined): string | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function normalizeEventMsg(raw: unknown, ctx: EventContext): DomainEvent[] | 'unknown' {
  const p = readEventTag(raw);
  if (!p) return 'unknown';
  const at: At = { time: ctx.time, turnId: p.turn_id ?? undefined };
  switch (p.type) {
    case 'task_started':
    case 'turn_started': {
      return [{ type: 'turn_started', ...at, parentTurnId: readTaskStartedParent(raw) }];
    }
    case 'task_complete':
    case 'turn_complete':
      return taskComplete(raw, at);
    case 'turn_aborted': {
      const reason = readAbortReason(raw) || 'unknown';
      return [{ type: 'turn_ended', ...at, status: 'error', reason: `aborted: ${reason}`, abort: reason }];
    }
    case 'user_message': {
      const msg = (raw as { message?: unknown }).message;
      return typeof msg === 'string' ? [{ type: 'user_prompt', ...at, text: msg }] : [];
    }
    case 'token_count':
      return ctx.onTokenCount(raw, at);
    case 'context_compacted':
      return [{ type: 'compaction_done', ...at }];
    case 'error': {
      const msg = (raw as { message?: unknown }).message;
      return [{ type: 'error', ...at, message: typeof msg === 'string' ? msg : 'error' }];
    }
    case 'exec_command_end':
      return execEnd(raw, at);
    case 'patch_apply_end':
      return patchApplyEnd(raw, at);
    case 'mcp_tool_call_end':
      return mcpEnd(raw, at);
    case 'collab_agent_spawn_end':
      return spawnEnd(raw, at);
    case 'item_completed':
      return itemCompleted(raw, at);
    case 'thread_settings_applied': {
      const s = (raw as { thread_settings?: { model?: unknown; cwd?: unknown; service_tier?: unknown } }).thread_settings;
      const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      // a full settings snapshot: no service_tier means none (standard) from here on
      return [{ type: 'turn_context', ...at, model: str(s?.model), cwd: str(s?.cwd), serviceTier: s ? (str(s.service_tier) ?? null) : undefined }];
    }
    case 'token_budget_abort':
      return [{ type: 'turn_ended', ...at, status: 'error', reason: 'token budget exhausted' }];
    case 'agent_message':
    case 'agent_reasoning':
    case 'agent_reasoning_raw_content':
    case 'thread_rolled_back':
    case 'thread_name_updated':
    case 'web_search_end':
    case 'view_image_tool_call':
    case 'undo_completed':
    case 'token_budget_reminder':
    case 'image_generation_end': // these six: persisted, nothing a trace shows (rollout-format §4.1)
    case 'thread_goal_updated':
    case 'sub_agent_activity':
    case 'guardian_assessment':
    case 'dynamic_tool_call_request':
    case 'dynamic_tool_call_response':
      return [];
    default:
      return 'unknown';
  }
}

function taskComplete(raw: unknown, at: At): DomainEvent[] {
  const d = readTaskComplete(raw);
  if (!d) return [{ type: 'turn_ended', ...at, status: 'ok' }];
  const err = d.error;
  const reason = typeof err === 'string' ? err : err ? (err.message ?? String(JSON.stringify(err.codex_error_info ?? 'error'))) : undefined;
  return [
    {
      type: 'turn_ended',
      ...at,
      status: err ? 'error' : 'ok',
      reason,
      requestFailed: err ? true : undefined,
      lastAgentMessage: d.last_agent_message ?? undefined,
      durationMs: d.duration_ms ?? undefined,
      ttftMs: d.time_to_first_token_ms ?? undefined,
    },
  ];
}

/**
 * When a call's execution ran, from its completion record: the record is written when the command
 * ends (`completed_at_ms` when it says so, else its own time) and `duration` says how long it ran.
 */
function ranFor(raw: unknown, time: string, ms: number | undefined): { startTime?: string; endTime?: string } {
  if (ms === undefined) return {};
  const completed = (raw as { completed_at_ms?: unknown }).completed_at_ms;
  const end = isoFromMs(typeof completed === 'number' ? completed : undefined) ?? time;
  return { startTime: isoFromMs(Date.parse(end) - ms), endTime: end };
}

function commandString(c: string[] | string | null | undefined): string | undefined {
  if (Array.isArray(c)) return shellJoin(c);
  return c ?? undefined;
}

function execEnd(raw: unknown, at: At): DomainEvent[] {
  const d = readExecEnd(raw);
  if (!d?.call_id) return [];
  const result: ToolResultInfo = {
    callId: d.call_id as string,
    exitCode: d.exit_code ?? undefined,
    durationMs: durationMs(d.duration),
    command: commandString(d.command),
    cwd: pathFromUri(d.cwd),
    failed: d.status === 'failed' || d.status === 'declined' ? true : undefined,
    ...ranFor(raw, at.time, durationMs(d.duration)),
  };
  return [{ type: 'tool_result', ...at, result }];
}

function patchApplyEnd(raw: unknown, at: At): DomainEvent[] {
  const e = readExecEnd(raw);
  if (!e?.call_id) return [];
  const failed = e.success === false || e.status === 'failed';
  const stderr = (raw as { stderr?: unknown }).stderr;
  return [
    {
      type: 'tool_result',
      ...at,
      result: { callId: e.call_id as string, failed, failureMessage: failed && typeof stderr === 'string' ? stderr : undefined },
    },
  ];
}

/** `{server, tool}` of an MCP call's `invocation` (`mcp_tool_call_end`) or `McpToolCall` item. */
function mcpNames(o: { server?: unknown; tool?: unknown } | undefined): { mcpServer?: string; mcpTool?: string } {
  return {
    mcpServer: typeof o?.server === 'string' && o.server !== '' ? o.server : undefined,
    mcpTool: typeof o?.tool === 'string' && o.tool !== '' ? o.tool : undefined,
  };
}

function mcpEnd(raw: unknown, at: At): DomainEvent[] {
  const e = readExecEnd(raw);
  if (!e?.call_id) return [];
  const r = raw as { result?: unknown; invocation?: { server?: unknown; tool?: unknown } };
  const result = r.result as { Err?: unknown; Ok?: { isError?: unknown } } | undefined;
  const failed = !!result && (result.Err !== undefined || result.Ok?.isError === true);
  const names = mcpNames(r.invocation);
  const ms = durationMs(e.duration);
  return [{ type: 'tool_result', ...at, result: { callId: e.call_id as string, durationMs: ms, failed, ...names, ...ranFor(raw, at.time, ms) } }];
}

function spawnEnd(raw: unknown, at: At): DomainEvent[] {
  const r = raw as { new_thread_id?: unknown; call_id?: unknown; new_agent_nickname?: unknown; new_agent_role?: unknown };
  if (typeof r.new_thread_id !== 'string') return [];
  return [
    {
      type: 'subagent_spawned',
      ...at,
      childThreadId: r.new_thread_id,
      callId: typeof r.call_id === 'string' ? r.call_id : undefined,
      nickname: typeof r.new_agent_nickname === 'string' ? r.new_agent_nickname : undefined,
      role: typeof r.new_agent_role === 'string' ? r.new_agent_role : undefined,
    },
  ];
}

/** Every `item_completed` item type 0.169–0.171 writes (traced or not); others are counted as drift. */
export const KNOWN_COMPLETED_ITEMS: ReadonlySet<string> = new Set([
  'UserMessage',
  'AgentMessage',
  'Reasoning',
  'CommandExecution',
  'FileChange',
  'McpToolCall',
  'DynamicToolCall',
  'WebSearch',
  'CollabAgentToolCall',
  'ContextCompaction',
  'Plan',
  'ImageView',
  'ImageGeneration',
  'EnteredReviewMode',
  'ExitedReviewMode',
  'SubAgentActivity',
  'HookPrompt',
  'Extension',
]);

/** The paginated dialect's `item_completed` (0.150+). */
function itemCompleted(raw: unknown, at: At): DomainEvent[] {
  const e = ItemCompleted.safeParse(raw);
  if (!e.success) return [];
  const { item } = e.data;
  const times = { startTime: isoFromMs(e.data.started_at_ms), endTime: isoFromMs(e.data.completed_at_ms) };
  const it = item as Record<string, unknown>;
  switch (item.type) {
    case 'UserMessage': {
      const text = contentText(it.content as never);
      return text && !isInjectedUserText(text) ? [{ type: 'user_prompt', ...at, text }] : [];
    }
    case 'CommandExecution': {
      const d = readExecEnd(it);
      if (!d || !item.id) return [];
      const failed = d.status === 'failed' || d.status === 'declined' || (typeof d.exit_code === 'number' && d.exit_code !== 0);
      return [
        {
          type: 'tool_result',
          ...at,
          result: {
            callId: item.id,
            exitCode: d.exit_code ?? undefined,
            durationMs: durationMs(d.duration),
            command: commandString(d.command),
            cwd: pathFromUri(d.cwd),
            failed: failed || undefined,
            ...times,
          },
        },
      ];
    }
    case 'FileChange':
    case 'McpToolCall':
    case 'DynamicToolCall':
    case 'WebSearch': {
      if (!item.id) return [];
      const st = it.status;
      const failed = st === 'failed' || st === 'declined' || st === 'errored';
      const names = item.type === 'McpToolCall' ? mcpNames(it) : {};
      return [{ type: 'tool_result', ...at, result: { callId: item.id, failed: failed || undefined, ...names, ...times } }];
    }
    case 'CollabAgentToolCall':
      return collabItem(it, at);
    case 'ContextCompaction':
      return [{ type: 'compaction_done', ...at, startTime: times.startTime, time: times.endTime ?? at.time }];
    default:
      return [];
  }
}

function collabItem(it: Record<string, unknown>, at: At): DomainEvent[] {
  const events: DomainEvent[] = [];
  const receivers = Array.isArray(it.receiver_agents) ? (it.receiver_agents as { thread_id?: unknown; agent_nickname?: unknown }[]) : [];
  if (it.tool === 'spawn_agent') {
    for (const r of receivers) {
      if (typeof r.thread_id !== 'string') continue;
      events.push({
        type: 'subagent_spawned',
        ...at,
        childThreadId: r.thread_id,
        callId: typeof it.id === 'string' ? it.id : undefined,
        nickname: typeof r.agent_nickname === 'string' ? r.agent_nickname : undefined,
      });
    }
  }
  const states = it.agents_states && typeof it.agents_states === 'object' ? (it.agents_states as Record<string, unknown>) : {};
  for (const [id, s] of Object.entries(states)) {
    const st = agentStatus(s);
    if (st) events.push({ type: 'subagent_done', ...at, childThreadId: id, ...st });
  }
  return events;
}
