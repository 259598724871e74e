/**
 * The content filter's join form (a model call's input as parts) must give exactly what
 * filtering the joined text gives, whether the parts' texts were filtered before (the tool
 * span's output, the turn's prompt: then they are not redacted again) or not.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONTENT, type ContentOptions } from '../../src/content/options.js';
import { joinParts, makeContentFilter, redactStats, type InputPart } from '../../src/content/redact.js';
import { FP_CORPUS } from '../reliability/fp-corpus.js';
import { LEAK_CORPUS } from '../reliability/leak-corpus.js';
import { NEGATIVES, PLANTED } from './corpus.js';

/** texts whose redaction depends on what stands around them (see src/content/redact-join.ts) */
const EDGES = [
  '-u admin:s3cr3tPassw0rd9 https://x.example',
  '-b "session=abcdef0123456789abcdef"',
  '--user bob:Tr0ub4dor&3x',
  '-passin pass:hunter22secret',
  'password: abc',
  '  token: zyx987',
  'password: abc\nnext line',
  'ENV API_TOKEN abcdef123456789',
  'ARG DB_PASSWORD s3cr3t-value-42',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234567890abcdefghij',
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
  '-----BEGIN PRIVATE KEY-----',
  'PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 1\nAAAAIGq4b4xP0mJ9k8bdmCkqJrXEZ0sS',
  'apiVersion: v1\ndata:\n  password: aHVudGVyMjJodW50ZXIy',
  'kind: Secret',
  'apiVersion: v1\nkind: Secret\ndata:\n  password: aHVudGVyMjJodW50ZXIy',
  'machine example.com login bob',
  'password hunter22longer',
  'login alice',
  'machine example.com',
  '<dbPassword attr="x"',
  '>hunter2secretvalue</dbPassword>',
  '<add key="ApiSecret"',
  'value="Zx9qLm2vRt8pKd4s"',
  '\x1b]0;title',
  'then ghp_abcdefghijklmnopqrstuvwxyz0123456789 after',
  '\\u001b]0;escaped title',
  'text ending in a backslash \\',
  'text ending in \\u00',
  'export OPENAI_API_KEY=sk-proj-abcdefghij1234567890KLMNOP',
  'curl -H "Authorization: Bearer abcdefghijklmnop1234567890"',
  'Cookie: sid=abcdefghijklmnop1234',
  '',
  '\n\n',
  '   ',
  'lone \ud800 surrogate',
  '\udc00 at the start',
];

const LABELS = [
  'user: ',
  'tool exec_command (call_abc123): ',
  'tool shell (call_pw9key): ',
  'tool set_token (call_1): ',
  'tool <x (y): ',
  'tool a=b (c): ',
  '',
  'tool kind: Secret (k): ',
];

const TEXTS = [...EDGES, ...PLANTED.map((p) => p.text), ...LEAK_CORPUS.map((p) => p.text), ...NEGATIVES, ...FP_CORPUS.slice(0, 200)];

/** a small deterministic generator (mulberry32) */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

function randomParts(r: () => number, long: boolean): InputPart[] {
  const n = 1 + Math.floor(r() * 5);
  return Array.from({ length: n }, () => {
    let text = pick(r, TEXTS);
    if (long && r() < 0.4) text = `${'filler line of output\n'.repeat(Math.floor(r() * 1500))}${text}${'x'.repeat(Math.floor(r() * 3000))}`;
    return { label: pick(r, LABELS), text };
  });
}

function check(options: ContentOptions, seed: number, count: number, long: boolean): void {
  const r = rng(seed);
  const warm = makeContentFilter(options);
  for (let i = 0; i < count; i++) {
    const parts = randomParts(r, long);
    // the texts filtered first, as the tool spans and the turn do, then the join from the memo
    for (const p of parts) if (r() < 0.7) warm(p.text);
    const expected = makeContentFilter(options)(joinParts(parts));
    expect(warm.joined(parts), JSON.stringify(parts).slice(0, 400)).toBe(expected);
    expect(makeContentFilter(options).joined(parts)).toBe(expected);
  }
}

describe('content filter: joined parts', () => {
  it('equals filtering the joined text, edge texts and the secret corpora in every pairing', () => {
    const filter = makeContentFilter(DEFAULT_CONTENT);
    for (const a of EDGES)
      for (const b of EDGES)
        for (const label of ['user: ', 'tool exec_command (call_1): ', '']) {
          const parts = [
            { label, text: a },
            { label, text: b },
          ];
          filter(a);
          expect(filter.joined(parts), JSON.stringify(parts)).toBe(makeContentFilter(DEFAULT_CONTENT)(joinParts(parts)));
        }
  });

  it('equals filtering the joined text on random joins, short and past the window', () => {
    check(DEFAULT_CONTENT, 1, 1500, false);
    check(DEFAULT_CONTENT, 2, 300, true);
    check({ ...DEFAULT_CONTENT, maxFieldBytes: 300 }, 3, 600, false);
  });

  it('equals filtering the joined text without redaction, with extra patterns, and with no content', () => {
    check({ ...DEFAULT_CONTENT, redact: false }, 4, 200, true);
    check({ ...DEFAULT_CONTENT, extraPatterns: [/filler (line)/g, /abc/] }, 5, 200, false);
    expect(makeContentFilter({ ...DEFAULT_CONTENT, mode: 'none' }).joined([{ label: 'user: ', text: 'hi' }])).toBeUndefined();
    expect(makeContentFilter(DEFAULT_CONTENT).joined([])).toBeUndefined();
  });

  it('does not redact a text filtered just before again', () => {
    const filter = makeContentFilter(DEFAULT_CONTENT);
    const output = 'config:\n  api_key = "Zx9qLm2vRt8pKd4sWq"\n  token: abcdefghijklmnop1234\nexport GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const alone = filter(output);
    expect(alone).toContain('[REDACTED:');
    const before = redactStats.attempts;
    const input = filter.joined([{ label: 'tool exec_command (call_1): ', text: output }]);
    expect(redactStats.attempts).toBe(before);
    expect(input).toBe(`tool exec_command (call_1): ${alone}`);
  });
});
