/**
 * The viewer's JSON API, GET only, over a read-only store connection:
 *   /api/sessions?offset&limit&sort&asc&since&until&cwd&model&errors   one page of sessions
 *   /api/facets                                                        filter choices
 *   /api/traces/:traceId                                               its spans without content
 *   /api/traces/:traceId/spans/:spanId                                 one span in full
 *   /api/traces/:traceId/search?q=                                     ids of matching spans
 *   /api/traces/:traceId/full                                          every span in full (transcript)
 *   /api/traces/:traceId/costs                                         its cost and each model call's
 */
import {
  SESSION_SORTS,
  SessionPages,
  TraceReader,
  TraceStore,
  type SessionListRow,
  type SessionPage,
  type SessionPageQuery,
  type SessionSort,
} from '../../store/index.js';
import type { TraceCosts } from '../view/paths.js';

export interface ApiResult {
  status: number;
  body?: unknown;
  /** a body already serialized as JSON */
  raw?: string;
}

const ok = (body: unknown): ApiResult => ({ status: 200, body });
const notFound = (what: string): ApiResult => ({ status: 404, body: { error: `${what} not found` } });
const bad = (message: string): ApiResult => ({ status: 400, body: { error: message } });

const HEX = /^[0-9a-f]{16,32}$/;

function intParam(p: URLSearchParams, name: string): number | undefined {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : NaN;
}

/** `YYYY-MM-DD` or a full ISO instant -> ISO; a bare `until` day includes that day. */
function dateParam(v: string | null, endOfDay: boolean): string | undefined {
  if (v === null || v === '') return undefined;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const ms = Date.parse(day ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(ms)) return 'bad';
  return new Date(day && endOfDay ? ms + 86_400_000 : ms).toISOString();
}

export function sessionQuery(p: URLSearchParams): SessionPageQuery | string {
  const sort = p.get('sort') ?? 'start';
  if (!(SESSION_SORTS as readonly string[]).includes(sort)) return `sort must be one of ${SESSION_SORTS.join(', ')}`;
  const offset = intParam(p, 'offset');
  const limit = intParam(p, 'limit');
  if (Number.isNaN(offset) || Number.isNaN(limit)) return 'offset and limit must be non-negative integers';
  const since = dateParam(p.get('since'), false);
  const until = dateParam(p.get('until'), true);
  if (since === 'bad' || until === 'bad') return 'since and until must be dates (YYYY-MM-DD) or ISO instants';
  const q: SessionPageQuery = { sort: sort as SessionSort, ascending: p.get('asc') === '1', hasErrors: p.get('errors') === '1' };
  if (offset !== undefined) q.offset = offset;
  if (limit !== undefined) q.limit = limit;
  if (since !== undefined) q.since = since;
  if (until !== undefined) q.until = until;
  const cwd = p.get('cwd');
  const model = p.get('model');
  if (cwd) q.cwd = cwd;
  if (model) q.model = model;
  return q;
}

/** trace id -> the cost of its model calls as text ("$0.12", "unpriced"), for the given sessions. */
export type CostOf = (store: TraceStore, sessions: readonly { traceId: string }[]) => Map<string, string>;

/** A trace's cost and each model call's, as text (the CLI passes the cost module's). */
export type TraceCostOf = (store: TraceStore, traceId: string) => TraceCosts;

export class Api {
  private readonly pages: SessionPages;
  private readonly reader: TraceReader;
  private readonly costs = new Map<string, { sig: string; text: string }>();

  constructor(
    private readonly store: TraceStore,
    private readonly costOf?: CostOf,
    private readonly traceCostOf?: TraceCostOf,
  ) {
    this.pages = new SessionPages(store.db);
    this.reader = new TraceReader(store.db);
  }

  handle(url: URL): ApiResult {
    const parts = url.pathname
      .split('/')
      .filter((x) => x !== '')
      .slice(1);
    if (parts.length === 1 && parts[0] === 'sessions') {
      const q = sessionQuery(url.searchParams);
      return typeof q === 'string' ? bad(q) : ok(this.priced(this.pages.page(q)));
    }
    if (parts.length === 1 && parts[0] === 'facets') return ok(this.pages.facets());
    if (parts[0] === 'traces' && parts[1] !== undefined) return this.trace(parts[1], parts.slice(2), url.searchParams);
    return notFound('API route');
  }

  /**
   * Each row's cost, priced per model call at the call's time, for the rows of the page only; kept
   * per trace until its model calls or tokens change.
   */
  private priced(page: SessionPage): SessionPage {
    const sig = (r: SessionListRow): string => `${r.llmCalls}:${r.inputTokens}:${r.cachedTokens}:${r.outputTokens}:${r.reasoningTokens}`;
    if (this.costOf === undefined) return page;
    const missing = page.rows.filter((r) => this.costs.get(r.traceId)?.sig !== sig(r));
    if (missing.length > 0) {
      const costs = this.costOf(this.store, missing);
      for (const r of missing) this.costs.set(r.traceId, { sig: sig(r), text: costs.get(r.traceId) ?? '—' });
    }
    return { ...page, rows: page.rows.map((r) => ({ ...r, cost: this.costs.get(r.traceId)?.text ?? '—' })) };
  }

  private trace(traceId: string, rest: string[], p: URLSearchParams): ApiResult {
    if (!HEX.test(traceId)) return bad('a trace id is 32 hex digits');
    if (rest.length === 0) {
      const spans = this.reader.outlineJson(traceId);
      return spans === '[]' ? notFound('trace') : { status: 200, raw: `{"traceId":${JSON.stringify(traceId)},"spans":${spans}}` };
    }
    if (rest[0] === 'spans' && rest.length === 2) {
      const span = this.reader.span(traceId, rest[1] as string);
      return span === undefined ? notFound('span') : ok(span);
    }
    if (rest[0] === 'search' && rest.length === 1) return ok({ ids: this.reader.search(traceId, p.get('q') ?? '') });
    if (rest[0] === 'costs' && rest.length === 1) return ok(this.traceCostOf?.(this.store, traceId) ?? { total: null, spans: {} });
    if (rest[0] === 'full' && rest.length === 1) return ok({ traceId, spans: this.store.getTraceSpans(traceId) });
    return notFound('API route');
  }
}
