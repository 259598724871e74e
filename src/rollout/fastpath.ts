/**
 * Cheap decisions on a raw line before JSON.parse. Half the bytes of a typical
 * rollout are instruction blobs nobody traces (`base_instructions` in
 * `session_meta`, instructions in `turn_context`, developer and injected user
 * messages): they are recognised from the line's head and skipped, or cut out of
 * the text, so they are never parsed into objects.
 */

const HEAD = 320;
const ENVELOPE_HEAD = /^\{"timestamp":"[^"]*",(?:"ordinal":\d+,)?"type":"([a-z_]+)"/;
/** a `response_item` message whose role we can read from the head */
const MESSAGE_ROLE = /"payload":\{"type":"message",(?:"status":"[^"]*",)?(?:"id":"[^"]*",)?"role":"([a-z]+)"/;

/** `event_msg` payloads the trace never uses (the response items carry the same content). */
const IGNORED_EVENT = /"payload":\{"type":"(agent_message|agent_reasoning|agent_reasoning_raw_content)"/;
const IGNORED_ITEM = /"payload":\{"type":"item_completed",(?:"thread_id":"[^"]*",)?(?:"turn_id":"[^"]*",)?"item":\{"type":"(AgentMessage|Reasoning)"/;
/** Big values inside records that are otherwise needed. */
const ELIDED_IN: Record<string, readonly string[]> = {
  // rate-limit snapshots: only the token totals are read
  event_msg: ['rate_limits'],
  // only the summary and the window are read; the replacement history can be the whole context
  compacted: ['replacement_history', 'replacement_history_metadata', 'retained_context', 'latest_token_usage_record', 'resume_metadata'],
  // reasoning: the summary is read, the encrypted content never
  response_item: ['encrypted_content'],
};

/** Keys whose values are never traced and can be large. */
const ELIDED_KEYS = ['base_instructions', 'instructions', 'dynamic_tools', 'user_instructions', 'developer_instructions'];
const ELIDE_MIN_LENGTH = 2048;

export type Peek =
  | { action: 'skip'; type: string }
  | { action: 'parse'; text: string };

/** What to do with a line: skip it unparsed, or parse it (possibly with big never-needed values cut out). */
export function peekLine(text: string): Peek {
  const head = ENVELOPE_HEAD.exec(text.length > HEAD ? text.slice(0, HEAD) : text);
  if (head) {
    const type = head[1] as string;
    if (type === 'world_state') return { action: 'skip', type };
    const headText = text.length > HEAD ? text.slice(0, HEAD) : text;
    if (type === 'response_item') {
      const role = MESSAGE_ROLE.exec(headText)?.[1];
      // developer/system text is never traced; user-role items matter only as subagent notifications
      // (the human's prompt comes from user_message / item_completed events in this dialect)
      if (role === 'developer' || role === 'system') return { action: 'skip', type: 'response_item:message' };
      if (role === 'user' && !text.includes('<subagent_notification>')) return { action: 'skip', type: 'response_item:message' };
    } else if (type === 'event_msg') {
      const ignored = IGNORED_EVENT.exec(headText)?.[1] ?? IGNORED_ITEM.exec(headText)?.[1];
      if (ignored) return { action: 'skip', type: `event_msg:${ignored}` };
    }
    if ((type === 'session_meta' || type === 'turn_context') && text.length > ELIDE_MIN_LENGTH) {
      return { action: 'parse', text: elideKeys(text, ELIDED_KEYS) };
    }
    const elided = ELIDED_IN[type];
    if (elided && text.length > ELIDE_MIN_LENGTH / 2) return { action: 'parse', text: elideKeys(text, elided) };
    return { action: 'parse', text };
  }
  // a bare legacy header carries the instructions too
  if (text.startsWith('{"id":') && text.length > ELIDE_MIN_LENGTH) return { action: 'parse', text: elideKeys(text, ELIDED_KEYS) };
  return { action: 'parse', text };
}

/**
 * Replaces the value of every `"key":` with `null`. Inside a JSON string a quote is
 * always escaped, so an unescaped `"key":` is a real key. Invalid JSON is returned
 * as it is (the parser reports it).
 */
export function elideKeys(text: string, keys: readonly string[]): string {
  let out = text;
  for (const key of keys) {
    const needle = `"${key}":`;
    let from = 0;
    for (let i = out.indexOf(needle, from); i >= 0; i = out.indexOf(needle, from)) {
      const start = i + needle.length;
      const end = skipValue(out, start);
      if (end < 0) return out;
      out = `${out.slice(0, start)}null${out.slice(end)}`;
      from = start + 4;
    }
  }
  return out;
}

/** Index just past the JSON value starting at `i` (whitespace allowed before it), or -1. */
export function skipValue(s: string, i: number): number {
  while (s.charCodeAt(i) === 0x20) i++;
  const c = s.charCodeAt(i);
  if (c === 0x22) return skipString(s, i);
  if (c !== 0x7b && c !== 0x5b) {
    // number, true, false, null: up to the next delimiter
    let j = i;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d === 0x2c || d === 0x7d || d === 0x5d) break;
      j++;
    }
    return j;
  }
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const d = s.charCodeAt(j);
    if (d === 0x22) {
      j = skipString(s, j) - 1;
      if (j < 0) return -1;
    } else if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Index just past the string starting at `i` (a quote), or -1 when unterminated. */
function skipString(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; s.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}
