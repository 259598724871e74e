/**
 * When redacting texts one by one gives what redacting them joined gives. A model call's
 * input is its parts joined by a blank line (`tool NAME (ID): OUTPUT`, `user: PROMPT`); the
 * content filter (`redact.ts`) redacts each part's text once (the tool span and the turn
 * filtered the same text) and joins the results. That equals redacting the joined text when
 * no rule's match or decision reaches across a part boundary. Going through the rules
 * (`redact-rules.ts`, `redact-generic.ts`):
 *
 * - Most rules match one token (no whitespace in it) and look at most one character around it
 *   (`\b`, a lookbehind or lookahead of token characters): a space or a newline beside a part
 *   looks to them as the text's edge does.
 * - `private_key` runs from a BEGIN line lazily to its END line or the text's end (`$`): a part
 *   whose last key runs to its end would run on into the next part (`Edge.beforeSep`).
 * - `k8s_secret` (its last line ends at `\n` or `$`; `isKubernetesSecret` looks 4 KiB before and
 *   8 KiB after the match for `kind: Secret`) reaches across, but only redacts near `kind: Secret`:
 *   parts holding its trigger and, any of them, `kind: Secret` (`Edge.kindSecret`) are not joined.
 * - `cookie`, `basic_auth` and the phrase `-passin` start with a whitespace before `-`; the
 *   `machine … password` phrase runs over whitespace into `login` / `password`; the phrase
 *   `ENV NAME value` starts a line (`^`): a part starting so (`Edge.afterLabel`, `Edge.afterSep`).
 * - `assignment` calls `name: value` a YAML line only when just indentation precedes the name
 *   on its line: after a label it never is, alone it may be (`Edge.afterLabel`).
 * - `xml_secret`'s attributes (`[^<>]{0,256}`) may run over newlines; an ANSI OSC sequence
 *   (up to 256 characters) is taken out of the view redaction matches against, whatever
 *   follows it: a part ending in an open tag or with an escape near its end (`Edge.beforeSep`).
 *
 * The filter checks these flags and falls back to redacting the joined text when one is set.
 */
import { RULES, type RedactRule } from './redact-rules.js';

const bit = (name: string): number => {
  const i = RULES.findIndex((r) => r.name === name);
  if (i < 0) throw new Error(`no rule ${name}`);
  return 1 << i;
};

/** the rule that redacts only where some part says `kind: Secret` */
export const K8S = bit('k8s_secret');
const PRIVATE_KEY = bit('private_key');
const PRIVATE_KEY_RE = (RULES.find((r) => r.name === 'private_key') as RedactRule).re;
const KEY_END = /-----END[ A-Z0-9]{0,32}PRIVATE KEY(?: BLOCK)?-----$/;
/** what `isKubernetesSecret` looks for */
const KIND_SECRET = /\bkind:[ \t]{0,8}["']?Secret\b/;

/** rules none of whose matches holds whitespace: one of them in a label cannot reach the text after the label's space */
const NO_SPACE = [
  'url_credentials',
  'anthropic_key',
  'openai_key',
  'aws_access_key_id',
  'github_token',
  'gitlab_token',
  'slack_webhook',
  'slack_token',
  'stripe_key',
  'google_api_key',
  'google_oauth',
  'jwt',
  'npm_token',
  'huggingface_token',
  'sendgrid_key',
  'twilio',
  'vendor_token',
  'azure_key',
  'azure_sas',
  'vendor_prefix',
].reduce((mask, name) => mask | bit(name), 0);

const PHRASE = bit('phrase_secret');
const ASSIGNMENT = bit('assignment');

/** what keeps a text from being redacted apart from what stands around it */
export const Edge = {
  /** it cannot follow a label: its start reads differently after one */
  afterLabel: 1,
  /** it cannot follow a blank line */
  afterSep: 2,
  /** it cannot precede a blank line */
  beforeSep: 4,
  /** it says `kind: Secret` */
  kindSecret: 8,
} as const;

/** whether the last private key in text runs to the text's end without its END line */
function keyRunsToEnd(text: string): boolean {
  let last: RegExpExecArray | null = null;
  PRIVATE_KEY_RE.lastIndex = 0;
  for (let m = PRIVATE_KEY_RE.exec(text); m !== null; m = PRIVATE_KEY_RE.exec(text)) {
    if (m[0] === '') PRIVATE_KEY_RE.lastIndex++;
    last = m;
  }
  return last !== null && last.index + last[0].length === text.length && !KEY_END.test(last[0]);
}

/** a name the `assignment` rule keys on */
const NAME_WORD = /pass|pw|secret|token|key|credential/i;
/** an escape character, raw or JSON-escaped (the view decodes `\u001b` too) */
const hasEscape = (s: string): boolean => s.includes('\x1b') || s.includes('\x9b') || (s.includes('\\u00') && /\\u00[19]b/i.test(s));

/**
 * The `Edge` flags of a text: `raw` as given, `seen` what redaction matched (its view),
 * `mask` the rules whose triggers occur in `seen`, `kind` false when `seen` is known not to hold
 * `kind:` (the pre-scan's mark). Reads a few hundred characters at each end.
 */
export function edgesOf(raw: string, seen: string, mask: number, kind = true): number {
  let edges = 0;
  const head = seen.slice(0, 256);
  if (head.startsWith('-')) edges |= Edge.afterLabel;
  if ((mask & PHRASE) !== 0 && /^[ \t]{0,8}(?:ENV|ARG)[ \t]/i.test(head)) edges |= Edge.afterLabel;
  // a name on the first line within the reach of `isYamlLine`'s look back (128 characters, plus the name)
  if ((mask & ASSIGNMENT) !== 0 && NAME_WORD.test(head.split('\n', 1)[0] as string)) edges |= Edge.afterLabel;
  if (/^\s*(?:-|login|password)/i.test(head) || /^\s*$/.test(head)) edges |= Edge.afterSep;
  const tail = seen.slice(-512);
  // an open tag named for a credential (its trigger `</` may be in the next part)
  const open = tail.lastIndexOf('<');
  if (open > tail.lastIndexOf('>') && NAME_WORD.test(tail.slice(open))) edges |= Edge.beforeSep;
  // (a text the view left as it is holds no backslash and no escape character)
  if (seen !== raw && hasEscape(raw.slice(-8192))) edges |= Edge.beforeSep;
  if ((mask & PRIVATE_KEY) !== 0 && keyRunsToEnd(seen)) edges |= Edge.beforeSep;
  if (kind && seen.includes('kind:') && KIND_SECRET.test(seen)) edges |= Edge.kindSecret;
  return edges;
}

/**
 * Whether a label redacted apart (`mask`: its rules) reads as it does before its text. A match
 * reaching from the label into the text would hold the label's last character, a space: only
 * rules that match whitespace could, and their triggers sit at most a few characters into their
 * match (`reach`), so in the label, except `xml_secret`'s (`</`, `value=` end its match), whose
 * match starts at `<` or `key=` / `name=`. The label holds nothing the view decodes either, and it
 * starts as a part may after a blank line.
 */
export function labelJoins(label: string, mask: number, edges: number): boolean {
  return label.endsWith(' ') && (mask & ~NO_SPACE) === 0 && !/[\\<=]/.test(label) && !hasEscape(label) && (edges & Edge.afterSep) === 0;
}
