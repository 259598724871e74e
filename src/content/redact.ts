/**
 * Content policy: secret redaction and truncation of every text field a trace
 * carries (prompts, answers, tool arguments and outputs). Pure: no I/O, no clock.
 *
 * Speed matters (it runs on every field during backfill): strings much longer than the field
 * limit are cut to a window before redaction, and a text met twice (a tool's output is its span's
 * output and a part of the next model call's input; a prompt is the turn's input and a part of
 * the first call's) is redacted once (`joined`, the memo below).
 */
import type { ContentOptions } from './options.js';
import { redactReport, redactSecrets, type Redaction } from './redact-engine.js';
import { Edge, K8S, labelJoins } from './redact-join.js';
import { wellFormed } from './text.js';
import { fittingPrefix, truncateUtf8, truncationMarker, utf8Length } from './truncate.js';

/** One part of a model call's input: a label (`tool NAME (ID): `, `user: `) and the text it introduces. */
export interface InputPart {
  readonly label: string;
  readonly text: string;
}

export interface ContentFilter {
  /** the text as a span may keep it: undefined means "no content" */
  (text: string | undefined | null): string | undefined;
  /** what the filter gives for the parts' `label + text` joined by a blank line (`INPUT_SEP`); undefined for no parts */
  joined(parts: readonly InputPart[]): string | undefined;
}

/** what a model call's input parts are joined with */
export const INPUT_SEP = '\n\n';

export const joinParts = (parts: readonly InputPart[]): string => parts.map((p) => p.label + p.text).join(INPUT_SEP);

/** extra code units redacted past the cut, so a secret straddling the cut is still recognised whole */
const WINDOW_MARGIN = 8192;

/** a text to redact then truncate, seen through what the window needs of it */
interface Windowed {
  readonly length: number;
  charAt(pos: number): number;
  /** the text up to `end`, redacted; null when it cannot be (then nothing is returned) */
  redactTo(end: number): string | null;
  /** UTF-8 length of the text from `end` on */
  utf8From(end: number): number;
}

/**
 * Redacts then truncates, redacting only a window around the kept part of very long text
 * (never splitting a surrogate pair); the window doubles until the kept part lies well inside it.
 */
function windowed(t: Windowed, maxBytes: number): string | null {
  let window = maxBytes + WINDOW_MARGIN;
  while (window < t.length) {
    const code = t.charAt(window - 1);
    const end = code >= 0xd800 && code <= 0xdbff ? window - 1 : window;
    const head = t.redactTo(end);
    if (head === null) return null;
    const { units } = fittingPrefix(head, maxBytes);
    if (head.length - units >= WINDOW_MARGIN / 2) {
      return head.slice(0, units) + truncationMarker(utf8Length(head, units) + t.utf8From(end));
    }
    window *= 2;
  }
  const all = t.redactTo(t.length);
  return all === null ? null : truncateUtf8(all, maxBytes);
}

/** `windowed` over one text */
function redactAndTruncate(text: string, maxBytes: number, extra: readonly RegExp[]): string {
  const t: Windowed = {
    length: text.length,
    charAt: (pos) => text.charCodeAt(pos),
    redactTo: (end) => redactSecrets(end === text.length ? text : text.slice(0, end), extra),
    utf8From: (end) => utf8Length(text, end),
  };
  return windowed(t, maxBytes) as string;
}

/**
 * The last texts redacted whole, by the text as given. A hit returns exactly what redacting
 * again would (redaction is a function of the text), so the filter stays a pure function and
 * the reducer with it: what is remembered, and when it is forgotten, changes only the time
 * taken. A few dozen entries cover the texts between a tool's end (its output filtered) and the
 * end of the model call that reads it (its input filtered). A ring looked through with `===`
 * rather than a Map: a Map hashes every text filtered (all its characters), while `===` is
 * settled by identity (the same string object comes back) or by the length for nearly all others.
 */
class RedactionMemo {
  private readonly keys: string[] = [];
  private readonly values: Redaction[] = [];
  private next = 0;
  constructor(private readonly capacity: number) {}

  get(raw: string): Redaction | undefined {
    const i = this.keys.indexOf(raw);
    return i === -1 ? undefined : this.values[i];
  }

  set(raw: string, value: Redaction): void {
    this.keys[this.next] = raw;
    this.values[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
  }
}

const MEMO_ENTRIES = 64;

/** The filter the reducer applies to every text field. */
export function makeContentFilter(opts: ContentOptions): ContentFilter {
  if (opts.mode === 'none') return Object.assign(() => undefined, { joined: () => undefined });
  const max = Math.max(0, Math.floor(opts.maxFieldBytes));
  const extra = opts.extraPatterns;
  if (!opts.redact) {
    const plain = (raw: string | undefined | null): string | undefined => (raw === undefined || raw === null ? undefined : truncateUtf8(wellFormed(raw), max));
    return Object.assign(plain, { joined: (parts: readonly InputPart[]) => (parts.length === 0 ? undefined : plain(joinParts(parts))) });
  }
  if (extra.length > 0) {
    // user patterns may match anything across parts: the joined text is filtered as one
    const filter = (raw: string | undefined | null): string | undefined =>
      raw === undefined || raw === null ? undefined : redactAndTruncate(wellFormed(raw), max, extra);
    return Object.assign(filter, { joined: (parts: readonly InputPart[]) => (parts.length === 0 ? undefined : filter(joinParts(parts))) });
  }
  const whole = max + WINDOW_MARGIN;
  const memo = new RedactionMemo(MEMO_ENTRIES);
  /** text (well-formed) redacted whole, remembered by raw (as given) when short enough to be redacted whole alone */
  const redactWhole = (raw: string, text: string): Redaction => {
    const hit = memo.get(raw);
    if (hit !== undefined) return hit;
    const r = redactReport(text);
    if (text.length <= whole) memo.set(raw, r);
    return r;
  };
  const filter = (raw: string | undefined | null): string | undefined => {
    if (raw === undefined || raw === null) return undefined;
    const text = wellFormed(raw);
    if (text.length > whole) return redactAndTruncate(text, max, extra);
    return truncateUtf8(redactWhole(raw, text).text, max);
  };
  const joined = (parts: readonly InputPart[]): string | undefined => {
    if (parts.length === 0) return undefined;
    return joinedRedacted(parts, max, redactWhole) ?? filter(joinParts(parts));
  };
  return Object.assign(filter, { joined });
}

/** the parts (well-formed) laid end to end as the joined text has them */
interface Laid {
  readonly parts: readonly { readonly raw: string; readonly label: string; readonly text: string; readonly at: number }[];
  readonly length: number;
}

function lay(parts: readonly InputPart[]): Laid {
  let at = 0;
  const laid = parts.map((p, i) => {
    if (i > 0) at += INPUT_SEP.length;
    const part = { raw: p.text, label: wellFormed(p.label), text: wellFormed(p.text), at };
    at += part.label.length + part.text.length;
    return part;
  });
  return { parts: laid, length: at };
}

/** the code unit at `pos` of the joined text */
function charAt(laid: Laid, pos: number): number {
  for (const p of laid.parts) {
    if (pos < p.at) return INPUT_SEP.charCodeAt(pos - (p.at - INPUT_SEP.length));
    if (pos < p.at + p.label.length) return p.label.charCodeAt(pos - p.at);
    if (pos < p.at + p.label.length + p.text.length) return p.text.charCodeAt(pos - p.at - p.label.length);
  }
  return NaN;
}

/** UTF-8 length of the joined text from `end` on */
function utf8From(laid: Laid, end: number): number {
  let bytes = 0;
  for (const p of laid.parts) {
    const sepAt = p.at - INPUT_SEP.length;
    if (p.at > 0) bytes += Math.max(0, p.at - Math.max(sepAt, end)); // the separator is ASCII
    const piece = p.label + p.text;
    if (p.at + piece.length > end) bytes += utf8Length(end <= p.at ? piece : piece.slice(end - p.at));
  }
  return bytes;
}

type RedactWhole = (raw: string, text: string) => Redaction;

/**
 * `redactAndTruncate` of the joined parts, redacting part by part (each text through the memo);
 * null when a part's edges or rules say its redaction may depend on its neighbours
 * (`redact-join.ts`): the caller then filters the joined text.
 */
function joinedRedacted(parts: readonly InputPart[], maxBytes: number, redactWhole: RedactWhole): string | null {
  const laid = lay(parts);
  const t: Windowed = {
    length: laid.length,
    charAt: (pos) => charAt(laid, pos),
    redactTo: (end) => redactLaid(laid, end, redactWhole),
    utf8From: (end) => utf8From(laid, end),
  };
  return windowed(t, maxBytes);
}

/** the joined text up to `end`, redacted part by part, or null (see `joinedRedacted`) */
function redactLaid(laid: Laid, end: number, redactWhole: RedactWhole): string | null {
  let out = '';
  let mask = 0;
  let edges = 0;
  for (const [i, p] of laid.parts.entries()) {
    if (i > 0 && p.at >= end) {
      out += INPUT_SEP.slice(0, end - (p.at - INPUT_SEP.length));
      break;
    }
    if (i > 0) out += INPUT_SEP;
    const stop = p.at + p.label.length + p.text.length;
    let r: Joinable;
    if (stop > end) {
      // cut by the window: redacted as the joined text has it (the window's end is both texts' end)
      r = joinable(redactReport((p.label + p.text).slice(0, end - p.at)));
    } else {
      r = redactPart(p.label, p.raw, p.text, redactWhole);
    }
    if (i > 0 && (r.start & Edge.afterSep) !== 0) return null;
    if (stop < end && (r.edges & Edge.beforeSep) !== 0) return null;
    mask |= r.mask;
    edges |= r.edges;
    out += r.text;
    if (stop >= end) break;
  }
  return (mask & K8S) !== 0 && (edges & Edge.kindSecret) !== 0 ? null : out;
}

/** a part redacted: `start` the edge flags of its start, `edges` of its end */
interface Joinable {
  readonly text: string;
  readonly mask: number;
  readonly start: number;
  readonly edges: number;
}

/** `label + text` redacted: the text through the memo when the label lets it stand apart, else both as one */
function redactPart(label: string, raw: string, text: string, redactWhole: RedactWhole): Joinable {
  if (label === '') {
    return joinable(redactWhole(raw, text));
  }
  const lab = redactReport(label);
  if (labelJoins(label, lab.mask, lab.edges)) {
    const body = redactWhole(raw, text);
    if ((body.edges & Edge.afterLabel) === 0) {
      return { text: lab.text + body.text, mask: lab.mask | body.mask, start: lab.edges, edges: body.edges | (lab.edges & Edge.kindSecret) };
    }
  }
  return joinable(redactReport(label + text));
}

/** a redaction as one part (its start and its end the edges of one text) */
const joinable = (r: Redaction): Joinable => ({ text: r.text, mask: r.mask, start: r.edges, edges: r.edges });

export { parseRedactPattern, redactSecrets, redactStats } from './redact-engine.js';
export { truncateUtf8, truncationMarker, utf8Length } from './truncate.js';
export { maskUrl, stripUrlCredentials } from './url.js';
