/**
 * The running watcher's health, written to `watch-status.json` in the state dir
 * every few seconds so that `status` (another process) can show each sink's
 * state and backlog, files waiting on delivery, and the last errors.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SinkLanes } from '../pipeline/sink-lanes.js';
import type { Degraded } from '../source/index.js';
import type { Sink, SinkStatus } from '../sinks/sink.js';
import type { Fields, Logger } from './log.js';

export const WATCH_STATUS_FILE = 'watch-status.json';

export interface WatchStatus {
  pid: number;
  startedAt: string;
  updatedAt: string;
  codexHome: string;
  caughtUp: boolean;
  files: { followed: number; open: number; waitingOnDelivery: number };
  spansDelivered: number;
  warnings: number;
  sinks: SinkStatus[];
  recentErrors: { time: string; level: string; msg: string; detail?: string }[];
  /** out of inotify watches: how many files and folders are polled instead, the limit and the fix */
  watchLimit?: Degraded;
}

/** Wraps a logger so that the last warnings and errors can be reported by `status`. */
export function recordingLogger(inner: Logger, keep = 10): { log: Logger; recent: WatchStatus['recentErrors'] } {
  const recent: WatchStatus['recentErrors'] = [];
  const note = (level: string, msg: string, fields?: Fields): void => {
    const detail = fields
      ? Object.entries(fields)
          .filter(([, v]) => v !== undefined && v !== null)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ')
      : undefined;
    recent.push({ time: new Date().toISOString(), level, msg, ...(detail ? { detail } : {}) });
    if (recent.length > keep) recent.shift();
  };
  return {
    recent,
    log: {
      debug: (m, f) => inner.debug(m, f),
      info: (m, f) => inner.info(m, f),
      warn: (m, f) => {
        note('warn', m, f);
        inner.warn(m, f);
      },
      error: (m, f) => {
        note('error', m, f);
        inner.error(m, f);
      },
    },
  };
}

export function snapshotStatus(
  lanes: SinkLanes,
  sinks: readonly Sink[],
  base: Pick<WatchStatus, 'pid' | 'startedAt' | 'codexHome' | 'caughtUp' | 'recentErrors' | 'watchLimit'>,
): WatchStatus {
  const set = lanes.primary;
  let open = 0;
  for (const t of set.tracers.values()) if (t.status === 'open') open++;
  return {
    ...base,
    updatedAt: new Date().toISOString(),
    files: { followed: set.tracers.size, open, waitingOnDelivery: lanes.waiting().length },
    spansDelivered: set.summary.spansDelivered,
    warnings: set.summary.warnings,
    sinks: sinks.map((s) => s.status?.() ?? { name: s.name, state: 'ok', delivered: 0, pending: 0 }),
  };
}

export function writeStatus(stateDir: string, s: WatchStatus): void {
  const path = join(stateDir, WATCH_STATUS_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function readStatus(stateDir: string): WatchStatus | undefined {
  try {
    return JSON.parse(readFileSync(join(stateDir, WATCH_STATUS_FILE), 'utf8')) as WatchStatus;
  } catch {
    return undefined;
  }
}
