/**
 * The waterfall: a time axis and the visible rows only (virtualized: the DOM holds the rows in
 * view plus a few), each with its tree gutter, kind, name, token badge and bar. Rows are a pool
 * of recycled elements (waterfall-row.ts) placed by transform; a scroll repaints once per frame
 * and rewrites only the rows that came into view; clicks are handled once, on the row container.
 */
import type { Span } from '../../trace/span.js';
import { fmtDuration } from '../view/format.js';
import { makeScale, ticks, type TimeScale } from '../view/timeline.js';
import type { TreeRow } from '../view/tree.js';
import { clear, h, perFrame } from './dom.js';
import { Guides, ROW_HEIGHT, RowSlot, rowView, type RowView } from './waterfall-row.js';

const OVERSCAN = 8;

export interface WaterfallEvents {
  select(spanId: string): void;
  toggle(spanId: string): void;
}

const ms = (iso: string): number => Date.parse(iso);

/** The axis over every span; work intervals are every span but the root sessions. */
export function scaleFor(spans: readonly Span[]): TimeScale {
  let start = Infinity;
  let end = -Infinity;
  const busy: { start: number; end: number }[] = [];
  for (const s of spans) {
    const a = ms(s.startTime);
    const b = s.endTime === null ? a : ms(s.endTime);
    start = Math.min(start, a);
    end = Math.max(end, b);
    if (s.kind !== 'session' && s.kind !== 'subagent') busy.push({ start: a, end: b });
  }
  if (!Number.isFinite(start)) start = end = 0;
  return makeScale(start, end, busy);
}

function pct(v: number): string {
  return `${(v * 100).toFixed(3)}%`;
}

/** Whether two axes place every time alike (then the rows drawn for one fit the other). */
function sameScale(a: TimeScale, b: TimeScale): boolean {
  return (
    a.start === b.start &&
    a.end === b.end &&
    a.gaps.length === b.gaps.length &&
    a.gaps.every((g, i) => {
      const o = b.gaps[i];
      return o !== undefined && g.start === o.start && g.end === o.end && g.at === o.at && g.width === o.width;
    })
  );
}

export class Waterfall {
  readonly el: HTMLElement;
  private readonly axis = h('div', { class: 'time' });
  private readonly scroller = h('div', { class: 'scroller' });
  private readonly body = h('div', { class: 'rows' });
  private readonly overlay = h('div', { class: 'overlay' });
  private readonly guides = new Guides();
  private rows: TreeRow[] = [];
  private scale: TimeScale = makeScale(0, 1, []);
  private hits: ReadonlySet<string> = new Set();
  private selected: string | null = null;
  /** every row element made so far; those showing no row are out of the DOM */
  private readonly pool: RowSlot[] = [];
  /** what each span's row shows, for the current scale (by span object: a live refresh brings new ones) */
  private views = new WeakMap<Span, RowView>();
  private viewHeight = 0;
  private readonly schedule = perFrame(() => this.paint());

  constructor(private readonly events: WaterfallEvents) {
    this.scroller.append(this.body);
    this.body.append(this.overlay, this.guides.el);
    this.el = h('div', { class: 'wf' }, h('div', { class: 'axis' }, h('div', { class: 'lab muted small' }, 'span'), this.axis), this.scroller);
    this.scroller.addEventListener('scroll', this.schedule, { passive: true });
    this.body.addEventListener('click', (e) => this.onClick(e));
    // the height of the view, read when it changes rather than in every paint
    new ResizeObserver((entries) => {
      this.viewHeight = entries[0]?.contentRect.height ?? this.scroller.clientHeight;
      this.schedule();
    }).observe(this.scroller);
  }

  setScale(scale: TimeScale): void {
    if (sameScale(scale, this.scale)) return;
    this.scale = scale;
    this.views = new WeakMap();
    this.paintAxis();
    this.paintGaps();
  }

  /** New rows: every row element is refilled (none is made again). */
  setRows(rows: TreeRow[], hits: ReadonlySet<string>, selected: string | null): void {
    this.rows = rows;
    this.hits = hits;
    this.selected = selected;
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    for (const slot of this.pool) slot.index = -1;
    this.guides.restyle();
    this.paint();
  }

  setSelected(spanId: string | null): void {
    this.selected = spanId;
    for (const slot of this.pool) if (slot.index >= 0) slot.setSelected(slot.el.dataset.span === spanId);
  }

  /** Scrolls a row into view (centred when it is out of view). */
  reveal(spanId: string): void {
    const i = this.rows.findIndex((r) => r.node.span.spanId === spanId);
    if (i < 0) return;
    const top = i * ROW_HEIGHT;
    const view = this.scroller.clientHeight;
    if (top < this.scroller.scrollTop || top + ROW_HEIGHT > this.scroller.scrollTop + view) this.scroller.scrollTop = Math.max(0, top - view / 2);
    this.paint();
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('.row');
    const r = rowEl === null ? undefined : this.rows[Number(rowEl.dataset.row)];
    if (r === undefined) return;
    if (target.closest('.tog') !== null && r.hasChildren) this.events.toggle(r.node.span.spanId);
    else this.events.select(r.node.span.spanId);
  }

  private view(s: Span): RowView {
    let v = this.views.get(s);
    if (v === undefined) this.views.set(s, (v = rowView(s, this.scale)));
    return v;
  }

  /**
   * Shows the rows in view plus OVERSCAN rows each side: rows still in range keep their element;
   * the others' elements are refilled with the rows that came into view and put after (scrolling
   * down) or before (scrolling up) the kept ones, so the DOM stays in row order. After a jump
   * (more rows to fill than the overscan holds) only the rows in view are filled in this frame,
   * the overscan in the next one.
   */
  private paint(): void {
    const top = this.scroller.scrollTop;
    const height = this.viewHeight || this.scroller.clientHeight;
    const n = this.rows.length;
    const inView = [Math.max(0, Math.floor(top / ROW_HEIGHT)), Math.min(n, Math.ceil((top + height) / ROW_HEIGHT))] as const;
    const first = Math.max(0, inView[0] - OVERSCAN);
    const last = Math.min(n, inView[1] + OVERSCAN);
    const free: RowSlot[] = [];
    const shown = new Set<number>();
    for (const slot of this.pool) {
      if (slot.index >= first && slot.index < last) shown.add(slot.index);
      else free.push(slot);
    }
    const missing = (from: number, to: number): number[] => {
      const out: number[] = [];
      for (let i = from; i < to; i++) if (!shown.has(i)) out.push(i);
      return out;
    };
    const now = missing(inView[0], inView[1]);
    const overscan = [...missing(first, inView[0]), ...missing(inView[1], last)];
    const later = now.length + overscan.length > 2 * OVERSCAN;
    const fill = later ? now : [...now, ...overscan].sort((x, y) => x - y);
    const keptMin = Math.min(...shown);
    const before: HTMLElement[] = [];
    const after: HTMLElement[] = [];
    for (const i of fill) {
      const slot = free.pop() ?? this.newSlot();
      const r = this.rows[i] as TreeRow;
      const id = r.node.span.spanId;
      slot.fill(i, r, this.view(r.node.span), { hit: this.hits.has(id), selected: this.selected === id });
      (i < keptMin ? before : after).push(slot.el);
    }
    for (const slot of free) {
      slot.index = -1;
      slot.el.remove();
    }
    if (before.length > 0) this.guides.el.after(...before);
    if (after.length > 0) this.body.append(...after);
    this.guides.draw(this.rows, first, last);
    if (later && overscan.length > 0) this.schedule();
  }

  private newSlot(): RowSlot {
    const slot = new RowSlot();
    this.pool.push(slot);
    return slot;
  }

  private paintAxis(): void {
    clear(this.axis);
    for (const t of ticks(this.scale)) {
      const tick = h('span', { class: 'tick' }, t.offsetMs === 0 ? '0' : `+${fmtDuration(t.offsetMs)}`);
      tick.style.left = pct(t.x);
      this.axis.append(tick);
    }
    for (const g of this.scale.gaps) {
      const lab = h('span', { class: 'gaplab', title: `idle ${fmtDuration(g.end - g.start)} (compressed)` }, `⋯ ${fmtDuration(g.end - g.start)}`);
      lab.style.left = pct(g.at);
      lab.style.width = pct(g.width);
      this.axis.append(lab);
    }
  }

  private paintGaps(): void {
    clear(this.overlay);
    for (const g of this.scale.gaps) {
      const band = h('div', { class: 'gapband' });
      band.style.left = pct(g.at);
      band.style.width = pct(g.width);
      this.overlay.append(band);
    }
  }
}
