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

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };

const hex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** the next character of s at i with escapes undone: [char, original length] */
function decodeAt(s: string, i: number): [string, number] {
  const c = s.charAt(i);
  if (c !== '\\' || i + 1 >= s.length) return [c, 1];
  // a run of backslashes before an escape is that escape at any depth (JSON in JSON: `\\\\n`, `\\\"`)
  let j = i + 1;
  while (j < s.length && s.charAt(j) === '\\' && j - i < 16) j++;
  const e = s.charAt(j);
  const simple = e === '\\' ? undefined : SIMPLE[e];
  if (simple !== undefined) return [simple, j - i + 1];
  if (e === 'u' && j + 4 < s.length && [1, 2, 3, 4].every((k) => hex(s.charCodeAt(j + k)))) {
    return [String.fromCharCode(parseInt(s.slice(j + 1, j + 5), 16)), j - i + 5];
  }
  return [c, j - i];
}

/** ANSI escapes: ESC [ params final (CSI), ESC ] ... BEL or ESC \ (OSC, at most 256), ESC x */
const enum Ansi { Text, Esc, Csi, Osc }

/** the view of text, or null when it has nothing to undo (no backslash, no escape character) */
export function makeView(text: string): View | null {
  if (text.indexOf('\\') === -1 && text.indexOf('\x1b') === -1 && text.indexOf('\x9b') === -1) return null;
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  const parts: string[] = [];
  let n = 0;
  let state = Ansi.Text;
  let oscLeft = 0;
  let runStart = 0; // start of a run of characters copied unchanged (in the original)
  let runLen = 0;
  const flush = (): void => {
    if (runLen > 0) parts.push(text.slice(runStart, runStart + runLen));
    runLen = 0;
  };
  for (let i = 0; i < text.length;) {
    const [ch, width] = decodeAt(text, i);
    const code = ch.charCodeAt(0);
    let keep = false;
    if (state === Ansi.Text) {
      if (code === 0x1b) state = Ansi.Esc;
      else if (code === 0x9b) state = Ansi.Csi;
      else keep = true;
    } else if (state === Ansi.Esc) {
      state = ch === '[' ? Ansi.Csi : ch === ']' ? Ansi.Osc : Ansi.Text;
      oscLeft = 256;
    } else if (state === Ansi.Csi) {
      if (code >= 0x40 && code <= 0x7e) state = Ansi.Text;
      else if (code < 0x20 || code > 0x3f) {
        state = Ansi.Text; // not a CSI after all: keep the character
        keep = true;
      }
    } else if (code === 0x07 || code === 0x1b || --oscLeft <= 0) {
      state = code === 0x1b ? Ansi.Esc : Ansi.Text;
    }
    if (keep) {
      if (width === 1 && runLen > 0 && runStart + runLen === i) runLen++;
      else {
        flush();
        if (width === 1) {
          runStart = i;
          runLen = 1;
        } else parts.push(ch);
      }
      from[n] = i;
      to[n] = i + width;
      n++;
    } else flush();
    i += width;
  }
  flush();
  const view = parts.join('');
  return view === text ? null : { text: view, from: from.subarray(0, n), to: to.subarray(0, n) };
}
