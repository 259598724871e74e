/** The reducer's state: one thread (one rollout file) and what is open in it. */
import type { OutputItem } from './events.js';
import type { Effect } from './effects.js';
import type { Span, Usage } from './span.js';

export type ContentFilter = (text: string | undefined | null) => string | undefined;

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
}

export interface ModelCallState {
  seq: number;
  parentSpanId: string;
  start: string;
  end: string;
  outputs: OutputItem[];
  toolNames: string[];
  input?: string;
  usage?: Usage;
  responseId?: string;
  usageTime?: string;
  /** no more output items belong to it */
  closed: boolean;
  compaction: boolean;
}

export interface ToolState {
  span: Span;
  name: string;
  exitCode?: number;
  failed?: boolean;
  failureMessage?: string;
}

export interface CompactionState {
  span: Span;
  ended: boolean;
}

export interface TurnState {
  span: Span;
  key: string;
  turnId?: string;
  explicit: boolean;
  index: number;
  /** end of the turn's previous child: where the next model call starts */
  lastChildEnd: string;
  lastActivity: string;
  modelSeq: number;
  compactionSeq: number;
  call?: ModelCallState;
  /** a closed message-only call not yet emitted: a following `compacted` may adopt it */
  unsettled?: ModelCallState;
  compaction?: CompactionState;
  prompt?: string;
  answer?: string;
  error?: string;
  /** content new since the previous model call (user prompt, tool results) */
  newInput: string[];
  allInput: string[];
  hadActivity: boolean;
  /** the session went idle during this turn: its spans were sent as ended, and re-open if it goes on */
  suspended?: boolean;
}

export interface PendingUsage {
  usage: Usage;
  responseId?: string;
  time: string;
}

export interface ThreadState {
  opts: ReducerOptions;
  threadId: string;
  traceId: string;
  /** the span turns hang under: this thread's session span, or the parent's subagent span */
  rootSpanId: string;
  session?: Span;
  sessionEnded: boolean;
  everEnded: boolean;
  model?: string;
  provider?: string;
  serviceTier?: string;
  lastActivity: string;
  turnCount: number;
  turn?: TurnState;
  tools: Map<string, ToolState>;
  callIdUses: Map<string, number>;
  orphanOutputs: Map<string, { time: string; output?: string; exitCode?: number }>;
  subagents: Map<string, { span: Span; ended: boolean }>;
  pendingUsage?: PendingUsage;
  /** usage markers carry response ids (token_usage_record): LLM spans are keyed by them */
  keysByResponseId?: boolean;
}

export interface TraceState {
  opts: ReducerOptions;
  thread?: ThreadState;
}

export interface Emitter {
  effects: Effect[];
}
