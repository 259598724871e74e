/**
 * The viewer in the browser: hash routes (`#/`, `#/trace/<id>[?span=<id>]`, `#/trace/<id>/transcript`),
 * live refresh on server-sent events. Reads an embedded data block instead of the API when the
 * page is an exported file.
 */
import { clear, h } from './dom.js';
import { SessionsPage } from './sessions-page.js';
import { EmbeddedSource, ServerSource, type Embedded, type Source } from './source.js';
import { TracePage } from './trace-page.js';
import { showTranscript } from './transcript-page.js';

type Route = { page: 'sessions' } | { page: 'trace'; traceId: string; span: string | null } | { page: 'transcript'; traceId: string };

function parseRoute(hash: string, fallbackTrace: string | null): Route {
  const m = /^#\/trace\/([0-9a-f]+)(\/transcript)?(?:\?(.*))?$/.exec(hash);
  if (m === null) return fallbackTrace === null ? { page: 'sessions' } : { page: 'trace', traceId: fallbackTrace, span: null };
  const traceId = m[1] as string;
  if (m[2] !== undefined) return { page: 'transcript', traceId };
  return { page: 'trace', traceId, span: new URLSearchParams(m[3] ?? '').get('span') };
}

function embeddedData(): Embedded | null {
  const el = document.getElementById('ct-data');
  return el === null ? null : (JSON.parse(el.textContent ?? 'null') as Embedded);
}

class App {
  private readonly main = h('main');
  private readonly liveEl = h('span', { class: 'live off' }, h('span', { class: 'dot' }), 'offline');
  private current: { refresh(): Promise<void> } | null = null;
  private routeKey = '';

  constructor(
    private readonly source: Source,
    private readonly fallbackTrace: string | null,
  ) {}

  start(root: HTMLElement): void {
    clear(root);
    const home = this.source.server ? h('a', { href: '#/' }, 'Sessions') : h('span', { class: 'muted' }, 'exported trace');
    root.append(h('header', { class: 'top' }, h('span', { class: 'brand' }, 'codex-tracer'), home, this.liveEl), this.main);
    window.addEventListener('hashchange', () => void this.render());
    this.source.live(
      () => void this.current?.refresh(),
      (up) => {
        this.liveEl.className = up ? 'live' : 'live off';
        this.liveEl.lastChild!.textContent = up ? 'live' : this.source.server ? 'reconnecting…' : 'offline';
      },
    );
    void this.render();
  }

  private async render(): Promise<void> {
    const route = parseRoute(location.hash, this.fallbackTrace);
    // selecting a span only rewrites ?span= in place; a new route is a new page
    const key = route.page === 'sessions' ? 'sessions' : `${route.page}:${route.traceId}`;
    if (key === this.routeKey && route.page === 'trace') return;
    this.routeKey = key;
    try {
      if (route.page === 'sessions') {
        const page = new SessionsPage(this.main, this.source);
        this.current = page;
        await page.show();
      } else if (route.page === 'trace') {
        const page = new TracePage(this.main, this.source, { traceId: route.traceId, span: route.span });
        this.current = page;
        await page.show();
      } else {
        this.current = { refresh: () => showTranscript(this.main, this.source, route.traceId) };
        await this.current.refresh();
      }
      document.body.dataset.page = route.page;
    } catch (err) {
      clear(this.main);
      this.main.append(h('div', { class: 'empty' }, `Could not load this page: ${String(err)}`));
    }
  }
}

const data = embeddedData();
new App(data === null ? new ServerSource() : new EmbeddedSource(data), data?.traceId ?? null).start(document.getElementById('app') as HTMLElement);
