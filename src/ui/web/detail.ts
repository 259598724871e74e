/** The span detail panel: what went in and came out, usage, timing, raw attributes, a deep link. */
import { ATTR, type Span } from '../../trace/span.js';
import { fmtDuration, prettyContent } from '../view/format.js';
import { str, usageOf } from '../view/summary.js';
import { h } from './dom.js';

const CONTENT_LABELS: Record<string, [string, string]> = {
  session: ['Input', 'Output'],
  turn: ['Prompt', 'Answer'],
  llm: ['New input', 'Response'],
  tool: ['Arguments', 'Result'],
  compaction: ['Input', 'Summary'],
  subagent: ['Task', 'Result'],
};

function block(title: string, text: string | undefined): HTMLElement[] {
  if (text === undefined) return [];
  const p = prettyContent(text);
  return [h('h3', null, title, p.json ? h('span', { class: 'muted small' }, ' · JSON') : null), h('pre', { class: p.json ? 'json' : 'text' }, p.text)];
}

function usage(span: Span): HTMLElement[] {
  const u = usageOf(span);
  if (u === null) return [];
  const line = (k: string, v: number, sub = false): HTMLElement =>
    h('tr', null, h('td', null, sub ? `  ⊂ ${k}` : k), h('td', { class: 'num' }, v.toLocaleString('en-US')));
  return [
    h('h3', null, 'Usage'),
    h(
      'table',
      { class: 'kv usage' },
      line('input', u.input),
      line('cached', u.cached, true),
      line('output', u.output),
      line('reasoning', u.reasoning, true),
      line('total', u.input + u.output),
    ),
  ];
}

function attributes(span: Span): HTMLElement {
  const rows = Object.entries(span.attributes)
    .filter(([k]) => k !== ATTR.input && k !== ATTR.output)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => h('tr', null, h('td', null, k), h('td', null, Array.isArray(v) ? JSON.stringify(v) : String(v))));
  return h('table', { class: 'kv attrs' }, ...rows);
}

/** The panel for one span (fetched in full); `link` is its deep link, `cost` its price (a model call's). */
export function detailPanel(span: Span, link: string, cost?: string): HTMLElement {
  const [inLabel, outLabel] = CONTENT_LABELS[span.kind] ?? ['Input', 'Output'];
  const a = span.attributes;
  const dur = span.endTime === null ? 'open' : fmtDuration(Date.parse(span.endTime) - Date.parse(span.startTime));
  const facts: [string, string | undefined][] = [
    ['status', span.status + (span.statusMessage === undefined ? '' : `: ${span.statusMessage}`)],
    ['start', span.startTime],
    ['duration', dur],
    ['model', str(a, ATTR.requestModel)],
    ['cost', cost],
    ['command', str(a, ATTR.command)],
    ['exit code', typeof a[ATTR.exitCode] === 'number' ? String(a[ATTR.exitCode]) : undefined],
    ['span id', span.spanId],
  ];
  return h(
    'div',
    { class: 'detail-body', 'data-span': span.spanId },
    h('h2', null, h('span', { class: `kind k-${span.kind}` }, span.kind), ' ', span.name),
    h('div', { class: 'small' }, h('a', { href: link, class: 'deeplink' }, 'link to this span')),
    h('table', { class: 'kv facts' }, ...facts.filter(([, v]) => v !== undefined).map(([k, v]) => h('tr', null, h('td', null, k), h('td', null, v as string)))),
    ...usage(span),
    ...block(inLabel, str(a, ATTR.input)),
    ...block(outLabel, str(a, ATTR.output)),
    h('h3', null, 'Attributes'),
    attributes(span),
  );
}
