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
