/** The sessions page: filters, sortable columns, server-side paging; refreshed live. */
import type { SessionFacets, SessionListRow, SessionPage, SessionPageQuery, SessionSort } from '../../store/views.js';
import { fmtDuration, fmtTime, fmtTokens, oneLine } from '../view/format.js';
import { FIRST_SESSIONS_QUERY } from '../view/paths.js';
import { clear, h } from './dom.js';
import type { Source } from './source.js';

const PAGE = FIRST_SESSIONS_QUERY.limit ?? 50;

interface Column {
  label: string;
  sort?: SessionSort;
  num?: boolean;
  nowrap?: boolean;
  cell: (r: SessionListRow) => Node | string;
}

const COLUMNS: Column[] = [
  {
    label: 'Session',
    cell: (r) =>
      h(
        'div',
        null,
        h('span', { class: 't', title: r.title ?? '' }, r.title === null ? '(no prompt)' : oneLine(r.title, 110)),
        h('span', { class: 'muted small mono' }, r.sessionId ?? r.traceId),
      ),
  },
  { label: 'Started (UTC)', sort: 'start', nowrap: true, cell: (r) => fmtTime(r.startTime) },
  { label: 'Duration', sort: 'duration', num: true, cell: (r) => (r.endTime === null ? 'open' : fmtDuration(r.durationMs)) },
  { label: 'Project', cell: (r) => h('div', null, r.project ?? '—', r.branch === null ? null : h('div', { class: 'muted small' }, `⎇ ${r.branch}`)) },
  { label: 'Models', cell: (r) => h('div', null, ...r.models.slice(0, 3).map((m) => h('span', { class: 'chip' }, m))) },
  { label: 'Turns', sort: 'turns', num: true, cell: (r) => String(r.turns) },
  { label: 'LLM / tools', num: true, cell: (r) => `${r.llmCalls} / ${r.toolCalls}` },
  { label: 'Agents', num: true, cell: (r) => (r.subagents > 0 ? `1 + ${r.subagents}` : '1') },
  {
    label: 'Tokens in (cached) / out',
    sort: 'tokens',
    num: true,
    cell: (r) => `${fmtTokens(r.inputTokens)} (${fmtTokens(r.cachedTokens)}) / ${fmtTokens(r.outputTokens)}`,
  },
  { label: 'Cost', num: true, cell: (r) => r.cost ?? '—' },
  { label: 'Errors', sort: 'errors', num: true, cell: (r) => (r.errors > 0 ? h('span', { class: 'err' }, String(r.errors)) : '0') },
];

export class SessionsPage {
  private q: SessionPageQuery = { ...FIRST_SESSIONS_QUERY };
  private readonly table = h('tbody');
  private readonly head = h('tr');
  private readonly pager = h('div', { class: 'pager' });
  private readonly count = h('div', { class: 'sub' });

  constructor(
    private readonly root: HTMLElement,
    private readonly source: Source,
  ) {}

  async show(): Promise<void> {
    const [facets, page] = await Promise.all([this.source.facets(), this.source.sessions(this.q)]);
    clear(this.root);
    this.root.append(
      h('h1', null, 'Sessions'),
      this.count,
      this.filters(facets),
      h('table', { class: 'sessions' }, h('thead', null, this.head), this.table),
      this.pager,
    );
    this.render(page);
    // User Timing marks stay in the page (bench/ui.js reads them); nothing is sent anywhere
    performance.mark('ct:sessions-listed');
  }

  private filters(facets: SessionFacets): HTMLElement {
    const set = (k: keyof SessionPageQuery, v: string | boolean): void => {
      const q: Record<string, unknown> = { ...this.q, offset: 0 };
      if (v === '' || v === false) delete q[k];
      else q[k] = v;
      this.q = q as SessionPageQuery;
      void this.refresh();
    };
    const date = (k: 'since' | 'until', label: string): HTMLElement =>
      h('label', null, label, h('input', { type: 'date', name: k, onchange: (e: Event) => set(k, (e.target as HTMLInputElement).value) }));
    const select = (k: 'cwd' | 'model', label: string, opts: { value: string; text: string }[]): HTMLElement =>
      h(
        'label',
        null,
        label,
        h(
          'select',
          { name: k, onchange: (e: Event) => set(k, (e.target as HTMLSelectElement).value) },
          h('option', { value: '' }, 'all'),
          ...opts.map((o) => h('option', { value: o.value, title: o.value }, o.text)),
        ),
      );
    return h(
      'div',
      { class: 'filters' },
      date('since', 'From'),
      date('until', 'To'),
      select(
        'cwd',
        'Project',
        facets.projects.map((p) => ({ value: p.cwd, text: `${p.project} (${p.sessions})` })),
      ),
      select(
        'model',
        'Model',
        facets.models.map((m) => ({ value: m.model, text: `${m.model} (${m.sessions})` })),
      ),
      h(
        'label',
        null,
        h('input', { type: 'checkbox', name: 'errors', onchange: (e: Event) => set('hasErrors', (e.target as HTMLInputElement).checked) }),
        'has errors',
      ),
    );
  }

  /** Reloads the current page (also on a live change). */
  async refresh(): Promise<void> {
    this.render(await this.source.sessions(this.q));
  }

  private render(page: SessionPage): void {
    this.renderHead();
    clear(this.table);
    for (const r of page.rows) {
      const tr = h(
        'tr',
        {
          class: 'session',
          'data-trace': r.traceId,
          onclick: () => {
            location.hash = `#/trace/${r.traceId}`;
          },
        },
        ...COLUMNS.map((c, i) => h('td', { class: [c.num ? 'num' : '', c.nowrap ? 'nowrap' : '', i === 0 ? 'title' : ''].join(' ').trim() }, c.cell(r))),
      );
      this.table.append(tr);
    }
    if (page.rows.length === 0)
      this.table.append(
        h('tr', null, h('td', { colspan: COLUMNS.length, class: 'empty' }, 'No sessions match. Run `codex-tracer backfill` or `watch` to fill the store.')),
      );
    const from = page.total === 0 ? 0 : page.offset + 1;
    const to = page.offset + page.rows.length;
    this.count.textContent = `${page.total} session${page.total === 1 ? '' : 's'}`;
    clear(this.pager);
    const go = (offset: number): void => {
      this.q = { ...this.q, offset };
      void this.refresh();
    };
    this.pager.append(
      h('button', { onclick: () => go(Math.max(0, page.offset - PAGE)), disabled: page.offset === 0 }, '‹ Previous'),
      `${from}–${to} of ${page.total}`,
      h('button', { onclick: () => go(page.offset + PAGE), disabled: to >= page.total }, 'Next ›'),
    );
  }

  private renderHead(): void {
    clear(this.head);
    for (const c of COLUMNS) {
      const sorted = c.sort !== undefined && c.sort === this.q.sort;
      const arrow = sorted ? (this.q.ascending ? ' ▲' : ' ▼') : '';
      const th = h('th', { class: [c.num ? 'num' : '', c.sort ? 'sortable' : '', sorted ? 'sorted' : ''].join(' ').trim() }, c.label + arrow);
      if (c.sort !== undefined) {
        const sort = c.sort;
        th.addEventListener('click', () => {
          this.q = { ...this.q, sort, ascending: sorted ? !this.q.ascending : false, offset: 0 };
          void this.refresh();
        });
      }
      this.head.append(th);
    }
  }
}
