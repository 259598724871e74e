/**
 * What a tool's output says about how the call went, in every shape Codex has used:
 *  - 2025 `shell`: a JSON string `{"output": …, "metadata": {"exit_code", "duration_seconds"}}`
 *  - `shell_command`: `Exit code: N\nWall time: …\nOutput:\n…`
 *  - unified exec (`exec_command`): `Chunk ID: …\nWall time: …\nProcess exited with code N\n…`
 *  - content arrays `[{type:"input_text", text}, …]`
 */
export interface ParsedToolOutput {
  text: string;
  exitCode?: number;
  durationMs?: number;
  /** the output reports a failure in words or as an object (only looked for when it has no exit code) */
  failed?: boolean;
  failureMessage?: string;
  /** the output says the call was interrupted (the turn was aborted while it ran) */
  aborted?: boolean;
}

const EXIT_RE = /(?:^|\n)(?:Exit code: |Process exited with code )(-?\d+)/;
const WALL_RE = /(?:^|\n)Wall time: ([\d.]+) seconds/;

export function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    const parts: string[] = [];
    for (const p of output) {
      if (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string') {
        parts.push((p as { text: string }).text);
      }
    }
    return parts.join('\n');
  }
  if (output && typeof output === 'object') {
    const o = output as { content?: unknown; text?: unknown };
    if (typeof o.content === 'string') return o.content;
    if (typeof o.text === 'string') return o.text;
    return JSON.stringify(output);
  }
  return output === undefined || output === null ? '' : String(output);
}

export function parseToolOutput(output: unknown): ParsedToolOutput {
  const parsed = parseShape(output);
  if (parsed.exitCode !== undefined) return parsed;
  const failureMessage = failureIn(parsed.text);
  if (failureMessage === undefined) return parsed;
  return failureMessage === ABORTED ? { ...parsed, failed: true, failureMessage, aborted: true } : { ...parsed, failed: true, failureMessage };
}

const ABORTED = 'aborted by user';

/** An interrupted call: `aborted` (older), `aborted by user after 1.2s`, or the shell form `Wall time: …\naborted by user`. */
const ABORTED_RE = /^(?:aborted|(?:[\s\S]*\n)?aborted by user(?: after [\d.]+s)?)\s*$/;
/** Failures Codex words at the start of an output: sandbox denials, rejections, timeouts, `error:` (older eras), `failed…`. */
const FAILURE_RE = /^(?:error:|failed\b|execution error|sandbox (?:error|denied)|exec command rejected|patch rejected|command timed out|tool call failed)/i;

/** What a failing output says, or undefined when it does not report a failure. */
function failureIn(text: string): string | undefined {
  const t = text.trimStart();
  if (ABORTED_RE.test(t)) return ABORTED;
  if (FAILURE_RE.test(t)) return firstLine(t);
  if (t.startsWith('{"') && t.length < 65536) return failureObject(t);
  return undefined;
}

function firstLine(t: string): string {
  const nl = t.indexOf('\n');
  const line = nl < 0 ? t : t.slice(0, nl);
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** `{"status":"failed","error":"…"}`, `{"success":false,…}`, `{"isError":true,…}` */
function failureObject(t: string): string | undefined {
  let v: { status?: unknown; error?: unknown; message?: unknown; success?: unknown; isError?: unknown };
  try {
    v = JSON.parse(t) as typeof v;
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const failed = v.status === 'failed' || v.status === 'error' || v.status === 'errored' || v.success === false || v.isError === true;
  if (!failed) return undefined;
  const detail = typeof v.error === 'string' ? v.error : typeof v.message === 'string' ? v.message : undefined;
  return detail ?? `status ${typeof v.status === 'string' ? v.status : 'failed'}`;
}

function parseShape(output: unknown): ParsedToolOutput {
  const text = outputText(output);
  if (text.startsWith('{"output"')) {
    try {
      const v = JSON.parse(text) as { output?: unknown; metadata?: { exit_code?: unknown; duration_seconds?: unknown } };
      const exit = v.metadata?.exit_code;
      const dur = v.metadata?.duration_seconds;
      return {
        text: typeof v.output === 'string' ? v.output : text,
        exitCode: typeof exit === 'number' ? exit : undefined,
        durationMs: typeof dur === 'number' ? Math.round(dur * 1000) : undefined,
      };
    } catch {
      // not the JSON form after all
    }
  }
  const head = text.length > 400 ? text.slice(0, 400) : text;
  const exit = EXIT_RE.exec(head);
  const wall = WALL_RE.exec(head);
  return {
    text,
    exitCode: exit ? Number(exit[1]) : undefined,
    durationMs: wall ? Math.round(Number(wall[1]) * 1000) : undefined,
  };
}

/** The command line a shell-like tool call runs, from its arguments (JSON string). */
export function commandOf(name: string, args: unknown): { command?: string; cwd?: string } {
  if (typeof args !== 'string' || !args.startsWith('{')) return {};
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(args) as Record<string, unknown>;
  } catch {
    return {};
  }
  const cwd = typeof v.workdir === 'string' ? v.workdir : typeof v.cwd === 'string' ? v.cwd : undefined;
  const cmd = v.cmd ?? v.command;
  if (Array.isArray(cmd)) return { command: shellJoin(cmd), cwd };
  if (typeof cmd === 'string') return { command: cmd, cwd };
  void name;
  return { cwd };
}

/** `["bash","-lc","ls -1"]` → `ls -1` (the script of a `bash -lc`), else the argv joined. */
export function shellJoin(argv: unknown[]): string {
  const a = argv.map((x) => String(x));
  if (a.length === 3 && /(^|\/)(ba|z)?sh$/.test(a[0] as string) && /^-l?c$/.test(a[1] as string)) return a[2] as string;
  const windows = windowsShellScript(a);
  if (windows !== undefined) return windows;
  return a.map((s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * On Windows Codex runs commands through PowerShell (`…\\powershell.exe -NoProfile -Command
 * SCRIPT`, or pwsh) or `cmd.exe /c`: the command is the script the shell ran.
 */
function windowsShellScript(a: string[]): string | undefined {
  const exe = (a[0] ?? '').split(/[\\/]/).pop()?.toLowerCase() ?? '';
  if (/^(powershell|pwsh)(\.exe)?$/.test(exe)) {
    const at = a.findIndex((x, i) => i > 0 && /^-(c|command)$/i.test(x));
    return at > 0 && at < a.length - 1 ? a.slice(at + 1).join(' ') : undefined;
  }
  if (/^cmd(\.exe)?$/.test(exe) && a.length > 2 && /^\/c$/i.test(a[1] as string)) return a.slice(2).join(' ');
  return undefined;
}

/** `file:///home/x` → `/home/x` (0.169 writes cwd as a file URI). */
export function pathFromUri(p: string | null | undefined): string | undefined {
  if (!p) return undefined;
  if (p.startsWith('file://')) {
    try {
      return decodeURIComponent(p.slice('file://'.length));
    } catch {
      return p.slice('file://'.length);
    }
  }
  return p;
}

/**
 * The MCP server and tool a call names, from the names Codex gives MCP tools: 0.16x+ calls name
 * a namespace `mcp__<server>` (sometimes with a trailing `__`) and the bare tool; older ones a
 * flat `mcp__<server>__<tool>`. Server names have no `__` (Codex sanitizes them), tool names may.
 */
export function mcpToolOf(name: string, namespace: string | null | undefined): { server: string; tool: string } | undefined {
  if (namespace?.startsWith('mcp__')) {
    const server = namespace.slice('mcp__'.length).replace(/__$/, '');
    return server !== '' ? { server, tool: name } : undefined;
  }
  const m = /^mcp__([^_]+(?:_[^_]+)*)__(.+)$/.exec(name);
  return m ? { server: m[1] as string, tool: m[2] as string } : undefined;
}
