/**
 * A byte-exact line splitter. Offsets are absolute byte positions in the stream
 * (file or decompressed stream), never string lengths, so multi-byte UTF-8 cannot
 * shift them. Memory is bounded by `maxLineBytes` plus one chunk: a line that grows
 * past the limit is dropped while it is read and reported as `tooLong`.
 */

/** A complete line. `end` is the offset just past its `\n`: what a cursor may commit to. */
export interface TextLine {
  offset: number;
  end: number;
  /** the reader's `decide` hook produced this text (the caller need not look at the line again) */
  decided?: true;
  /** The line without `\n` / `\r\n`; invalid UTF-8 becomes U+FFFD. */
  text: string;
}

/** A line longer than `maxLineBytes`; its bytes were skipped, not buffered. */
export interface TooLongLine {
  offset: number;
  end: number;
  tooLong: true;
  /** Raw length on disk, `end - offset` (terminator included). */
  bytes: number;
}

/** A line the reader's `decide` hook chose not to decode (a record nobody needs); `skipped` says what it was. */
export interface SkippedLine {
  offset: number;
  end: number;
  skipped: string;
}

export type Line = TextLine | TooLongLine | SkippedLine;

/**
 * Looks at a complete line's bytes (`buf[start..end)`, no `\n`/`\r`) before it is decoded:
 * `{skip}` drops it undecoded, `{text}` is the line's text as the hook decoded it (it may
 * cut parts out), undefined decodes it whole. The source layer knows no record format:
 * the hook comes from the caller.
 */
export type LineDecider = (buf: Buffer, start: number, end: number) => { skip: string } | { text: string } | undefined;

/**
 * Longest line kept. Codex records stay far below it (the base instructions, a compacted
 * history: a few MB at most); a longer one (a runaway tool output, a file that is not a
 * rollout) is skipped with a warning, so memory per file stays near this bound.
 */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

const NL = 0x0a;
const CR = 0x0d;

/** A line's text: UTF-8, without the CR of a CRLF ending. */
export function decode(buf: Buffer, start: number, stop: number): string {
  const last = stop > start && buf[stop - 1] === CR ? stop - 1 : stop;
  return buf.toString('utf8', start, last);
}

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryLen = 0;
  private skipping = false;
  private lineStart: number;
  private pos: number;

  /** `startOffset`: the absolute offset of the first byte that will be pushed. */
  constructor(
    startOffset: number,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    private readonly decide?: LineDecider,
    /** set by readers that reuse their chunk buffer: the unfinished tail is then copied */
    private readonly copyTail = false,
  ) {
    this.lineStart = startOffset;
    this.pos = startOffset;
  }

  /** Offset just past the last complete line seen so far. */
  get committable(): number {
    return this.lineStart;
  }

  /**
   * Feed the next bytes; complete lines are appended to `out`. With `copyTail` the
   * unfinished tail is copied, so the caller may reuse `chunk`'s memory once this
   * returns; without it the splitter keeps a view of the chunk.
   */
  push(chunk: Buffer, out: Line[]): void {
    const base = this.pos;
    this.pos += chunk.length;
    let i = 0;
    if (this.carryLen > 0 || this.skipping) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.hold(chunk);
        return;
      }
      this.finishPending(chunk, nl, base + nl + 1, out);
      i = nl + 1;
    }
    const max = this.maxLineBytes;
    for (let nl = chunk.indexOf(NL, i); nl >= 0; nl = chunk.indexOf(NL, i)) {
      const offset = base + i;
      const end = base + nl + 1;
      if (nl - i > max) out.push({ offset, end, tooLong: true, bytes: end - offset });
      else out.push(this.line(chunk, i, nl, offset, end));
      i = nl + 1;
    }
    this.lineStart = base + i;
    if (i < chunk.length) this.hold(i === 0 ? chunk : chunk.subarray(i));
  }

  /**
   * End of a finished stream: emit the unterminated last line, if any, as a line
   * ending at the end of the stream. Not for files that may still be appended to.
   */
  flush(out: Line[]): void {
    if (this.carryLen === 0 && !this.skipping) return;
    const offset = this.lineStart;
    if (this.skipping) out.push({ offset, end: this.pos, tooLong: true, bytes: this.pos - offset });
    else {
      const buf = this.carry.length === 1 ? (this.carry[0] as Buffer) : Buffer.concat(this.carry);
      out.push({ offset, end: this.pos, text: decode(buf, 0, buf.length) });
    }
    this.reset(this.pos);
  }

  private line(buf: Buffer, start: number, stop: number, offset: number, end: number): Line {
    if (this.decide) {
      const last = stop > start && buf[stop - 1] === CR ? stop - 1 : stop;
      const d = this.decide(buf, start, last);
      if (d) return 'skip' in d ? { offset, end, skipped: d.skip } : { offset, end, text: d.text, decided: true };
    }
    return { offset, end, text: decode(buf, start, stop) };
  }

  private hold(part: Buffer): void {
    if (this.skipping) return;
    this.carryLen += part.length;
    if (this.carryLen > this.maxLineBytes) {
      this.carry = [];
      this.carryLen = 0;
      this.skipping = true;
    } else {
      // a reader that reuses its chunk buffer needs a copy; one that reads into fresh buffers does not
      this.carry.push(this.copyTail ? Buffer.from(part) : part);
    }
  }

  private finishPending(chunk: Buffer, nl: number, end: number, out: Line[]): void {
    const offset = this.lineStart;
    if (this.skipping || this.carryLen + nl > this.maxLineBytes) {
      out.push({ offset, end, tooLong: true, bytes: end - offset });
    } else {
      const buf = Buffer.concat([...this.carry, chunk.subarray(0, nl)], this.carryLen + nl);
      out.push(this.line(buf, 0, buf.length, offset, end));
    }
    this.reset(end);
  }

  private reset(lineStart: number): void {
    this.carry = [];
    this.carryLen = 0;
    this.skipping = false;
    this.lineStart = lineStart;
  }
}
