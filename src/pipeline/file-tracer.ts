/**
 * One rollout file followed through its cursor. The file is the write-ahead log:
 * a fresh tracer replays the file from 0 to rebuild the reducer state, drops the
 * effects of records before the committed offset (already delivered), and
 * delivers the rest; the cursor moves only after every sink acknowledged.
 */
import { SessionProcessor, type FileWarning, type ProcessorStats } from './processor.js';
import { decideLine } from '../rollout/fastpath.js';
import { parseTsEraDocument } from '../rollout/parse.js';
import {
  batchLines,
  classifyChange,
  containerOf,
  fileIdentitySync,
  firstLineHashOf,
  hashFirstLineSync,
  readLineBatchesSync,
  readWhole,
  readZstLines,
  type FileIdentity,
  type Line,
  type RolloutKind,
} from '../source/index.js';
import type { Cursor } from '../store/index.js';
import type { Effect, SpanEffect } from '../trace/effects.js';
import type { ReducerOptions } from '../trace/reduce.js';
import type { Delivery, Parcel } from './delivery.js';
import { isIdle, settled, type TracerStatus } from './lifecycle.js';
import { notRolloutFile } from './sniff.js';

export interface TracerEnv {
  delivery: Delivery;
  reducer: (path: string) => ReducerOptions;
  /** a commit's effects were delivered (with a staging sink `delivered.effects` is empty: see Parcel) */
  onEffects: (path: string, delivered: Parcel) => void;
  onWarning: (w: FileWarning) => void;
  /** a record of a type or event name the format knowledge does not know (drift), once per record */
  onUnknown?: (name: string) => void;
  maxLineBytes?: number;
  /** bytes read per delivery batch at most (at least 64 KiB; default 1 MiB): each read is one commit */
  batchBytes?: number;
}

/** effects gathered before they go into their parcel (staged there when the sink stages) */
const STAGE_EVERY = 32;

export type StepResult = 'idle' | 'read' | 'blocked' | 'gone';

export interface StepOptions {
  force?: boolean;
  /** the file's identity when the caller has just taken it (saves a stat) */
  identity?: FileIdentity;
  /** asked once the end of the file is reached: finalize now? Its effects then go out with the last batch (one commit) */
  finalizeWhen?: (lastRecordTime: string | undefined) => boolean;
}

interface Pending {
  parcel: Parcel;
  cursor: Cursor;
}

export class FileTracer {
  readonly kind: RolloutKind;
  private proc?: SessionProcessor;
  private readOffset = 0;
  private replayUntil = 0;
  private replayFinalized = false;
  private finalized = false;
  private identity?: FileIdentity;
  private firstLineHash?: string;
  private pending?: Pending;
  /** commits under way */
  private inFlight = 0;
  private warnedNotRollout = false;
  bytesRead = 0;
  /** where the reader's last chunk ended (`readOffset` is where its last complete line did) */
  private readEnd = 0;
  /** wall-clock ms when the file last grew while being followed live (watch); idle counts from here too */
  lastLiveGrowth?: number;
  /** steps that read new bytes */
  reads = 0;

  /** `cursor`: where the file was left (the stored cursor), read at the first step */
  constructor(
    public path: string,
    private readonly env: TracerEnv,
    private storedCursor?: Cursor,
  ) {
    this.kind = containerOf(path);
  }

  get status(): TracerStatus {
    if (this.finalized) return 'finalized';
    return this.proc ? 'open' : 'unread';
  }

  /** The file was moved (e.g. to archived_sessions): follow it under its new name. */
  moveTo(path: string, cursor: Cursor | undefined): void {
    this.path = path;
    if (!this.proc && cursor) this.storedCursor = cursor;
  }

  /** Idle now (see `isIdle`)? */
  idle(idleMs: number, nowMs: number): boolean {
    return isIdle(this.lastRecordTime, this.lastLiveGrowth, idleMs, nowMs);
  }

  get threadId(): string | undefined {
    return this.proc?.threadId;
  }
  get lastRecordTime(): string | undefined {
    return this.proc?.lastRecordTime;
  }
  get isFinalized(): boolean {
    return this.finalized;
  }
  get isBlocked(): boolean {
    return this.pending !== undefined;
  }
  /** blocked, or a delivery its sinks have not answered yet (one that hangs, say) */
  get isWaiting(): boolean {
    return this.pending !== undefined || this.inFlight > 0;
  }
  /** what the file's records counted so far (lines, records, skipped, bad lines, unknown types) */
  get stats(): ProcessorStats | undefined {
    return this.proc?.stats;
  }

  /**
   * Reads what is new (from the cursor it was made with, at its first step). Returns
   * 'idle' when nothing changed, 'blocked' when a sink refused (retry later).
   */
  async step(opts: StepOptions = {}): Promise<StepResult> {
    if (this.pending && !(await this.retryPending())) return 'blocked';
    let ident: FileIdentity;
    try {
      ident = opts.identity ?? fileIdentitySync(this.path);
    } catch {
      return 'gone';
    }
    if (!this.proc) {
      const go = this.begin(this.storedCursor, ident, opts.force === true);
      if (!go) return 'idle';
    } else {
      const change = this.changeSince(ident);
      if (change === 'replaced' || change === 'truncated') this.restart(ident);
      else if (change === 'unchanged' || ident.size === this.readOffset) {
        this.setIdentity(ident);
        return 'idle';
      }
    }
    this.setIdentity(ident);
    const skipped = this.readOffset === 0 ? await this.skipIfNotRollout() : undefined;
    if (skipped) return skipped;
    const r = await this.readNew(opts.finalizeWhen);
    if (r === 'read') this.reads++;
    return r;
  }

  private begin(cursor: Cursor | undefined, ident: FileIdentity, force: boolean): boolean {
    if (cursor && !force) {
      if (settled(cursor, ident)) {
        this.finalized = true;
        this.readOffset = cursor.committedOffset;
        return false;
      }
      const hash = hashFirstLineSync(this.path);
      const change = classifyChange(cursor, ident, hash);
      if (change === 'unchanged' || change === 'grown') {
        this.replayUntil = cursor.committedOffset;
        this.replayFinalized = cursor.finalized;
      }
      this.firstLineHash = hash;
    } else {
      this.firstLineHash = undefined; // taken from the first read (see batches())
    }
    this.setIdentity(ident);
    this.proc = this.newProcessor();
    this.readOffset = 0;
    this.finalized = false;
    return true;
  }

  /**
   * The file against what this tracer last saw of it, by the one change rule
   * (`classifyChange`). The first line is hashed only when the bytes changed; a hash
   * not known yet (the first line was incomplete) is taken now.
   */
  private changeSince(ident: FileIdentity): ReturnType<typeof classifyChange> {
    const seen = { ...(this.identity as FileIdentity), committedOffset: this.readOffset, firstLineHash: this.firstLineHash };
    const quick = classifyChange(seen, ident);
    if (quick === 'unchanged' || quick === 'truncated' || ident.dev !== seen.dev || ident.ino !== seen.ino) return quick;
    const hash = hashFirstLineSync(this.path);
    if (seen.firstLineHash === undefined) seen.firstLineHash = this.firstLineHash = hash;
    return classifyChange(seen, ident, hash);
  }

  /** The file was replaced or truncated: trace it again from the start (ids keep it idempotent). */
  private restart(ident: FileIdentity): void {
    this.proc = this.newProcessor();
    this.readOffset = 0;
    this.replayUntil = 0;
    this.replayFinalized = false;
    this.finalized = false;
    this.setIdentity(ident);
    this.firstLineHash = hashFirstLineSync(this.path);
  }

  /**
   * A file that cannot be a rollout (its head, see rollout/sniff.ts) is not read: one warning
   * (offset 0), and a finalized cursor at 0, so that it is looked at again only once it changes.
   */
  private async skipIfNotRollout(): Promise<StepResult | undefined> {
    const why = await notRolloutFile(this.path, this.kind);
    if (why === undefined) return undefined;
    if (!this.warnedNotRollout) this.env.onWarning({ file: this.path, offset: 0, code: 'not_jsonl', message: `${why}; skipped, not read` });
    this.warnedNotRollout = true;
    this.replayUntil = 0;
    this.replayFinalized = false;
    this.finalized = true;
    return (await this.deliver(this.env.delivery.parcel())) ? 'idle' : 'blocked';
  }

  /** The file as last seen; its mtime bounds the times its records may have (see SessionProcessor.fileWrittenAt). */
  private setIdentity(ident: FileIdentity): void {
    this.identity = ident;
    this.proc?.fileWrittenAt(ident.mtimeMs);
  }

  /**
   * Every warning (bad lines included, which produce no effect) goes to the log with
   * file and offset; those of records already delivered before a restart are not repeated.
   */
  private newProcessor(): SessionProcessor {
    const proc = new SessionProcessor(
      this.path,
      this.env.reducer(this.path),
      undefined,
      (w) => {
        if (w.offset >= this.replayUntil) this.env.onWarning(w);
      },
      (name, offset) => {
        // records replayed to rebuild the state were counted by the run that delivered them
        if (offset >= this.replayUntil) this.env.onUnknown?.(name);
      },
    );
    if (this.identity) proc.fileWrittenAt(this.identity.mtimeMs);
    return proc;
  }

  private async retryPending(): Promise<boolean> {
    const p = this.pending as Pending;
    try {
      await this.commit(p.parcel, p.cursor);
      this.env.onEffects(this.path, p.parcel);
      this.pending = undefined;
      return true;
    } catch {
      return false;
    }
  }

  private batches(): AsyncGenerator<Line[]> | Generator<Line[]> {
    // a read buffer no larger than what there is to read (most rollouts are small)
    const remaining = (this.identity?.size ?? 0) - this.readOffset + 1;
    const hwm = Math.max(64 * 1024, Math.min(this.env.batchBytes ?? 1024 * 1024, remaining));
    const hashFirst = this.readOffset === 0 && this.firstLineHash === undefined;
    this.readEnd = this.readOffset;
    const onChunk = (buf: Buffer, n: number, pos: number): void => {
      this.readEnd = pos + n;
      if (hashFirst && pos === 0) this.firstLineHash = firstLineHashOf(buf, n);
    };
    // records nobody traces are recognised on their bytes and never decoded (src/rollout/fastpath.ts)
    const opts = { maxLineBytes: this.env.maxLineBytes, highWaterMark: hwm, onChunk, decide: decideLine };
    if (this.kind === 'zst') return batchLines(readZstLines(this.path, this.readOffset, opts));
    return readLineBatchesSync(this.path, this.readOffset, opts);
  }

  /**
   * Reads to the end of the file, delivering batch by batch. The batch that reaches the end of
   * the file (as last seen) is held until the reader confirms there is nothing after it, so that
   * it can carry the session's end when `finalizeWhen` says so: a small file costs one commit.
   * The others are delivered before the next batch is read: what waits for a commit is then
   * its parcel (a staging sink has made rows of it: see Parcel), not also the next batch's lines.
   */
  private async readNew(finalizeWhen?: StepOptions['finalizeWhen']): Promise<StepResult> {
    if (this.kind === 'json') return this.readJsonDocument();
    const proc = this.proc as SessionProcessor;
    let held: Parcel | undefined;
    for await (const batch of this.batches()) {
      if (held && !(await this.deliver(held))) return 'blocked';
      held = this.reduce(batch, proc);
      if (held === undefined) continue;
      // a zst file's offsets are past the bytes its size counts: held as every batch used to be
      if (this.kind === 'zst' || this.readEnd >= (this.identity as FileIdentity).size) continue;
      if (!(await this.deliver(held))) return 'blocked';
      held = undefined;
    }
    if (!this.finalized && finalizeWhen?.(proc.lastRecordTime)) {
      held ??= this.env.delivery.parcel();
      this.finalizeInto(held);
    }
    if (held && !(await this.deliver(held))) return 'blocked';
    return 'read';
  }

  /**
   * A batch's effects in a parcel (undefined: only records delivered before), the read offset
   * moved past it. The batch is emptied, as the reader's generator, suspended until the next
   * read, still holds it; and its effects are never in a variable of `readNew`, whose frame
   * (all of its registers) is kept while it waits for a commit.
   */
  private reduce(batch: Line[], proc: SessionProcessor): Parcel | undefined {
    const parcel = this.env.delivery.parcel();
    const effects: SpanEffect[] = [];
    let end = this.readOffset;
    for (let i = 0; i < batch.length; i++) {
      const line = batch[i] as Line;
      // a line traced is let go at once (and its effects every few records, see STAGE_EVERY):
      // a collection in the middle of the batch then finds only the lines to come alive
      batch[i] = undefined as unknown as Line;
      if (this.replayFinalized && line.offset >= this.replayUntil) {
        proc.finalize(); // re-establish "was finalized": a resume then re-opens the root
        this.replayFinalized = false;
      }
      this.collect(proc.push(line), line.offset, effects);
      end = line.end;
      if (effects.length >= STAGE_EVERY) {
        parcel.add(effects);
        effects.length = 0;
      }
    }
    batch.length = 0;
    parcel.add(effects);
    this.bytesRead += end - this.readOffset;
    if (end > this.readOffset && end > this.replayUntil) this.finalized = false; // new records: a resumed session
    this.readOffset = end;
    return end <= this.replayUntil && parcel.size === 0 ? undefined : parcel;
  }

  private collect(produced: Effect[], offset: number, into: SpanEffect[]): void {
    if (offset < this.replayUntil) return;
    for (const e of produced) if (e.type !== 'warning') into.push(e); // warnings: reported by the processor
  }

  /** TS-era rollouts are one JSON document, rewritten whole: re-trace it whenever it changes. */
  private async readJsonDocument(): Promise<StepResult> {
    const proc = this.newProcessor();
    this.proc = proc;
    const text = await readWhole(this.path);
    const doc = parseTsEraDocument(text);
    if (doc.bad) proc.badLine(0, doc.bad);
    const effects: SpanEffect[] = [];
    doc.records.forEach((r, i) => this.collect(proc.pushRecord(r, i), Number.MAX_SAFE_INTEGER, effects));
    this.readOffset = Buffer.byteLength(text);
    this.bytesRead += this.readOffset;
    const parcel = this.env.delivery.parcel();
    parcel.add(effects);
    return (await this.deliver(parcel)) ? 'read' : 'blocked';
  }

  /** Ends the session (idle, or the run ends) and records the file as finalized. */
  async finalize(): Promise<boolean> {
    if (!this.proc || this.finalized) return true;
    if (this.pending && !(await this.retryPending())) return false;
    const parcel = this.env.delivery.parcel();
    this.finalizeInto(parcel);
    return this.deliver(parcel);
  }

  private finalizeInto(parcel: Parcel): void {
    const produced = (this.proc as SessionProcessor).finalize();
    for (const e of produced) {
      // the end of the session is not a line: its warnings (e.g. a tool without output) name the end of the file
      if (e.type === 'warning') this.env.onWarning({ file: this.path, offset: this.readOffset, code: e.code, message: e.message });
    }
    const effects: SpanEffect[] = [];
    this.collect(produced, Number.MAX_SAFE_INTEGER, effects);
    parcel.add(effects);
    this.finalized = true;
  }

  private cursor(): Cursor {
    const id = this.identity as FileIdentity;
    return {
      path: this.path,
      dev: id.dev,
      ino: id.ino,
      sessionId: this.proc?.threadId ?? null,
      committedOffset: Math.max(this.readOffset, this.replayUntil),
      size: id.size,
      mtimeMs: id.mtimeMs,
      finalized: this.finalized,
      firstLineHash: this.firstLineHash ?? null,
    };
  }

  private async commit(parcel: Parcel, cursor: Cursor): Promise<void> {
    this.inFlight++;
    try {
      await this.env.delivery.commit(parcel, cursor);
    } finally {
      this.inFlight--;
    }
  }

  private async deliver(parcel: Parcel): Promise<boolean> {
    const cursor = this.cursor();
    try {
      await this.commit(parcel, cursor);
    } catch {
      this.pending = { parcel, cursor };
      return false;
    }
    this.env.onEffects(this.path, parcel);
    return true;
  }
}
