/**
 * `export --format md`: a session for pasting into an issue or a pull request: a summary table,
 * the span tree (as `show` draws it) and the conversation, tool calls folded in <details>.
 */
import { ATTR, type Span } from '../../trace/span.js';
import { fmtDuration, fmtTokens, prettyContent } from '../view/format.js';
import { str, summarize } from '../view/summary.js';
import { buildTranscript, type TranscriptItem } from '../view/transcript.js';

/** A fenced code block whose fence is longer than any backtick run inside it. */
export function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${text.replace(/\n$/, '')}\n${f}`;
}

function escapeInline(s: string): string {
  return s.replace(/[\\`*_<>|[\]]/g, (c) => `\\${c}`);
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

function itemMd(item: TranscriptItem): string {
  const agent = item.agent === null ? '' : ` (${escapeInline(item.agent)})`;
  switch (item.kind) {
    case 'user':
      return `**User${item.turn === null ? '' : `, turn ${item.turn}`}${agent}:**\n\n${quote(item.text)}`;
    case 'assistant':
      return `**Assistant${agent}:**\n\n${quote(item.text)}`;
    case 'tool': {
      const head = `${item.error ? '✗' : '⚙'} ${item.name}${item.command === null ? '' : ` — ${item.command}`}${item.agent === null ? '' : ` (${item.agent})`}`;
      const parts = [`<details><summary>${head.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string)}</summary>`, ''];
      for (const [label, v] of [
        ['arguments', item.input],
        ['result', item.output],
      ] as const) {
        if (v === null) continue;
        const p = prettyContent(v);
        parts.push(`${label}:`, '', fence(p.text, p.json ? 'json' : 'text'), '');
      }
      parts.push('</details>');
      return parts.join('\n');
    }
    case 'note':
      return `_${escapeInline(item.text)}_`;
  }
}

/** `tree`: the span tree as text (the CLI passes what `show` draws). */
export function exportMarkdown(spans: readonly Span[], tree: string): string {
  const s = summarize(spans);
  const root = spans.find((x) => x.kind === 'session' && x.parentSpanId === null);
  const a = root?.attributes ?? {};
  const dur = s.start !== null && s.end !== null ? Date.parse(s.end) - Date.parse(s.start) : null;
  const rows: [string, string | undefined][] = [
    ['session', str(a, ATTR.conversationId) ?? root?.traceId],
    ['started (UTC)', s.start ?? undefined],
    ['duration', fmtDuration(dur)],
    ['project', str(a, ATTR.cwd)],
    ['branch', str(a, 'vcs.ref.head.name')],
    ['codex', str(a, ATTR.cliVersion)],
    ['models', s.models.join(', ') || undefined],
    ['turns / model calls / tool calls', `${s.turns} / ${s.llmCalls} / ${s.toolCalls}`],
    ['agents', String(s.agents)],
    [
      'tokens',
      `in ${fmtTokens(s.inputTokens)} (cached ${fmtTokens(s.cachedTokens)}), out ${fmtTokens(s.outputTokens)} (reasoning ${fmtTokens(s.reasoningTokens)})`,
    ],
    ['failures', String(s.failures)],
  ];
  const table = ['| | |', '|---|---|', ...rows.filter(([, v]) => v !== undefined).map(([k, v]) => `| ${k} | ${escapeInline(v as string)} |`)];
  const items = buildTranscript(spans).map(itemMd);
  return [
    `## Codex session ${escapeInline(str(a, ATTR.conversationId) ?? root?.traceId ?? '')}`,
    '',
    ...table,
    '',
    '### Trace',
    '',
    fence(tree, 'text'),
    '',
    '### Transcript',
    '',
    items.length === 0 ? '_no content captured_' : items.join('\n\n'),
    '',
  ].join('\n');
}
