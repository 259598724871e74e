/**
 * Types shared by the mock Responses API (`mock-responses.ts`), the scenarios and the
 * served-response log that end-to-end tests compare traces against.
 */

/** One output item the mock model emits, in scenario-friendly form. */
export type MockItem =
  | { type: 'message'; text: string; phase?: 'commentary' | 'final_answer' }
  | { type: 'reasoning'; summary: string[]; content?: string[] }
  | {
      type: 'function_call';
      name: string;
      callId: string;
      /** Object arguments are JSON-encoded; a string is sent as is. */
      args: Record<string, unknown> | string;
      /** Tool namespace, e.g. `multi_agent_v1` for the subagent tools. */
      namespace?: string;
    }
  | { type: 'custom_tool_call'; name: string; callId: string; input: string };

/** Token usage as sent in `response.completed` (the Responses API shape, flattened). */
export interface MockUsage {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
}

/**
 * How a scripted response ends instead of `response.completed`:
 *  - `http_error`: no stream at all, the request is answered with this HTTP status and an
 *    OpenAI error body (`retryAfter` seconds in a `retry-after` header);
 *  - `failed`: the stream sends the items, then `response.failed` with this error;
 *  - `stall`: the stream sends the items, then nothing more and never ends (the test
 *    interrupts Codex; the mock's `stalled` promise resolves when the stall begins).
 */
export type MockFailure =
  | { kind: 'http_error'; status: number; code: string; message: string; retryAfter?: number }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'stall' };

/** One scripted model response. Usage left out is derived from the request and the items. */
export interface ScriptedResponse {
  items: MockItem[];
  usage?: Partial<Omit<MockUsage, 'total_tokens'>>;
  /** The response does not complete (see `MockFailure`); it then reports no usage. */
  failure?: MockFailure;
}

/** Which thread and turn a request came from (from the `x-codex-turn-metadata` header). */
export interface RequestOrigin {
  /** Thread that sent it (parent or subagent; else the body's `prompt_cache_key`). */
  threadId: string;
  /** `agent_name` from the turn metadata; Codex 0.169 sends `/root` for subagents too. */
  agentName: string;
  /** True when the request comes from a spawned subagent thread. */
  isSubagent: boolean;
  /** The spawning thread, for a subagent. */
  parentThreadId: string | undefined;
  turnId: string | undefined;
  /** `request_kind` (`turn`, `compaction`, …). */
  requestKind: string | undefined;
}

/** What the mock knows about one `POST /v1/responses` request. */
export interface MockRequest extends RequestOrigin {
  /** True for a context-compaction request (header or the compaction prompt). */
  isCompaction: boolean;
  /** Text of the last user-role input message (what the turn is about). */
  lastUserText: string;
  /** The parsed `x-codex-turn-metadata` header (`{}` when absent). */
  turnMetadata: Record<string, unknown>;
  /** Parsed request body. */
  body: Record<string, unknown>;
  /** Size of the raw body in bytes (used to derive plausible input token counts). */
  bodyBytes: number;
  /** The output string the client sent back for a tool call, if present in the input. */
  toolOutput(callId: string): string | undefined;
}

/**
 * One step of a scenario. For every request the mock takes the first step not yet used
 * whose `match` accepts the request (no `match` accepts any request from the main thread
 * that is not a compaction request).
 */
export interface Step {
  /** Label recorded in the served log, to tell steps apart in failures. */
  label: string;
  match?: (req: MockRequest) => boolean;
  respond: ScriptedResponse | ((req: MockRequest) => ScriptedResponse);
}

/** A tool call the mock emitted. */
export interface ServedToolCall {
  callId: string;
  name: string;
  type: 'function_call' | 'custom_tool_call';
  namespace?: string;
}

/** A request the mock answered with a response that did not complete. */
export interface ServedFailure extends RequestOrigin {
  /** `resp_<n>` (numbered with the completed ones); an HTTP error never reaches Codex as a response. */
  responseId: string;
  failure: MockFailure;
  /** Output item types sent before the failure (none for an HTTP error). */
  itemTypes: string[];
  toolCalls: ServedToolCall[];
  step: string;
}

/** One response the mock served, in the order served. */
export interface ServedResponse extends RequestOrigin {
  /** `resp_<n>`, n counting from 1 per mock server. */
  responseId: string;
  /** True when this answered a compaction request. */
  compaction: boolean;
  /** Usage sent in `response.completed`. */
  usage: MockUsage;
  toolCalls: ServedToolCall[];
  /** Output item types in order (`message`, `reasoning`, `function_call`, `custom_tool_call`). */
  itemTypes: string[];
  /** Label of the scenario step that answered, or `unscripted` when none matched. */
  step: string;
}

/**
 * Ground truth of what the mock model actually served during a scenario, to compare traces
 * against. `responses` has one entry per model response, in serving order: its id
 * (`resp_<n>`, the `response_id` Codex writes in `token_usage_record`), the usage sent in
 * `response.completed`, the tool calls with their call ids, whether it answered a compaction
 * request, and which thread asked (`threadId`; for a subagent also `isSubagent` and
 * `parentThreadId`) in which turn (`turnId`). `unscripted`
 * lists requests no scenario step matched (answered with a fallback message; a correct
 * scenario leaves it empty), and `otherRequests` lists every non-`/v1/responses` request Codex
 * made to the mock (method and path) with the status the mock answered.
 */
export interface ServedLog {
  responses: ServedResponse[];
  /**
   * Requests answered with a response that did not complete (HTTP error, `response.failed`,
   * stalled stream), in serving order. They are not in `responses` (they report no usage and
   * Codex writes no usage record for them).
   */
  failed: ServedFailure[];
  unscripted: { threadId: string; requestKind: string | undefined; lastUserText: string }[];
  otherRequests: { method: string; path: string; status: number }[];
}
