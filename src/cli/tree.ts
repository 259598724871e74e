/** Drawing a trace as an indented tree: start offset, duration, tokens, status; filters for long sessions. */
import { fileOrder, type Span } from '../trace/span.js';
import { formatDuration, humanNumber, makeTerminal, spanDuration, type Segment, type Terminal } from './format.js';

const KIND_ORDER: Record<string, number> = { session: 0, turn: 1, subagent: 2, compaction: 3, llm: 4, tool: 5 };
export const SPAN_KINDS = Object.keys(KIND_ORDER);

export { formatDuration } from './format.js';

function ms(iso: string): number {
  return Date.parse(iso);
}

function durationOf(s: Span): number | null {
  return s.endTime ? ms(s.endTime) - ms(s.startTime) : null;
}

function oneLine(s: unknown, max = 60): string {
  const t = String(s).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function details(s: Span): string {
  const a = s.attributes;
  const parts: string[] = [];
  if (s.kind === 'llm' && a['gen_ai.usage.input_tokens'] !== undefined) {
    const n = (v: unknown): string => humanNumber(Number(v ?? 0));
    parts.push(
      `in ${n(a['gen_ai.usage.input_tokens'])} (cached ${n(a['gen_ai.usage.cache_read.input_tokens'])}) out ${n(a['gen_ai.usage.output_tokens'])}` +
        (Number(a['gen_ai.usage.reasoning.output_tokens'] ?? 0) > 0 ? ` (reasoning ${n(a['gen_ai.usage.reasoning.output_tokens'])})` : ''),
    );
  }
  if (s.kind === 'tool') {
    if (a['codex.tool.command'] !== undefined) parts.push(`$ ${oneLine(a['codex.tool.command'], 80)}`);
    if (a['codex.tool.exit_code'] !== undefined) parts.push(`exit ${a['codex.tool.exit_code']}`);
  }
  if (s.kind === 'turn' && a['input.value'] !== undefined) parts.push(`"${oneLine(a['input.value'], 80)}"`);
  if (s.kind === 'session') {
    if (a['codex.cli_version'] !== undefined) parts.push(`codex ${a['codex.cli_version']}`);
    if (a['codex.cwd'] !== undefined) parts.push(String(a['codex.cwd']));
  }
  return parts.join('  ');
}

function statusSegment(s: Span): Segment {
  if (s.endTime === null) return { text: 'open', colour: 'yellow' };
  if (s.status === 'error') return { text: `ERROR${s.statusMessage ? `: ${oneLine(s.statusMessage, 60)}` : ''}`, colour: 'red' };
  return { text: s.status, colour: s.status === 'ok' ? 'green' : undefined };
}

/** What `show` keeps of a long session. Matching spans keep their ancestors, so the tree still reads. */
export interface TreeFilter {
  /** error spans only */
  errors?: boolean;
  kinds?: string[];
  minDurationMs?: number;
  /** the root is depth 0 */
  depth?: number;
}

export function filterSpans(spans: Span[], f: TreeFilter): Span[] {
  const byId = new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const parentOf = (s: Span): Span | undefined => (s.parentSpanId === null ? undefined : byId.get(`${s.traceId}/${s.parentSpanId}`));
  const depthOf = (s: Span): number => {
    let d = 0;
    for (let p = parentOf(s); p && d < 1000; p = parentOf(p)) d++;
    return d;
  };
  const selective = f.errors === true || (f.kinds !== undefined && f.kinds.length > 0) || f.minDurationMs !== undefined;
  const matches = (s: Span): boolean =>
    (!f.errors || s.status === 'error') &&
    (!f.kinds || f.kinds.length === 0 || f.kinds.includes(s.kind)) &&
    (f.minDurationMs === undefined || (durationOf(s) ?? Number.POSITIVE_INFINITY) >= f.minDurationMs);
  const keep = new Set<Span>();
  for (const s of spans) {
    if (selective && !matches(s)) continue;
    for (let p: Span | undefined = s; p && !keep.has(p); p = parentOf(p)) keep.add(p);
  }
  return spans.filter((s) => keep.has(s) && (f.depth === undefined || depthOf(s) <= f.depth));
}

/** Renders every trace in `spans` (grouped by trace id); `extra` adds text to a span's line (e.g. its cost). */
export function renderTrees(spans: Span[], term: Terminal = makeTerminal({ stream: {}, env: {} }), extra?: (s: Span) => string | undefined): string {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId) ?? [];
    list.push(s);
    byTrace.set(s.traceId, list);
  }
  const out: string[] = [];
  for (const [traceId, list] of byTrace) out.push(renderTree(traceId, list, term, extra));
  return out.join('\n');
}

function renderTree(traceId: string, spans: Span[], term: Terminal, extra?: (s: Span) => string | undefined): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  for (const list of children.values()) {
    list.sort((a, b) =>
      a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : fileOrder(a, b) || (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9),
    );
  }
  const roots = children.get(null) ?? [];
  const t0 = Math.min(...spans.map((s) => ms(s.startTime)));
  const lines: string[] = [term.line([{ text: `trace ${traceId}`, colour: 'bold' }])];
  const walk = (s: Span, prefix: string, last: boolean, depth: number): void => {
    const branch = depth === 0 ? '' : last ? '└─ ' : '├─ ';
    const dur = s.endTime ? spanDuration(durationOf(s)) : '…';
    const orphan = s.parentSpanId !== null && !ids.has(s.parentSpanId) ? ' (parent not in this trace)' : '';
    const label = `${prefix}${branch}${s.name}`;
    const info = [details(s), extra?.(s)].filter((t) => t).join('  ');
    lines.push(
      term.line([
        { text: `${label.padEnd(48)} ` },
        { text: `+${formatDuration(ms(s.startTime) - t0).padEnd(7)} `, colour: 'dim' },
        { text: `${dur.padEnd(8)} `, colour: 'cyan' },
        statusSegment(s),
        { text: `${info ? `  ${info}` : ''}${orphan}` },
      ]),
    );
    const kids = children.get(s.spanId) ?? [];
    const nextPrefix = depth === 0 ? '' : prefix + (last ? '   ' : '│  ');
    kids.forEach((k, i) => walk(k, nextPrefix, i === kids.length - 1, depth + 1));
  };
  roots.forEach((r, i) => walk(r, '', i === roots.length - 1, 0));
  return lines.join('\n');
}
