/**
 * The redaction pre-scan: one Aho–Corasick pass over a string finds which rules'
 * trigger words occur in it (ASCII, case-insensitive), so rules that cannot match
 * never run. A JavaScript loop over char codes beats one big regex alternation of
 * short words by a wide margin, and it reports overlapping triggers too. Pure.
 */

const ALPHABET = 128;

const ESC = 0x1b;
/**
 * ASCII lower-casing table; everything outside ASCII maps to 0, which no word contains, except
 * the 8-bit CSI (0x9b), which maps to ESC: no trigger holds ESC (checked), so a mark word `\x1b`
 * finds both escape characters and the triggers see either as any other character.
 */
const FOLD = new Uint8Array(65536);
for (let c = 0; c < ALPHABET; c++) FOLD[c] = c >= 65 && c <= 90 ? c + 32 : c;
FOLD[0x9b] = ESC;

export interface TriggerScanner {
  /**
   * Bit i set: a trigger of rule i occurs in text. With `hits`, the end index (inclusive) of
   * every trigger occurrence of a rule in `hits.mask` is pushed, in order, to `hits.at[rule]`,
   * and bit j of `hits.marks` is set when mark word j occurs.
   */
  scan(text: string, hits?: TriggerHits): number;
}

export interface TriggerHits {
  mask: number;
  at: number[][];
  marks: number;
}

/** per state: the rules (`out`) and the mark words (`mark`) one of whose words ends there */
interface Trie {
  next: number[][];
  out: number[];
  mark: number[];
}

function addWord(trie: Trie, word: string): number {
  let state = 0;
  for (const ch of word.toLowerCase()) {
    const c = ch.charCodeAt(0);
    if (c === 0 || c >= ALPHABET) throw new Error(`trigger must be ASCII: ${word}`);
    const row = trie.next[state] as number[];
    if (row[c] === -1) {
      row[c] = trie.next.length;
      trie.next.push(new Array<number>(ALPHABET).fill(-1));
      trie.out.push(0);
      trie.mark.push(0);
    }
    state = row[c] as number;
  }
  return state;
}

function buildTrie(triggers: readonly (readonly string[])[], marks: readonly string[]): Trie {
  const trie: Trie = { next: [new Array<number>(ALPHABET).fill(-1)], out: [0], mark: [0] };
  triggers.forEach((words, rule) => {
    for (const word of words) {
      if (word.includes(String.fromCharCode(ESC))) throw new Error(`a trigger cannot hold ESC: ${JSON.stringify(word)}`);
      const state = addWord(trie, word);
      trie.out[state] = (trie.out[state] as number) | (1 << rule);
    }
  });
  marks.forEach((word, j) => {
    const state = addWord(trie, word);
    trie.mark[state] = (trie.mark[state] as number) | (1 << j);
  });
  return trie;
}

/** turns the trie into a full transition table (failure links folded in), breadth first */
function buildTable({ next, out, mark }: Trie): { table: Int32Array; outputs: Int32Array; marks: Int32Array } {
  const fail = new Array<number>(next.length).fill(0);
  const queue: number[] = [];
  const root = next[0] as number[];
  for (let c = 0; c < ALPHABET; c++) {
    const s = root[c] as number;
    if (s === -1) root[c] = 0;
    else queue.push(s);
  }
  for (let head = 0; head < queue.length; head++) {
    const r = queue[head] as number;
    const row = next[r] as number[];
    const failRow = next[fail[r] as number] as number[];
    for (let c = 0; c < ALPHABET; c++) {
      const s = row[c] as number;
      if (s === -1) {
        row[c] = failRow[c] as number;
        continue;
      }
      fail[s] = failRow[c] as number;
      out[s] = (out[s] as number) | (out[fail[s] as number] as number);
      mark[s] = (mark[s] as number) | (mark[fail[s] as number] as number);
      queue.push(s);
    }
  }
  const table = new Int32Array(next.length * ALPHABET);
  next.forEach((row, i) => table.set(row, i * ALPHABET));
  return { table, outputs: Int32Array.from(out), marks: Int32Array.from(mark) };
}

/**
 * triggers[i] are the words of rule i (at most 32 rules: bit 31 is the sign bit, which the masks
 * use as any other); marks[j] a word whose occurrence sets bit j of `hits.marks` (at most 31), found
 * by the same pass.
 */
export function makeTriggerScanner(triggers: readonly (readonly string[])[], marks: readonly string[] = []): TriggerScanner {
  if (triggers.length > 32 || marks.length > 31) throw new Error('at most 32 rules with triggers and 31 marks');
  const { table: next, outputs, marks: marked } = buildTable(buildTrie(triggers, marks));
  // a move is stored as the next state's row (state << 7: no shift in the loop's chain of
  // dependent loads), into a state with outputs or marks as ~row (negative): one load per character
  const table = next.map((s) => ((outputs[s] as number) !== 0 || (marked[s] as number) !== 0 ? ~(s << 7) : s << 7));
  return { scan: (text: string, hits?: TriggerHits): number => scanText(table, outputs, marked, text, hits) };
}

/**
 * The text's UTF-16 code units, copied natively (`Buffer.write`, 'utf16le') into a scratch array
 * the scan loop then reads (grown as needed, never shrunk). The loop reads one kind of array
 * whatever the string's representation: the same loop over `text.charCodeAt(i)` (strings come
 * sequential, sliced, concatenated, one- or two-byte) was optimized by V8 into code ~4× slower
 * in some processes and not in others (the whole corpus's distinct texts, 65.8M characters:
 * 570–840 ms against 145–155 ms; bench/redaction-replay.js showed it as two speeds by process).
 * The copy costs ~0.2 ns a character.
 */
let units = new Uint16Array(1 << 15);
let unitBytes = Buffer.from(units.buffer);
/** the largest scratch array kept between scans (2 MiB); a longer text gets one of its own */
const KEPT_UNITS = 1 << 20;
/** 'utf16le' lays the units as a Uint16Array reads them only on a little-endian machine */
const LITTLE_ENDIAN = new Uint16Array(Uint8Array.of(1, 0).buffer)[0] === 1;

function scanText(table: Int32Array, outputs: Int32Array, marks: Int32Array, text: string, hits: TriggerHits | undefined): number {
  const n = text.length;
  let u = units;
  let bytes = unitBytes;
  if (u.length < n) {
    u = new Uint16Array(Math.max(n, Math.min(u.length * 2, KEPT_UNITS)));
    bytes = Buffer.from(u.buffer);
    if (u.length <= KEPT_UNITS) {
      units = u;
      unitBytes = bytes;
    }
  }
  if (LITTLE_ENDIAN) bytes.write(text, 0, 'utf16le');
  else for (let i = 0; i < n; i++) u[i] = text.charCodeAt(i);
  return scanUnits(table, outputs, marks, u, n, hits);
}

/** the Aho–Corasick pass over the first n code units (see `TriggerScanner.scan`) */
function scanUnits(table: Int32Array, outputs: Int32Array, marks: Int32Array, units: Uint16Array, n: number, hits: TriggerHits | undefined): number {
  let row = 0;
  let found = 0;
  let marked = 0;
  const mask = hits?.mask ?? 0;
  for (let i = 0; i < n; i++) {
    const to = table[row | (FOLD[units[i] as number] as number)] as number;
    if (to >= 0) {
      row = to;
      continue;
    }
    row = ~to;
    const out = outputs[row >> 7] as number;
    found |= out;
    marked |= marks[row >> 7] as number;
    if ((out & mask) !== 0) record(hits as TriggerHits, out & mask, i);
  }
  if (hits !== undefined) hits.marks = marked;
  return found;
}

function record(hits: TriggerHits, rules: number, end: number): void {
  for (let r = 0; rules !== 0; r++, rules >>>= 1) if ((rules & 1) !== 0) (hits.at[r] ??= []).push(end);
}
