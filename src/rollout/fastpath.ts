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

/**
 * Response items of kinds that never carry `encrypted_content` (reasoning items do): not scanned
 * for it. Tool outputs are a quarter of a rollout's bytes, and read whole anyway.
 */
const WHOLE_ITEM = /"payload":\{"type":"(?:function_call_output|custom_tool_call_output|function_call|custom_tool_call|message)"/;

/**
 * Big values of `event_msg` payloads whose other fields are read: an `exec_command_end`'s
 * output repeats its `function_call_output` (only the exit code, duration, command, cwd and
 * status are read); of an `mcp_tool_call_end` only whether it failed and the invocation's
 * names are (the output comes from its `function_call_output`).
 */
const ELIDED_IN_EVENT = new Map<string, readonly string[]>([
  ['exec_command_end', ['aggregated_output', 'formatted_output', 'stdout', 'stderr']],
  ['mcp_tool_call_end', ['content', 'structuredContent']],
]);
const EVENT_TYPE = /"payload":\{"type":"([a-z_]+)"/;

/** Keys whose values are never traced and can be large. */
const ELIDED_KEYS = ['base_instructions', 'instructions', 'dynamic_tools', 'user_instructions', 'developer_instructions'];
const ELIDE_MIN_LENGTH = 2048;

export type Peek = { action: 'skip'; type: string } | { action: 'parse'; text: string };

/** What the head of a line says to do with it. */
type HeadDecision = { skip: string } | { elide: readonly string[] } | undefined;

/**
 * The decision from the line's first bytes (`head`, ASCII-safe), its length, and a
 * cheap "does the line contain this" probe. Shared by the string and the byte paths.
 */
function decideHead(head: string, length: number, contains: (needle: string) => boolean): HeadDecision {
  const m = ENVELOPE_HEAD.exec(head);
  if (!m) {
    // a bare legacy header carries the instructions too
    return head.startsWith('{"id":') && length > ELIDE_MIN_LENGTH ? { elide: ELIDED_KEYS } : undefined;
  }
  const type = m[1] as string;
  if (type === 'world_state') return { skip: type };
  if (type === 'response_item') {
    const role = MESSAGE_ROLE.exec(head)?.[1];
    // developer/system text is never traced; user-role items matter only as subagent notifications
    // (the human's prompt comes from user_message / item_completed events in this dialect)
    if (role === 'developer' || role === 'system') return { skip: 'response_item:message' };
    if (role === 'user' && !contains('<subagent_notification>')) return { skip: 'response_item:message' };
  } else if (type === 'event_msg') {
    const ignored = IGNORED_EVENT.exec(head)?.[1] ?? IGNORED_ITEM.exec(head)?.[1];
    if (ignored) return { skip: `event_msg:${ignored}` };
    const cut = length > ELIDE_MIN_LENGTH / 2 ? ELIDED_IN_EVENT.get(EVENT_TYPE.exec(head)?.[1] ?? '') : undefined;
    if (cut !== undefined) return { elide: cut };
  }
  if ((type === 'session_meta' || type === 'turn_context') && length > ELIDE_MIN_LENGTH) return { elide: ELIDED_KEYS };
  if (type === 'response_item' && WHOLE_ITEM.test(head)) return undefined;
  const elided = ELIDED_IN[type];
  return elided && length > ELIDE_MIN_LENGTH / 2 ? { elide: elided } : undefined;
}

/**
 * What to do with a line given as text (tests, single lines): the same decision as
 * `decideLine`, which the file readers make on the bytes.
 */
export function peekLine(text: string): Peek {
  const buf = Buffer.from(text);
  const d = decideLine(buf, 0, buf.length);
  return 'skip' in d ? { action: 'skip', type: d.skip } : { action: 'parse', text: d.text };
}

/**
 * The decision on a line's bytes, before it is decoded (the file readers' `decide`
 * hook): three quarters of a typical rollout's bytes are never turned into strings
 * at all, and cut-out values are never decoded. A value is cut by replacing it with
 * `null`; inside a JSON string a quote is always escaped, so an unescaped `"key":`
 * is a real key.
 */
export function decideLine(buf: Buffer, start: number, end: number): { skip: string } | { text: string } {
  // A UTF-8 byte-order mark (editors and Windows tools write one at the start of a file)
  // is not part of the record: without this the session header would not parse.
  if (buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
  const head = buf.toString('latin1', start, Math.min(end, start + HEAD));
  const d = decideHead(head, end - start, (n) => buf.subarray(start, end).includes(n));
  if (d !== undefined && 'skip' in d) return { skip: d.skip };
  if (d !== undefined) {
    const cut = elideKeysBytes(buf.subarray(start, end), d.elide);
    if (cut !== undefined) return { text: cut };
  }
  return { text: buf.toString('utf8', start, end) };
}

/**
 * How a key list is searched: one scan of the line per probe, not one per key. A key that ends
 * with another listed key is found by that key's scan (`"instructions":` is the tail of
 * `"base_instructions":`, `"user_instructions":` and `"developer_instructions":`), and told apart
 * by the bytes before the hit. Turn contexts and session headers are scanned twice instead of five
 * times.
 */
interface Probe {
  /** `key":`, without the opening quote */
  tail: Buffer;
  /** what may come before the tail: `"` alone (the probe's own key) or `"prefix` (a longer key) */
  heads: readonly Buffer[];
}

const PROBES = new WeakMap<readonly string[], readonly Probe[]>();
function probesOf(keys: readonly string[]): readonly Probe[] {
  let probes = PROBES.get(keys);
  if (probes) return probes;
  const unique = [...new Set(keys)];
  // each key's probe is the shortest listed key it ends with (itself if none)
  const ownerOf = (key: string): string => unique.filter((k) => key.endsWith(k)).reduce((a, b) => (b.length < a.length ? b : a));
  const groups = new Map<string, Buffer[]>();
  // probes in the order of the list's keys: lists put the big values first, so later scans have less left
  for (const key of unique) {
    const owner = ownerOf(key);
    const heads = groups.get(owner) ?? [];
    heads.push(Buffer.from(`"${key.slice(0, key.length - owner.length)}`));
    groups.set(owner, heads);
  }
  probes = [...groups].map(([key, heads]) => ({ tail: Buffer.from(`${key}":`), heads }));
  PROBES.set(keys, probes);
  return probes;
}

/** Whether the probe's hit at `h` is one of its keys: a listed head ends right before it. */
function isKeyAt(line: Buffer, h: number, heads: readonly Buffer[]): boolean {
  // byte by byte: heads are a few bytes, and Buffer.compare's bounds checks cost more than that
  for (const head of heads) {
    const at = h - head.length;
    if (at < 0) continue;
    let k = 0;
    while (k < head.length && line[at + k] === head[k]) k++;
    if (k === head.length) return true;
  }
  return false;
}

/**
 * Replaces the value of every `"key":` with `null`, decoding only what is kept. Undefined when the
 * line is not well-formed there. Each probe scans only the bytes outside the values already cut
 * (a key inside a cut value needs no cutting of its own): the second scan of a turn context skips
 * its instructions, most of its bytes.
 */
export function elideKeysBytes(line: Buffer, keys: readonly string[]): string | undefined {
  let ranges: [number, number][] = [];
  for (const probe of probesOf(keys)) {
    const found = scanProbe(line, probe, ranges);
    if (found === undefined) return undefined;
    if (found.length > 0) ranges = mergeRanges(ranges, found);
  }
  if (ranges.length === 0) return line.toString('utf8');
  let out = '';
  let pos = 0;
  for (const [vs, ve] of ranges) {
    out += `${line.toString('utf8', pos, vs)}null`;
    pos = ve;
  }
  return out + line.toString('utf8', pos);
}

/** The values of `probe`'s keys outside `cut` (sorted, disjoint), or undefined when one is not well-formed. */
function scanProbe(line: Buffer, probe: Probe, cut: readonly [number, number][]): [number, number][] | undefined {
  const found: [number, number][] = [];
  const { tail, heads } = probe;
  let from = 0;
  let r = 0;
  while (from < line.length) {
    while (r < cut.length && (cut[r] as [number, number])[1] <= from) r++;
    const next = cut[r];
    if (next !== undefined && next[0] <= from) {
      from = next[1];
      continue;
    }
    // bounded to the gap before the next cut value (indexOf has no end argument; a view does)
    const stop = next === undefined ? line.length : next[0];
    const h = (stop === line.length ? line : line.subarray(0, stop)).indexOf(tail, from);
    if (h < 0) {
      from = stop;
      continue;
    }
    if (!isKeyAt(line, h, heads)) {
      from = h + 1;
      continue;
    }
    const vs = h + tail.length;
    const ve = skipValueBytes(line, vs);
    if (ve < 0) return undefined;
    found.push([vs, ve]);
    from = ve;
  }
  return found;
}

/** Both sorted lists as one, a range inside another dropped (a listed key nested in a cut value). */
function mergeRanges(a: readonly [number, number][], b: readonly [number, number][]): [number, number][] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] < last[1]) continue;
    out.push(r);
  }
  return out;
}

/** Index just past the JSON value starting at `i` (spaces allowed before it), or -1. */
function skipValueBytes(b: Buffer, i: number): number {
  while (b[i] === 0x20) i++;
  const c = b[i];
  if (c === 0x22) return skipStringBytes(b, i);
  if (c !== 0x7b && c !== 0x5b) {
    let j = i;
    while (j < b.length && b[j] !== 0x2c && b[j] !== 0x7d && b[j] !== 0x5d) j++;
    return j;
  }
  let depth = 0;
  for (let j = i; j < b.length; j++) {
    const d = b[j];
    if (d === 0x22) {
      j = skipStringBytes(b, j) - 1;
      if (j < 0) return -1;
    } else if (d === 0x7b || d === 0x5b) depth++;
    else if (d === 0x7d || d === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

function skipStringBytes(b: Buffer, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = b.indexOf(0x22, j);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; b[k] === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}
