/**
 * A rollout file's life in the runtime, decided in one place: its status, when it is idle,
 * when its stored cursor says there is nothing to do. Whether it changed is the one rule of
 * `classifyChange` (src/source/fileid.ts).
 */
import { classifyChange, type FileIdentity } from '../source/index.js';
import type { Cursor } from '../store/index.js';

/**
 * Where a file is in its life: `unread` before its first read (or while its finalized
 * cursor says there is nothing new), `open` while its session is followed, `finalized`
 * once the session ended (new records re-open it). Whether a delivery is waiting is
 * `isBlocked`, beside the status.
 */
export type TracerStatus = 'unread' | 'open' | 'finalized';

/**
 * The one idle rule: no record newer than `idleMs` and, when the file is followed live,
 * no growth for that long either. A file without a record has no session to wait for.
 */
export function isIdle(lastRecordTime: string | undefined, lastLiveGrowth: number | undefined, idleMs: number, nowMs: number): boolean {
  if (lastRecordTime === undefined) return lastLiveGrowth === undefined || nowMs - lastLiveGrowth >= idleMs;
  return nowMs - Math.max(Date.parse(lastRecordTime), lastLiveGrowth ?? 0) >= idleMs;
}

/** A finalized cursor whose file is exactly as it left it (same inode, size, mtime): nothing to do. */
export function settled(cursor: Cursor, now: FileIdentity): boolean {
  return cursor.finalized && classifyChange(cursor, now) === 'unchanged';
}
