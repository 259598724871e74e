/**
 * Name-based redaction: values assigned to names that say "password", "secret",
 * "token", "api key"... in env files, shell, JSON, YAML, TOML and code. Pure: no I/O.
 *
 * Two tiers: strong names (password, secret, token, api/access/private key,
 * credentials) lose any real value; names that only contain "key" lose a value only
 * when it looks random (high entropy). Code is not a secret: references
 * (`$VAR`, `process.env.X`, `{{ secrets.X }}`), calls, member paths, type names and
 * placeholders are kept.
 */

type Tier = 'strong' | 'weak' | 'none';

const STRONG_NAME = /pass(?:word|wd|phrase)|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|token(?![a-z])/;

/** last word of a name that makes it metadata about a secret rather than the secret */
const META_WORDS = new Set([
  'file',
  'files',
  'path',
  'dir',
  'url',
  'uri',
  'endpoint',
  'name',
  'names',
  'id',
  'ids',
  'ref',
  'arn',
  'env',
  'var',
  'len',
  'length',
  'count',
  'size',
  'type',
  'kind',
  'field',
  'header',
  'param',
  'prompt',
  'policy',
  'provider',
  'limit',
  'limits',
  'usage',
  'budget',
  'index',
  'idx',
  'mode',
  'format',
  'source',
  'location',
  'store',
  'manager',
  'version',
  'algorithm',
  'alg',
  'expiry',
  'expires',
  'ttl',
  'timeout',
  'prefix',
  'label',
  'placeholder',
  'hint',
  'required',
  'enabled',
  'pattern',
  'regex',
  'tokens',
  'keys',
  'secrets',
  'passwords',
  'set',
  'list',
  'map',
  'reset',
  'policy',
  'strength',
  'rotation',
  'hash',
]);

/** values that are words of code or configuration, not secrets */
const KEEP_WORDS = new Set([
  'true',
  'false',
  'null',
  'none',
  'nil',
  'undefined',
  'yes',
  'no',
  'on',
  'off',
  'required',
  'optional',
  'string',
  'str',
  'number',
  'int',
  'integer',
  'bool',
  'boolean',
  'bytes',
  'any',
  'unknown',
  'object',
  'text',
  'password',
  'secret',
  'token',
  'redacted',
  'hidden',
  'masked',
  'env',
  'string?',
  'never',
  'void',
  'self',
  'this',
  'new',
  'await',
  'function',
  'lambda',
  'return',
  'is',
  'not',
  'in',
  'and',
  'or',
  'default',
]);

const PLACEHOLDER = /^(?:\$|%|\{\{|<|\[REDACTED|\*{3,}|x{3,}$|\.{3}|…|process\.env|os\.environ|env\.|secrets\.|vault:)/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOTTED_IDENT = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const PASCAL_IDENT = /^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)*$/;

export function isPlaceholder(value: string): boolean {
  return value.length === 0 || PLACEHOLDER.test(value) || KEEP_WORDS.has(value.toLowerCase());
}

/**
 * A PascalCase name of code (`UserPasswordField`, `Base64Encoder`): every part a word, with a
 * vowel and no long consonant run. A random key in mixed case (`InXWuOfSu4P…`) has one-letter
 * or unpronounceable parts, so it is not taken for a name (about 12% of random 32-character
 * keys were, before).
 */
function isPascalName(value: string): boolean {
  if (!PASCAL_IDENT.test(value) || (value.match(/\d/g)?.length ?? 0) > 2) return false;
  const parts = value.match(/[A-Z][a-z0-9]*/g) ?? [];
  return parts.every((p) => p.length >= 2 && /[aeiouy]/.test(p) && !/[bcdfghjklmnpqrstvwxz]{4}/.test(p));
}

function isCodeExpression(value: string): boolean {
  return /[()[\]{}]/.test(value) || /^[=>!&|]/.test(value) || DOTTED_IDENT.test(value) || isPascalName(value);
}

/** a value shaped like a credential rather than a word: digits, symbols or mixed case */
export function looksSecret(value: string, minLength: number): boolean {
  if (value.length < minLength || /\s/.test(value) || isPlaceholder(value) || isCodeExpression(value)) return false;
  if (/^\d+$/.test(value)) return value.length >= 6;
  return /\d/.test(value) || /[^A-Za-z0-9_-]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value));
}

function shannonBitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** random-looking: long, no spaces, letters and digits, not a UUID or a path */
export function highEntropy(value: string): boolean {
  if (value.length < 16 || /\s/.test(value) || UUID.test(value) || isPlaceholder(value)) return false;
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) || value.includes('://')) return false;
  if (!/\d/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (/^[0-9a-fA-F]{40}$/.test(value)) return false; // a SHA-1 or a key fingerprint, not a key
  return shannonBitsPerChar(value) >= 3;
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** words that name a password alone (`SMTP_PASS`, `LDAP_BIND_PW`, `MSSQL_SA_PWD`, `"pass"`) */
const PASSWORD_WORDS = new Set(['pass', 'pw', 'pwd', 'passwd', 'pword']);
/** the shell's working directories, not passwords */
const NOT_PASSWORDS = new Set(['pwd', 'oldpwd']);

function nameTier(name: string): Tier {
  const ws = words(name);
  const last = ws.at(-1) ?? '';
  if (META_WORDS.has(last)) return 'none';
  const lower = name.toLowerCase();
  if (STRONG_NAME.test(lower) || ws.some((w) => PASSWORD_WORDS.has(w))) return 'strong';
  return lower.includes('key') ? 'weak' : 'none';
}

function kindOf(name: string): string {
  const lower = name.toLowerCase();
  if (lower.includes('pass') || /(?:^|[^a-z])pwd?(?:[^a-z]|$)/.test(lower)) return 'password';
  if (lower.includes('secret')) return 'secret';
  if (lower.includes('token')) return 'token';
  if (/api[_-]?key/.test(lower)) return 'api_key';
  return 'key';
}

/** identifier characters before the matched keyword (the rest of the name) */
function namePrefix(input: string, index: number): number {
  let i = index;
  while (i > 0 && index - i < 64 && /[A-Za-z0-9_.-]/.test(input.charAt(i - 1))) i--;
  return i;
}

/** `password: value` alone on a YAML line (not `password: string;` in code) */
function isYamlLine(input: string, nameStart: number, valueEnd: number): boolean {
  // a line's indentation is short: look back a bounded way (linear time on a huge single line)
  const before = input.slice(Math.max(0, nameStart - 128), nameStart);
  const nl = before.lastIndexOf('\n');
  if ((nl === -1 && nameStart > 128) || !/^[ \t]*(?:- )?$/.test(before.slice(nl + 1))) return false;
  const next = input.charAt(valueEnd);
  return next === '' || next === '\n' || next === '\r' || input.startsWith(' #', valueEnd);
}

/**
 * Words for people (a label, a hint, an error message under a key named `password` or `token`),
 * not a passphrase: two words or more of letters, written as a sentence (a capital, punctuation,
 * a letter beyond ASCII) or naming the credential itself. On real rollouts most name-based
 * redactions were such strings.
 */
export function isUiText(value: string): boolean {
  const ws = value.trim().split(/\s+/);
  if (ws.length < 2 || !ws.every((w) => /^[\p{L}\p{M}\d'’,.!?:;…()«»"“”→•/&-]+$/u.test(w))) return false;
  const letters = ws.filter((w) => /\p{L}{2,}/u.test(w)).length;
  if (letters < ws.length - 1) return false;
  return /^\p{Lu}/u.test(value.trim()) || /[,.!?:;…→]/.test(value) || /[^ -~]/.test(value) || /pass|token|key|secret|code/i.test(value);
}

interface Assignment {
  name: string;
  value: string;
  quoted: boolean;
  /** env: `NAME=value` (no spaces); yaml: `name: value` alone on a line; code: anything else */
  style: 'env' | 'yaml' | 'code';
}

function valueIsSecret(tier: Tier, a: Assignment): boolean {
  const { value } = a;
  if (isPlaceholder(value)) return false;
  if (NOT_PASSWORDS.has(a.name.toLowerCase()) && /^(?:[~/]|[A-Za-z]:\\)/.test(value)) return false;
  if (tier === 'weak') return highEntropy(value);
  if (a.quoted) return !isUiText(value);
  if (isCodeExpression(value) || /^\d{1,5}$/.test(value)) return false;
  if (a.style === 'env') return !value.toLowerCase().includes(a.name.toLowerCase().replace(/^.*[_.-]/, ''));
  if (a.style === 'yaml') return value.length >= 3;
  return looksSecret(value, 6);
}

/** replacement for one match of the `assignment` rule, or null to keep it */
export function assignmentReplacement(m: RegExpExecArray, input: string): string | null {
  const all = m[0];
  const keyword = m[1] ?? '';
  const suffix = m[2] ?? '';
  const open = m[5] ?? m[7] ?? '';
  const bare = m[9];
  const value = m[6] ?? m[8] ?? bare ?? '';
  const start = namePrefix(input, m.index);
  const name = input.slice(start, m.index) + keyword + suffix;
  const tier = nameTier(name);
  if (tier === 'none') return null;
  const head = keyword + suffix + (m[3] ?? '') + (m[4] ?? '') + open;
  const sep = m[4] ?? '';
  const valueEnd = m.index + head.length + value.length;
  const yaml = sep.trim() === ':' && isYamlLine(input, start, valueEnd);
  const style = sep === '=' ? 'env' : yaml ? 'yaml' : 'code';
  if (!valueIsSecret(tier, { name, value, quoted: bare === undefined, style })) return null;
  return head + `[REDACTED:${kindOf(name)}]` + all.slice(head.length + value.length);
}
