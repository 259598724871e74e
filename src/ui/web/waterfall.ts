/**
 * The waterfall: a time axis and the visible rows only (virtualized: the DOM holds the rows in
 * view plus a few), each with its tree gutter, kind, name, token badge and bar.
 */
import type { Span } from '../../trace/span.js';
import { fmtDuration, fmtTokens, oneLine } from '../view/format.js';
import { rowDetail, usageOf } from '../view/summary.js';
import { barOf, makeScale, ticks, type TimeScale } from '../view/timeline.js';
import type { TreeRow } from '../view/tree.js';
import { clear, h, perFrame } from './dom.js';

export const ROW_HEIGHT = 24;
const OVERSCAN = 12;

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

function gutter(r: TreeRow): HTMLElement[] {
  const cells = r.guides.map((g) => h('span', { class: g ? 'g v' : 'g' }));
  if (r.depth > 0) cells.push(h('span', { class: r.last ? 'g l' : 'g t' }));
  return cells;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(3)}%`;
}

export class Waterfall {
  readonly el: HTMLElement;
  private readonly axis = h('div', { class: 'time' });
  private readonly scroller = h('div', { class: 'scroller' });
  private readonly body = h('div', { class: 'rows' });
  private readonly overlay = h('div', { class: 'overlay' });
  private rows: TreeRow[] = [];
  private scale: TimeScale = makeScale(0, 1, []);
  private hits: ReadonlySet<string> = new Set();
  private selected: string | null = null;
  /** row index -> its element, for the rows in the DOM now */
  private readonly rendered = new Map<number, HTMLElement>();
  private readonly schedule = perFrame(() => this.paint());

  constructor(private readonly events: WaterfallEvents) {
    this.scroller.append(this.body);
    this.el = h('div', { class: 'wf' }, h('div', { class: 'axis' }, h('div', { class: 'lab muted small' }, 'span'), this.axis), this.scroller);
    this.scroller.addEventListener('scroll', this.schedule);
    window.addEventListener('resize', this.schedule);
  }

  setScale(scale: TimeScale): void {
    this.scale = scale;
    this.paintAxis();
  }

  /** New rows: everything in view is drawn again. */
  setRows(rows: TreeRow[], hits: ReadonlySet<string>, selected: string | null): void {
    this.rows = rows;
    this.hits = hits;
    this.selected = selected;
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.rendered.clear();
    clear(this.body);
    this.body.append(this.gapOverlay());
    this.paint();
  }

  setSelected(spanId: string | null): void {
    this.selected = spanId;
    for (const el of this.rendered.values()) el.classList.toggle('sel', el.dataset.span === spanId);
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

  private paint(): void {
    const top = this.scroller.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + this.scroller.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    // rows that scrolled out are removed, rows that scrolled in are added; the rest stay as they are
    for (const [i, el] of this.rendered) {
      if (i >= first && i < last) continue;
      el.remove();
      this.rendered.delete(i);
    }
    const fresh = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      if (this.rendered.has(i)) continue;
      const el = this.row(this.rows[i] as TreeRow, i);
      this.rendered.set(i, el);
      fresh.append(el);
    }
    this.body.append(fresh);
  }

  private gapOverlay(): HTMLElement {
    clear(this.overlay);
    // the overlay spans the time column only: from the label column's width to the right margin
    this.overlay.style.left = '44%';
    this.overlay.style.right = '12px';
    for (const g of this.scale.gaps) {
      const band = h('div', { class: 'gapband' });
      band.style.left = pct(g.at);
      band.style.width = pct(g.width);
      this.overlay.append(band);
    }
    return this.overlay;
  }

  private row(r: TreeRow, i: number): HTMLElement {
    const s = r.node.span;
    const id = s.spanId;
    const tog = h('span', { class: 'tog' }, r.hasChildren ? (r.expanded ? '▾' : '▸') : '');
    if (r.hasChildren) {
      tog.addEventListener('click', (e) => {
        e.stopPropagation();
        this.events.toggle(id);
      });
    }
    const usage = usageOf(s);
    const badge =
      usage === null
        ? null
        : h(
            'span',
            { class: 'tok', title: `input ${usage.input} (cached ${usage.cached}) · output ${usage.output} (reasoning ${usage.reasoning})` },
            `${fmtTokens(usage.input)} → ${fmtTokens(usage.output)}`,
          );
    const detail = rowDetail(s);
    const lab = h(
      'div',
      { class: 'lab' },
      ...gutter(r),
      tog,
      h('span', { class: `kind k-${s.kind}` }, s.kind),
      h('span', { class: 'name' }, s.name),
      badge,
      detail === '' ? null : h('span', { class: 'detail' }, oneLine(detail, 160)),
    );
    const b = barOf(this.scale, ms(s.startTime), s.endTime === null ? null : ms(s.endTime));
    const bar = h('div', { class: `bar b-${s.kind}${s.status === 'error' ? ' b-error' : ''}` });
    bar.style.left = pct(b.left);
    bar.style.width = pct(b.width);
    const dur = h('span', { class: 'dur' }, s.endTime === null ? 'open' : fmtDuration(ms(s.endTime) - ms(s.startTime)));
    // the duration sits after the bar, or before it when the bar reaches the right edge, or inside when both are full
    const end = b.left + b.width;
    if (end <= 0.85) dur.style.left = pct(end);
    else if (b.left >= 0.15) {
      dur.classList.add('before');
      dur.style.left = pct(b.left);
    } else {
      dur.classList.add('inside');
      dur.style.left = pct(end);
    }
    const cls = ['row', s.status === 'error' ? 'error' : '', this.hits.has(id) ? 'hit' : '', this.selected === id ? 'sel' : '']
      .filter((c) => c !== '')
      .join(' ');
    const el = h('div', { class: cls, 'data-span': id, 'data-kind': s.kind, title: s.name }, lab, h('div', { class: 'time' }, bar, dur));
    el.style.top = `${i * ROW_HEIGHT}px`;
    el.addEventListener('click', () => this.events.select(id));
    return el;
  }
}
