/**
 * The real-world cases recorded by the e2e harness (`fixtures/cases/codex-<version>/`, see
 * `fixtures/README.md`) and their truth files: what the mock model served.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { traceInMemory, type InMemoryTrace } from '../../src/pipeline/in-memory.js';
import type { CaseTruth } from './truth.js';

export type { CaseTruth } from './truth.js';

export const CASES_ROOT = join(import.meta.dirname, '../../fixtures/cases');
/** `codex-0.169.0`, `codex-0.171.0`, … */
export const CASE_VERSIONS = readdirSync(CASES_ROOT)
  .filter((d) => d.startsWith('codex-'))
  .sort();

export function caseTruth(version: string, name: string): CaseTruth {
  return JSON.parse(readFileSync(join(CASES_ROOT, version, `${name}.truth.json`), 'utf8')) as CaseTruth;
}

/** The case's rollout files: the main one, then `<name>.1.jsonl`, … (child threads). */
export function caseFiles(version: string, name: string): string[] {
  const files = [join(CASES_ROOT, version, `${name}.jsonl`)];
  for (let i = 1; existsSync(join(CASES_ROOT, version, `${name}.${i}.jsonl`)); i++) files.push(join(CASES_ROOT, version, `${name}.${i}.jsonl`));
  return files;
}

export function traceCase(version: string, name: string): Promise<InMemoryTrace> {
  return traceInMemory(caseFiles(version, name));
}
