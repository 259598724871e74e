/** `show ID`: traces from the local store, by session id or prefix. */
import { TraceStore } from '../store/index.js';
import type { Span } from '../trace/span.js';
import { UsageError } from './context.js';

export async function loadStoredTraces(ids: string[], stateDir: string): Promise<Span[]> {
  const store = TraceStore.open({ stateDir }, { readonly: true });
  try {
    const spans: Span[] = [];
    for (const id of ids) {
      const matches = store.findTraces(id);
      if (matches.length === 0) throw new UsageError(`no session matches "${id}" (not a file either); see \`codex-tracer sessions\``);
      if (matches.length > 1) {
        const list = matches
          .slice(0, 10)
          .map((m) => `  ${m.sessionId ?? m.traceId}  ${m.startTime ?? ''}  ${m.cwd ?? ''}`)
          .join('\n');
        throw new UsageError(`"${id}" matches ${matches.length} sessions; be more specific:\n${list}`);
      }
      spans.push(...store.getTraceSpans((matches[0] as { traceId: string }).traceId));
    }
    return spans;
  } finally {
    store.close();
  }
}
