/**
 * Generic and vendor detectors beside the named rules (`redact-rules.ts`): token prefixes of
 * many SaaS products (knowledge from secretlint's recommended preset and gitleaks' rule set,
 * written as one alternation), secrets given in CLI phrases (`aws configure` prompts, `login -p`,
 * `.netrc`, `ENV NAME value`), XML elements and key/value attributes, high-entropy tokens just
 * after a credential word, base64 that decodes to `user:password`, Kubernetes Secret data.
 * Every quantifier is bounded (linear time). Pure: no I/O.
 */

/** [trigger words, pattern] of vendor tokens whose prefix says what they are */
const VENDORS: readonly (readonly [readonly string[], string])[] = [
  [['xai-'], 'xai-[A-Za-z0-9]{70,90}'],
  [['gsk_'], 'gsk_[A-Za-z0-9]{48,60}'],
  [['pplx-'], 'pplx-[A-Za-z0-9]{40,60}'],
  [['r8_'], 'r8_[A-Za-z0-9]{37,40}'],
  [['lsv2_'], 'lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}'],
  [['lin_'], 'lin_(?:api|oauth)_[A-Za-z0-9]{32,128}'],
  [['ntn_'], 'ntn_[A-Za-z0-9]{40,50}'],
  [['ops_'], 'ops_eyJ[A-Za-z0-9+/=]{100,1280}'],
  [['dp.'], 'dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{40,44}'],
  [['hvs.', 'hvb.', 'hvr.'], 'hv[sbr]\\.[A-Za-z0-9_-]{24,200}'],
  [['atlasv1.'], 'atlasv1\\.[A-Za-z0-9_-]{60,70}'], // the part before is the token's id
  [['sntrys_', 'sntryu_'], 'sntry[su]_[A-Za-z0-9+/=_]{40,400}'],
  [['glsa_'], 'glsa_[A-Za-z0-9]{32}_[a-fA-F0-9]{8}'],
  [['glc_'], 'glc_[A-Za-z0-9+/]{32,400}={0,2}'],
  [['nrak-'], 'NRAK-[A-Z0-9]{27}'],
  [['dt0c01.'], 'dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}'],
  [['pmak-'], 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}'],
  [['dckr_pat_'], 'dckr_pat_[A-Za-z0-9_-]{27,40}'],
  [['tskey-'], 'tskey-(?:auth-|client-|api-)?[A-Za-z0-9]{6,20}-[A-Za-z0-9]{16,64}'],
  [['pscale_'], 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64}'],
  [['pul-'], 'pul-[a-f0-9]{40}'],
  [['figd_'], 'figd_[A-Za-z0-9_-]{40,64}'],
  [['atatt3'], 'ATATT3[A-Za-z0-9_\\-=]{150,300}'],
  [['key-'], 'key-[a-f0-9]{32}'],
  [['xkeysib-'], 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}'],
  [['eaa'], 'EAA[A-Za-z0-9]{56,300}'],
  [['sq0'], 'sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}'],
  [['age-secret-key-1'], 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'],
  [['clojars_'], 'CLOJARS_[a-f0-9]{60}'],
  [['oy2'], 'oy2[a-z0-9]{43}'],
  [['rubygems_'], 'rubygems_[a-f0-9]{48}'],
  [['vcp_', 'vck_', 'vci_', 'vca_', 'vcr_'], 'vc[pkiar]_[A-Za-z0-9]{40,60}'],
  [['nfp_', 'nfc_'], 'nf[pc]_[A-Za-z0-9]{36,40}'],
  [['1//0'], '1//0[A-Za-z0-9_-]{60,300}'],
  [['hrku-'], 'HRKU-[A-Za-z0-9_-]{58,70}'],
  [['rnd_'], 'rnd_[A-Za-z0-9]{32}'],
];

export const VENDOR_TRIGGERS: readonly string[] = VENDORS.flatMap(([t]) => t);
export const VENDOR_RE = new RegExp(`(?<![A-Za-z0-9_-])(?:${VENDORS.map(([, p]) => p).join('|')})(?![A-Za-z0-9_])`, 'g');

/** a secret's name in a phrase: what env and Dockerfile names end with */
const SECRET_NAME = '[A-Za-z_][A-Za-z0-9_]{0,64}(?:PASS(?:WORD)?|PWD?|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIALS?)[A-Za-z0-9_]{0,32}';
const CMD_ARGS = '[^\\r\\n|;&]{0,200}?\\s';

/** phrases after which the next word is a secret; group 1 the phrase, the rest the value */
const PHRASES = [
  'AWS (?:Access Key ID|Secret Access Key)(?: \\[[^\\]\\r\\n]{0,64}\\])?:[ \\t]{0,8}',
  '\\bmachine[ \\t]{1,8}\\S{1,256}(?:\\s{1,16}login\\s{1,16}\\S{1,256})?\\s{1,16}password[ \\t]{1,8}',
  `\\blogin\\b${CMD_ARGS}-p[ \\t]{1,8}`,
  `\\b(?:mysql|mariadb)[a-z]{0,8}\\b${CMD_ARGS}-p(?=[^\\s-])`,
  `\\bredis-cli\\b${CMD_ARGS}-a[ \\t]{1,8}`,
  '\\bsshpass[ \\t]{1,8}-p[ \\t]{0,8}',
  '\\bhtpasswd[ \\t]{1,8}-[a-zA-Z]{0,6}b[a-zA-Z]{0,6}[ \\t]{1,8}(?:\\S{1,256}[ \\t]{1,8}){1,2}',
  '\\s-pass(?:out|in)[ \\t]{1,8}pass:',
  `(?:^|\\n)[ \\t]{0,8}(?:ENV|ARG)[ \\t]{1,8}${SECRET_NAME}[ \\t]{1,8}`,
  `\\bset[ \\t]{1,8}-[gxU]{1,3}[ \\t]{1,8}${SECRET_NAME}[ \\t]{1,8}`,
  `\\bsetx[ \\t]{1,8}${SECRET_NAME}[ \\t]{1,8}`,
];
export const PHRASE_TRIGGERS: readonly string[] = [
  'aws ',
  'machine',
  'login',
  'mysql',
  'mariadb',
  'redis-cli',
  'sshpass',
  'htpasswd',
  '-pass',
  'env ',
  'env\t',
  'arg ',
  'arg\t',
  'set ',
  'set\t',
  'setx',
];
export const PHRASE_RE = new RegExp(`((?:${PHRASES.join('|')}))("[^"\\r\\n]{1,512}"|'[^'\\r\\n]{1,512}'|[^\\s"'\`]{1,512})`, 'gi');

/** a credential word in a name (XML element or key attribute) */
const CRED_WORD = '(?:pass(?:word|wd|phrase)?|pwd?|secret|token|api[_-]?key|apikey|credential|privatekey|accesskey)';
/** `<ns:dbPassword attr="…">value</`, or `key="ApiSecret" value="value"`: groups 1–3, 4–5 */
export const XML_RE = new RegExp(
  `<((?:[\\w-]{1,16}:)?[\\w.-]{0,24}${CRED_WORD}[\\w.-]{0,40})([ \\t][^<>]{0,256})?>([^<\\r\\n]{1,512})</` +
    `|\\b(?:key|name)=\\\\{0,4}"([^"\\r\\n]{0,36}${CRED_WORD}[^"\\r\\n]{0,40})\\\\{0,4}"[ \\t]{1,8}value=\\\\{0,4}"([^"\\\\\\r\\n]{1,512})`,
  'gi',
);

/** `the api key is X`, `token: X`, `refresh_token X`: a random-looking word right after a credential word */
export const PROSE_RE = new RegExp(
  '(?<![A-Za-z0-9])((?:api[ _-]?key|token|secret|password|passphrase|credential|key)s?\\b[ \\t]{1,3}(?:(?:is|was|=|:|->|of|for)[ \\t]{1,3})?[`\'"]?)([A-Za-z0-9_\\-+/=.~]{16,512})',
  'gi',
);

/** base64 (8+ characters) of `user:password` in printable ASCII */
export function decodesToUserPassword(value: string): boolean {
  if (value.length < 8 || value.length % 4 === 1) return false;
  let text: string;
  try {
    text = atob(value.padEnd(Math.ceil(value.length / 4) * 4, '='));
  } catch {
    return false;
  }
  return /^[\x21-\x39\x3b-\x7e]{1,128}:[\x20-\x7e]{3,256}$/.test(text);
}

const KIND_SECRET = /\bkind:[ \t]{0,8}["']?Secret\b/;

/** a `data:` block in a YAML document of kind Secret (looked for a bounded way around it) */
export function isKubernetesSecret(input: string, at: number): boolean {
  return KIND_SECRET.test(input.slice(Math.max(0, at - 4096), at + 8192));
}
