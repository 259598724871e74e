/**
 * One row element of the waterfall, recycled: its children are made once and, when it shows
 * another span, only the text, classes and positions that differ are written (no elements made
 * or dropped while scrolling, no listeners per row). What a span's row shows is computed once per
 * span and time scale (`RowView`).
 */
import type { Span } from '../../trace/span.js';
import { fmtDuration, fmtTokens, oneLine } from '../view/format.js';
import { rowDetail, usageOf } from '../view/summary.js';
import { barOf, type TimeScale } from '../view/timeline.js';
import type { TreeRow } from '../view/tree.js';
import { h } from './dom.js';

export const ROW_HEIGHT = 24;

/** What one span's row shows (independent of where the row sits). */
export interface RowView {
  tokText: string;
  tokTitle: string;
  detail: string;
  barClass: string;
  barLeft: string;
  barWidth: string;
  durText: string;
  durClass: string;
  durLeft: string;
}

const ms = (iso: string): number => Date.parse(iso);

function pct(v: number): string {
  return `${(v * 100).toFixed(3)}%`;
}

export function rowView(s: Span, scale: TimeScale): RowView {
  const usage = usageOf(s);
  const b = barOf(scale, ms(s.startTime), s.endTime === null ? null : ms(s.endTime));
  // the duration sits after the bar, or before it when the bar reaches the right edge, or inside when both are full
  const end = b.left + b.width;
  const [durClass, durAt] = end <= 0.85 ? ['dur', end] : b.left >= 0.15 ? ['dur before', b.left] : ['dur inside', end];
  return {
    tokText: usage === null ? '' : `${fmtTokens(usage.input)} → ${fmtTokens(usage.output)}`,
    tokTitle: usage === null ? '' : `input ${usage.input} (cached ${usage.cached}) · output ${usage.output} (reasoning ${usage.reasoning})`,
    detail: oneLine(rowDetail(s), 160),
    barClass: `bar b-${s.kind}${s.status === 'error' ? ' b-error' : ''}`,
    barLeft: pct(b.left),
    barWidth: pct(b.width),
    durText: s.endTime === null ? 'open' : fmtDuration(ms(s.endTime) - ms(s.startTime)),
    durClass,
    durLeft: pct(durAt),
  };
}

/**
 * Sets a text only when it differs, in the element's own text node (replacing the node, as
 * `textContent =` does, would rebuild its layout object too).
 */
function text(el: HTMLElement, v: string): void {
  const t = el.firstChild;
  if (t instanceof Text) {
    if (t.data !== v) t.data = v;
  } else el.textContent = v;
}

function cls(el: HTMLElement, v: string): void {
  if (el.className !== v) el.className = v;
}

/** a gutter cell's stride: 14 px and the 4 px gap between the label's items */
const CELL = 18;

/** The gutter's cells of a row: per ancestor level `v` (a guide runs through) or ` `, then `t` (├) or `l` (└). */
export function gutterKey(r: TreeRow): string {
  return r.guides.map((g) => (g ? 'v' : ' ')).join('') + (r.depth > 0 ? (r.last ? 'l' : 't') : '');
}

/**
 * The tree guides of the rows in the DOM, drawn on one canvas over them (one image to paint,
 * rather than an element or pseudo-element per line in every row); the rows keep an empty
 * spacer of the gutter's width.
 */
export class Guides {
  readonly el = h('canvas', { class: 'guides', 'aria-hidden': 'true' });
  private key = '';
  /** the guide colour (the style sheet's --line), read once per `setRows`, never while painting */
  private color = '';

  /** Reads the colour again (new rows; the colour scheme may have changed). */
  restyle(): void {
    this.color = getComputedStyle(this.el).color;
    this.key = '';
  }

  draw(rows: readonly TreeRow[], first: number, last: number): void {
    const keys: string[] = [];
    let cells = 0;
    for (let i = first; i < last; i++) {
      const k = gutterKey(rows[i] as TreeRow);
      keys.push(k);
      cells = Math.max(cells, k.length);
    }
    const dpr = window.devicePixelRatio || 1;
    const key = `${dpr}|${first}|${keys.join('|')}`;
    if (key === this.key) return;
    this.key = key;
    const w = Math.max(1, cells * CELL);
    const hgt = Math.max(1, keys.length * ROW_HEIGHT);
    const c = this.el;
    if (c.width !== Math.ceil(w * dpr) || c.height !== Math.ceil(hgt * dpr)) {
      c.width = Math.ceil(w * dpr);
      c.height = Math.ceil(hgt * dpr);
      c.style.width = `${w}px`;
      c.style.height = `${hgt}px`;
    }
    c.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const g = c.getContext('2d');
    if (g === null) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    g.fillStyle = this.color;
    keys.forEach((k, row) => {
      const y = row * ROW_HEIGHT;
      for (let cell = 0; cell < k.length; cell++) {
        const ch = k[cell];
        const x = cell * CELL + 6;
        if (ch === 'v' || ch === 't') g.fillRect(x, y, 1, ROW_HEIGHT);
        if (ch === 'l') g.fillRect(x, y, 1, ROW_HEIGHT / 2);
        if (ch === 't' || ch === 'l') g.fillRect(x, y + ROW_HEIGHT / 2, 7, 1);
      }
    });
  }
}

export class RowSlot {
  readonly el: HTMLElement;
  /** the row index it shows, -1 when free */
  index = -1;
  /** an empty spacer as wide as the gutter; the guides are drawn by `Guides` */
  private readonly gutter = h('span', { class: 'gut' });
  private readonly tog = h('span', { class: 'tog' });
  private readonly kind = h('span', { class: 'kind' });
  private readonly name = h('span', { class: 'name' });
  private readonly tok = h('span', { class: 'tok' });
  private readonly detail = h('span', { class: 'detail' });
  private readonly bar = h('div', { class: 'bar' });
  private readonly dur = h('span', { class: 'dur' });
  private top = -1;
  private view: RowView | null = null;

  constructor() {
    this.el = h(
      'div',
      { class: 'row' },
      h('div', { class: 'lab' }, this.gutter, this.tog, this.kind, this.name, this.tok, this.detail),
      h('div', { class: 'time' }, this.bar, this.dur),
    );
  }

  /** Shows row `i` (`r`, drawn as `v`). */
  fill(i: number, r: TreeRow, v: RowView, state: { hit: boolean; selected: boolean }): void {
    const s = r.node.span;
    this.index = i;
    const el = this.el;
    cls(el, `row${s.status === 'error' ? ' error' : ''}${state.hit ? ' hit' : ''}${state.selected ? ' sel' : ''}`);
    if (el.dataset.span !== s.spanId) {
      el.dataset.span = s.spanId;
      el.dataset.kind = s.kind;
    }
    if (el.title !== s.name) el.title = s.name;
    el.dataset.row = String(i);
    if (this.top !== i) {
      this.top = i;
      el.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
    }
    const cells = gutterKey(r).length;
    const gut = `${Math.max(0, cells * CELL - 4)}px`;
    if (this.gutter.style.width !== gut) this.gutter.style.width = gut;
    this.gutter.hidden = cells === 0;
    text(this.tog, r.hasChildren ? (r.expanded ? '▾' : '▸') : '');
    cls(this.kind, `kind k-${s.kind}`);
    text(this.kind, s.kind);
    text(this.name, s.name);
    if (this.view !== v) this.fillView(v);
  }

  private fillView(v: RowView): void {
    this.view = v;
    text(this.tok, v.tokText);
    this.tok.hidden = v.tokText === '';
    if (this.tok.title !== v.tokTitle) this.tok.title = v.tokTitle;
    text(this.detail, v.detail);
    this.detail.hidden = v.detail === '';
    cls(this.bar, v.barClass);
    this.bar.style.left = v.barLeft;
    this.bar.style.width = v.barWidth;
    text(this.dur, v.durText);
    cls(this.dur, v.durClass);
    this.dur.style.left = v.durLeft;
  }

  setSelected(selected: boolean): void {
    this.el.classList.toggle('sel', selected);
  }
}
