/**
 * Real-shaped synthetic sessions: the record-type byte mix, sizes and content kinds of
 * ../shared/reference/real-corpus-profile.md, in the shapes Codex 0.12x writes (TUI
 * files with the extended `exec_command_end`/`patch_apply_end` events, exec files
 * without). Each session is drawn from the seeded RNG: a header (session_meta with the
 * real base instructions, a developer message, the injected user context), then turns
 * of model calls (turn_context, encrypted reasoning, tool calls with outputs of code,
 * logs, JSON, Japanese text, box drawing) until the file reaches its drawn size.
 */
import { base64Of, textOf, wordsOf } from './content-pools.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const CLI_VERSION = '0.120.0';
const MODEL = 'gpt-5.2-codex';

const chars = (rng, alphabet, n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[rng.below(alphabet.length)];
  return s;
};
const uuid7 = (rng, ms) => {
  const t = Math.floor(ms).toString(16).padStart(12, '0');
  const h = chars(rng, HEX, 20);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${h.slice(0, 3)}-${'89ab'[rng.below(4)]}${h.slice(3, 6)}-${h.slice(6, 18)}`;
};
const unit = (rng) => (rng.next() + 0.5) / 2 ** 32;

/** a log-normal size with this mean (spread `sigma`), clamped to [min, max] */
export function sizeAround(rng, mean, max, sigma = 1, min = 16) {
  const z = Math.sqrt(-2 * Math.log(unit(rng))) * Math.cos(2 * Math.PI * unit(rng));
  return Math.round(Math.min(max, Math.max(min, mean * Math.exp(sigma * z - (sigma * sigma) / 2))));
}

/** one session as rollout lines, written through `emit(line)`; stops past `targetBytes` */
export class SessionBuilder {
  constructor({ rng, pools, instructions, startMs, targetBytes, emit }) {
    Object.assign(this, { rng, pools, instructions, targetBytes, emit });
    this.ms = startMs;
    this.bytes = 0;
    this.tokens = { input: 0, cached: 0, output: 0, reasoning: 0 };
    this.extended = rng.below(100) < 25; // TUI files persist the extended tool events
    this.small = targetBytes < 48 * 1024;
    this.id = uuid7(rng, startMs);
    this.cwd = `/home/dev/src/${wordsOf(rng, 1)}-${chars(rng, HEX, 4)}`;
    this.agentsMd = textOf(pools, rng, this.small ? 300 : sizeAround(rng, 2600, 9000, 0.3), 'prose');
  }

  line(type, payload, advanceMs = 1 + this.rng.below(40)) {
    this.ms += advanceMs;
    const l = JSON.stringify({ timestamp: new Date(this.ms).toISOString(), type, payload });
    this.bytes += Buffer.byteLength(l) + 1;
    this.emit(l);
  }

  text(mean, max, kind, sigma = 1) {
    return textOf(this.pools, this.rng, sizeAround(this.rng, mean, max, sigma), kind);
  }

  callId() {
    return `call_${chars(this.rng, ALNUM, 24)}`;
  }

  build() {
    this.header();
    while (this.bytes < this.targetBytes) {
      this.turn();
      if (this.rng.below(8) === 0) this.developer(sizeAround(this.rng, 6000, 60000));
      if (this.bytes > 600 * 1024 && this.rng.below(6) === 0) this.compaction();
      if (this.rng.below(30) === 0) this.resumeMeta();
    }
    return { id: this.id, bytes: this.bytes };
  }

  meta(text) {
    return {
      id: this.id,
      timestamp: new Date(this.ms).toISOString(),
      cwd: this.cwd,
      originator: this.extended ? 'codex_cli_rs' : 'codex_exec',
      cli_version: CLI_VERSION,
      source: this.extended ? 'cli' : 'exec',
      model_provider: 'openai',
      base_instructions: { text },
      git: { commit_hash: chars(this.rng, HEX, 40), branch: 'main', repository_url: `git@github.com:dev/${this.cwd.split('/').pop()}.git` },
    };
  }

  header() {
    const base = this.small
      ? this.instructions.slice(0, 1500)
      : `${this.instructions}\n\n${textOf(this.pools, this.rng, sizeAround(this.rng, 7000, 26000, 0.5), 'prose')}`;
    this.line('session_meta', this.meta(base), 0);
    if (!this.small) this.developer(sizeAround(this.rng, 14000, 60000, 0.6));
    this.line('response_item', {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: `# AGENTS.md instructions for ${this.cwd}\n\n<INSTRUCTIONS>\n${this.agentsMd}\n</INSTRUCTIONS>` }],
    });
    this.line('response_item', {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: `<environment_context>\n  <cwd>${this.cwd}</cwd>\n  <shell>bash</shell>\n</environment_context>` }],
    });
  }

  developer(bytes) {
    const text = `<permissions instructions>\nFilesystem sandboxing defines which files can be read or written. \`sandbox_mode\` is \`workspace-write\`.\n</permissions instructions>\n${textOf(this.pools, this.rng, bytes, 'prose')}`;
    this.line('response_item', { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] });
  }

  resumeMeta() {
    this.line('session_meta', this.meta(this.instructions), 60_000 + this.rng.below(3_600_000));
  }

  compaction() {
    const message = `Another language model started to solve this problem and produced a summary of its thinking process.\n## Handoff summary\n${this.text(1800, 6000, 'prose', 0.4)}`;
    this.line('compacted', {
      message,
      replacement_history: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: this.text(3000, 12000, 'prose', 0.5) }] }],
    });
    this.line('event_msg', { type: 'context_compacted' });
  }

  turn() {
    const turnId = uuid7(this.rng, this.ms);
    this.line(
      'event_msg',
      { type: 'task_started', turn_id: turnId, model_context_window: 272000, collaboration_mode_kind: 'default' },
      20_000 + this.rng.below(600_000),
    );
    const prompt = this.text(1100, 7200, this.rng.below(4) === 0 ? 'code' : 'prose', 0.9);
    this.line('response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] });
    this.line('event_msg', { type: 'user_message', message: prompt, images: [], local_images: [], text_elements: [] });
    const calls = 1 + Math.min(30, Math.floor(-Math.log(unit(this.rng)) * 3.6));
    let last = '';
    for (let c = 0; c < calls && this.bytes < this.targetBytes + 4096; c++) last = this.modelCall(turnId, c === calls - 1);
    this.line('event_msg', { type: 'task_complete', turn_id: turnId, last_agent_message: last });
  }

  tokenCount(out) {
    const t = this.tokens;
    const input = 6000 + this.rng.below(60000);
    t.cached += Math.floor(input * 0.8);
    t.input += input;
    t.output += out;
    t.reasoning += Math.floor(out / 3);
    const usage = (i, c, o, r) => ({ input_tokens: i, cached_input_tokens: c, output_tokens: o, reasoning_output_tokens: r, total_tokens: i + o });
    const window = (used, minutes) => ({ used_percent: used, window_minutes: minutes, resets_at: Math.floor(this.ms / 1000) + 3600 });
    this.line('event_msg', {
      type: 'token_count',
      info: {
        total_token_usage: usage(t.input, t.cached, t.output, t.reasoning),
        last_token_usage: usage(input, Math.floor(input * 0.8), out, Math.floor(out / 3)),
        model_context_window: 272000,
      },
      rate_limits: {
        limit_id: 'codex',
        limit_name: null,
        primary: window(this.rng.below(100), 300),
        secondary: window(this.rng.below(100), 10080),
        credits: { has_credits: false, unlimited: false, balance: null },
        plan_type: null,
      },
    });
  }

  /** one model call: context, reasoning, then a message (last) or tool calls; returns the message */
  modelCall(turnId, final) {
    const r = this.rng;
    this.line(
      'turn_context',
      {
        turn_id: turnId,
        cwd: this.cwd,
        approval_policy: 'on-request',
        sandbox_policy: { type: 'workspace-write', network_access: false, exclude_tmpdir_env_var: false, exclude_slash_tmp: false },
        model: MODEL,
        personality: 'pragmatic',
        collaboration_mode: { mode: 'default', settings: { model: MODEL, reasoning_effort: 'medium', developer_instructions: null } },
        effort: 'medium',
        summary: 'auto',
        user_instructions: this.agentsMd,
        truncation_policy: { mode: 'tokens', limit: 10000 },
      },
      300 + r.below(3000),
    );
    if (r.below(100) < 85) {
      const summary = this.text(420, 1600, 'prose', 0.5);
      this.line(
        'response_item',
        {
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: summary }],
          content: null,
          encrypted_content: base64Of(this.pools, r, sizeAround(r, 2400, 25000, 0.6)),
        },
        500 + r.below(8000),
      );
      this.line('event_msg', { type: 'agent_reasoning', text: summary });
    }
    let message = '';
    if (final || r.below(100) < 45) {
      message = this.text(700, 12000, r.below(5) === 0 ? 'ja' : 'prose', 0.9);
      this.line('event_msg', { type: 'agent_message', message });
      this.line('response_item', {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: message }],
        phase: final ? 'final_answer' : 'commentary',
      });
    }
    if (final) {
      this.tokenCount(200 + r.below(2000));
      return message;
    }
    const tools = 1 + (r.below(4) === 0 ? 1 : 0);
    for (let k = 0; k < tools; k++) {
      const p = r.below(100);
      if (p < 6) this.mcpCall();
      else if (p < 15) this.patchCall(turnId);
      else this.shellCall(turnId);
    }
    return message;
  }

  shellCall(turnId) {
    const r = this.rng;
    const callId = this.callId();
    const cmd =
      r.below(3) === 0
        ? `rg -n "${wordsOf(r, 2)}" src | head -200`
        : r.below(2) === 0
          ? `sed -n '1,${200 + r.below(400)}p' src/${wordsOf(r, 1)}.ts`
          : `npm test -- ${wordsOf(r, 1)} 2>&1 | tail -${50 + r.below(300)}`;
    this.line('response_item', {
      type: 'function_call',
      name: 'exec_command',
      arguments: JSON.stringify({ cmd, workdir: this.cwd, yield_time_ms: 10000, max_output_tokens: 10000, justification: wordsOf(r, 12 + r.below(40)) }),
      call_id: callId,
    });
    this.tokenCount(30 + r.below(400));
    const out = this.text(5200, 150000, undefined, 1.1);
    const secs = r.below(30);
    if (this.extended) {
      const shown = out.slice(0, 2500);
      this.line(
        'event_msg',
        {
          type: 'exec_command_end',
          call_id: callId,
          turn_id: turnId,
          process_id: String(1000 + r.below(60000)),
          command: ['/bin/bash', '-lc', cmd],
          cwd: this.cwd,
          parsed_cmd: [{ type: 'unknown', cmd }],
          source: 'unified_exec_startup',
          stdout: '',
          stderr: '',
          aggregated_output: shown,
          exit_code: r.below(6) === 0 ? 1 : 0,
          duration: { secs, nanos: r.below(1e9) },
          formatted_output: shown,
          status: 'completed',
        },
        secs * 1000 + r.below(1000),
      );
    }
    this.line(
      'response_item',
      {
        type: 'function_call_output',
        call_id: callId,
        output: `Chunk ID: ${chars(r, HEX, 6)}\nWall time: ${secs}.${r.below(9999)} seconds\nProcess exited with code 0\nOriginal token count: ${Math.floor(out.length / 4)}\nOutput:\n${out}`,
      },
      this.extended ? 1 : secs * 1000,
    );
  }

  patchCall(turnId) {
    const r = this.rng;
    const callId = this.callId();
    const file = `src/${wordsOf(r, 1)}/${wordsOf(r, 1)}.ts`;
    const body = this.text(1700, 10000, 'code', 0.8)
      .split('\n')
      .map((l) => `+${l}`)
      .join('\n');
    this.line('response_item', {
      type: 'custom_tool_call',
      status: 'completed',
      call_id: callId,
      name: 'apply_patch',
      input: `*** Begin Patch\n*** Update File: ${file}\n@@\n${body}\n*** End Patch\n`,
    });
    this.tokenCount(200 + r.below(2000));
    if (this.extended) {
      this.line('event_msg', {
        type: 'patch_apply_end',
        call_id: callId,
        turn_id: turnId,
        stdout: `Success. Updated the following files:\nM ${file}\n`,
        stderr: '',
        success: true,
        changes: { [`${this.cwd}/${file}`]: { type: 'update', unified_diff: body.slice(0, 1500), move_path: null } },
        status: 'completed',
      });
    }
    const output = JSON.stringify({
      output: `Success. Updated the following files:\nM ${file}\n${this.text(7000, 37000, 'logs', 0.9)}`,
      metadata: { exit_code: 0, duration_seconds: r.below(30) / 10 },
    });
    this.line('response_item', { type: 'custom_tool_call_output', call_id: callId, output });
  }

  mcpCall() {
    const r = this.rng;
    const callId = this.callId();
    const args = { url: `https://developers.openai.com/${wordsOf(r, 1)}/${wordsOf(r, 1)}`, query: wordsOf(r, 4) };
    this.line('response_item', { type: 'function_call', name: 'openaiDeveloperDocs__fetch_openai_doc', arguments: JSON.stringify(args), call_id: callId });
    this.tokenCount(40 + r.below(200));
    const text = this.text(19000, 140000, r.below(2) === 0 ? 'json' : 'prose', 0.8);
    const secs = r.below(3);
    this.line(
      'event_msg',
      {
        type: 'mcp_tool_call_end',
        call_id: callId,
        invocation: { server: 'openaiDeveloperDocs', tool: 'fetch_openai_doc', arguments: args },
        duration: { secs, nanos: r.below(1e9) },
        result: { Ok: { content: [{ type: 'text', text }], isError: false } },
      },
      secs * 1000 + r.below(1000),
    );
    this.line('response_item', { type: 'function_call_output', call_id: callId, output: text.slice(0, 6000) });
  }
}
