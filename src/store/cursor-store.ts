/** Where the pipeline keeps its cursors: the local store, or memory for one run (`trace`, `show`). */
import type { Cursor } from './cursors.js';
import type { TraceStore } from './store.js';

export interface CursorStore {
  get(path: string): Cursor | undefined;
  all(): Cursor[];
  put(c: Cursor): void;
  rename(oldPath: string, newPath: string): void;
}

/** Cursors kept only for this process (no state between runs). */
export class MemoryCursors implements CursorStore {
  private readonly map = new Map<string, Cursor>();
  get(path: string): Cursor | undefined {
    return this.map.get(path);
  }
  all(): Cursor[] {
    return [...this.map.values()];
  }
  put(c: Cursor): void {
    this.map.set(c.path, c);
  }
  rename(oldPath: string, newPath: string): void {
    const c = this.map.get(oldPath);
    if (!c) return;
    this.map.delete(oldPath);
    this.map.set(newPath, { ...c, path: newPath });
  }
}

/** Cursors in the local store's `cursors` table. */
export class StoreCursors implements CursorStore {
  constructor(readonly store: TraceStore) {}
  get(path: string): Cursor | undefined {
    return this.store.getCursor(path);
  }
  all(): Cursor[] {
    return this.store.getAllCursors();
  }
  put(c: Cursor): void {
    this.store.putCursor(c);
  }
  rename(oldPath: string, newPath: string): void {
    this.store.renameCursor(oldPath, newPath);
  }
}

/**
 * The cursors of several sinks that each advance at their own pace (one lane per sink, see
 * pipeline/sink-lanes.ts). Each sink keeps its own acknowledged offset per file in
 * `sink_cursors`; a file it has none for yet starts where the file's shared cursor is. The
 * shared `cursors` row stays what every sink acknowledged: the least of the sinks' cursors,
 * written once every sink has one. It is never ahead of a sink, so a run with other sinks
 * (or one sink alone), and `status`, read it as before; a sink that fell behind is served
 * from its own offset.
 */
export class SinkCursorGroup {
  /** per sink, its cursor per path as this run knows it (its own row, else the shared one) */
  private readonly known = new Map<string, Map<string, Cursor>>();
  private readonly floorWritten = new Map<string, string>();

  constructor(
    readonly store: TraceStore,
    readonly sinks: readonly string[],
  ) {
    store.noteCursorSinks(sinks);
    const shared = store.getAllCursors();
    for (const sink of sinks) {
      const mine = new Map(store.getAllCursors(sink).map((c) => [c.path, c]));
      for (const c of shared) if (!mine.has(c.path)) mine.set(c.path, c);
      this.known.set(sink, mine);
    }
    for (const c of shared) this.floorWritten.set(c.path, floorKey(c));
  }

  /** The cursor store of one sink's lane. */
  cursors(sink: string): CursorStore {
    const mine = this.known.get(sink);
    if (!mine) throw new Error(`no lane for sink ${sink}`);
    return {
      get: (path) => this.store.getCursor(path, sink) ?? this.store.getCursor(path),
      all: () => [...mine.values()],
      put: (c) => {
        this.store.putCursor(c, sink);
        mine.set(c.path, c);
        this.raiseFloor(c.path);
      },
      rename: (oldPath, newPath) => {
        this.store.renameCursor(oldPath, newPath, sink);
        this.store.renameCursor(oldPath, newPath);
        const c = mine.get(oldPath);
        mine.delete(oldPath);
        if (c) mine.set(newPath, { ...c, path: newPath });
      },
    };
  }

  /** The shared cursor of `path` becomes the least of the sinks' ones, once every sink has one. */
  private raiseFloor(path: string): void {
    let floor: Cursor | undefined;
    for (const sink of this.sinks) {
      const c = this.known.get(sink)?.get(path);
      if (!c) return;
      if (!floor || c.committedOffset < floor.committedOffset || (c.committedOffset === floor.committedOffset && !c.finalized)) floor = c;
    }
    if (!floor) return;
    const key = floorKey(floor);
    if (this.floorWritten.get(path) === key) return;
    this.store.putCursor(floor);
    this.floorWritten.set(path, key);
  }
}

function floorKey(c: Cursor): string {
  return `${c.dev}:${c.ino}:${c.committedOffset}:${c.size}:${c.mtimeMs}:${c.finalized ? 1 : 0}:${c.firstLineHash ?? ''}:${c.sessionId ?? ''}`;
}
