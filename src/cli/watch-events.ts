/**
 * What `watch` says at info level once it caught up: a session started, finished
 * (finalized after --idle) or resumed. Nothing while idle; the catch-up itself is one
 * line (`caught up`), not one per old session.
 */
import type { SpanEffect } from '../trace/effects.js';
import { ATTR, type Span } from '../trace/span.js';
import type { Logger } from './log.js';
import { formatDuration } from './format.js';

export class SessionEvents {
  /** after the catch-up: before it, sessions are history and are not announced */
  live = false;
  private readonly ended = new Set<string>();

  constructor(private readonly log: Logger) {}

  observe(path: string, effects: readonly SpanEffect[]): void {
    for (const e of effects) {
      const s = e.span;
      if (s.kind !== 'session') continue;
      const id = s.spanId;
      if (e.type === 'span_ended') {
        const first = !this.ended.has(id);
        this.ended.add(id);
        if (this.live)
          this.log.info(
            first && !e.repeat ? 'session finalized' : 'session finalized again',
            fields(s, path, { duration: formatDuration(Date.parse(s.endTime ?? '') - Date.parse(s.startTime)), turns: numberAttr(s, 'codex.turn_count') }),
          );
      } else if (e.type === 'span_started') {
        if (this.live) this.log.info('session started', fields(s, path));
      } else if (s.endTime === null && this.ended.has(id)) {
        this.ended.delete(id);
        if (this.live) this.log.info('session resumed', fields(s, path));
      }
    }
  }
}

function numberAttr(s: Span, key: string): number | undefined {
  const v = s.attributes[key];
  return typeof v === 'number' ? v : undefined;
}

function fields(s: Span, path: string, extra: Record<string, string | number | undefined> = {}): Record<string, string | number | undefined> {
  const cwd = s.attributes[ATTR.cwd];
  return { session: String(s.attributes[ATTR.conversationId] ?? s.traceId), cwd: typeof cwd === 'string' ? cwd : undefined, ...extra, file: path };
}
