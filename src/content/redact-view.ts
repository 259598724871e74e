/**
 * What redaction matches against: the text with ANSI escape sequences removed and one level
 * of JSON string escapes undone (`\n`, `\t`, `\"`, `\\`, `\/`, `\uXXXX`...), so a secret after a
 * literal `\n` in raw JSON tool arguments, or inside colour codes, starts a line as rules expect.
 * Each character of the view knows the span of the original it came from, so matches found in
 * the view are replaced in the original. Pure: no I/O.
 */

export interface View {
  text: string;
  /** per view character: where its original starts and ends ([from, to) in the original) */
  from: Int32Array;
  to: Int32Array;
}

/** the character a JSON escape letter stands for (by char code), 0 when it is no simple escape */
const SIMPLE = new Uint16Array(128);
for (const [e, c] of Object.entries({ n: '\n', t: '\t', r: '\r', '"': '"', '/': '/', b: '\b', f: '\f' })) SIMPLE[e.charCodeAt(0)] = c.charCodeAt(0);

const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);

/** what `decodeAt` found: the character's code and how many original characters it takes */
let dCode = 0;
let dWidth = 1;

/** decodes the character at i, undoing escapes; a run of backslashes before one is that escape at any depth (`\\\\n`, `\\\"`) */
function decodeAt(s: string, i: number): void {
  const c = s.charCodeAt(i);
  dCode = c;
  dWidth = 1;
  if (c !== 92) return;
  let j = i + 1;
  while (j < s.length && s.charCodeAt(j) === 92 && j - i < 16) j++;
  const e = s.charCodeAt(j);
  const simple = e < 128 ? (SIMPLE[e] as number) : 0;
  if (simple !== 0) {
    dCode = simple;
    dWidth = j - i + 1;
    return;
  }
  if (e === 117 && j + 4 < s.length) {
    const v =
      (hexValue(s.charCodeAt(j + 1)) << 12) | (hexValue(s.charCodeAt(j + 2)) << 8) | (hexValue(s.charCodeAt(j + 3)) << 4) | hexValue(s.charCodeAt(j + 4));
    if ([1, 2, 3, 4].every((k) => hexValue(s.charCodeAt(j + k)) >= 0)) {
      dCode = v;
      dWidth = j - i + 5;
      return;
    }
  }
  dWidth = j - i; // a run of backslashes before no escape: one backslash
}

/** the end (exclusive) of the ANSI escape sequence starting at i (ESC or CSI, raw or escaped) */
function ansiEnd(s: string, i: number, width: number, csi: boolean): number {
  let k = i + width;
  decodeAt(s, k);
  if (!csi) {
    if (k >= s.length) return k;
    if (dCode === 0x5b)
      csi = true; // ESC [
    else if (dCode !== 0x5d) return k + dWidth; // ESC x
    k += dWidth;
    if (!csi) {
      // OSC: up to BEL or ESC \, at most 256 characters
      for (let n = 0; k < s.length && n < 256; n++) {
        decodeAt(s, k);
        k += dWidth;
        const code = dCode as number; // set by decodeAt
        if (code === 0x07) return k;
        if (code === 0x1b) return k + 1;
      }
      return k;
    }
  }
  for (let n = 0; k < s.length && n < 64; n++) {
    decodeAt(s, k);
    if (dCode >= 0x40 && dCode <= 0x7e) return k + dWidth;
    if (dCode < 0x20 || dCode > 0x3f) return k;
    k += dWidth;
  }
  return k;
}

/** the view of text, or null when it has nothing to undo (no backslash, no escape character) */
export function makeView(text: string): View | null {
  let nextSlash = text.indexOf('\\');
  let nextEsc = Math.min(...[text.indexOf('\x1b'), text.indexOf('\x9b')].map((x) => (x === -1 ? Infinity : x)));
  if (nextSlash === -1 && nextEsc === Infinity) return null;
  if (nextSlash === -1) nextSlash = Infinity;
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  const parts: string[] = [];
  let n = 0;
  let i = 0;
  while (i < text.length) {
    if (nextSlash < i) nextSlash = text.indexOf('\\', i) === -1 ? Infinity : text.indexOf('\\', i);
    if (nextEsc < i) {
      const a = text.indexOf('\x1b', i);
      const b = text.indexOf('\x9b', i);
      nextEsc = Math.min(a === -1 ? Infinity : a, b === -1 ? Infinity : b);
    }
    const stop = Math.min(nextSlash, nextEsc, text.length);
    if (stop > i) {
      parts.push(text.slice(i, stop));
      for (let k = i; k < stop; k++, n++) {
        from[n] = k;
        to[n] = k + 1;
      }
      i = stop;
      continue;
    }
    decodeAt(text, i);
    if (dCode === 0x1b || dCode === 0x9b) {
      i = ansiEnd(text, i, dWidth, dCode === 0x9b);
      continue;
    }
    parts.push(String.fromCharCode(dCode));
    from[n] = i;
    to[n] = i + dWidth;
    n++;
    i += dWidth;
  }
  const view = parts.join('');
  return view === text ? null : { text: view, from: from.subarray(0, n), to: to.subarray(0, n) };
}
