import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (the stages on their own: no CLI, no child process, no watcher of a
 * whole CODEX_HOME; seconds) and `integration` (the CLI, the watcher, faults, e2e).
 * `npm run test:unit` runs the first; `vitest run` runs both.
 */
const UNIT = ['test/trace/**', 'test/rollout/**', 'test/source/**', 'test/store/**', 'test/sinks/**', 'test/redact/**', 'test/pipeline/file-tracer.test.ts', 'test/architecture.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT.map((g) => (g.endsWith('.ts') ? g : `${g}/*.test.ts`)) } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: UNIT.map((g) => (g.endsWith('.ts') ? g : `${g}/*.test.ts`)) } },
    ],
  },
});
