/**
 * The trace as a tree, and the tree as the rows of the waterfall. Pure: shared by the browser
 * (the viewer, the exported HTML) and Node (tests, the Markdown export).
 */
import type { Span } from '../../trace/span.js';

export interface TreeNode {
  span: Span;
  parent: TreeNode | null;
  children: TreeNode[];
  depth: number;
}

export interface TreeRow {
  node: TreeNode;
  depth: number;
  hasChildren: boolean;
  expanded: boolean;
  /** per ancestor level (0 .. depth-2): whether a vertical guide runs through this row */
  guides: boolean[];
  /** the node is its parent's last child (└ rather than ├) */
  last: boolean;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At the same start, the call that spawns or runs comes before what it leads to (spawn_agent before the subagent). */
const KIND_RANK: Record<string, number> = { session: 0, turn: 1, llm: 2, tool: 3, compaction: 4, subagent: 5 };

function byStart(a: TreeNode, b: TreeNode): number {
  return cmp(a.span.startTime, b.span.startTime) || (KIND_RANK[a.span.kind] ?? 9) - (KIND_RANK[b.span.kind] ?? 9) || cmp(a.span.spanId, b.span.spanId);
}

/** Roots (spans without a parent in the set, orphans included), children ordered by start time. */
export function buildTree(spans: readonly Span[]): TreeNode[] {
  const byId = new Map<string, TreeNode>();
  for (const span of spans) byId.set(span.spanId, { span, parent: null, children: [], depth: 0 });
  const roots: TreeNode[] = [];
  for (const node of byId.values()) {
    const parent = node.span.parentSpanId === null ? undefined : byId.get(node.span.parentSpanId);
    if (parent === undefined || parent === node) roots.push(node);
    else {
      node.parent = parent;
      parent.children.push(node);
    }
  }
  const stack: TreeNode[] = [...roots];
  while (stack.length > 0) {
    const n = stack.pop() as TreeNode;
    n.children.sort(byStart);
    for (const c of n.children) {
      c.depth = n.depth + 1;
      stack.push(c);
    }
  }
  return roots.sort(byStart);
}

/** Every node, depth first in display order. */
export function walk(roots: readonly TreeNode[], visit: (n: TreeNode) => void): void {
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as TreeNode;
    visit(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as TreeNode);
  }
}

export interface FlattenOptions {
  /** span ids whose children are hidden */
  collapsed?: ReadonlySet<string>;
  /** when given, only these span ids are shown (a filter: search, errors only) */
  only?: ReadonlySet<string> | null;
}

/** The visible rows, depth first; a collapsed node hides its subtree, a filter hides what it lacks. */
export function flatten(roots: readonly TreeNode[], opts: FlattenOptions = {}): TreeRow[] {
  const collapsed = opts.collapsed ?? new Set<string>();
  const only = opts.only ?? null;
  const rows: TreeRow[] = [];
  const shown = (n: TreeNode): boolean => only === null || only.has(n.span.spanId);
  const visit = (n: TreeNode, guides: boolean[], last: boolean): void => {
    const kids = n.children.filter(shown);
    const expanded = !collapsed.has(n.span.spanId);
    rows.push({ node: n, depth: n.depth, hasChildren: kids.length > 0, expanded, guides, last });
    if (!expanded) return;
    const childGuides = n.depth === 0 && n.parent === null ? [] : [...guides, !last];
    kids.forEach((k, i) => visit(k, childGuides, i === kids.length - 1));
  };
  const top = roots.filter(shown);
  top.forEach((r, i) => visit(r, [], i === top.length - 1));
  return rows;
}

/** Ids of every node that has children (for "collapse all"). */
export function parentIds(roots: readonly TreeNode[]): Set<string> {
  const ids = new Set<string>();
  walk(roots, (n) => {
    if (n.children.length > 0) ids.add(n.span.spanId);
  });
  return ids;
}
