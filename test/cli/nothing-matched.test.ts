/**
 * When nothing matches, the built CLI as a process says what was searched, and exits 1 where
 * a CI job or a script must notice (a named session not found, `trace` of an empty folder).
 * A session includes its subagents; a subagent's id finds the trace it belongs to.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, makeCodexHome, runCleanups, testDir, type HomeFile } from '../helpers/index.js';
import { cleanEnv, runBin } from './proc.js';

const V = '0.169.0';
let home: string;
let files: HomeFile[];
let env: NodeJS.ProcessEnv;
let parent: HomeFile;
let child: HomeFile;

const truth = (f: HomeFile): { model_calls: number } =>
  JSON.parse(readFileSync(fixturePath(V, (f.fixture.split('/')[1] as string).replace(/\.jsonl$/, '.truth.json')), 'utf8')) as { model_calls: number };

beforeAll(() => {
  ({ home, files } = makeCodexHome([V]));
  parent = files.find((f) => f.fixture.endsWith('/i-subagent.jsonl')) as HomeFile;
  child = files.find((f) => f.fixture.endsWith('/i-subagent.1.jsonl')) as HomeFile;
  env = cleanEnv(testDir(), { CODEX_HOME: home, XDG_STATE_HOME: testDir('ct-xdg-') });
});
afterAll(runCleanups);

describe('backfill', () => {
  it('--session PARENT traces its subagent too; show SUBAGENT_ID finds that trace', async () => {
    const r = await runBin(['backfill', '--session', parent.threadId, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { files: number; modelCalls: number };
    expect(s.files).toBe(2);
    expect(s.modelCalls).toBe(truth(parent).model_calls + truth(child).model_calls);
    const shown = await runBin(['show', child.threadId, '--format', 'jsonl'], env);
    expect(shown.code, shown.stderr).toBe(0);
    const spans = shown.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; attributes: Record<string, unknown> });
    expect(spans.find((x) => x.kind === 'session')?.attributes['gen_ai.conversation.id']).toBe(parent.threadId);
    expect(spans.filter((x) => x.kind === 'llm')).toHaveLength(s.modelCalls);
    const prefix = await runBin(['show', child.threadId.slice(0, 18)], env);
    expect(prefix.code, prefix.stderr).toBe(0);
    expect(prefix.stdout).toContain(`invoke_agent`);
  });

  it('--session zzz: exit 1, saying what was searched', async () => {
    const r = await runBin(['backfill', '--session', 'zzz', '--force'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `codex-tracer: no session "zzz" among the ${files.length} rollout file(s) under ${join(home, 'sessions')} and ${join(home, 'archived_sessions')}; see \`codex-tracer sessions\``,
    );
    expect(r.stderr).not.toContain('--force');
  });

  it('a Codex home without rollouts: says where it looked, not "use --force" (also with --force)', async () => {
    const empty = testDir('ct-empty-home-');
    for (const extra of [[], ['--force']]) {
      const r = await runBin(['backfill', '--codex-home', empty, ...extra], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `codex-tracer: no rollout files under ${join(empty, 'sessions')} and ${join(empty, 'archived_sessions')} (rollout-*.jsonl); is ${empty} a Codex home?`,
      );
      expect(r.stderr).not.toMatch(/Nothing new|use --force/);
    }
  });

  it('filters that match nothing say so and count what is there', async () => {
    const r = await runBin(['backfill', '--cwd', '/nowhere/at/all'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`matches --cwd /nowhere/at/all (${files.length} file(s) there in all)`);
  });
});

describe('trace', () => {
  it('an empty folder exits 1 with "no rollouts under …", 0 with --allow-empty', async () => {
    const dir = testDir('ct-empty-');
    const r = await runBin(['trace', dir], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`codex-tracer: no rollouts under ${dir}`);
    expect((await runBin(['trace', dir, '--allow-empty'], env)).code).toBe(0);
  });
});

describe('sessions', () => {
  let state: string;
  beforeAll(async () => {
    state = testDir('ct-sessions-state-');
    expect((await runBin(['backfill', '--state-dir', state], env)).code).toBe(0);
  });

  it('filters that match nothing: "No sessions match …", with what the store holds', async () => {
    const r = await runBin(['sessions', '--state-dir', state, '--since', '2030-01-01'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`No sessions match --since 2030-01-01 (the store has ${files.length - 1} sessions).\n`);
  });

  it('a limit that cuts the list: "N more — use --limit"', async () => {
    const r = await runBin(['sessions', '--state-dir', state, '--limit', '3'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1 + 3);
    expect(r.stderr).toBe(`${files.length - 1 - 3} more — use --limit ${files.length - 1} to list them all\n`);
    const all = await runBin(['sessions', '--state-dir', state, '--limit', String(files.length - 1)], env);
    expect(all.stderr).toBe('');
  });
});
