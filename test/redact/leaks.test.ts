/**
 * The wide leak corpus (test/reliability/leak-corpus.ts, 100+ formats) through redaction alone:
 * no format keeps its secret, in its text as written, JSON-escaped, or coloured. And the
 * over-redaction traps (test/reliability/fp-corpus.ts) come through unchanged.
 */
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/content/redact.js';
import { FP_CORPUS } from '../reliability/fp-corpus.js';
import { LEAK_CORPUS } from '../reliability/leak-corpus.js';

describe('the wide leak corpus', () => {
  it('has over 100 distinct formats', () => {
    expect(new Set(LEAK_CORPUS.map((p) => p.format)).size).toBeGreaterThanOrEqual(100);
  });

  const forms: Record<string, (t: string) => string> = {
    raw: (t) => t,
    'JSON-escaped': (t) => JSON.stringify({ output: t }),
    coloured: (t) => `\x1b[31m${t}\x1b[0m`,
    // the 8-bit CSI: the pre-scan folds it into ESC's mark, which alone makes the view
    'coloured with the 8-bit CSI': (t) => `\x9b31m${t}\x9b0m`,
  };
  for (const p of LEAK_CORPUS) {
    it(`removes ${p.format}`, () => {
      const kept = Object.entries(forms)
        .filter(([, form]) => p.secrets.some((s) => redactSecrets(form(p.text)).includes(s)))
        .map(([name]) => name);
      expect(kept, redactSecrets(p.text)).toEqual([]);
    });
  }
});

describe('over-redaction traps', () => {
  for (const text of FP_CORPUS) {
    it(`keeps ${JSON.stringify(text.slice(0, 60))}`, () => {
      for (const form of [text, JSON.stringify({ output: text }), `\x1b[2m${text}\x1b[0m`]) expect(redactSecrets(form)).toBe(form);
    });
  }

  it('UI text is kept by its value, not its key: a passphrase or a key under the same names still goes', () => {
    expect(redactSecrets('{"password": "correct horse battery staple"}')).toBe('{"password": "[REDACTED:password]"}');
    expect(redactSecrets('{"token": "Qm9aL1x7Vb3kP0rT"}')).toBe('{"token": "[REDACTED:token]"}');
    expect(redactSecrets('SECRET_KEY=InXWuOfSu4POBHbF1x6QqLmZ')).toBe('SECRET_KEY=[REDACTED:secret]');
  });
});

describe('the normalised view', () => {
  it('redacts in raw JSON and leaves it valid JSON whose value is the redacted text', () => {
    const key = `sk-proj-${'Zx9Qw2Er7Ty4Ui1Op3'.repeat(4)}`;
    const raw = JSON.stringify({
      cmd: `printf 'a\\n'\n${key}\n\x1b[31mAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9k2Lm4Np\x1b[0m`,
      note: 'caf\u00e9 \ud83d\ude00',
    });
    const out = redactSecrets(raw);
    const parsed = JSON.parse(out) as { cmd: string; note: string };
    expect(parsed.cmd).toBe("printf 'a\\n'\n[REDACTED:openai_key]\n\x1b[31mAWS_SECRET_ACCESS_KEY=[REDACTED:secret]\x1b[0m");
    expect(parsed.note).toBe('caf\u00e9 \ud83d\ude00');
  });

  it('near-trigger search equals the whole-text search on both wide corpora', () => {
    for (const t of [...LEAK_CORPUS.map((p) => p.text), ...FP_CORPUS]) {
      for (const form of [t, JSON.stringify({ output: t }), `x${t}y`]) expect(redactSecrets(form), form).toBe(redactSecrets(form, [], false));
    }
  });
});
