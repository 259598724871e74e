/**
 * Records the fidelity scenarios (`scenarios-fidelity.ts`) with every installed Codex release
 * and saves each rollout with a truth file (what the mock served) under
 * `fixtures/codex-<version>/`, for the unit tests. Run with `npm run record:fixtures`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CODEX_RELEASES, killAllCodex, runScenario } from '../run-scenario.js';
import { FIDELITY_SCENARIOS } from '../scenarios-fidelity.js';
import { truthOf } from '../../cases/truth.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'cases');

afterAll(() => killAllCodex());

describe.each(CODEX_RELEASES.map((c) => [c.version, c] as const))('record with codex %s', (version, codex) => {
  it.each(FIDELITY_SCENARIOS.map((s) => s.name))('%s', async (name) => {
    const r = await runScenario(name, { codex, timeoutMs: 60_000 });
    try {
      const dir = join(FIXTURES, `codex-${version}`);
      mkdirSync(dir, { recursive: true });
      r.rolloutPaths.forEach((path, i) => copyFileSync(path, join(dir, `${name}${i === 0 ? '' : `.${i}`}.jsonl`)));
      writeFileSync(join(dir, `${name}.truth.json`), `${JSON.stringify(truthOf(r), null, 2)}\n`);
      expect(r.served.unscripted).toEqual([]);
    } finally {
      r.dispose();
    }
  });
});
