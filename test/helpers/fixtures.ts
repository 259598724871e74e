/**
 * The project's real fixtures (fixtures/codex-<version>/<scenario>.jsonl) and temporary
 * CODEX_HOMEs built from them, with files named as Codex names them.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDir } from './temp.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = join(ROOT, 'fixtures');
export const VERSIONS = readdirSync(FIXTURES)
  .filter((d) => d.startsWith('codex-'))
  .map((d) => d.slice('codex-'.length));
export const DAY_DIR = join('sessions', '2026', '11', '25');

/** A path under fixtures/. */
export function fixture(rel: string): string {
  return join(FIXTURES, rel);
}

export function fixturePath(version: string, name: string): string {
  return join(FIXTURES, `codex-${version}`, name);
}

/** The text of one fixture rollout. */
export function fixtureText(name: string, version = '0.169.0'): string {
  return readFileSync(fixturePath(version, name), 'utf8');
}

/** The fixture names (`*.jsonl`) of one version. */
export function fixtureNames(version: string): string[] {
  return readdirSync(join(FIXTURES, `codex-${version}`))
    .filter((n) => n.endsWith('.jsonl'))
    .sort();
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The thread id a rollout declares in its first line (`payload.id`, or the bare 0.20 header's `id`; else the first uuid in it). */
export function threadIdOf(text: string): string {
  const nl = text.indexOf('\n');
  try {
    const first = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as { id?: unknown; payload?: { id?: unknown } };
    const id = first.payload?.id ?? first.id;
    if (typeof id === 'string') return id;
  } catch {
    // not JSON (a test's damaged first line): look for the id in its text
  }
  const m = UUID.exec(text.slice(0, 400));
  if (!m) throw new Error('no thread id in the first record');
  return m[0];
}

export function rolloutName(threadId: string, time = '2026-11-25T10-00-00'): string {
  return `rollout-${time}-${threadId}.jsonl`;
}

export interface HomeFile {
  /** `codex-<v>/<name>` of the fixture it came from */
  fixture: string;
  path: string;
  threadId: string;
}

/** Copies fixtures into `<home>/sessions/2026/11/25/rollout-…-<thread id>.jsonl`. */
export function addFixtures(home: string, version: string, names = fixtureNames(version), dayDir = DAY_DIR): HomeFile[] {
  const dir = join(home, dayDir);
  mkdirSync(dir, { recursive: true });
  return names.map((name) => {
    const src = fixturePath(version, name);
    const threadId = threadIdOf(readFileSync(src, 'utf8'));
    const path = join(dir, rolloutName(threadId));
    copyFileSync(src, path);
    return { fixture: `codex-${version}/${name}`, path, threadId };
  });
}

/** A fresh CODEX_HOME holding the given versions' fixtures (all by default). */
export function makeCodexHome(versions = VERSIONS): { home: string; files: HomeFile[] } {
  const home = testDir('ct-home-');
  const files = versions.flatMap((v) => addFixtures(home, v));
  return { home, files };
}

/** Writes a rollout under `home` with a Codex file name; returns its path. */
export function putRollout(home: string, text: string | Buffer, id?: string): string {
  const tid = id ?? threadIdOf(text.toString());
  const dir = join(home, DAY_DIR);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `rollout-2026-11-25T16-56-34-${tid}.jsonl`);
  writeFileSync(path, text);
  return path;
}

/** A copy of a rollout with every thread id replaced (copy n of the same session). */
export function withNewIds(text: string, n: number): string {
  const ids = new Set(text.match(new RegExp(UUID.source, 'g')) ?? []);
  let out = text;
  for (const id of ids) out = out.split(id).join(`${id.slice(0, 24)}${n.toString(16).padStart(12, '0')}`);
  return out;
}

const SCENARIOS = ['a-text', 'b-shell', 'c-apply-patch', 'd-failing-command', 'e-multi-tool', 'f-resume', 'g-reasoning', 'h-compaction'];

/** A CODEX_HOME holding `copies` copies of each single-file 0.169 and 0.100 scenario. */
export function makeCorpusHome(copies: number): string {
  const home = testDir('ct-home-');
  let n = 0;
  for (let c = 0; c < copies; c++) {
    for (const version of ['0.169.0', '0.100.0']) {
      for (const s of SCENARIOS) putRollout(home, withNewIds(fixtureText(`${s}.jsonl`, version), ++n));
    }
  }
  return home;
}

/** A resumed rollout cut where the first run ended (after its first `task_complete` line): [first run, the resume]. */
export function splitAtResume(text: string): [string, string] {
  const lines = text.split(/(?<=\n)/);
  const cut = lines.findIndex((l) => l.includes('"type":"task_complete"')) + 1;
  if (cut === 0) throw new Error('no task_complete in this rollout');
  return [lines.slice(0, cut).join(''), lines.slice(cut).join('')];
}

/** A rollout line as a record, for tests that edit records before tracing them. */
export type FixtureRecord = { timestamp: string; type: string; payload: Record<string, unknown> };

/** The records of `fixtures/<rel>` (one per line). */
export function fixtureRecords(rel: string): FixtureRecord[] {
  return readFileSync(fixture(rel), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as FixtureRecord);
}

/** An ISO time moved by `ms`. */
export const shiftIso = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/** The rollout with every timestamp moved so that its first one is now, as if Codex were writing it. */
export function writtenNow(text: string): string {
  const first = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/.exec(text)?.[0];
  if (!first) return text;
  const shift = Date.now() - Date.parse(first);
  return text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, (t) => shiftIso(t, shift));
}
