/** `response_item` payloads (and bare legacy items) → domain events. */
import type { DomainEvent } from '../trace/events.js';
import { readResponseItem } from './read.js';
import type { ResponseItem } from './schema.js';
import { commandOf, mcpToolOf, parseToolOutput, shellJoin } from './tool-output.js';

export interface ItemContext {
  time: string;
  turnId?: string;
  /** bare legacy / TS-era lines: user-role items are the only record of the prompt */
  legacy: boolean;
  /** the paginated dialect marks the compaction request's output */
  compactionOutput: boolean;
  /** synthesizes a stable id for hosted calls that have none (web search) */
  nextSyntheticId: (prefix: string) => string;
}

type Item = ResponseItem;

/** One leading `<tag …>…</tag>` block (its own closing tag), and the whitespace around it. */
const INJECTED_BLOCK = /^\s*<([a-zA-Z_][\w-]*)(?:\s[^>]*)?>[\s\S]*?<\/\1>\s*/;

/**
 * User-role items that Codex injects (environment, AGENTS.md, user instructions, notifications)
 * rather than what the human typed: text made only of wrapper blocks (`<user_instructions>…`,
 * `<environment_context>…`, one or several), or the AGENTS.md preamble.
 */
export function isInjectedUserText(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith('# AGENTS.md instructions') || t.startsWith('<user_instructions>')) return true;
  let rest = t;
  for (let m = INJECTED_BLOCK.exec(rest); m; m = INJECTED_BLOCK.exec(rest)) {
    rest = rest.slice(m[0].length);
    if (rest === '') return true;
  }
  return false;
}

export function contentText(content: Item['content']): string {
  if (!content) return '';
  const parts: string[] = [];
  for (const p of content) if (typeof p.text === 'string') parts.push(p.text);
  return parts.join('\n');
}

/**
 * Every `ResponseItem` kind Codex writes, traced or deliberately ignored (ghost snapshots,
 * compaction blobs, the v2 `agent_message`); anything else is counted as drift.
 */
export const KNOWN_ITEM_TYPES: ReadonlySet<string> = new Set([
  'message',
  'reasoning',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'local_shell_call',
  'tool_search_call',
  'tool_search_output',
  'web_search_call',
  'image_generation_call',
  'ghost_snapshot',
  'compaction',
  'compaction_summary',
  'agent_message',
]);

export function normalizeItem(raw: unknown, ctx: ItemContext): DomainEvent[] {
  const item = readResponseItem(raw);
  if (!item) return [];
  const at = { time: ctx.time, turnId: ctx.turnId ?? item.internal_chat_message_metadata_passthrough?.turn_id ?? undefined };
  switch (item.type) {
    case 'message':
      return messageEvents(item, at, ctx);
    case 'reasoning': {
      const text = (item.summary ?? []).map((s) => (typeof s.text === 'string' ? s.text : '')).join('\n');
      return [{ type: 'model_output', ...at, item: { kind: 'reasoning', text }, compaction: ctx.compactionOutput || undefined }];
    }
    case 'function_call':
    case 'custom_tool_call':
    case 'local_shell_call':
    case 'tool_search_call':
    case 'web_search_call':
    case 'image_generation_call':
      return toolCallEvents(item, at, ctx);
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'tool_search_output':
      return toolOutputEvents(item, at);
    default:
      // ghost_snapshot, compaction blobs, agent_message (v2), unknown item kinds: nothing to trace
      return [];
  }
}

type At = { time: string; turnId?: string };

function messageEvents(item: Item, at: At, ctx: ItemContext): DomainEvent[] {
  const text = contentText(item.content);
  if (item.role === 'assistant') {
    return [{ type: 'model_output', ...at, item: { kind: 'message', text, phase: item.phase ?? undefined }, compaction: ctx.compactionOutput || undefined }];
  }
  if (item.role !== 'user') return [];
  if (text.includes('<subagent_notification>')) return subagentNotification(text, at);
  if (ctx.legacy && !isInjectedUserText(text)) return [{ type: 'user_prompt', ...at, text }];
  return [];
}

function subagentNotification(text: string, at: At): DomainEvent[] {
  const m = /<subagent_notification>\s*([\s\S]*?)\s*<\/subagent_notification>/.exec(text);
  if (!m) return [];
  try {
    const v = JSON.parse(m[1] as string) as { agent_path?: unknown; status?: unknown };
    if (typeof v.agent_path !== 'string') return [];
    const st = agentStatus(v.status);
    return st ? [{ type: 'subagent_done', ...at, childThreadId: v.agent_path, ...st }] : [];
  } catch {
    return [];
  }
}

/** `{completed: msg}` / `{errored: msg}` / `"shutdown"` … → done or not */
export function agentStatus(s: unknown): { status: 'ok' | 'error'; message?: string } | undefined {
  if (s && typeof s === 'object') {
    const o = s as Record<string, unknown>;
    if ('completed' in o) return { status: 'ok', message: typeof o.completed === 'string' ? o.completed : undefined };
    if ('errored' in o) return { status: 'error', message: typeof o.errored === 'string' ? o.errored : 'errored' };
  }
  if (s === 'shutdown' || s === 'not_found' || s === 'interrupted') return { status: 'error', message: s };
  return undefined;
}

function toolCallEvents(item: Item, at: At, ctx: ItemContext): DomainEvent[] {
  const hosted = item.type === 'web_search_call' || item.type === 'image_generation_call';
  const callId = (hosted ? item.id : undefined) ?? item.call_id ?? item.id ?? ctx.nextSyntheticId(item.type);
  let name = item.name ?? item.type.replace(/_call$/, '');
  let args: string | undefined;
  let command: string | undefined;
  let cwd: string | undefined;
  if (item.type === 'custom_tool_call') {
    args = typeof item.input === 'string' ? item.input : undefined;
  } else if (item.type === 'local_shell_call') {
    const action = (item.action ?? {}) as { command?: unknown; working_directory?: unknown };
    if (Array.isArray(action.command)) command = shellJoin(action.command);
    if (typeof action.working_directory === 'string') cwd = action.working_directory;
    args = JSON.stringify(item.action ?? {});
    name = 'local_shell';
  } else if (hosted || item.type === 'tool_search_call') {
    args = item.action !== undefined ? JSON.stringify(item.action) : typeof item.arguments === 'string' ? item.arguments : undefined;
  } else {
    args = typeof item.arguments === 'string' ? item.arguments : item.arguments !== undefined ? JSON.stringify(item.arguments) : undefined;
    ({ command, cwd } = commandOf(name, args));
    if (command?.startsWith('apply_patch')) name = 'apply_patch';
  }
  const mcp = item.type === 'function_call' ? mcpToolOf(name, item.namespace) : undefined;
  return [
    {
      type: 'tool_call',
      ...at,
      call: {
        callId,
        name: mcp?.tool ?? name,
        toolType: mcp ? 'mcp' : item.type.replace(/_call$/, ''),
        mcpServer: mcp?.server,
        namespace: item.namespace ?? undefined,
        arguments: args,
        command,
        cwd,
        noOutput: hosted || undefined,
      },
    },
  ];
}

/**
 * A tool output names its call by `call_id`. One without (`name: "goal_objective"`,
 * `additional_context_tool_output: true`, …) is context Codex adds for the model, shaped
 * like a tool output: no tool ran, so no span and no warning (its `id` is the item's own).
 */
function toolOutputEvents(item: Item, at: At): DomainEvent[] {
  const callId = item.call_id;
  if (!callId) return [];
  const parsed = parseToolOutput(item.output);
  const events: DomainEvent[] = [
    {
      type: 'tool_output',
      ...at,
      result: {
        callId,
        output: parsed.text,
        exitCode: parsed.exitCode,
        durationMs: parsed.durationMs,
        failed: parsed.failed,
        failureMessage: parsed.failureMessage,
        aborted: parsed.aborted,
      },
    },
  ];
  const spawned = spawnedAgent(parsed.text);
  if (spawned) events.push({ type: 'subagent_spawned', ...at, callId, ...spawned });
  for (const d of waitResults(parsed.text)) events.push({ type: 'subagent_done', ...at, ...d });
  return events;
}

/** `spawn_agent` output: `{"agent_id": "<thread>", "nickname": "…"}` */
function spawnedAgent(text: string): { childThreadId: string; nickname?: string } | undefined {
  if (!text.startsWith('{"agent_id"')) return undefined;
  try {
    const v = JSON.parse(text) as { agent_id?: unknown; nickname?: unknown };
    if (typeof v.agent_id !== 'string') return undefined;
    return { childThreadId: v.agent_id, nickname: typeof v.nickname === 'string' ? v.nickname : undefined };
  } catch {
    return undefined;
  }
}

/** `wait` output: `{"status": {"<thread>": {"completed": "…"}}, "timed_out": false}` */
function waitResults(text: string): { childThreadId: string; status: 'ok' | 'error'; message?: string }[] {
  if (!text.startsWith('{"status"')) return [];
  try {
    const v = JSON.parse(text) as { status?: Record<string, unknown> };
    const out: { childThreadId: string; status: 'ok' | 'error'; message?: string }[] = [];
    for (const [id, s] of Object.entries(v.status ?? {})) {
      const st = agentStatus(s);
      if (st) out.push({ childThreadId: id, ...st });
    }
    return out;
  } catch {
    return [];
  }
}
