/** Drawing a trace as an indented tree: start offset, duration, tokens, status. */
import { fileOrder, type Span } from '../trace/span.js';

const KIND_ORDER: Record<string, number> = { session: 0, turn: 1, subagent: 2, compaction: 3, llm: 4, tool: 5 };

function ms(iso: string): number {
  return Date.parse(iso);
}

export function formatDuration(msValue: number): string {
  if (msValue < 1000) return `${Math.round(msValue)}ms`;
  if (msValue < 60_000) return `${(msValue / 1000).toFixed(2)}s`;
  const m = Math.floor(msValue / 60_000);
  const s = Math.round((msValue % 60_000) / 1000);
  if (m < 60) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function oneLine(s: unknown, max = 60): string {
  const t = String(s).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function details(s: Span): string {
  const a = s.attributes;
  const parts: string[] = [];
  if (s.kind === 'llm' && a['gen_ai.usage.input_tokens'] !== undefined) {
    parts.push(`in ${a['gen_ai.usage.input_tokens']} (cached ${a['gen_ai.usage.cache_read.input_tokens'] ?? 0}) out ${a['gen_ai.usage.output_tokens']}` +
      (Number(a['gen_ai.usage.reasoning.output_tokens'] ?? 0) > 0 ? ` (reasoning ${a['gen_ai.usage.reasoning.output_tokens']})` : ''));
  }
  if (s.kind === 'tool') {
    if (a['codex.tool.command'] !== undefined) parts.push(`$ ${oneLine(a['codex.tool.command'], 50)}`);
    if (a['codex.tool.exit_code'] !== undefined) parts.push(`exit ${a['codex.tool.exit_code']}`);
  }
  if (s.kind === 'turn' && a['input.value'] !== undefined) parts.push(`"${oneLine(a['input.value'], 50)}"`);
  if (s.kind === 'session') {
    if (a['codex.cli_version'] !== undefined) parts.push(`codex ${a['codex.cli_version']}`);
    if (a['codex.cwd'] !== undefined) parts.push(String(a['codex.cwd']));
  }
  return parts.join('  ');
}

function statusText(s: Span): string {
  if (s.endTime === null) return 'open';
  if (s.status === 'error') return `ERROR${s.statusMessage ? `: ${oneLine(s.statusMessage, 60)}` : ''}`;
  return s.status;
}

/** Renders every trace in `spans` (grouped by trace id); `extra` adds text to a span's line (e.g. its cost). */
export function renderTrees(spans: Span[], extra?: (s: Span) => string | undefined): string {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId) ?? [];
    list.push(s);
    byTrace.set(s.traceId, list);
  }
  const out: string[] = [];
  for (const [traceId, list] of byTrace) out.push(renderTree(traceId, list, extra));
  return out.join('\n');
}

function renderTree(traceId: string, spans: Span[], extra?: (s: Span) => string | undefined): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  for (const list of children.values()) {
    list.sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : fileOrder(a, b) || (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9)));
  }
  const roots = children.get(null) ?? [];
  const t0 = Math.min(...spans.map((s) => ms(s.startTime)));
  const lines: string[] = [`trace ${traceId}`];
  const walk = (s: Span, prefix: string, last: boolean, depth: number): void => {
    const branch = depth === 0 ? '' : last ? '└─ ' : '├─ ';
    const dur = s.endTime ? formatDuration(ms(s.endTime) - ms(s.startTime)) : '…';
    const orphan = s.parentSpanId !== null && !ids.has(s.parentSpanId) ? ' (parent not in this trace)' : '';
    const label = `${prefix}${branch}${s.name}`;
    const info = [details(s), extra?.(s)].filter((t) => t).join('  ');
    lines.push(`${label.padEnd(48)} +${formatDuration(ms(s.startTime) - t0).padEnd(7)} ${dur.padEnd(8)} ${statusText(s)}${info ? `  ${info}` : ''}${orphan}`);
    const kids = children.get(s.spanId) ?? [];
    const nextPrefix = depth === 0 ? '' : prefix + (last ? '   ' : '│  ');
    kids.forEach((k, i) => walk(k, nextPrefix, i === kids.length - 1, depth + 1));
  };
  roots.forEach((r, i) => walk(r, '', i === roots.length - 1, 0));
  return lines.join('\n');
}
