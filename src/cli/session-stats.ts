/** Per-session counts of a run, gathered from the spans it delivered: the rows of `trace --summary-md`. */
import type { SpanEffect } from '../trace/effects.js';
import { ATTR, type Span } from '../trace/span.js';
import { projectOf } from '../store/index.js';

export interface SessionRow {
  traceId: string;
  sessionId: string | null;
  project: string | null;
  turns: number;
  modelCalls: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
  /** null while unknown (the session span did not end) */
  durationMs: number | null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export class SessionStats {
  readonly rows = new Map<string, SessionRow>();

  private row(traceId: string): SessionRow {
    let r = this.rows.get(traceId);
    if (!r) {
      r = { traceId, sessionId: null, project: null, turns: 0, modelCalls: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, errors: 0, durationMs: null };
      this.rows.set(traceId, r);
    }
    return r;
  }

  add(effects: readonly SpanEffect[]): void {
    for (const e of effects) if (e.type === 'span_ended' && !e.repeat) this.count(e.span);
  }

  private count(span: Span): void {
    const r = this.row(span.traceId);
    if (span.status === 'error') r.errors++;
    switch (span.kind) {
      case 'session': {
        r.sessionId = typeof span.attributes[ATTR.conversationId] === 'string' ? (span.attributes[ATTR.conversationId] as string) : null;
        const cwd = span.attributes[ATTR.cwd];
        r.project = projectOf(typeof cwd === 'string' ? cwd : null);
        const d = span.endTime ? Date.parse(span.endTime) - Date.parse(span.startTime) : NaN;
        r.durationMs = Number.isFinite(d) ? d : null;
        break;
      }
      case 'turn':
        r.turns++;
        break;
      case 'tool':
        r.toolCalls++;
        break;
      case 'llm':
        r.modelCalls++;
        r.inputTokens += num(span.attributes[ATTR.inputTokens]);
        r.outputTokens += num(span.attributes[ATTR.outputTokens]);
        break;
      default:
        break;
    }
  }

  list(): SessionRow[] {
    return [...this.rows.values()].sort((a, b) => (a.sessionId ?? a.traceId).localeCompare(b.sessionId ?? b.traceId));
  }
}
