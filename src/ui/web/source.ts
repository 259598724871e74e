/**
 * Where the pages get their data: the `ui` server's API (live over server-sent events), or the
 * data embedded in an exported HTML file (one session, no server).
 */
import type { SessionFacets, SessionPage, SessionPageQuery } from '../../store/views.js';
import type { Span } from '../../trace/span.js';
import { costsPath, FACETS_PATH, outlinePath, sessionsPath, type TraceCosts } from '../view/paths.js';

export interface Source {
  /** false for an exported file: no sessions list, no live updates */
  readonly server: boolean;
  sessions(q: SessionPageQuery): Promise<SessionPage>;
  facets(): Promise<SessionFacets>;
  /** spans without their content */
  outline(traceId: string): Promise<Span[]>;
  span(traceId: string, spanId: string): Promise<Span>;
  /** ids of spans whose content matches */
  search(traceId: string, q: string): Promise<string[]>;
  full(traceId: string): Promise<Span[]>;
  /** the trace's cost and each model call's (empty when nothing is priced) */
  costs(traceId: string): Promise<TraceCosts>;
  /** calls `onChange` whenever the store changed; `onState` with whether the stream is up */
  live(onChange: () => void, onState: (up: boolean) => void): void;
}

/** Requests the page's boot script started before the app loaded (see shell.ts), each taken once. */
function prefetched(path: string): Promise<Response> | undefined {
  const w = window as { ctPrefetch?: Record<string, Promise<Response>> };
  const res = w.ctPrefetch?.[path];
  if (res !== undefined) delete w.ctPrefetch?.[path];
  return res;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await (prefetched(path) ?? fetch(path, { headers: { Accept: 'application/json' } }));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export class ServerSource implements Source {
  readonly server = true;
  sessions(q: SessionPageQuery): Promise<SessionPage> {
    return getJson(sessionsPath(q));
  }
  facets(): Promise<SessionFacets> {
    return getJson(FACETS_PATH);
  }
  async outline(traceId: string): Promise<Span[]> {
    return (await getJson<{ spans: Span[] }>(outlinePath(traceId))).spans;
  }
  span(traceId: string, spanId: string): Promise<Span> {
    return getJson(`/api/traces/${traceId}/spans/${spanId}`);
  }
  async search(traceId: string, q: string): Promise<string[]> {
    return (await getJson<{ ids: string[] }>(`/api/traces/${traceId}/search?q=${encodeURIComponent(q)}`)).ids;
  }
  async full(traceId: string): Promise<Span[]> {
    return (await getJson<{ spans: Span[] }>(`/api/traces/${traceId}/full`)).spans;
  }
  costs(traceId: string): Promise<TraceCosts> {
    return getJson(costsPath(traceId));
  }
  live(onChange: () => void, onState: (up: boolean) => void): void {
    const es = new EventSource('/api/events');
    es.addEventListener('change', () => onChange());
    es.addEventListener('open', () => onState(true));
    es.addEventListener('error', () => onState(false));
  }
}

/** What `export --format html` embeds. */
export interface Embedded {
  traceId: string;
  spans: Span[];
  costs?: TraceCosts;
}

const HEAVY = ['input.value', 'output.value'];

export class EmbeddedSource implements Source {
  readonly server = false;
  constructor(private readonly data: Embedded) {}
  sessions(): Promise<SessionPage> {
    return Promise.resolve({ total: 0, offset: 0, rows: [] });
  }
  facets(): Promise<SessionFacets> {
    return Promise.resolve({ projects: [], models: [], first: null, last: null });
  }
  outline(): Promise<Span[]> {
    return Promise.resolve(
      this.data.spans.map((s) => ({ ...s, attributes: Object.fromEntries(Object.entries(s.attributes).filter(([k]) => !HEAVY.includes(k))) })),
    );
  }
  span(_traceId: string, spanId: string): Promise<Span> {
    const s = this.data.spans.find((x) => x.spanId === spanId);
    return s === undefined ? Promise.reject(new Error(`no span ${spanId}`)) : Promise.resolve(s);
  }
  search(_traceId: string, q: string): Promise<string[]> {
    const needle = q.trim().toLowerCase();
    if (needle === '') return Promise.resolve([]);
    return Promise.resolve(this.data.spans.filter((s) => JSON.stringify(s).toLowerCase().includes(needle)).map((s) => s.spanId));
  }
  full(): Promise<Span[]> {
    return Promise.resolve(this.data.spans);
  }
  costs(): Promise<TraceCosts> {
    return Promise.resolve(this.data.costs ?? { total: null, spans: {} });
  }
  live(_onChange: () => void, onState: (up: boolean) => void): void {
    onState(false);
  }
}
