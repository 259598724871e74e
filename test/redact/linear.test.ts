/**
 * Redaction takes time linear in the text: every rule's regex spans a bounded number of
 * characters per attempt (checked on the sources), and the number of attempts grows with the
 * text, not its square (counted on 250 KB and 1 MB single lines built to defeat it). No clock.
 */
import { describe, expect, it } from 'vitest';
import { redactSecrets, redactStats } from '../../src/content/redact.js';
import { RULES } from '../../src/content/redact-rules.js';

/** quantifiers outside character classes that have no upper bound: `*`, `+`, `{n,}` */
function unboundedQuantifiers(source: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '*' || c === '+') found.push(source.slice(Math.max(0, i - 12), i + 1));
    else if (c === '{' && /^\{\d+,\}/.test(source.slice(i))) found.push(source.slice(Math.max(0, i - 12), i + 5));
  }
  return found;
}

/** lines that tempt each rule at every few characters without ending a match */
const HOSTILE: Record<string, (n: number) => string> = {
  keyword_run: (n) => 'keykeytokenpass'.repeat(n / 15),
  open_quotes: (n) => 'password="'.repeat(n / 10),
  open_single: (n) => "token='".repeat(n / 7),
  assignments: (n) => 'key=value '.repeat(n / 10),
  yaml_like: (n) => 'a: b token: c '.repeat(n / 14),
  url_userinfo: (n) => 'http://a:b'.repeat(n / 10),
  pem_begin: (n) => '-----BEGIN PRIVATE KEY-----'.repeat(n / 27),
  authorization: (n) => 'Authorization: x,a=b'.repeat(n / 20),
  sk_prefix: (n) => 'sk-'.repeat(n / 3),
  json_escaped: (n) => '\\n\\"password\\": \\"'.repeat(n / 18),
  ansi: (n) => '\x1b[31mtoken=\x1b[0m'.repeat(n / 16),
  flags: (n) => ' -p -u a:b --password '.repeat(n / 22),
  base64: (n) => 'QUJDREVGR0g6aGVsbG8'.repeat(n / 19),
};

function attempts(text: string): number {
  redactStats.attempts = 0;
  redactSecrets(text);
  return redactStats.attempts;
}

describe('redaction in linear time', () => {
  it('no rule regex has an unbounded quantifier (but the PEM block, which a match ends)', () => {
    const unbounded = RULES.filter((r) => r.name !== 'private_key').flatMap((r) => unboundedQuantifiers(r.re.source).map((q) => `${r.name}: ${q}`));
    expect(unbounded).toEqual([]);
  });

  for (const [name, make] of Object.entries(HOSTILE)) {
    it(`${name}: a 1 MB line costs at most ~4x the attempts of a 250 KB one`, () => {
      const small = attempts(make(250_000));
      const large = attempts(make(1_000_000));
      expect(large).toBeLessThanOrEqual(small * 4.2 + 100);
    });
  }
});
