/** A session as a conversation: prompts, the model's messages, tool calls (collapsed), notes. Pure. */
import { ATTR, type Span } from '../../trace/span.js';
import { str } from './summary.js';
import { buildTree, walk, type TreeNode } from './tree.js';

export type TranscriptItem =
  | { kind: 'user'; spanId: string; text: string; turn: number | null; agent: string | null }
  | { kind: 'assistant'; spanId: string; text: string; agent: string | null }
  | { kind: 'tool'; spanId: string; name: string; command: string | null; input: string | null; output: string | null; error: boolean; agent: string | null }
  | { kind: 'note'; spanId: string; text: string; agent: string | null };

/** An LLM span's output without the `[tool call] name` markers (the tool items say that). */
function assistantText(output: string | undefined): string {
  if (output === undefined) return '';
  return output
    .split('\n')
    .filter((l) => !/^\[tool call\] /.test(l))
    .join('\n')
    .trim();
}

function agentOf(n: TreeNode): string | null {
  for (let p: TreeNode | null = n; p !== null; p = p.parent) {
    if (p.span.kind === 'subagent') return str(p.span.attributes, ATTR.subagentNickname) ?? str(p.span.attributes, ATTR.subagentRole) ?? 'subagent';
  }
  return null;
}

function itemOf(n: TreeNode): TranscriptItem | null {
  const s = n.span;
  const a = s.attributes;
  const agent = agentOf(n);
  switch (s.kind) {
    case 'turn': {
      const text = str(a, ATTR.input);
      const turn = a[ATTR.turnIndex];
      return text === undefined ? null : { kind: 'user', spanId: s.spanId, text, turn: typeof turn === 'number' ? turn : null, agent };
    }
    case 'llm': {
      const text = assistantText(str(a, ATTR.output));
      return text === '' ? null : { kind: 'assistant', spanId: s.spanId, text, agent };
    }
    case 'tool':
      return {
        kind: 'tool',
        spanId: s.spanId,
        name: str(a, ATTR.toolName) ?? s.name,
        command: str(a, ATTR.command) ?? null,
        input: str(a, ATTR.input) ?? null,
        output: str(a, ATTR.output) ?? null,
        error: s.status === 'error',
        agent,
      };
    case 'compaction':
      return { kind: 'note', spanId: s.spanId, text: 'context compacted', agent };
    case 'subagent':
      return { kind: 'note', spanId: s.spanId, text: `subagent ${agentOf(n) ?? ''} started`.replace('  ', ' '), agent: null };
    default:
      return null;
  }
}

/** The conversation in tree order (a subagent's work appears where it was spawned). */
export function buildTranscript(spans: readonly Span[]): TranscriptItem[] {
  const items: TranscriptItem[] = [];
  walk(buildTree(spans), (n) => {
    const item = itemOf(n);
    if (item !== null) items.push(item);
  });
  return items;
}
