/**
 * A 0.104 review in its two files (issue 11 item 6): the parent's turn that runs `/review`
 * (`entered_review_mode` … `exited_review_mode` as event_msg, the output mirrored back) and the
 * review thread (`source` `{"subagent":"review"}`, no parent id) — the shapes of that version.
 */
export const PARENT = '019c1a00-0000-7000-8000-0000000000a1';
export const CHILD = '019c1a00-0000-7000-8000-0000000000c1';
export const OTHER = '019c1a00-0000-7000-8000-0000000000d1';
export const CWD = '/home/dev/proj';
const T0 = Date.parse('2026-02-20T10:00:00.000Z');
export const ts = (ms: number): string => new Date(T0 + ms).toISOString();
const line = (ms: number, type: string, payload: object): string => JSON.stringify({ timestamp: ts(ms), type, payload });
export const ev = (ms: number, payload: object): string => line(ms, 'event_msg', payload);
const msg = (ms: number, role: string, text: string): string =>
  line(ms, 'response_item', { type: 'message', role, content: [{ type: role === 'user' ? 'input_text' : 'output_text', text }] });
const meta = (ms: number, id: string, extra: object): string =>
  line(ms, 'session_meta', { id, timestamp: ts(ms - 5), cwd: CWD, originator: 'codex_cli_rs', cli_version: '0.104.0', model_provider: 'openai', ...extra });
const tokens = (ms: number, input: number, output: number): string => {
  const u = { input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output };
  return ev(ms, { type: 'token_count', info: { total_token_usage: u, last_token_usage: u, model_context_window: 258400 }, rate_limits: null });
};

/** The parent: one turn that runs `/review` (entered at 30 ms, exited at 5 s), the review output mirrored back. */
export function parentFile(id: string, cwd = CWD, shift = 0): string[] {
  return [
    meta(shift, id, { source: 'cli', cwd }),
    ev(shift + 10, { type: 'task_started', turn_id: `${id}-t1`, model_context_window: 258400 }),
    line(shift + 20, 'turn_context', { turn_id: `${id}-t1`, cwd, approval_policy: 'on-request', model: 'gpt-5.3-codex' }),
    ev(shift + 30, { type: 'entered_review_mode', target: { type: 'uncommittedChanges' }, user_facing_hint: 'current changes' }),
    msg(shift + 5000, 'user', '<user_action>\n  <action>review</action>\n  <results>\n  No issues found.\n  </results>\n</user_action>'),
    ev(shift + 5001, {
      type: 'exited_review_mode',
      review_output: { findings: [], overall_correctness: 'patch is correct', overall_explanation: 'No issues found.', overall_confidence_score: 0.8 },
    }),
    msg(shift + 5002, 'assistant', 'No issues found.'),
    ev(shift + 5010, { type: 'task_complete', turn_id: `${id}-t1`, last_agent_message: null }),
  ];
}

/** The review thread: its own file, `source` review, no parent id; one turn, one model response. */
export function childFile(startMs = 100): string[] {
  const prompt = 'Review the current code changes (staged, unstaged, and untracked files) and provide prioritized findings.';
  return [
    meta(startMs, CHILD, { source: { subagent: 'review' } }),
    ev(startMs + 10, { type: 'task_started', turn_id: 'c-t1', model_context_window: 258400 }),
    line(startMs + 20, 'turn_context', { turn_id: 'c-t1', cwd: CWD, approval_policy: 'never', model: 'gpt-5.3-codex' }),
    msg(startMs + 30, 'user', prompt),
    ev(startMs + 31, { type: 'user_message', message: prompt, images: [] }),
    msg(startMs + 3000, 'assistant', '{"findings":[],"overall_correctness":"patch is correct"}'),
    tokens(startMs + 3001, 5200, 90),
    ev(startMs + 3010, { type: 'task_complete', turn_id: 'c-t1', last_agent_message: '{"findings":[]}' }),
  ];
}
