/**
 * Linking a review thread whose header names no parent (0.104: `source` `{"subagent":"review"}`,
 * no `parent_thread_id`) to the turn that ran the review. What the two files share is the
 * working directory and the time: Codex starts the review thread when it enters review mode, so
 * the child's session starts inside the parent's `entered_review_mode` … `exited_review_mode`
 * window. The rule (docs/decisions.md): same cwd; the child's start inside the window (an
 * unclosed window is open to the end); of several, the window entered last before the child
 * started (ties: the lower parent thread id); one child per window, the first child to start.
 */

/** One review-mode window of a file: entered (and exited, when the file says so). */
export interface ReviewWindow {
  enteredAt: string;
  exitedAt?: string;
}

export interface ReviewParent {
  threadId: string;
  cwd?: string;
  windows: ReviewWindow[];
}

export interface ReviewChild {
  threadId: string;
  cwd?: string;
  startTime: string;
}

export interface ReviewLink {
  child: string;
  parent: string;
  /** the parent's `entered_review_mode` time: the review turn the child nests under */
  enteredAt: string;
}

/** Whether a line may be a review-mode record (a cheap test before parsing it). */
export function mayBeReviewRecord(line: string): boolean {
  return line.includes('eview_mode') || line.includes('eviewMode');
}

/** The review-mode windows of a file, from its lines (times as the normalizer gives them: ISO, ms). */
export function reviewWindowsOf(lines: Iterable<string>): ReviewWindow[] {
  const windows: ReviewWindow[] = [];
  let open: ReviewWindow | undefined;
  for (const line of lines) {
    if (!mayBeReviewRecord(line)) continue;
    const r = reviewRecord(line);
    if (r === undefined) continue;
    if (r.kind === 'entered' && open === undefined) {
      open = { enteredAt: r.time };
      windows.push(open);
    } else if (r.kind === 'exited' && open !== undefined) {
      open.exitedAt = r.time;
      open = undefined;
    }
  }
  return windows;
}

function reviewRecord(line: string): { kind: 'entered' | 'exited'; time: string } | undefined {
  let v: { timestamp?: unknown; type?: unknown; payload?: { type?: unknown; item?: { type?: unknown } } };
  try {
    v = JSON.parse(line) as typeof v;
  } catch {
    return undefined;
  }
  if (v?.type !== 'event_msg' || typeof v.timestamp !== 'string') return undefined;
  const ms = Date.parse(v.timestamp);
  if (Number.isNaN(ms)) return undefined;
  const p = v.payload;
  const t = p?.type === 'item_completed' ? p.item?.type : p?.type;
  const kind =
    t === 'entered_review_mode' || t === 'EnteredReviewMode' ? 'entered' : t === 'exited_review_mode' || t === 'ExitedReviewMode' ? 'exited' : undefined;
  return kind && { kind, time: new Date(ms).toISOString() };
}

/** The links the rule gives (see the file's comment), deterministic in any input order. */
export function linkReviewChildren(parents: readonly ReviewParent[], children: readonly ReviewChild[]): ReviewLink[] {
  const taken = new Set<string>();
  const links: ReviewLink[] = [];
  const ordered = [...children].sort((a, b) => (a.startTime === b.startTime ? cmp(a.threadId, b.threadId) : cmp(a.startTime, b.startTime)));
  for (const child of ordered) {
    let best: { parent: string; enteredAt: string } | undefined;
    for (const p of parents) {
      if (p.threadId === child.threadId || p.cwd === undefined || p.cwd !== child.cwd) continue;
      for (const w of p.windows) {
        const key = `${p.threadId}\x1f${w.enteredAt}`;
        if (taken.has(key) || w.enteredAt > child.startTime || (w.exitedAt !== undefined && w.exitedAt < child.startTime)) continue;
        if (!best || w.enteredAt > best.enteredAt || (w.enteredAt === best.enteredAt && p.threadId < best.parent))
          best = { parent: p.threadId, enteredAt: w.enteredAt };
      }
    }
    if (!best) continue;
    taken.add(`${best.parent}\x1f${best.enteredAt}`);
    links.push({ child: child.threadId, ...best });
  }
  return links;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
