/**
 * One line of a rollout file → a record in a common shape, whatever its dialect.
 * The dialect is decided per line (a new Codex resuming an old session appends
 * new-style lines to an old file).
 */
import { peekLine } from './fastpath.js';
import { readEnvelope } from './read.js';
import { LegacyHeader, TsEraDocument } from './schema.js';

export type Dialect = 'envelope' | 'paginated' | 'legacy' | 'ts';

export interface RolloutRecord {
  dialect: Dialect;
  /** the line's own timestamp (legacy lines have none) */
  timestamp?: string;
  /** envelope type; legacy lines are mapped to `session_meta`, `response_item` or `legacy_state` */
  type: string;
  payload: unknown;
  metadata?: unknown;
}

export type ParseResult =
  | { kind: 'record'; record: RolloutRecord }
  /** a record we never need (e.g. `world_state`), skipped without a full parse */
  | { kind: 'skipped'; type: string }
  | { kind: 'bad'; reason: string };

export function parseLine(text: string): ParseResult {
  const peek = peekLine(text);
  if (peek.action === 'skip') return { kind: 'skipped', type: peek.type };
  return parseDecided(peek.text);
}

/** A line `decideLine` already looked at (and possibly cut): parsed as it is. */
export function parseDecided(text: string): ParseResult {
  let value: unknown;
  try {
    // a byte-order mark the byte reader did not see (a line given as text)
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { kind: 'bad', reason: jsonError(err) };
  }
  return classify(value);
}

/**
 * Why a line is not JSON, without quoting it: V8's messages include a piece of the
 * input, which may hold a secret, and warnings go to logs and summaries.
 */
export function jsonError(err: unknown): string {
  const msg = err instanceof Error ? err.message : '';
  if (/Unexpected end of JSON input|Unterminated string/.test(msg)) return 'not JSON (cut short)';
  const pos = /at position (\d+)/.exec(msg);
  return pos ? `not JSON (invalid at character ${pos[1]})` : 'not JSON';
}

export function classify(value: unknown): ParseResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { kind: 'bad', reason: 'not a JSON object' };
  }
  const obj = value as Record<string, unknown>;
  if ('payload' in obj && typeof obj.type === 'string') {
    const e = readEnvelope(obj);
    if (!e) return { kind: 'bad', reason: 'bad envelope: timestamp or ordinal of the wrong type' };
    return {
      kind: 'record',
      record: {
        dialect: e.ordinal !== undefined ? 'paginated' : 'envelope',
        timestamp: e.timestamp,
        type: e.type,
        payload: e.payload,
        metadata: e.metadata,
      },
    };
  }
  if (typeof obj.record_type === 'string') {
    return { kind: 'record', record: { dialect: 'legacy', type: `legacy_${obj.record_type}`, payload: obj } };
  }
  if (typeof obj.type === 'string') {
    return { kind: 'record', record: { dialect: 'legacy', type: 'response_item', payload: obj } };
  }
  const header = LegacyHeader.safeParse(obj);
  if (header.success) {
    return {
      kind: 'record',
      record: { dialect: 'legacy', timestamp: header.data.timestamp ?? undefined, type: 'session_meta', payload: obj },
    };
  }
  return { kind: 'bad', reason: 'unrecognised record shape' };
}

/** A TS-era `.json` rollout (one document `{session, items}`) → records. */
export function parseTsEraDocument(text: string): { records: RolloutRecord[]; bad?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { records: [], bad: jsonError(err) };
  }
  const doc = TsEraDocument.safeParse(value);
  if (!doc.success) return { records: [], bad: 'not a rollout document ({session, items})' };
  const { session, items } = doc.data;
  const records: RolloutRecord[] = [{ dialect: 'ts', timestamp: session.timestamp ?? undefined, type: 'session_meta', payload: session }];
  for (const item of items) records.push({ dialect: 'ts', type: 'response_item', payload: tsEraItem(item) });
  return { records };
}

/**
 * TS-era items may lack `type`: a bare `{role, content}` is a message, and its content may be
 * a string or parts `{type: "text", text}` (read like `input_text`/`output_text`).
 */
function tsEraItem(item: unknown): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  const o = item as Record<string, unknown>;
  if (typeof o.type === 'string' || typeof o.role !== 'string') return item;
  const content = typeof o.content === 'string' ? [{ type: 'text', text: o.content }] : o.content;
  return { ...o, type: 'message', content };
}
