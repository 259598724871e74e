/**
 * Review mode (`/review`, `codex exec review`). The review runs in a thread of its own (a child
 * rollout whose `source` is `review`); the parent file holds `entered_review_mode` …
 * `exited_review_mode` (event_msg, or `item_completed` EnteredReviewMode / ExitedReviewMode in
 * paginated files), events forwarded from the review thread (they carry its `thread_id`), and
 * the review output mirrored back: a `<user_action>` user message, then an assistant message.
 * Neither mirror is a turn or a model request; the forwarded events say which thread is the review's.
 */
import type { DomainEvent } from '../trace/events.js';

export interface ReviewState {
  /** inside review mode */
  active: boolean;
  /** when review mode was entered: the review thread's span starts there */
  since?: string;
  /** the review thread, once a forwarded event named it */
  childThreadId?: string;
  /** review mode ended: the next assistant message is the mirrored review output */
  mirrorNext: boolean;
}

export function initialReview(): ReviewState {
  return { active: false, mirrorNext: false };
}

type At = { time: string; turnId?: string };

function hintOf(p: { user_facing_hint?: unknown; target?: unknown }): string | undefined {
  if (typeof p.user_facing_hint === 'string' && p.user_facing_hint !== '') return p.user_facing_hint;
  const t = p.target as { instructions?: unknown } | undefined;
  return typeof t?.instructions === 'string' && t.instructions !== '' ? t.instructions : undefined;
}

export function reviewEntered(state: ReviewState, payload: { user_facing_hint?: unknown; target?: unknown }, at: At): DomainEvent[] {
  state.active = true;
  state.since = at.time;
  state.childThreadId = undefined;
  state.mirrorNext = false;
  return [{ type: 'review_started', ...at, hint: hintOf(payload) }];
}

export function reviewExited(state: ReviewState, at: At): DomainEvent[] {
  const events: DomainEvent[] = [];
  if (state.childThreadId !== undefined) events.push({ type: 'subagent_done', ...at, childThreadId: state.childThreadId, status: 'ok' });
  events.push({ type: 'review_ended', ...at });
  state.active = false;
  state.childThreadId = undefined;
  state.mirrorNext = true;
  return events;
}

/**
 * An `item_completed` of another thread during review mode: forwarded from the review thread.
 * The first one names that thread (a subagent of the reviewing turn); none is the parent's own.
 */
export function forwarded(state: ReviewState, threadId: string, at: At): DomainEvent[] {
  if (state.childThreadId !== undefined) return [];
  state.childThreadId = threadId;
  return [{ type: 'subagent_spawned', ...at, time: state.since ?? at.time, childThreadId: threadId, role: 'review' }];
}

/** Whether this response item is the mirrored review output (and so is dropped); any item ends the wait for it. */
export function isMirror(state: ReviewState, payload: unknown): boolean {
  if (!state.mirrorNext) return false;
  state.mirrorNext = false;
  const p = payload as { type?: unknown; role?: unknown } | null;
  return p?.type === 'message' && p.role === 'assistant';
}
