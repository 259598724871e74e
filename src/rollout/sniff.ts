/**
 * Whether a file's first bytes can be a rollout. Every rollout — JSON lines, the
 * decompressed stream of a `.jsonl.zst`, the TS-era `.json` document — starts with `{`
 * after an optional UTF-8 byte-order mark and whitespace. Anything else (the NUL bytes of
 * a file that was never written, a binary, plain text) is no rollout: it is said at once,
 * and the file is not read line by line to its end.
 */

/** How much of a file's head is looked at. */
export const SNIFF_BYTES = 4096;

const BOM = [0xef, 0xbb, 0xbf];
const OPEN_BRACE = 0x7b;

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function describe(b: number): string {
  if (b === 0) return 'a NUL byte (0x00)';
  if (b >= 0x21 && b <= 0x7e) return `"${String.fromCharCode(b)}"`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Why `head` (the first bytes of the file, all of it when the file is shorter; `more`: the
 * file goes on past them) cannot start a rollout, or undefined when it can — or cannot tell
 * yet: an empty file, a partial byte-order mark or only whitespace so far (a file being written).
 */
export function notRolloutReason(head: Uint8Array, more: boolean): string | undefined {
  let i = 0;
  while (i < BOM.length && i < head.length && head[i] === BOM[i]) i++;
  if (i > 0 && i < BOM.length) {
    if (i === head.length && !more) return undefined; // a byte-order mark still being written
    i = 0; // a few bytes of one: judged as they are
  }
  while (i < head.length && isSpace(head[i] as number)) i++;
  if (i === head.length) return more ? `not JSON lines: nothing but whitespace in its first ${head.length} bytes` : undefined;
  const b = head[i] as number;
  if (b === OPEN_BRACE) return undefined;
  return `not JSON lines: it starts with ${describe(b)}${i > 0 ? ` at offset ${i}` : ''}, where a rollout's first record starts with "{"`;
}
