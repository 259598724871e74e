/**
 * Secret redaction of one text (the content filter, `redact.ts`, applies it with truncation).
 * Pure: no I/O, no clock.
 *
 * Speed matters (it runs on every field during backfill): one case-insensitive
 * pre-scan (`redact-scan.ts`) finds which rules can apply at all, and only those run.
 */
import { RULES, redacted, type RedactRule } from './redact-rules.js';
import { makeTriggerScanner, type TriggerHits } from './redact-scan.js';
import { edgesOf } from './redact-join.js';
import { makeView, type View } from './redact-view.js';

/**
 * Mark words the pre-scan finds beside the triggers: a backslash or an escape character (ESC or
 * CSI, which the scan folds together), without which `makeView` has nothing to undo (it is not
 * called: three `indexOf` passes over every text saved), and `kind:`, without which no text
 * says `kind: Secret` (`edgesOf`).
 */
const MARK_WORDS = ['\\', '\x1b', 'kind:'];
const ESCAPES = 0b011;
const KIND = 0b100;
const SCANNER = makeTriggerScanner(
  RULES.map((r) => r.triggers),
  MARK_WORDS,
);
/** rules without triggers run on every string */
const ALWAYS = RULES.reduce((mask, r, i) => (r.triggers.length === 0 ? mask | (1 << i) : mask), 0);
/** rules with a `reach`: tried only at the positions a trigger occurrence allows (see `applyNear`) */
const NEAR = RULES.reduce((mask, r, i) => (r.reach !== undefined && r.triggers.length > 0 ? mask | (1 << i) : mask), 0);
/** per rule with a reach: how far before a trigger's last character a match can start */
const NEAR_WINDOW = RULES.map((r) => (r.reach ?? 0) + Math.max(0, ...r.triggers.map((t) => t.length)) - 1);
/** per rule with a reach: its regex, sticky (tried at one position) */
const STICKY = RULES.map((r) => (r.reach === undefined ? undefined : new RegExp(r.re.source, `${r.re.flags.replace('g', '')}y`)));
/**
 * per rule with a reach: sticky, the first position at most a window after lastIndex where the
 * rule matches (group 1: the characters skipped to it). The lazy prefix tries the positions in
 * order, as the sticky regex would one call at a time, in one call. A rule whose source had a
 * back-reference would need its groups renumbered: none has one (checked here).
 */
const FINDER = RULES.map((r, i) => {
  if (r.reach === undefined) return undefined;
  if (/\\[1-9]|\\k</.test(r.re.source)) throw new Error(`rule ${r.name}: back-references are not supported`);
  return new RegExp(`([\\s\\S]{0,${NEAR_WINDOW[i] as number}}?)(?:${r.re.source})`, `${r.re.flags.replace('g', '')}y`);
});

/** a span [start, end) of the matched text to replace, and its replacement */
type Edit = readonly [start: number, end: number, replacement: string];

const MARK = '[REDACTED:';

/**
 * The edit a rule's replacement of match m amounts to: replacements keep a prefix and a suffix
 * of the match around one `[REDACTED:kind]` marker, so only the part between is replaced.
 */
function editOf(m: RegExpExecArray, replacement: string): Edit {
  const whole = m[0];
  const a = replacement.indexOf(MARK);
  const z = a === -1 ? -1 : replacement.indexOf(']', a) + 1;
  const suffix = replacement.length - z;
  if (a !== -1 && a + suffix <= whole.length && whole.startsWith(replacement.slice(0, a)) && whole.endsWith(replacement.slice(z))) {
    return [m.index + a, m.index + whole.length - suffix, replacement.slice(a, z)];
  }
  return [m.index, m.index + whole.length, replacement];
}

/** counts regex attempts (for the linear-time test: attempts × the rules' bounded spans) */
export const redactStats = { attempts: 0 };

/** pushes the edit of each match of the global regex `re` (`edit` null: keep the match) */
function globalEdits(text: string, re: RegExp, edit: (m: RegExpExecArray) => Edit | null, out: Edit[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    redactStats.attempts++;
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    const e = edit(m);
    if (e !== null) out.push(e);
  }
}

/**
 * What `globalEdits` gives for a rule, trying its sticky regex only at the positions where a
 * match can start: up to `window` characters before the end of each trigger occurrence (`ends`,
 * ascending, from the pre-scan of this very text). Positions are tried left to right and
 * a match's inside is skipped, as a global scan would; `finder` finds the first position of a
 * window where the rule matches in one call, the sticky regex then gives the match itself.
 */
function nearEdits(text: string, rule: RedactRule, sticky: RegExp, finder: RegExp, ends: readonly number[], window: number, out: Edit[]): void {
  let next = 0;
  for (const e of ends) {
    let q = Math.max(next, e - window);
    while (q <= e) {
      finder.lastIndex = q;
      redactStats.attempts++;
      const f = finder.exec(text);
      if (f === null) break;
      const at = q + (f[1] as string).length;
      if (at > e) break;
      sticky.lastIndex = at;
      const m = sticky.exec(text);
      if (m === null || m[0] === '') {
        q = at + 1;
        continue;
      }
      const end = at + m[0].length;
      const replacement = rule.render(m, text);
      if (replacement !== null) out.push(editOf(m, replacement));
      q = end;
      next = end;
    }
    next = Math.max(next, e + 1);
  }
}

function ruleEdit(rule: RedactRule, text: string) {
  return (m: RegExpExecArray): Edit | null => {
    const replacement = rule.render(m, text);
    return replacement === null ? null : editOf(m, replacement);
  };
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

function extraEdit(m: RegExpExecArray): Edit {
  const [start, end] = m.indices?.[1] ?? [m.index, m.index + m[0].length];
  return [start, end, redacted('pattern')];
}

/**
 * Adds `edits` (ascending, not overlapping each other) to `kept` (the same) where they overlap
 * nothing kept: a rule earlier in the table wins a span over a later one.
 */
function merge(kept: Edit[], edits: readonly Edit[]): Edit[] {
  if (edits.length === 0) return kept;
  const out: Edit[] = [];
  let i = 0;
  for (const e of edits) {
    while (i < kept.length && (kept[i] as Edit)[1] <= e[0]) out.push(kept[i++] as Edit);
    const k = kept[i];
    const prev = out.at(-1);
    if ((k === undefined || k[0] >= e[1]) && (prev === undefined || prev[1] <= e[0])) out.push(e);
  }
  while (i < kept.length) out.push(kept[i++] as Edit);
  return out;
}

/** what the last `prescan` found: its trigger hits and the rules that may apply (set there: one result object fewer per call) */
let hits: TriggerHits = { mask: NEAR, at: [], marks: 0 };
let lastActive = 0;

function prescan(text: string): void {
  hits = { mask: NEAR, at: [], marks: 0 };
  lastActive = SCANNER.scan(text, hits) | ALWAYS;
}

/**
 * The view of text redaction matches against (null: the text itself), pre-scanned (`prescan`):
 * the text is scanned first, and its view made and scanned only when the text holds a backslash or
 * an escape character (`makeView` gives null for any other).
 */
function prepare(text: string): View | null {
  prescan(text);
  if ((hits.marks & ESCAPES) === 0) return null;
  const view = makeView(text);
  if (view !== null) prescan(view.text);
  return view;
}

/** every rule's edits of text, in order, not overlapping; text is what `prepare` last scanned */
function findEdits(text: string, extraPatterns: readonly RegExp[], near: boolean): Edit[] {
  let kept: Edit[] = [];
  const active = lastActive;
  const at = hits.at;
  RULES.forEach((rule, i) => {
    if ((active & (1 << i)) === 0) return;
    const ends = at[i];
    const sticky = STICKY[i];
    const finder = FINDER[i];
    const edits: Edit[] = [];
    if (near && ends !== undefined && sticky !== undefined && finder !== undefined)
      nearEdits(text, rule, sticky, finder, ends, NEAR_WINDOW[i] as number, edits);
    else globalEdits(text, rule.re, ruleEdit(rule, text), edits);
    kept = merge(kept, edits);
  });
  for (const pattern of extraPatterns) {
    const edits: Edit[] = [];
    globalEdits(text, compileExtra(pattern), extraEdit, edits);
    kept = merge(kept, edits);
  }
  return kept;
}

/** edits of the view as edits of its original (each view character maps to whole escapes) */
function toOriginal(view: View, edits: readonly Edit[]): Edit[] {
  return edits.filter((e) => e[1] > e[0]).map((e) => [view.from[e[0]] as number, view.to[e[1] - 1] as number, e[2]]);
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  let out = '';
  let last = 0;
  for (const [start, end, replacement] of edits) {
    out += text.slice(last, start) + replacement;
    last = end;
  }
  return out + text.slice(last);
}

/**
 * Replaces secrets with `[REDACTED:<kind>]`. Matching runs once, over the text with ANSI
 * escapes removed and JSON escapes undone (`redact-view.ts`); what it finds is replaced in the
 * text as given. Extra patterns (`--redact-pattern`) come after the built-in rules; a pattern
 * with a capture group redacts only group 1.
 * `near: false` searches every rule over the whole text (what the fast path must equal).
 */
export function redactSecrets(text: string, extraPatterns: readonly RegExp[] = [], near = true): string {
  const view = prepare(text);
  if (view === null) return applyEdits(text, findEdits(text, extraPatterns, near));
  return applyEdits(text, toOriginal(view, findEdits(view.text, extraPatterns, near)));
}

/** A text redacted, with what joining it to other texts needs to know (see `redact-join.ts`). */
export class Redaction {
  private flags = -1;
  constructor(
    readonly text: string,
    /** bit i: a trigger of rule i occurs in the text matched (the rules that may have run) */
    readonly mask: number,
    private raw: string,
    private seen: string,
    /** whether `kind:` may occur in the text matched (the pre-scan's mark, case-insensitive) */
    private readonly kind: boolean,
  ) {}

  /** what the text's start and end allow when it is joined (`Edge` flags): worked out when first asked, most texts never are */
  get edges(): number {
    if (this.flags < 0) {
      this.flags = edgesOf(this.raw, this.seen, this.mask, this.kind);
      this.raw = '';
      this.seen = '';
    }
    return this.flags;
  }
}

/** `redactSecrets` with the built-in rules only, reporting what a join needs */
export function redactReport(text: string): Redaction {
  const view = prepare(text);
  const seen = view === null ? text : view.text;
  const mask = lastActive;
  const kind = (hits.marks & KIND) !== 0;
  const edits = findEdits(seen, [], true);
  return new Redaction(applyEdits(text, view === null ? edits : toOriginal(view, edits)), mask, text, seen, kind);
}

/**
 * Parses a `--redact-pattern` value: `/source/flags` or a bare regex source.
 * Throws a SyntaxError on an invalid regex.
 */
export function parseRedactPattern(spec: string): RegExp {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(spec);
  return m !== null ? new RegExp(m[1] ?? '', m[2]) : new RegExp(spec);
}
