/**
 * The API paths the pages ask for, shared by the browser code and the page shell (whose boot
 * script asks for the first page's data before the app has loaded). Pure.
 */
import type { SessionPageQuery } from '../../store/views.js';

/** What the sessions page shows first. */
export const FIRST_SESSIONS_QUERY: SessionPageQuery = { sort: 'start', offset: 0, limit: 50 };

export function sessionsPath(q: SessionPageQuery): string {
  const p = new URLSearchParams();
  if (q.offset) p.set('offset', String(q.offset));
  if (q.limit) p.set('limit', String(q.limit));
  if (q.sort) p.set('sort', q.sort);
  if (q.ascending) p.set('asc', '1');
  if (q.since) p.set('since', q.since);
  if (q.until) p.set('until', q.until);
  if (q.cwd) p.set('cwd', q.cwd);
  if (q.model) p.set('model', q.model);
  if (q.hasErrors) p.set('errors', '1');
  return `/api/sessions?${p.toString()}`;
}

export const FACETS_PATH = '/api/facets';

export function outlinePath(traceId: string): string {
  return `/api/traces/${traceId}`;
}

export function costsPath(traceId: string): string {
  return `/api/traces/${traceId}/costs`;
}

/** What `costsPath` answers: the trace's cost as the sessions list shows it, and each model call's. */
export interface TraceCosts {
  /** every model call of the trace priced ("$1.23", "$1.23 + 2 unpriced", "unpriced"); null without calls */
  total: string | null;
  /** an LLM span's id -> its price ("$0.0123", "unpriced (why)") */
  spans: Record<string, string>;
}
