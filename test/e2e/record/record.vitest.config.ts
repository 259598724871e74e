import { defineConfig } from 'vitest/config';

/** `npm run record:fixtures`: re-records the fidelity fixtures (not part of `npm test`). */
export default defineConfig({
  test: {
    include: ['test/e2e/record/*.record.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
