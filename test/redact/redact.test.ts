import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT, type ContentOptions } from '../../src/content/options.js';
import { makeContentFilter, parseRedactPattern, redactSecrets, stripUrlCredentials, truncateUtf8 } from '../../src/content/redact.js';
import { NEGATIVES, PLANTED } from './corpus.js';

const opts = (over: Partial<ContentOptions> = {}): ContentOptions => ({ ...DEFAULT_CONTENT, ...over });
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('redactSecrets: planted secrets', () => {
  it('has at least 25 distinct formats', () => {
    expect(new Set(PLANTED.map((p) => p.format)).size).toBeGreaterThanOrEqual(25);
  });

  for (const p of PLANTED) {
    it(`removes ${p.format}`, () => {
      const out = redactSecrets(p.text);
      for (const secret of p.secrets) expect(out, out).not.toContain(secret);
      expect(out).toMatch(/\[REDACTED:[a-z_]+\]/);
    });
  }

  it('removes all of them when they come together in one long document', () => {
    const doc = PLANTED.map((p) => `## ${p.format}\n${p.text}\n`).join('\n');
    const out = redactSecrets(doc);
    for (const p of PLANTED) for (const secret of p.secrets) expect(out).not.toContain(secret);
  });

  it('keeps names, schemes and hosts around the secret', () => {
    expect(redactSecrets('DB_PASSWORD=Tr0ub4dor&3')).toBe('DB_PASSWORD=[REDACTED:password]');
    expect(redactSecrets('{"password": "hunter22"}')).toBe('{"password": "[REDACTED:password]"}');
    expect(redactSecrets('postgres://app:Pg-p4ss@db:5432/app')).toBe('postgres://[REDACTED:url_credentials]@db:5432/app');
    expect(redactSecrets('Authorization: Bearer abcDEF1234567890xyz')).toBe('Authorization: Bearer [REDACTED:authorization]');
  });
});

describe('redactSecrets: rules searched only near their triggers', () => {
  // every planted case and every negative, alone, side by side, glued to words and to each other
  const glue = ['', ' ', '\n', 'x', 'monkey=', '--', '"', 'api_', 'ACCESS_', '"token": "', "password='"];
  const texts = [...PLANTED.map((p) => p.text), ...NEGATIVES];
  const variants = texts.flatMap((t, i) => glue.map((g, j) => `${g}${t}${glue[(j + i) % glue.length]}${texts[(i + 1) % texts.length]}${g}`));

  it('give exactly what searching every rule over the whole text gives', () => {
    expect(variants.length).toBeGreaterThan(500);
    for (const v of variants) expect(redactSecrets(v), v).toBe(redactSecrets(v, [], false));
  });

  it('finds triggers in a text longer than the pre-scan keeps a scratch array for, and in short texts after it', () => {
    // the pre-scan copies a text's code units into a scratch array it keeps up to 2^20 units
    const token = `ghp_${'a1'.repeat(18)}`;
    const long = `${'é'.repeat(1_100_000)} ${token} sk-${'b2'.repeat(12)}`;
    expect(redactSecrets(long)).toBe(`${'é'.repeat(1_100_000)} [REDACTED:github_token] [REDACTED:openai_key]`);
    expect(redactSecrets(`x ${token}`)).toBe('x [REDACTED:github_token]');
  });

  it('give the same for every real rollout fixture line', () => {
    const root = join(import.meta.dirname, '../../fixtures');
    for (const dir of readdirSync(root).filter((d) => d.startsWith('codex-'))) {
      for (const f of readdirSync(join(root, dir)).filter((n) => n.endsWith('.jsonl'))) {
        for (const line of readFileSync(join(root, dir, f), 'utf8').split('\n')) expect(redactSecrets(line)).toBe(redactSecrets(line, [], false));
      }
    }
  });
});

describe('redactSecrets: ordinary text survives', () => {
  for (const text of NEGATIVES) {
    it(`keeps ${JSON.stringify(text.slice(0, 50))}`, () => {
      expect(redactSecrets(text)).toBe(text);
    });
  }

  it('changes no string of any real rollout fixture', () => {
    const root = join(import.meta.dirname, '../../fixtures');
    const changed: string[] = [];
    let strings = 0;
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        strings++;
        if (redactSecrets(v) !== v) changed.push(v.slice(0, 120));
      } else if (v !== null && typeof v === 'object') {
        for (const x of Object.values(v)) visit(x);
      }
    };
    for (const dir of readdirSync(root).filter((d) => d.startsWith('codex-'))) {
      for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.jsonl'))) {
        for (const line of readFileSync(join(root, dir, file), 'utf8').split('\n')) {
          if (line.trim() !== '') visit(JSON.parse(line));
        }
      }
    }
    expect(strings).toBeGreaterThan(1000);
    expect(changed).toEqual([]);
  });
});

describe('extra patterns', () => {
  it('redacts the whole match, or only group 1', () => {
    const whole = parseRedactPattern('ACME-[0-9]{6}');
    const group = parseRedactPattern('/internal-host=([a-z0-9.-]+)/i');
    expect(redactSecrets('ticket ACME-123456 on INTERNAL-HOST=db1.corp', [whole, group])).toBe('ticket [REDACTED:pattern] on INTERNAL-HOST=[REDACTED:pattern]');
  });

  it('applies through the content filter, and rejects an invalid regex', () => {
    const filter = makeContentFilter(opts({ extraPatterns: [/project-x/g] }));
    expect(filter('about project-x and project-x')).toBe('about [REDACTED:pattern] and [REDACTED:pattern]');
    expect(() => parseRedactPattern('(')).toThrow(SyntaxError);
  });
});

describe('makeContentFilter', () => {
  it("returns undefined for mode 'none' and for missing text", () => {
    const none = makeContentFilter(opts({ mode: 'none' }));
    expect(none('hello')).toBeUndefined();
    expect(none(PLANTED[0]?.text)).toBeUndefined();
    const full = makeContentFilter(opts());
    expect(full(undefined)).toBeUndefined();
    expect(full(null)).toBeUndefined();
    expect(full('')).toBe('');
  });

  it('redacts by default and not when redaction is off', () => {
    const text = 'export OPENAI_API_KEY=sk-' + 'aB3xK9qZ7mP2'.repeat(4);
    expect(makeContentFilter(opts())(text)).toBe('export OPENAI_API_KEY=[REDACTED:openai_key]');
    expect(makeContentFilter(opts({ redact: false }))(text)).toBe(text);
  });

  it('truncates to maxFieldBytes with a marker counting the dropped bytes', () => {
    const filter = makeContentFilter(opts({ maxFieldBytes: 100 }));
    const text = 'x'.repeat(12_445);
    expect(filter(text)).toBe(`${'x'.repeat(100)}…[truncated 12345 bytes]`);
    expect(filter('y'.repeat(100))).toBe('y'.repeat(100));
  });

  it('never cuts a multi-byte character in half', () => {
    const filter = makeContentFilter(opts({ maxFieldBytes: 10 }));
    for (const ch of ['é', '€', '😀']) {
      const text = `abcdefghi${ch.repeat(4)}`;
      const out = filter(text) ?? '';
      const kept = out.slice(0, out.indexOf('…[truncated'));
      expect(text.startsWith(kept)).toBe(true);
      expect(utf8(kept)).toBeLessThanOrEqual(10);
      expect(kept).not.toMatch(/[\ud800-\udbff]$/);
      expect(out).toBe(`${kept}…[truncated ${utf8(text) - utf8(kept)} bytes]`);
    }
    expect(truncateUtf8('ab😀', 3)).toBe('ab…[truncated 4 bytes]');
  });

  it('redacts the kept part of a huge field and counts what it dropped', () => {
    const secret = 'ghp_' + 'aB3xK9qZ7mP2'.repeat(3);
    const tail = 'lorem ipsum € '.repeat(200_000);
    const text = `token ${secret} ${tail}`;
    const out = makeContentFilter(opts({ maxFieldBytes: 1024 }))(text) ?? '';
    expect(out).not.toContain(secret);
    expect(out.startsWith('token [REDACTED:github_token] lorem')).toBe(true);
    const kept = out.slice(0, out.indexOf('…[truncated'));
    const redactedBytes = utf8(text) - utf8(secret) + utf8('[REDACTED:github_token]');
    expect(out).toBe(`${kept}…[truncated ${redactedBytes - utf8(kept)} bytes]`);
  });

  it('redacts a secret straddling the cut before cutting', () => {
    const secret = 'sk-proj-' + 'Qw8eR5tY2u'.repeat(8);
    const text = `${'a'.repeat(89)} ${secret} ${'b'.repeat(50_000)}`;
    const out = makeContentFilter(opts({ maxFieldBytes: 100 }))(text) ?? '';
    expect(out).not.toContain(secret.slice(0, 12));
    expect(out.startsWith(`${'a'.repeat(89)} [REDACTED`)).toBe(true);
  });
});

describe('stripUrlCredentials', () => {
  it.each([
    ['https://user:ghp_abc123@github.com/acme/app.git', 'https://github.com/acme/app.git'],
    ['https://x-access-token:tok@github.com/acme/app', 'https://github.com/acme/app'],
    ['https://oauth2@gitlab.com/acme/app.git', 'https://gitlab.com/acme/app.git'],
    ['ssh://git:pw@github.com/acme/app.git', 'ssh://git@github.com/acme/app.git'],
    ['ssh://git@github.com/acme/app.git', 'ssh://git@github.com/acme/app.git'],
    ['git@github.com:acme/app.git', 'git@github.com:acme/app.git'],
    ['https://github.com/acme/app', 'https://github.com/acme/app'],
    ['/srv/git/app.git', '/srv/git/app.git'],
  ])('%s → %s', (input, expected) => {
    expect(stripUrlCredentials(input)).toBe(expected);
  });
});

describe('URLs without their secrets', () => {
  it('git remotes lose userinfo and secret query values; ssh users and plain parameters stay', async () => {
    const { stripUrlCredentials, maskUrl } = await import('../../src/content/url.js');
    expect(stripUrlCredentials('https://user:ghp_abc@github.com/o/r.git')).toBe('https://github.com/o/r.git');
    expect(stripUrlCredentials('https://gitlab.example/o/r.git?access_token=glpat-XYZ&ref=main')).toBe(
      'https://gitlab.example/o/r.git?access_token=***&ref=main',
    );
    expect(stripUrlCredentials('ssh://git:pw@host/r')).toBe('ssh://git@host/r');
    expect(stripUrlCredentials('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
    expect(maskUrl('https://user:pw@otel.example:4318/v1/traces?api_key=sk-123&tenant=a#x')).toBe(
      'https://***@otel.example:4318/v1/traces?api_key=***&tenant=a#x',
    );
    expect(maskUrl('http://localhost:4318/v1/traces')).toBe('http://localhost:4318/v1/traces');
    expect(maskUrl('https://h/p?X-Amz-Signature=abc&X-Amz-Date=1')).toBe('https://h/p?X-Amz-Signature=***&X-Amz-Date=1');
  });
});
