/**
 * The built-in secret rules used by `redactSecrets`. Pure: no I/O.
 *
 * Every rule has trigger words, found by one case-insensitive pre-scan
 * (`redact-scan.ts`); only rules whose trigger occurs in a string run their full
 * regex over it. Rules run in table order, so vendor formats (more precise
 * kinds) come before the name-based rules, which skip values already redacted.
 */
import { assignmentReplacement, highEntropy, looksSecret, isPlaceholder } from './redact-names.js';
import { decodesToUserPassword, isKubernetesSecret, PHRASE_RE, PHRASE_TRIGGERS, PROSE_RE, VENDOR_RE, VENDOR_TRIGGERS, XML_RE } from './redact-generic.js';

export interface RedactRule {
  /** name of the rule (for tests and diagnostics) */
  readonly name: string;
  /** words (ASCII, any case) of which one must occur for the rule to run; none: it always runs */
  readonly triggers: readonly string[];
  /** global regex of the secret */
  readonly re: RegExp;
  /** replacement for one match, or null to keep it unchanged */
  readonly render: (m: RegExpExecArray, input: string) => string | null;
  /**
   * Optional: every match holds one of the triggers starting at most `reach` characters
   * after the match's start. The regex is then tried only just before trigger occurrences
   * instead of over the whole text (for rules whose triggers are common words).
   */
  readonly reach?: number;
}

export const redacted = (kind: string): string => `[REDACTED:${kind}]`;

/** the whole match is the secret */
const whole = (kind: string) => (): string => redacted(kind);

/** group 1 is kept (a name, a header, a scheme); what follows it is the secret */
const afterPrefix =
  (kind: string, test?: (value: string) => boolean) =>
  (m: RegExpExecArray): string | null => {
    const prefix = m[1] ?? '';
    const value = m[0].slice(prefix.length);
    if (isPlaceholder(value) || (test !== undefined && !test(value))) return null;
    return prefix + redacted(kind);
  };

const rule = (name: string, triggers: readonly string[], re: RegExp, render: RedactRule['render'] = whole(name), reach?: number): RedactRule =>
  reach === undefined ? { name, triggers, re, render } : { name, triggers, re, render, reach };

const TOKEN_CHARS = 'A-Za-z0-9_\\-';
/** trigger words of the two name-based rules */
const NAME_TRIGGER = ['pass', 'pw', 'secret', 'token', 'key', 'credential'];
const hasDigitAndLetter = (v: string): boolean => /\d/.test(v) && /[A-Za-z]/.test(v);

/** `user:password` after `curl -u`: not a uid:gid pair, not the same word twice */
function isUserPassword(v: string): boolean {
  const colon = v.indexOf(':');
  const user = v.slice(0, colon);
  const pass = v.slice(colon + 1);
  if (/^\d+$/.test(pass) && /^\d+$/.test(user)) return false;
  return pass !== user && looksSecret(pass, 4);
}

export const RULES: readonly RedactRule[] = [
  rule(
    'private_key',
    ['-----begin', 'private-lines:'],
    // PEM of any kind (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP blocks); PuTTY's private lines
    /-----BEGIN[ A-Z0-9]{0,32}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9]{0,32}PRIVATE KEY(?: BLOCK)?-----|$)|\bPrivate-Lines:[ \t]{0,4}\d{1,3}(?:\r?\n[ \t]{0,8}[A-Za-z0-9+/=]{1,128}){1,64}(?:\r?\nPrivate-MAC:[ \t]{0,4}[0-9a-fA-F]{1,128})?/g,
  ),
  rule('url_credentials', ['://'], /(:\/\/)[^\s/?#@:'"`<>\\]{1,256}:[^\s/?#@'"`<>\\]{1,256}(?=@[^\s/?#@])/g, (m) =>
    m[0].includes('[REDACTED:') ? null : `${m[1] ?? ''}${redacted('url_credentials')}`,
  ),
  rule('anthropic_key', ['sk-'], new RegExp(`\\bsk-ant-[${TOKEN_CHARS}]{20,512}`, 'g')),
  rule('openai_key', ['sk-'], new RegExp(`\\bsk-(?:proj-|svcacct-|admin-)?[${TOKEN_CHARS}]{20,512}`, 'g'), (m) =>
    hasDigitAndLetter(m[0].slice(3)) ? redacted('openai_key') : null,
  ),
  rule('aws_access_key_id', ['akia', 'asia', 'abia', 'acca'], /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g),
  rule('github_token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})/g),
  rule('gitlab_token', ['glpat-', 'gldt-', 'glrt-', 'glptt-'], new RegExp(`\\bgl(?:pat|dt|rt|ptt)-[${TOKEN_CHARS}]{20,255}`, 'g')),
  rule('slack_webhook', ['hooks.slack.com'], /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{1,512}/g),
  rule('slack_token', ['xox', 'xapp-'], /\b(?:xox[abposre]-[A-Za-z0-9-]{10,512}|xapp-\d-[A-Za-z0-9-]{10,512})/g),
  rule('stripe_key', ['k_live_', 'k_test_', 'whsec_'], /\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255}|whsec_[A-Za-z0-9]{24,255})/g),
  rule('google_api_key', ['aiza'], /\bAIza[0-9A-Za-z_-]{35}/g),
  rule('google_oauth', ['gocspx-', 'ya29.'], /\b(?:GOCSPX-[A-Za-z0-9_-]{20,255}|ya29\.[0-9A-Za-z_-]{20,2048})/g),
  rule('jwt', ['eyj'], /\beyJ[A-Za-z0-9_-]{10,8192}\.eyJ[A-Za-z0-9_-]{10,8192}\.[A-Za-z0-9_-]{0,1024}/g),
  rule('npm_token', ['npm_'], /\bnpm_[A-Za-z0-9]{36}\b/g),
  rule('huggingface_token', ['hf_'], /\bhf_[A-Za-z0-9]{30,255}\b/g),
  rule('sendgrid_key', ['sg.'], /\bSG\.[A-Za-z0-9_-]{16,255}\.[A-Za-z0-9_-]{16,255}/g),
  rule('twilio', ['ac', 'sk'], /\b(?:AC|SK)[0-9a-f]{32}\b/g, whole('twilio'), 0),
  rule(
    'vendor_token',
    ['pypi-age', '_v1_', 'shpat_', 'shpss_', 'shpca_', 'shppa_', 'dapi'],
    /\b(?:pypi-AgE[A-Za-z0-9_-]{50,1024}|do[opr]_v1_[a-f0-9]{64}|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}|dapi[a-f0-9]{32}(?:-\d)?)\b/g,
  ),
  rule('azure_key', ['accountkey=', 'sharedaccesskey='], /\b((?:AccountKey|SharedAccessKey)=)[A-Za-z0-9+/]{20,1024}={0,2}/g, afterPrefix('azure_key')),
  rule('azure_sas', ['sig='], /([?&]sig=)[A-Za-z0-9%+/=]{20,1024}/g, afterPrefix('azure_sas')),
  rule('vendor_prefix', VENDOR_TRIGGERS, VENDOR_RE, whole('vendor_prefix'), 0),
  rule(
    'cookie',
    ['cookie', ' -b '],
    /((?:\b(?:Set-)?Cookie[ \t]{0,8}:|\s(?:-b|--cookie)[ \t]{1,8}\\{0,4}["']?)[ \t]{0,8})([^\r\n"'\\]{1,4096})/gi,
    afterPrefix('cookie', (v) => /=[^;\s]{8,}/.test(v)),
    4,
  ),
  rule(
    'auth_base64',
    ['auth', 'basic'],
    /(\b(?:_?auth|Basic)\\{0,4}["']?(?:[ \t]{0,8}[:=][ \t]{0,8}\\{0,4}["']?|[ \t]{1,8}))([A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])/gi,
    afterPrefix('basic_auth', decodesToUserPassword),
    1,
  ),
  rule(
    'k8s_secret',
    ['data:'],
    /(\b(?:data|stringData):[ \t]{0,8}\r?\n)((?:[ \t]{1,16}[\w.-]{1,253}:[ \t]{1,8}[^\s#][^\r\n]{0,8192}(?:\r?\n|$)){1,256})/g,
    (m, input) => (isKubernetesSecret(input, m.index) ? `${m[1] ?? ''}${redacted('k8s_secret')}\n` : null),
    6,
  ),
  rule(
    'phrase_secret',
    PHRASE_TRIGGERS,
    PHRASE_RE,
    afterPrefix('password', (v) => looksSecret(v.replace(/^["']|["']$/g, ''), 6)),
    9,
  ),
  rule('xml_secret', ['</', 'value='], XML_RE, (m) => {
    const value = m[3] ?? m[5] ?? '';
    if (isPlaceholder(value) || !looksSecret(value, 6)) return null;
    const at = m[0].lastIndexOf(value);
    return `${m[0].slice(0, at)}${redacted('password')}${m[0].slice(at + value.length)}`;
  }),
  rule('prose_secret', NAME_TRIGGER, PROSE_RE, afterPrefix('secret', highEntropy), 4),
  rule(
    'authorization',
    ['authorization'],
    /\b((?:Proxy-)?Authorization\\?["'`]?[ \t]{0,8}[:=][ \t]{0,8}\\?["'`]?[ \t]{0,8}(?:(?:Bearer|Basic|Token|Bot|Negotiate|Digest|AWS4-HMAC-SHA256)[ \t]{1,8})?)[^\s"'`\\,;]{1,4096}(?:,[ \t]{0,8}[A-Za-z]{1,32}=[^\s"'`\\,;]{1,1024}){0,16}/gi,
    afterPrefix('authorization', (v) => v.length >= 8 && looksSecret(v, 8)),
  ),
  rule('bearer', ['bearer'], /\b(Bearer[ \t]{1,8})[A-Za-z0-9\-._~+/]{16,4096}={0,2}/gi, afterPrefix('bearer', hasDigitAndLetter)),
  rule('basic_auth', [' -u ', '--user'], /(\s(?:-u|--user)(?:[ \t]{1,8}|=))[^\s:'"`]{1,256}:[^\s'"`]{1,512}/g, afterPrefix('basic_auth', isUserPassword)),
  rule(
    'cli_secret_flag',
    NAME_TRIGGER,
    /(--(?:password|passwd|pass|token|secret|api-key|apikey|access-token|auth-token|client-secret)(?:[ \t]{1,8}|=))(?:"[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s"'`-][^\s"'`]{0,1024})/gi,
    (m) => {
      const strict = (m[1] ?? '').endsWith('=');
      return afterPrefix('password', (v) => strict || looksSecret(v.replace(/^["']|["']$/g, ''), 6))(m);
    },
    9,
  ), // `--client-secret`: the trigger `secret` starts 9 characters in
  rule(
    'assignment',
    NAME_TRIGGER,
    // quotes may be escaped more than once (JSON in a JSON string in tool arguments: \\\"), and a
    // single-quoted value may sit inside shell-quoted command lines, even nested ('\''value'\'', '\''\'\'''\''value)
    /(pass(?:word|wd|phrase)?|pwd?|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|key)([A-Za-z0-9_-]{0,64})((?:\\{0,4}["']){0,4})([ \t]{0,8}(?::=|=>|=|:)[ \t]{0,8})(?:(\\{0,4}")([^"\n]{0,1024}?)\\{0,4}"|(\\{0,4}'(?:[\\']{0,32}')?)([^'\n]{0,1024}?)\\{0,4}'|([^\s"'`,;)}\]\\<>]{1,1024}))/gi,
    assignmentReplacement,
    8,
  ), // `private_key`: the trigger `key` starts 8 characters in
];
