/**
 * The `content` column: a span's large attribute values (see LARGE_VALUE_CHARS in spans.ts),
 * brotli-compressed. Two forms of the text inside, told apart by its first character:
 *
 * - framed (written now): `\u0000`, a JSON header `["key", length, …]` (lengths in UTF-16
 *   code units), a newline, then the values themselves, one after another, unescaped;
 * - JSON (stores written before): `{"key": "value", …}`.
 *
 * The framed form spares escaping every value into JSON and parsing it back (JSON.stringify
 * of the values was ~9% of a pipeline thread's backfill). Values that are not well-formed
 * UTF-16 (a lone surrogate, which UTF-8 cannot hold) are written as JSON, which keeps them.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_LGWIN]: 18 } };
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

/** the text of a content value: the large values, in their key order */
export function encodeLarge(keys: readonly string[], values: readonly string[]): string {
  const h = head(keys, values);
  return 'json' in h ? h.json : h.framed + values.join('');
}

export function compressLarge(text: string): Buffer {
  return brotliCompressSync(text, BROTLI);
}

/** reused by `compressValues` (kept up to this size) */
const SCRATCH_MAX = 4 * 1024 * 1024;
let scratch = Buffer.allocUnsafe(256 * 1024);

/**
 * `compressLarge(encodeLarge(keys, values))`, the same bytes, without making the text: the
 * values are written as UTF-8 straight into a reused buffer (one string copy and one Buffer
 * less per span).
 */
export function compressValues(keys: readonly string[], values: readonly string[]): Buffer {
  const h = head(keys, values);
  if ('json' in h) return compressLarge(h.json);
  let bound = h.framed.length * 3;
  for (const v of values) bound += v.length * 3;
  const buf = bound <= scratch.length ? scratch : Buffer.allocUnsafe(bound);
  if (buf !== scratch && bound <= SCRATCH_MAX) scratch = buf;
  let n = buf.write(h.framed, 0, 'utf8');
  for (const v of values) n += buf.write(v, n, 'utf8');
  return brotliCompressSync(buf.subarray(0, n), BROTLI);
}

/** the large values of a content value, in their key order */
export function decodeLarge(content: Buffer): Record<string, unknown> {
  return fromText(brotliDecompressSync(content).toString('utf8'));
}

function fromText(text: string): Record<string, unknown> {
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

/** the large values of a content value as the JSON text `{"key": "value", …}` (for SQL search) */
export function contentJson(content: Buffer): string {
  const text = brotliDecompressSync(content).toString('utf8');
  return text.startsWith(FRAMED) ? JSON.stringify(fromText(text)) : text;
}
