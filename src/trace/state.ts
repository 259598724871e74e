/**
 * What the reducer is configured with. The reducer's state itself is opaque
 * (`TraceState` in reduce.ts); each machine declares its own part of it beside its
 * code (`machines/session.ts`, `turn.ts`, `model-call.ts`, `tool-call.ts`, …).
 */
import type { ContentFilter } from '../content/redact.js';

export type { ContentFilter, InputPart } from '../content/redact.js';

export interface ReducerOptions {
  /** redaction / truncation / `--content none`, applied to every text before it enters a span */
  content: ContentFilter;
  /** LLM span input: new since the previous call (default) or everything so far in the turn */
  llmInput: 'new' | 'full';
  /** thread id to use when the file has no `session_meta` (e.g. the uuid in its file name) */
  fallbackThreadId: string;
  /**
   * Whether a subagent's parent thread is part of this tracing run. When it is not,
   * the subagent is traced as its own trace, linked to the parent by attribute.
   */
  parentKnown: (parentThreadId: string) => boolean;
  /**
   * The parent of a thread whose header names none, when the run linked it (a 0.104 review
   * thread: see rollout/review-link.ts); its turns then nest under that parent's review turn.
   */
  linkedParent?: (threadId: string) => string | undefined;
  /** The review thread linked to this thread's review mode entered at `enteredAt` (the other side of `linkedParent`). */
  linkedReviewChild?: (threadId: string, enteredAt: string) => string | undefined;
}
