/**
 * Parsing of one Codex `POST /v1/responses` request into the `MockRequest` the scenario
 * steps match on.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import type { MockRequest } from './mock-types.js';

/** Prompt text Codex uses for a local (non-OpenAI provider) compaction request. */
const COMPACTION_PROMPT_MARKER = 'CONTEXT CHECKPOINT COMPACTION';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes a request body according to its `content-encoding`. */
export function decodeBody(raw: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    case 'zstd':
      return Buffer.from(zstdDecompress(new Uint8Array(raw)));
    default:
      return raw;
  }
}

function turnMetadata(headers: IncomingHttpHeaders, body: Json): Json {
  const fromHeader = headers['x-codex-turn-metadata'];
  const clientMeta = isObject(body.client_metadata) ? body.client_metadata : {};
  const text = typeof fromHeader === 'string' ? fromHeader : clientMeta['x-codex-turn-metadata'];
  if (typeof text !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

function inputItems(body: Json): Json[] {
  return Array.isArray(body.input) ? body.input.filter(isObject) : [];
}

function lastUserText(items: Json[]): string {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (item?.type === 'message' && item.role === 'user') return textOf(item.content);
  }
  return '';
}

function toolOutputLookup(items: Json[]): (callId: string) => string | undefined {
  return (callId) => {
    const found = items.find((it) => (it.type === 'function_call_output' || it.type === 'custom_tool_call_output') && it.call_id === callId);
    if (!found) return undefined;
    return typeof found.output === 'string' ? found.output : textOf(found.output);
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Builds the `MockRequest` view of a decoded request body. */
export function parseMockRequest(headers: IncomingHttpHeaders, decoded: Buffer): MockRequest {
  const parsed: unknown = JSON.parse(decoded.toString('utf8'));
  const body = isObject(parsed) ? parsed : {};
  const meta = turnMetadata(headers, body);
  const items = inputItems(body);
  const agentName = str(meta.agent_name) ?? '/root';
  const requestKind = str(meta.request_kind);
  const last = lastUserText(items);
  return {
    threadId: str(meta.thread_id) ?? str(body.prompt_cache_key) ?? 'unknown',
    agentName,
    isSubagent: meta.thread_source === 'subagent' || meta.parent_thread_id !== undefined || agentName !== '/root',
    parentThreadId: str(meta.parent_thread_id),
    turnId: str(meta.turn_id),
    requestKind,
    isCompaction: requestKind === 'compaction' || last.includes(COMPACTION_PROMPT_MARKER),
    lastUserText: last,
    turnMetadata: meta,
    body,
    bodyBytes: decoded.length,
    toolOutput: toolOutputLookup(items),
  };
}
