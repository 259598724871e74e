/** What a trace adds up to (the waterfall's header), what a span's row says and its usage. Pure. */
import { ATTR, type Attributes, type Span } from '../../trace/span.js';

export interface TraceSummary {
  turns: number;
  llmCalls: number;
  toolCalls: number;
  /** the session's agent plus its subagents */
  agents: number;
  compactions: number;
  failures: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  models: string[];
  start: string | null;
  end: string | null;
}

export interface SpanUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

function num(a: Attributes, k: string): number {
  const v = a[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export function str(a: Attributes, k: string): string | undefined {
  const v = a[k];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Token usage of an LLM span (cached ⊂ input, reasoning ⊂ output), or null. */
export function usageOf(span: Span): SpanUsage | null {
  if (span.kind !== 'llm' || typeof span.attributes[ATTR.inputTokens] !== 'number') return null;
  const a = span.attributes;
  return { input: num(a, ATTR.inputTokens), cached: num(a, ATTR.cacheReadTokens), output: num(a, ATTR.outputTokens), reasoning: num(a, ATTR.reasoningTokens) };
}

export function summarize(spans: readonly Span[]): TraceSummary {
  const s: TraceSummary = {
    turns: 0,
    llmCalls: 0,
    toolCalls: 0,
    agents: 0,
    compactions: 0,
    failures: 0,
    inputTokens: 0,
    cachedTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    models: [],
    start: null,
    end: null,
  };
  const models = new Map<string, number>();
  for (const span of spans) {
    if (span.status === 'error') s.failures++;
    if (s.start === null || span.startTime < s.start) s.start = span.startTime;
    if (span.endTime !== null && (s.end === null || span.endTime > s.end)) s.end = span.endTime;
    switch (span.kind) {
      case 'session':
      case 'subagent':
        s.agents++;
        break;
      case 'turn':
        s.turns++;
        break;
      case 'tool':
        s.toolCalls++;
        break;
      case 'compaction':
        s.compactions++;
        break;
      case 'llm': {
        s.llmCalls++;
        const u = usageOf(span);
        if (u !== null) {
          s.inputTokens += u.input;
          s.cachedTokens += u.cached;
          s.outputTokens += u.output;
          s.reasoningTokens += u.reasoning;
        }
        const m = str(span.attributes, ATTR.requestModel);
        if (m !== undefined) models.set(m, (models.get(m) ?? 0) + 1);
        break;
      }
    }
  }
  s.models = [...models.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([m]) => m);
  return s;
}

/** The short text beside a span's name in its row: the shell command, the subagent, the model. */
export function rowDetail(span: Span): string {
  const a = span.attributes;
  switch (span.kind) {
    case 'tool': {
      const cmd = str(a, ATTR.command);
      return cmd !== undefined ? `$ ${cmd}` : '';
    }
    case 'subagent':
      return [str(a, ATTR.subagentNickname), str(a, ATTR.subagentRole)].filter((x) => x !== undefined).join(' · ');
    case 'session':
      return [str(a, ATTR.cwd), str(a, ATTR.cliVersion) === undefined ? undefined : `codex ${str(a, ATTR.cliVersion)}`]
        .filter((x) => x !== undefined)
        .join(' · ');
    default:
      return span.statusMessage ?? '';
  }
}
