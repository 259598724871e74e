/** What a run did, counted from the span effects it delivered. */
import type { SpanEffect } from '../trace/effects.js';
import { ATTR } from '../trace/span.js';

export interface RunSummary {
  files: number;
  filesRead: number;
  bytes: number;
  sessions: number;
  turns: number;
  modelCalls: number;
  toolCalls: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  errorSpans: number;
  spansDelivered: number;
  warnings: number;
  badLines: number;
  /** files skipped unread because their first bytes cannot start a rollout (NUL bytes, a binary) */
  notRolloutFiles: number;
  /**
   * Records of a type or event name this version does not know, by name (`world_clock`,
   * `event_msg:new_event`, `response_item:new_item`, `item_completed:NewItem`): ignored, and
   * counted so a Codex release that adds one is seen on the first run.
   */
  unknownRecords: Record<string, number>;
  undeliveredFiles: number;
  errors: string[];
}

export function emptySummary(): RunSummary {
  return {
    files: 0,
    filesRead: 0,
    bytes: 0,
    sessions: 0,
    turns: 0,
    modelCalls: 0,
    toolCalls: 0,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    errorSpans: 0,
    spansDelivered: 0,
    warnings: 0,
    badLines: 0,
    notRolloutFiles: 0,
    unknownRecords: {},
    undeliveredFiles: 0,
    errors: [],
  };
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** what `countDelivered` counts */
export type SpanCounts = Pick<
  RunSummary,
  'sessions' | 'turns' | 'modelCalls' | 'toolCalls' | 'inputTokens' | 'cachedTokens' | 'outputTokens' | 'reasoningTokens' | 'errorSpans' | 'spansDelivered'
>;

const SPAN_COUNTS = [
  'sessions',
  'turns',
  'modelCalls',
  'toolCalls',
  'inputTokens',
  'cachedTokens',
  'outputTokens',
  'reasoningTokens',
  'errorSpans',
  'spansDelivered',
] as const satisfies readonly (keyof SpanCounts)[];

export function emptyCounts(): SpanCounts {
  const c = {} as SpanCounts;
  for (const k of SPAN_COUNTS) c[k] = 0;
  return c;
}

/** Adds counts made before the spans were delivered (pipeline/delivery.ts `Parcel`). */
export function addCounts(into: SpanCounts, from: Readonly<SpanCounts>): void {
  for (const k of SPAN_COUNTS) into[k] += from[k];
}

/** Counts each span once, at its (first) end. */
export function countDelivered(s: SpanCounts, effects: readonly SpanEffect[]): void {
  for (const e of effects) {
    if (e.type !== 'span_ended' || e.repeat) continue;
    s.spansDelivered++;
    const span = e.span;
    if (span.status === 'error') s.errorSpans++;
    switch (span.kind) {
      case 'session':
        s.sessions++;
        break;
      case 'turn':
        s.turns++;
        break;
      case 'tool':
        s.toolCalls++;
        break;
      case 'llm':
        s.modelCalls++;
        s.inputTokens += num(span.attributes[ATTR.inputTokens]);
        s.cachedTokens += num(span.attributes[ATTR.cacheReadTokens]);
        s.outputTokens += num(span.attributes[ATTR.outputTokens]);
        s.reasoningTokens += num(span.attributes[ATTR.reasoningTokens]);
        break;
      default:
        break;
    }
  }
}

/** `event_msg:x ×3, y ×1` (most frequent first), or undefined when there are none. */
export function unknownRecordsText(unknown: Readonly<Record<string, number>>): string | undefined {
  const entries = Object.entries(unknown).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  if (entries.length === 0) return undefined;
  return entries.map(([name, n]) => `${name} ×${n}`).join(', ');
}

/** Adds `from`'s unknown-record counts to `into`. */
export function addUnknown(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [name, n] of Object.entries(from)) into[name] = (into[name] ?? 0) + n;
}

export function summaryMarkdown(s: RunSummary, title = 'codex-tracer'): string {
  const rows: [string, string | number][] = [
    ['Files', `${s.files} (${(s.bytes / 1e6).toFixed(1)} MB)`],
    ['Sessions', s.sessions],
    ['Turns', s.turns],
    ['Model calls', s.modelCalls],
    ['Tool calls', s.toolCalls],
    ['Input tokens', `${s.inputTokens} (cached ${s.cachedTokens})`],
    ['Output tokens', `${s.outputTokens} (reasoning ${s.reasoningTokens})`],
    ['Error spans', s.errorSpans],
    ['Spans delivered', s.spansDelivered],
    ['Warnings', s.notRolloutFiles > 0 ? `${s.warnings} (${s.notRolloutFiles} file(s) not JSON lines, skipped)` : s.warnings],
    ['Unknown record types (ignored)', unknownRecordsText(s.unknownRecords) ?? 'none'],
    ['Undelivered files', s.undeliveredFiles],
  ];
  const status = s.undeliveredFiles > 0 ? '❌ some spans were not delivered' : '✅ all spans delivered';
  return [
    `## ${title}`,
    '',
    status,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    ...(s.errors.length > 0 ? ['', '**Errors**', '', ...s.errors.slice(0, 20).map((e) => `- ${e}`)] : []),
    '',
  ].join('\n');
}
