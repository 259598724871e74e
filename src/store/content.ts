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

/** the text of a content value: the large values, in their key order */
export function encodeLarge(keys: readonly string[], values: readonly string[]): string {
  const header: (string | number)[] = [];
  for (let i = 0; i < keys.length; i++) {
    const v = values[i] as string;
    if (!(v as unknown as WellFormed).isWellFormed()) {
      const o: Record<string, string> = {};
      keys.forEach((k, j) => (o[k] = values[j] as string));
      return JSON.stringify(o);
    }
    header.push(keys[i] as string, v.length);
  }
  return `${FRAMED}${JSON.stringify(header)}\n${values.join('')}`;
}

export function compressLarge(text: string): Buffer {
  return brotliCompressSync(text, BROTLI);
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
