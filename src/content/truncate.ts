/** Truncation of a field to its UTF-8 byte limit, with a marker saying what was dropped. Pure. */

/** UTF-8 length of text from `from` to its end (a lone surrogate counts 3, as its U+FFFD) */
export function utf8Length(text: string, from = 0): number {
  return Buffer.byteLength(from === 0 ? text : text.slice(from), 'utf8');
}

const ENCODER = new TextEncoder();
let scratch = new Uint8Array(64 * 1024);

/** the longest prefix (in code units) of text whose UTF-8 form fits maxBytes, never splitting a character */
export function fittingPrefix(text: string, maxBytes: number): { units: number } {
  if (scratch.length < maxBytes) scratch = new Uint8Array(maxBytes);
  const { read } = ENCODER.encodeInto(text, scratch.subarray(0, maxBytes));
  return { units: read };
}

export const truncationMarker = (droppedBytes: number): string => `…[truncated ${droppedBytes} bytes]`;

/**
 * Cuts text to at most maxBytes UTF-8 bytes (whole characters only) and appends
 * `…[truncated N bytes]`, N being the bytes dropped. The marker is not counted in maxBytes.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const { units } = fittingPrefix(text, maxBytes);
  if (units === text.length) return text;
  return text.slice(0, units) + truncationMarker(utf8Length(text, units));
}
