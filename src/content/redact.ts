/**
 * Content policy: secret redaction and truncation of every text field a trace
 * carries (prompts, answers, tool arguments and outputs). Pure: no I/O, no clock.
 *
 * Speed matters (it runs on every field during backfill): one case-insensitive
 * pre-scan (`redact-scan.ts`) finds which rules can apply at all, and only those run; strings much
 * longer than the field limit are cut to a window before redaction.
 */
import type { ContentOptions } from './options.js';
import { RULES, redacted, type RedactRule } from './redact-rules.js';
import { makeTriggerScanner, type TriggerHits } from './redact-scan.js';

export type ContentFilter = (text: string | undefined | null) => string | undefined;

const SCANNER = makeTriggerScanner(RULES.map((r) => r.triggers));
/** rules without triggers run on every string */
const ALWAYS = RULES.reduce((mask, r, i) => (r.triggers.length === 0 ? mask | (1 << i) : mask), 0);
/** rules with a `reach`: tried only at the positions a trigger occurrence allows (see `applyNear`) */
const NEAR = RULES.reduce((mask, r, i) => (r.reach !== undefined && r.triggers.length > 0 ? mask | (1 << i) : mask), 0);
/** per rule with a reach: how far before a trigger's last character a match can start */
const NEAR_WINDOW = RULES.map((r) => (r.reach ?? 0) + Math.max(0, ...r.triggers.map((t) => t.length)) - 1);
/** per rule with a reach: its regex, sticky (tried at one position) */
const STICKY = RULES.map((r) => (r.reach === undefined ? undefined : new RegExp(r.re.source, `${r.re.flags.replace('g', '')}y`)));

/** a span [start, end) of text to replace, and its replacement */
type Edit = readonly [start: number, end: number, replacement: string];

/** replaces what `edit` returns for each match of the global regex `re` (null: keep the match) */
function replaceMatches(text: string, re: RegExp, edit: (m: RegExpExecArray) => Edit | null): string {
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let changed = false;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    const e = edit(m);
    if (e === null || e[0] < last) continue;
    out += text.slice(last, e[0]) + e[2];
    last = e[1];
    changed = true;
  }
  return changed ? out + text.slice(last) : text;
}

/**
 * What `applyRule` gives, trying the rule's sticky regex only at the positions where a match
 * can start: up to `window` characters before the end of each trigger occurrence (`ends`,
 * ascending, from the pre-scan of this very text). Positions are tried left to right and
 * a match's inside is skipped, as a global scan would.
 */
function applyNear(text: string, rule: RedactRule, sticky: RegExp, ends: readonly number[], window: number): string {
  let out = '';
  let last = 0;
  let next = 0;
  for (const e of ends) {
    for (let q = Math.max(next, e - window); q <= e; q++) {
      sticky.lastIndex = q;
      const m = sticky.exec(text);
      if (m === null || m[0] === '') continue;
      const end = q + m[0].length;
      const replacement = rule.render(m, text);
      if (replacement !== null) {
        out += text.slice(last, q) + replacement;
        last = end;
      }
      q = end - 1;
      next = end;
    }
    next = Math.max(next, e + 1);
  }
  return last === 0 ? text : out + text.slice(last);
}

function applyRule(text: string, rule: RedactRule): string {
  return replaceMatches(text, rule.re, (m) => {
    const replacement = rule.render(m, text);
    return replacement === null ? null : [m.index, m.index + m[0].length, replacement];
  });
}

const compiledExtra = new WeakMap<RegExp, RegExp>();

/** a user pattern as a global regex with match indices (group 1, if any, is the secret) */
function compileExtra(pattern: RegExp): RegExp {
  let re = compiledExtra.get(pattern);
  if (re === undefined) {
    const flags = new Set(pattern.flags.split(''));
    flags.add('g');
    flags.add('d');
    flags.delete('y');
    re = new RegExp(pattern.source, [...flags].join(''));
    compiledExtra.set(pattern, re);
  }
  return re;
}

function applyExtra(text: string, pattern: RegExp): string {
  return replaceMatches(text, compileExtra(pattern), (m) => {
    const [start, end] = m.indices?.[1] ?? [m.index, m.index + m[0].length];
    return [start, end, redacted('pattern')];
  });
}

/**
 * Replaces secrets with `[REDACTED:<kind>]`. Extra patterns (`--redact-pattern`) run
 * after the built-in rules; a pattern with a capture group redacts only group 1.
 * `near: false` searches every rule over the whole text (what the fast path must equal).
 */
export function redactSecrets(text: string, extraPatterns: readonly RegExp[] = [], near = true): string {
  let out = text;
  const hits: TriggerHits = { mask: NEAR, at: [] };
  const active = SCANNER.scan(text, hits) | ALWAYS;
  RULES.forEach((rule, i) => {
    if ((active & (1 << i)) === 0) return;
    const ends = hits.at[i];
    const sticky = STICKY[i];
    // positions are those of the scanned text: once an earlier rule changed it, the whole text is searched
    out = near && ends !== undefined && sticky !== undefined && out === text ? applyNear(out, rule, sticky, ends, NEAR_WINDOW[i] as number) : applyRule(out, rule);
  });
  for (const pattern of extraPatterns) out = applyExtra(out, pattern);
  return out;
}

/**
 * Parses a `--redact-pattern` value: `/source/flags` or a bare regex source.
 * Throws a SyntaxError on an invalid regex.
 */
export function parseRedactPattern(spec: string): RegExp {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(spec);
  return m !== null ? new RegExp(m[1] ?? '', m[2]) : new RegExp(spec);
}

/** UTF-8 length of text from `from` to its end (a lone surrogate counts 3, as its U+FFFD) */
export function utf8Length(text: string, from = 0): number {
  return Buffer.byteLength(from === 0 ? text : text.slice(from), 'utf8');
}

const ENCODER = new TextEncoder();
let scratch = new Uint8Array(64 * 1024);

/** the longest prefix (in code units) of text whose UTF-8 form fits maxBytes, never splitting a character */
function fittingPrefix(text: string, maxBytes: number): { units: number } {
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

/** extra code units redacted past the cut, so a secret straddling the cut is still recognised whole */
const WINDOW_MARGIN = 8192;

/** redact then truncate, redacting only a window around the kept part of very long text */
function redactAndTruncate(text: string, maxBytes: number, extra: readonly RegExp[]): string {
  let window = maxBytes + WINDOW_MARGIN;
  while (window < text.length) {
    const code = text.charCodeAt(window - 1);
    const end = code >= 0xd800 && code <= 0xdbff ? window - 1 : window;
    const head = redactSecrets(text.slice(0, end), extra);
    const { units } = fittingPrefix(head, maxBytes);
    if (head.length - units >= WINDOW_MARGIN / 2) {
      return head.slice(0, units) + truncationMarker(utf8Length(head, units) + utf8Length(text, end));
    }
    window *= 2;
  }
  return truncateUtf8(redactSecrets(text, extra), maxBytes);
}

/** The filter the reducer applies to every text field: undefined means "no content". */
export function makeContentFilter(opts: ContentOptions): ContentFilter {
  if (opts.mode === 'none') return () => undefined;
  const max = Math.max(0, Math.floor(opts.maxFieldBytes));
  const extra = opts.extraPatterns;
  return (text) => {
    if (text === undefined || text === null) return undefined;
    if (!opts.redact) return truncateUtf8(text, max);
    return redactAndTruncate(text, max, extra);
  };
}

export { maskUrl, stripUrlCredentials } from './url.js';
