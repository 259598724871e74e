/**
 * Watching the sinks' health while a command runs, so that a backend that is down is said
 * at once and not only when a retry budget ran out: the first failure within a few
 * seconds (sink, endpoint and where it came from, error), then at most every 30 s while it
 * lasts, and once when it comes back.
 */
import type { Sink } from '../sinks/index.js';
import type { Logger } from './log.js';
import type { ProbeResult } from './probe.js';

export interface MonitoredSink {
  sink: Sink;
  /** where it delivers, as it may be shown: `http://localhost:4318/v1/traces (the default: …)` */
  endpoint: string;
  /** asks the backend directly when an export hangs without an answer */
  probe?: () => Promise<ProbeResult>;
}

export interface MonitorOptions {
  pollMs?: number;
  /** an export pending this long (default 1 s) without progress makes the monitor probe the backend */
  stallMs?: number;
  /** while down, a reminder at most this often */
  repeatMs?: number;
  now?: () => number;
}

interface Health {
  down: boolean;
  since: number;
  lastSaid: number;
  lastError?: string;
  lastDelivered: number;
  progressAt: number;
  probing: boolean;
}

export interface SinkMonitor {
  /** sinks down now, with their last error (the report of a run that gave up) */
  downNow(): { name: string; endpoint: string; error?: string }[];
  stop(): void;
}

export function monitorSinks(targets: readonly MonitoredSink[], log: Logger, opts: MonitorOptions = {}): SinkMonitor {
  const now = opts.now ?? Date.now;
  const stallMs = opts.stallMs ?? 1000;
  const repeatMs = opts.repeatMs ?? 30_000;
  const health = new Map<MonitoredSink, Health>(
    targets.map((t) => [t, { down: false, since: 0, lastSaid: 0, lastDelivered: 0, progressAt: now(), probing: false }]),
  );

  const sayDown = (t: MonitoredSink, h: Health, error: string | undefined, pending: number): void => {
    const t0 = now();
    if (!h.down) {
      Object.assign(h, { down: true, since: t0, lastSaid: t0, lastError: error });
      log.warn('sink down: delivery is failing; the rollout files keep what is not delivered, retrying', {
        sink: t.sink.name,
        endpoint: t.endpoint,
        error,
        pending,
      });
    } else if (t0 - h.lastSaid >= repeatMs) {
      h.lastSaid = t0;
      h.lastError = error ?? h.lastError;
      log.warn('sink still down', { sink: t.sink.name, endpoint: t.endpoint, error: h.lastError, pending, downFor: `${Math.round((t0 - h.since) / 1000)}s` });
    }
  };

  const check = (): void => {
    for (const [t, h] of health) {
      const s = t.sink.status?.();
      if (!s) continue;
      if (s.delivered > h.lastDelivered || s.pending === 0) {
        h.lastDelivered = s.delivered;
        h.progressAt = now();
      }
      if (s.state !== 'ok') {
        sayDown(t, h, s.lastError, s.pending);
      } else if (h.down && now() - h.progressAt < 1000 && s.delivered > 0) {
        h.down = false;
        log.info('sink back up', { sink: t.sink.name, endpoint: t.endpoint, delivered: s.delivered, wasDownFor: `${Math.round((now() - h.since) / 1000)}s` });
      } else if (s.pending > 0 && t.probe && !h.probing && now() - h.progressAt >= stallMs && (!h.down || now() - h.lastSaid >= repeatMs)) {
        h.probing = true;
        void t.probe().then((r) => {
          h.probing = false;
          if (!r.ok) sayDown(t, h, r.detail, s.pending);
          else h.progressAt = now(); // slow, but there: look again after another stall
        });
      }
    }
  };
  const timer = setInterval(check, opts.pollMs ?? 500);
  timer.unref();
  return {
    downNow: () =>
      [...health]
        .filter(([t, h]) => h.down || (t.sink.status?.().state ?? 'ok') !== 'ok')
        .map(([t, h]) => ({ name: t.sink.name, endpoint: t.endpoint, error: t.sink.status?.().lastError ?? h.lastError })),
    stop: () => clearInterval(timer),
  };
}
