/**
 * The shapes of the viewer's sessions list, shared by the store (which fills them) and the
 * browser code (which shows them). No imports: the browser build includes this file.
 */
export const SESSION_SORTS = ['start', 'duration', 'tokens', 'turns', 'errors'] as const;
export type SessionSort = (typeof SESSION_SORTS)[number];

export interface SessionPageQuery {
  since?: string;
  until?: string;
  /** exact cwd of the session */
  cwd?: string;
  /** the session's `gen_ai.request.model` */
  model?: string;
  hasErrors?: boolean;
  sort?: SessionSort;
  /** default: descending */
  ascending?: boolean;
  offset?: number;
  limit?: number;
}

/** Counts and token sums over a session's whole trace (subagent threads included). */
export interface SessionTotals {
  turns: number;
  llmCalls: number;
  toolCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** What a listing says of a session span itself. */
export interface SessionHead {
  traceId: string;
  /** the session's conversation id (`gen_ai.conversation.id`) */
  sessionId: string | null;
  startTime: string;
  endTime: string | null;
  /** null while the session is still open */
  durationMs: number | null;
  status: string;
  cwd: string | null;
  /** last path component of cwd */
  project: string | null;
}

export interface SessionListRow extends SessionHead, SessionTotals {
  /** the first prompt of the session's first turn (cut to 200 characters) */
  title: string | null;
  branch: string | null;
  /** every model its model calls used, most used first */
  models: string[];
  subagents: number;
  /** priced from the stored usage by the viewer, per page: "$0.12", "$0.12 + 3 unpriced", "unpriced" */
  cost?: string;
}

export interface SessionPage {
  total: number;
  offset: number;
  rows: SessionListRow[];
}

export interface SessionFacets {
  projects: { cwd: string; project: string; sessions: number }[];
  models: { model: string; sessions: number }[];
  first: string | null;
  last: string | null;
}
