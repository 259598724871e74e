import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (the stages on their own: no CLI, no child process, no watcher of a
 * whole CODEX_HOME; seconds) and `integration` (the CLI, the watcher, faults, e2e).
 * `npm run test:unit` runs the first; `vitest run` runs both.
 */
/** in a unit folder, but runs the CLI in child processes */
const NOT_UNIT = new Set(['test/source/watch-limit.test.ts']);
const UNIT = [
  ...['trace', 'rollout', 'source', 'store', 'sinks', 'redact', 'pricing', 'cases'].flatMap((d) =>
    readdirSync(fileURLToPath(new URL(`./test/${d}/`, import.meta.url)))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `test/${d}/${f}`),
  ),
  'test/pipeline/file-tracer.test.ts',
  'test/architecture.test.ts',
].filter((f) => !NOT_UNIT.has(f));

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: UNIT } },
    ],
  },
});
