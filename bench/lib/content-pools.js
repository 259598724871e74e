/**
 * Seeded pools of the text kinds real tool outputs and messages hold (see
 * ../shared/reference/real-corpus-profile.md): code, logs, JSON, non-ASCII prose
 * (Japanese), box-drawing tables, plus base64 for encrypted reasoning. Built once
 * per corpus from the seed; outputs are windows of whole lines taken from them.
 */

const WORDS = (
  'the a to of and in is for on with that this by from as at be are it an or not we can value file test build error ' +
  'config module server client request response cache index query user session token stream parse write read commit ' +
  'retry timeout buffer worker thread queue handler update delete create insert select table column schema migrate'
).split(' ');
const IDENTS = [
  'result',
  'items',
  'ctx',
  'opts',
  'value',
  'count',
  'path',
  'buf',
  'data',
  'err',
  'row',
  'spans',
  'entry',
  'next',
  'offset',
  'store',
  'reader',
  'line',
];
const TYPES = ['string', 'number', 'boolean', 'Buffer', 'Span[]', 'Map<string, number>', 'Promise<void>', 'Uint8Array'];
const JA = [
  '設定',
  'ファイル',
  'を読み込みます',
  'エラーが発生しました',
  '処理が完了しました',
  'テスト',
  'サーバー',
  '接続',
  'ユーザー',
  '確認してください',
  'データベース',
  '更新',
  '削除',
  '保存しました',
  '。',
  '、',
  '実行中',
  '失敗',
  '成功',
  '警告',
];
const LEVELS = ['INFO', 'DEBUG', 'WARN', 'ERROR', 'TRACE'];
const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const pick = (rng, xs) => xs[rng.below(xs.length)];
const words = (rng, n) => Array.from({ length: n }, () => pick(rng, WORDS)).join(' ');
const chars = (rng, alphabet, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.below(alphabet.length)];
  return s;
};

function codeLine(rng, depth) {
  const pad = '  '.repeat(depth);
  switch (rng.below(8)) {
    case 0:
      return `${pad}export function ${pick(rng, IDENTS)}${rng.below(99)}(${pick(rng, IDENTS)}: ${pick(rng, TYPES)}, ${pick(rng, IDENTS)}: ${pick(rng, TYPES)}): ${pick(rng, TYPES)} {`;
    case 1:
      return `${pad}const ${pick(rng, IDENTS)} = ${pick(rng, IDENTS)}.${pick(rng, IDENTS)}(${pick(rng, IDENTS)}, ${rng.below(4096)});`;
    case 2:
      return `${pad}if (${pick(rng, IDENTS)} === undefined || ${pick(rng, IDENTS)}.length > ${rng.below(512)}) return ${pick(rng, IDENTS)};`;
    case 3:
      return `${pad}// ${words(rng, 6 + rng.below(10))}`;
    case 4:
      return `${pad}for (const ${pick(rng, IDENTS)} of ${pick(rng, IDENTS)}) ${pick(rng, IDENTS)}.push(\`${words(rng, 3)} \${${pick(rng, IDENTS)}}\`);`;
    case 5:
      return `${pad}def ${pick(rng, IDENTS)}_${pick(rng, IDENTS)}(self, ${pick(rng, IDENTS)}=None):  # ${words(rng, 4)}`;
    case 6:
      return `${pad}    let ${pick(rng, IDENTS)}: Vec<u8> = ${pick(rng, IDENTS)}.iter().map(|x| x * ${rng.below(16)}).collect();`;
    default:
      return `${pad}}`;
  }
}

function logLine(rng, i) {
  const t = `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}.${String(i % 1000).padStart(3, '0')}Z`;
  return `${t} ${pick(rng, LEVELS).padEnd(5)} [${pick(rng, IDENTS)}::${pick(rng, IDENTS)}] ${words(rng, 5 + rng.below(14))} id=${chars(rng, HEX, 12)} ms=${rng.below(9000)}`;
}

function jsonLine(rng) {
  const o = {
    id: chars(rng, HEX, 16),
    [pick(rng, IDENTS)]: words(rng, 4),
    count: rng.below(100000),
    ok: rng.below(2) === 0,
    tags: [pick(rng, WORDS), pick(rng, WORDS)],
    nested: { [pick(rng, IDENTS)]: rng.below(1000) / 10, path: `/srv/app/${pick(rng, IDENTS)}/${pick(rng, IDENTS)}.json` },
  };
  return JSON.stringify(o);
}

function jaLine(rng) {
  let s = '';
  const n = 8 + rng.below(24);
  for (let i = 0; i < n; i++) s += pick(rng, JA);
  return rng.below(3) === 0 ? `- ${s} (${words(rng, 2)})` : s;
}

function boxTable(rng, rows) {
  const w = [14, 10, 22];
  const bar = (l, m, r) => `${l}${w.map((n) => '─'.repeat(n + 2)).join(m)}${r}`;
  const out = [bar('┌', '┬', '┐')];
  for (let i = 0; i < rows; i++) {
    const cells = [pick(rng, IDENTS), String(rng.below(99999)), i % 3 === 0 ? pick(rng, JA) : words(rng, 2)];
    out.push(`│ ${cells.map((c, j) => c.slice(0, w[j]).padEnd(w[j])).join(' │ ')} │`);
  }
  out.push(bar('└', '┴', '┘'));
  return out;
}

/** lines of each kind; about 1 MB in all */
export function makePools(rng) {
  const code = [];
  let depth = 0;
  for (let i = 0; i < 4000; i++) {
    const l = codeLine(rng, depth);
    depth = l.endsWith('{') ? Math.min(depth + 1, 4) : l.trim() === '}' ? Math.max(depth - 1, 0) : depth;
    code.push(l);
  }
  const logs = Array.from({ length: 3000 }, (_, i) => logLine(rng, i));
  const json = Array.from({ length: 2500 }, () => jsonLine(rng));
  const ja = Array.from({ length: 2500 }, () => jaLine(rng));
  const box = [];
  while (box.length < 1500) box.push(...boxTable(rng, 3 + rng.below(12)));
  const prose = Array.from({ length: 2000 }, () => `${words(rng, 8 + rng.below(20))}.`);
  return { code, logs, json, ja, box, prose, b64: chars(rng, B64, 256 * 1024) };
}

const KINDS = ['code', 'code', 'logs', 'logs', 'json', 'ja', 'box', 'prose'];

/** about `bytes` of whole lines (UTF-8), mostly of one kind with others mixed in */
export function textOf(pools, rng, bytes, kind = pick(rng, KINDS)) {
  const parts = [];
  let n = 0;
  let lines = pools[kind];
  let i = rng.below(lines.length);
  while (n < bytes) {
    if (rng.below(40) === 0) {
      lines = pools[pick(rng, KINDS)]; // a different kind of output further down
      i = rng.below(lines.length);
    }
    const l = lines[i++ % lines.length];
    parts.push(l);
    n += Buffer.byteLength(l) + 1;
  }
  return parts.join('\n');
}

/** opaque base64 like encrypted reasoning (`gAAAAAB…`) */
export function base64Of(pools, rng, length) {
  const start = rng.below(pools.b64.length - 1);
  let s = 'gAAAAAB';
  while (s.length < length) s += pools.b64.slice(start, start + length - s.length);
  return s.slice(0, Math.max(16, length));
}

export function wordsOf(rng, n) {
  return words(rng, n);
}
