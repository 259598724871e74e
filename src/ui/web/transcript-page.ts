/** The transcript: the session as a conversation, tool calls collapsed. */
import { prettyContent } from '../view/format.js';
import { buildTranscript, type TranscriptItem } from '../view/transcript.js';
import { clear, h } from './dom.js';
import type { Source } from './source.js';
import { spanLink } from './trace-page.js';

function who(item: TranscriptItem, base: string): string {
  return item.agent === null ? base : `${base} · ${item.agent}`;
}

function itemEl(traceId: string, item: TranscriptItem): HTMLElement {
  const link = h('a', { href: spanLink(traceId, item.spanId), class: 'small' }, 'span');
  switch (item.kind) {
    case 'user':
      return h(
        'div',
        { class: 'msg user' },
        h('div', { class: 'who' }, who(item, item.turn === null ? 'user' : `user · turn ${item.turn}`), ' ', link),
        h('div', { class: 'text' }, item.text),
      );
    case 'assistant':
      return h('div', { class: 'msg assistant' }, h('div', { class: 'who' }, who(item, 'assistant'), ' ', link), h('div', { class: 'text' }, item.text));
    case 'tool':
      return h(
        'details',
        { class: item.error ? 'tool error' : 'tool' },
        h(
          'summary',
          null,
          `${item.error ? '✗' : '⚙'} ${item.name}${item.command === null ? '' : `  $ ${item.command}`}${item.agent === null ? '' : `  (${item.agent})`}`,
        ),
        item.input === null ? null : h('pre', null, prettyContent(item.input).text),
        item.output === null ? null : h('pre', null, prettyContent(item.output).text),
        link,
      );
    case 'note':
      return h('div', { class: 'note' }, `— ${item.text} —`);
  }
}

export async function showTranscript(root: HTMLElement, source: Source, traceId: string): Promise<void> {
  clear(root);
  const spans = await source.full(traceId);
  const items = buildTranscript(spans);
  root.append(
    h('h1', null, 'Transcript ', h('span', { class: 'muted small mono' }, traceId)),
    h('div', { class: 'sub' }, h('a', { href: `#/trace/${traceId}` }, '← waterfall')),
    h(
      'div',
      { class: 'transcript' },
      ...(items.length === 0
        ? [h('div', { class: 'empty' }, 'No content captured (was it traced with --content none?).')]
        : items.map((i) => itemEl(traceId, i))),
    ),
  );
}
