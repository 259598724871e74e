/**
 * secretlint's recommended preset (pinned, 11.3) as an oracle beside our one-pass matcher: every
 * secret it finds in both corpora and in the over-redaction traps, our redaction removes too.
 * It is not on the hot path (async, per file, ~1–2.5 MB/s for 16 rules: see docs/decisions.md),
 * so it checks our rules here instead of running in the backfill.
 */
import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/content/redact.js';
import { FP_CORPUS } from '../reliability/fp-corpus.js';
import { LEAK_CORPUS } from '../reliability/leak-corpus.js';
import { PLANTED } from './corpus.js';

const config = { rules: [{ id: creator.meta.id, rule: creator, options: {} }] };

async function secretlintFinds(text: string): Promise<string[]> {
  const r = await lintSource({
    source: { content: text, filePath: '/virtual/session.txt', ext: '.txt', contentType: 'text' },
    options: { config, noPhysicFilePath: true, maskSecrets: false },
  });
  return r.messages.map((m) => text.slice(m.range[0], m.range[1]));
}

describe("secretlint's recommended preset as an oracle", () => {
  it('finds secrets in the corpora, and redaction removes each one it finds', async () => {
    const texts = [...PLANTED, ...LEAK_CORPUS].map((p) => p.text);
    let found = 0;
    const kept: string[] = [];
    for (const text of texts) {
      const out = redactSecrets(text);
      for (const s of await secretlintFinds(text)) {
        found++;
        if (out.includes(s)) kept.push(s);
      }
    }
    expect(found).toBeGreaterThanOrEqual(15);
    expect(kept).toEqual([]);
  });

  it('finds nothing in the over-redaction traps either', async () => {
    const finds = (await Promise.all(FP_CORPUS.map(secretlintFinds))).flat();
    expect(finds).toEqual([]);
  });
});
