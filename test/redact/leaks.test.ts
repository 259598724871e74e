/**
 * The wide leak corpus (test/reliability/leak-corpus.ts, 100+ formats) through redaction alone:
 * no format keeps its secret, in its text as written, JSON-escaped, or coloured.
 */
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/content/redact.js';
import { LEAK_CORPUS } from '../reliability/leak-corpus.js';

describe('the wide leak corpus', () => {
  it('has over 100 distinct formats', () => {
    expect(new Set(LEAK_CORPUS.map((p) => p.format)).size).toBeGreaterThanOrEqual(100);
  });

  const forms: Record<string, (t: string) => string> = {
    raw: (t) => t,
    'JSON-escaped': (t) => JSON.stringify({ output: t }),
    coloured: (t) => `\x1b[31m${t}\x1b[0m`,
  };
  for (const p of LEAK_CORPUS) {
    it(`removes ${p.format}`, () => {
      const kept = Object.entries(forms).filter(([, form]) => p.secrets.some((s) => redactSecrets(form(p.text)).includes(s))).map(([name]) => name);
      expect(kept, redactSecrets(p.text)).toEqual([]);
    });
  }
});
