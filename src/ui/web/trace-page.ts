/** The trace page: header summary, toolbar (search, errors only, expand/collapse), waterfall, detail. */
import type { Span } from '../../trace/span.js';
import { fmtDuration, fmtTokens } from '../view/format.js';
import { errorSpans, matchSpans, reveal } from '../view/search.js';
import type { TraceCosts } from '../view/paths.js';
import { summarize } from '../view/summary.js';
import { buildTree, flatten, parentIds, type TreeNode } from '../view/tree.js';
import { clear, debounce, h } from './dom.js';
import { detailPanel } from './detail.js';
import type { Source } from './source.js';
import { scaleFor, Waterfall } from './waterfall.js';

export interface TraceRoute {
  traceId: string;
  span: string | null;
}

export function spanLink(traceId: string, spanId: string): string {
  return `#/trace/${traceId}?span=${spanId}`;
}

function summaryBar(spans: readonly Span[], cost: string | null): HTMLElement {
  const s = summarize(spans);
  const dur = s.start !== null && s.end !== null ? Date.parse(s.end) - Date.parse(s.start) : null;
  const item = (k: string, v: string, cls = ''): HTMLElement => h('span', { class: cls }, h('span', { class: 'k' }, k), h('span', { class: 'v' }, v));
  return h(
    'div',
    { class: 'summary' },
    item('duration', fmtDuration(dur)),
    item('turns', String(s.turns)),
    item('model calls', String(s.llmCalls)),
    item('tool calls', String(s.toolCalls)),
    item('agents', String(s.agents)),
    item('tokens in', `${fmtTokens(s.inputTokens)} (cached ${fmtTokens(s.cachedTokens)})`),
    item('out', `${fmtTokens(s.outputTokens)} (reasoning ${fmtTokens(s.reasoningTokens)})`),
    item('failures', String(s.failures), s.failures > 0 ? 'err' : ''),
    cost === null ? null : item('cost', cost, 'cost'),
    s.models.length > 0 ? item('models', s.models.join(', ')) : null,
  );
}

export class TracePage {
  private spans: Span[] = [];
  private roots: TreeNode[] = [];
  private collapsed = new Set<string>();
  private query = '';
  private serverHits = new Set<string>();
  private errorsOnly = false;
  private costs: TraceCosts = { total: null, spans: {} };
  private selected: string | null;
  private readonly waterfall: Waterfall;
  private readonly pane = h('div', { class: 'detailpane' });
  private readonly head = h('div');
  private readonly status = h('span', { class: 'muted small' });
  private readonly errorsButton = h('button', { class: 'errors-only' }, 'Errors only');

  constructor(
    private readonly root: HTMLElement,
    private readonly source: Source,
    private readonly route: TraceRoute,
  ) {
    this.selected = route.span;
    this.waterfall = new Waterfall({ select: (id) => this.select(id), toggle: (id) => this.toggle(id) });
  }

  async show(): Promise<void> {
    clear(this.root);
    this.spans = await this.source.outline(this.route.traceId);
    this.root.append(this.head, this.toolbar(), h('div', { class: 'trace' }, this.waterfall.el, this.pane));
    this.rebuild();
    requestAnimationFrame(() => {
      performance.mark('ct:trace-painted');
      // the prices are asked for once the waterfall is up: pricing every call never holds it up
      void this.source
        .costs(this.route.traceId)
        .then((c) => this.setCosts(c))
        .catch((err: unknown) => console.warn('codex-tracer: the trace could not be priced', err));
    });
    if (this.selected !== null) {
      this.waterfall.reveal(this.selected);
      await this.select(this.selected, false);
    } else this.pane.append(h('div', { class: 'empty' }, 'Select a span to see its detail.'));
  }

  /** Re-reads the trace (a live change) keeping collapse, search and selection. */
  async refresh(): Promise<void> {
    this.spans = await this.source.outline(this.route.traceId);
    this.costs = await this.source.costs(this.route.traceId).catch(() => this.costs);
    if (this.query !== '') this.serverHits = new Set(await this.source.search(this.route.traceId, this.query));
    this.rebuild();
  }

  private toolbar(): HTMLElement {
    const input = h('input', { type: 'search', placeholder: 'Search this trace (names, commands, content)…', 'aria-label': 'search' });
    const run = debounce(() => void this.search(input.value), 150);
    input.addEventListener('input', run);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.nextHit();
    });
    this.errorsButton.addEventListener('click', () => {
      this.errorsOnly = !this.errorsOnly;
      this.errorsButton.classList.toggle('on', this.errorsOnly);
      this.rebuild();
    });
    const expand = h(
      'button',
      {
        onclick: () => {
          this.collapsed.clear();
          this.rebuild();
        },
      },
      'Expand all',
    );
    const collapse = h(
      'button',
      {
        onclick: () => {
          this.collapsed = parentIds(this.roots);
          this.rebuild();
        },
      },
      'Collapse all',
    );
    return h(
      'div',
      { class: 'toolbar' },
      input,
      this.errorsButton,
      expand,
      collapse,
      h('a', { href: `#/trace/${this.route.traceId}/transcript`, class: 'transcript-link' }, 'Transcript'),
      this.status,
    );
  }

  private async search(q: string): Promise<void> {
    this.query = q.trim();
    this.serverHits = this.query === '' ? new Set() : new Set(await this.source.search(this.route.traceId, this.query));
    this.rebuild();
    const first = this.hits()[0];
    if (first !== undefined) this.waterfall.reveal(first);
  }

  /** Matches of the search (client and server) and of "errors only", in tree order. */
  private matchSet(): Set<string> | null {
    let set: Set<string> | null = null;
    if (this.query !== '') set = new Set([...matchSpans(this.roots, this.query), ...this.serverHits]);
    if (this.errorsOnly) {
      const errs = errorSpans(this.roots);
      set = set === null ? errs : new Set([...set].filter((id) => errs.has(id)));
    }
    return set;
  }

  private hits(): string[] {
    const set = this.matchSet();
    return set === null
      ? []
      : flatten(this.roots)
          .map((r) => r.node.span.spanId)
          .filter((id) => set.has(id));
  }

  private nextHit(): void {
    const hits = this.hits();
    if (hits.length === 0) return;
    const i = this.selected === null ? -1 : hits.indexOf(this.selected);
    void this.select(hits[(i + 1) % hits.length] as string);
  }

  private setCosts(c: TraceCosts): void {
    this.costs = c;
    this.renderHead();
    const shown = this.pane.querySelector<HTMLElement>('.detail-body')?.dataset.span;
    if (shown !== undefined && c.spans[shown] !== undefined) void this.select(shown, false);
  }

  private renderHead(): void {
    clear(this.head);
    const session = this.roots[0]?.span;
    this.head.append(
      h('h1', null, session?.name ?? 'trace', ' ', h('span', { class: 'muted small mono' }, this.route.traceId)),
      summaryBar(this.spans, this.costs.total),
    );
  }

  private rebuild(): void {
    this.roots = buildTree(this.spans);
    this.renderHead();
    const matches = this.matchSet();
    let only: Set<string> | null = null;
    if (matches !== null) {
      const r = reveal(this.roots, matches);
      for (const id of r.ancestors) this.collapsed.delete(id);
      only = r.visible;
    }
    const rows = flatten(this.roots, { collapsed: this.collapsed, only });
    this.waterfall.setScale(scaleFor(this.spans));
    this.waterfall.setRows(rows, matches ?? new Set(), this.selected);
    this.status.textContent = matches === null ? `${this.spans.length} spans` : `${matches.size} match${matches.size === 1 ? '' : 'es'}`;
  }

  private toggle(id: string): void {
    if (this.collapsed.has(id)) this.collapsed.delete(id);
    else this.collapsed.add(id);
    this.rebuild();
  }

  private async select(id: string, updateHash = true): Promise<void> {
    this.selected = id;
    this.waterfall.setSelected(id);
    this.waterfall.reveal(id);
    const link = spanLink(this.route.traceId, id);
    if (updateHash) history.replaceState(null, '', link);
    clear(this.pane);
    try {
      const span = await this.source.span(this.route.traceId, id);
      clear(this.pane);
      this.pane.append(detailPanel(span, link, this.costs.spans[id]));
    } catch (err) {
      this.pane.append(h('div', { class: 'empty' }, `Could not load the span: ${String(err)}`));
    }
  }
}
