/**
 * A span's large attribute values (see LARGE_VALUE_CHARS in spans.ts) as one text. Two forms,
 * told apart by the first character:
 *
 * - framed (written now): `\u0000`, a JSON header `["key", length, …]` (lengths in UTF-16
 *   code units), a newline, then the values themselves, one after another, unescaped;
 * - JSON (stores written before): `{"key": "value", …}`.
 *
 * Where the text is kept: now as a slice of a block shared with the other spans of its commit
 * (blocks.ts); in stores written before, brotli-compressed on its own in the span's `content`
 * column (`decodeLarge`, `contentJson`), which still reads.
 *
 * The framed form spares escaping every value into JSON and parsing it back (JSON.stringify
 * of the values was ~9% of a pipeline thread's backfill). Values that are not well-formed
 * UTF-16 (a lone surrogate, which UTF-8 cannot hold) are written as JSON, which keeps them.
 */
import { brotliDecompressSync } from 'node:zlib';

const FRAMED = '\u0000';

interface WellFormed {
  isWellFormed(): boolean;
}

/** the framed text's head (up to the values), or the whole text as JSON when a value is not well-formed */
function head(keys: readonly string[], values: readonly string[]): { framed: string } | { json: string } {
  const header: (string | number)[] = [];
  for (let i = 0; i < keys.length; i++) {
    const v = values[i] as string;
    if (!(v as unknown as WellFormed).isWellFormed()) {
      const o: Record<string, string> = {};
      keys.forEach((k, j) => (o[k] = values[j] as string));
      return { json: JSON.stringify(o) };
    }
    header.push(keys[i] as string, v.length);
  }
  return { framed: `${FRAMED}${JSON.stringify(header)}\n` };
}

/** a span's large values as their content text: `head`, then `values` one after another (none: `head` is the whole JSON text) */
export interface LargeText {
  head: string;
  values: readonly string[];
}

export function largeText(keys: readonly string[], values: readonly string[]): LargeText {
  const h = head(keys, values);
  return 'json' in h ? { head: h.json, values: [] } : { head: h.framed, values };
}

/** the text itself (as `writeText` writes it) */
export function joinText(t: LargeText): string {
  return t.head + t.values.join('');
}

/** at most this many UTF-8 bytes make `t` (3 per UTF-16 code unit) */
export function textBound(t: LargeText): number {
  let n = t.head.length;
  for (const v of t.values) n += v.length;
  return n * 3;
}

/**
 * Writes `t` as UTF-8 into `buf` at `at` (room for `textBound(t)` bytes, or for its exact size)
 * and returns the bytes written: the same bytes as `joinText(t)`, without
 * making that text (one string copy less per span).
 */
export function writeText(t: LargeText, buf: Buffer, at: number): number {
  let n = at + buf.write(t.head, at, 'utf8');
  for (const v of t.values) n += buf.write(v, n, 'utf8');
  return n - at;
}

/** the exact UTF-8 size of `t` (for a text too large for `textBound`'s room) */
export function textBytes(t: LargeText): number {
  let n = Buffer.byteLength(t.head, 'utf8');
  for (const v of t.values) n += Buffer.byteLength(v, 'utf8');
  return n;
}

/** the large values of a per-span compressed `content` value (stores written before blocks), in their key order */
export function decodeLarge(content: Buffer): Record<string, unknown> {
  return fromText(brotliDecompressSync(content).toString('utf8'));
}

/** the large values of a content text (`joinText`), in their key order */
export function fromText(text: string): Record<string, unknown> {
  if (!text.startsWith(FRAMED)) return JSON.parse(text) as Record<string, unknown>;
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(1, nl)) as (string | number)[];
  const out: Record<string, unknown> = {};
  let at = nl + 1;
  for (let i = 0; i < header.length; i += 2) {
    const n = header[i + 1] as number;
    out[header[i] as string] = text.slice(at, at + n);
    at += n;
  }
  return out;
}

/** `decodeLarge` as the JSON text `{"key": "value", …}` (for SQL search) */
export function contentJson(content: Buffer): string {
  return textJson(brotliDecompressSync(content).toString('utf8'));
}

/** a content text (`joinText`) as the JSON text `{"key": "value", …}` */
export function textJson(text: string): string {
  return text.startsWith(FRAMED) ? JSON.stringify(fromText(text)) : text;
}
