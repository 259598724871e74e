/** Filters of the waterfall: search within a trace and "errors only", each revealing ancestors. */
import { ATTR, type Span } from '../../trace/span.js';
import { walk, type TreeNode } from './tree.js';

/** What a row shows of a span, searched on the client (the server also searches content). */
export function spanText(span: Span): string {
  const a = span.attributes;
  const parts = [span.name, span.kind, span.statusMessage ?? ''];
  for (const k of [ATTR.toolName, ATTR.command, ATTR.requestModel, ATTR.toolCallId, ATTR.subagentNickname, ATTR.subagentRole]) {
    const v = a[k];
    if (typeof v === 'string') parts.push(v);
  }
  return parts.join('\n').toLowerCase();
}

/** Span ids whose own text contains the query (case-insensitive). */
export function matchSpans(roots: readonly TreeNode[], query: string): Set<string> {
  const q = query.trim().toLowerCase();
  const hits = new Set<string>();
  if (q === '') return hits;
  walk(roots, (n) => {
    if (spanText(n.span).includes(q)) hits.add(n.span.spanId);
  });
  return hits;
}

export interface Reveal {
  /** the matches and every ancestor of a match: the rows to show */
  visible: Set<string>;
  /** ancestors of a match: to be expanded */
  ancestors: Set<string>;
}

/** The matches plus their ancestors, so every match is shown in its place in the tree. */
export function reveal(roots: readonly TreeNode[], matches: ReadonlySet<string>): Reveal {
  const visible = new Set<string>();
  const ancestors = new Set<string>();
  walk(roots, (n) => {
    if (!matches.has(n.span.spanId)) return;
    visible.add(n.span.spanId);
    for (let p = n.parent; p !== null; p = p.parent) {
      ancestors.add(p.span.spanId);
      if (visible.has(p.span.spanId)) break;
      visible.add(p.span.spanId);
    }
  });
  return { visible, ancestors };
}

/** Span ids with status error. */
export function errorSpans(roots: readonly TreeNode[]): Set<string> {
  const ids = new Set<string>();
  walk(roots, (n) => {
    if (n.span.status === 'error') ids.add(n.span.spanId);
  });
  return ids;
}
