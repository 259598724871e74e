/**
 * `codex-tracer doctor`: checks that tracing can work here and says what to fix —
 * Node, CODEX_HOME, the state dir, the newest rollout (is its format understood?), record
 * types and event names it does not know over the whole history (drift),
 * the watcher, and whether the configured backends answer. Exit 1 if a check fails.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { discover } from '../source/index.js';
import { braintrustConfigFromEnv, describeOtlpEndpoint, otlpConfigFromEnv, resolveOtlpEndpoint } from '../sinks/index.js';
import { httpVerdict, probeHttp, probeOtlp } from './probe.js';
import { ensureStateDir, stateDirWarning, TraceStore } from '../store/index.js';
import { scanDrift } from '../pipeline/drift.js';
import { traceInMemory } from '../pipeline/in-memory.js';
import { unknownRecordsText } from '../pipeline/summary.js';
import type { CommandContext } from './context.js';
import { buildStatus } from './status.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The backends: an OTLP endpoint must accept an empty export as OTLP; Braintrust must answer 2xx with the key. */
async function sinkChecks(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const checks: Check[] = [];
  let endpoint;
  try {
    endpoint = resolveOtlpEndpoint(env);
  } catch (err) {
    checks.push({ name: 'otlp backend', ok: false, detail: (err as Error).message });
  }
  if (endpoint && endpoint.origin !== 'default') {
    try {
      const r = await probeOtlp(otlpConfigFromEnv(env));
      checks.push({ name: 'otlp backend', ok: r.ok, detail: `${r.detail}; endpoint ${describeOtlpEndpoint(endpoint)}` });
    } catch (err) {
      checks.push({ name: 'otlp backend', ok: false, detail: (err as Error).message });
    }
  } else if (endpoint) {
    checks.push({ name: 'otlp backend', ok: true, detail: `not configured: --sink otlp would send to ${describeOtlpEndpoint(endpoint)}` });
  }
  if (env.BRAINTRUST_API_KEY) {
    const c = braintrustConfigFromEnv(env);
    const url = `${c.apiUrl}/v1/project?project_name=${encodeURIComponent(c.project)}`;
    const r = await probeHttp(url, { headers: { authorization: `Bearer ${c.apiKey}` } });
    checks.push({
      name: 'braintrust api',
      ...(r.res ? (httpVerdict(url, r.res) ?? { ok: true, detail: `${url} answered HTTP ${r.res.status}` }) : { ok: false, detail: r.detail ?? url }),
    });
  }
  return checks;
}

async function rolloutChecks(codexHome: string): Promise<Check[]> {
  const found = await discover(codexHome);
  if (found.files.length === 0) return [{ name: 'rollouts', ok: true, detail: `no rollout files under ${codexHome} yet` }];
  const newest = [...found.files].sort((a, b) => b.mtimeMs - a.mtimeMs)[0] as { path: string };
  const res = await traceInMemory([newest.path]);
  const newestCheck: Check = {
    name: 'newest rollout',
    ok: res.spans.length > 0,
    detail:
      `${found.files.length} rollouts; ${newest.path}: ${res.spans.length} spans, ${res.warnings.length} warnings` +
      (res.warnings.length === 0 ? ', format understood' : ''),
  };
  return [newestCheck, await driftCheck(found.files)];
}

/** Unknown record types and event names over the whole history (drift: ignored, but worth knowing). */
async function driftCheck(files: readonly { path: string; mtimeMs: number }[]): Promise<Check> {
  const drift = await scanDrift(files);
  const text = unknownRecordsText(drift.unknown);
  const unread = drift.failed.length > 0 ? `; ${drift.failed.length} could not be read (${drift.failed[0]?.path}: ${drift.failed[0]?.reason})` : '';
  if (!text) return { name: 'record types', ok: true, detail: `all ${drift.files} rollouts: every record type and event name known${unread}` };
  const where = Object.entries(drift.where)
    .map(([name, w]) => `${name} in ${w.files} file(s), newest ${w.newest}`)
    .join('; ');
  return {
    name: 'record types',
    // unknown records are ignored without harm: reported, not failed
    ok: true,
    detail: `all ${drift.files} rollouts: unknown record types (ignored): ${text} — ${where}${unread}`,
  };
}

export async function doctorChecks(ctx: CommandContext): Promise<Check[]> {
  const checks: Check[] = [];
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  checks.push({ name: 'node', ok: major > 20 || (major === 20 && minor >= 19), detail: `Node ${process.versions.node} (needs >= 20.19)` });
  const { codexHome, stateDir } = ctx.config;
  if (!existsSync(codexHome)) {
    checks.push({ name: 'codex home', ok: false, detail: `${codexHome} does not exist: set CODEX_HOME or pass --codex-home (watch waits for it)` });
  } else {
    checks.push({ name: 'codex home', ok: true, detail: codexHome });
    checks.push(...(await rolloutChecks(codexHome)));
  }
  try {
    ensureStateDir(stateDir);
    accessSync(stateDir, constants.W_OK);
    const store = TraceStore.open({ stateDir });
    const st = store.stats();
    store.close();
    checks.push({ name: 'local store', ok: true, detail: `${st.path}: schema ${st.schemaVersion}, ${st.sessions} sessions, ${st.cursors} cursors` });
    const open = stateDirWarning(stateDir);
    if (open !== undefined) checks.push({ name: 'state dir', ok: false, detail: open });
  } catch (err) {
    checks.push({ name: 'local store', ok: false, detail: `${stateDir}: ${(err as Error).message}` });
  }
  const status = await buildStatus(ctx);
  checks.push({
    name: 'watcher',
    ok: true,
    detail: status.watcher.running ? `running (pid ${status.watcher.pid})` : 'not running (start it with `codex-tracer watch`)',
  });
  const limit = status.watcher.status?.watchLimit;
  if (limit)
    checks.push({
      name: 'inotify watches',
      ok: false,
      detail: `the watcher ran out (limit ${limit.limit ?? '?'}) and polls ${limit.polledFiles} files instead: ${limit.fix}`,
    });
  checks.push(...(await sinkChecks(ctx.env)));
  return checks;
}

export async function doctorCommand(ctx: CommandContext, flags: { json?: boolean }): Promise<number> {
  const checks = await doctorChecks(ctx);
  if (flags.json) ctx.stdout.write(`${JSON.stringify(checks)}\n`);
  else for (const c of checks) ctx.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(15)} ${c.detail}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}
