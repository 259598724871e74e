/**
 * The recorded real-world cases (`fixtures/cases/codex-<version>/`, Codex 0.169.0 and 0.171.0
 * against the mock) traced and checked against their truth files: an interrupted turn,
 * failing model requests, MCP calls, a code review (`expect.ts`).
 */
import { describe, it } from 'vitest';
import { CASE_VERSIONS, caseTruth, traceCase } from './cases.js';
import { CASE_EXPECTATIONS } from './expect.js';

describe.each(CASE_VERSIONS)('%s', (version) => {
  it.each(Object.keys(CASE_EXPECTATIONS))('%s traces as the mock served it', async (name) => {
    const check = CASE_EXPECTATIONS[name] as (typeof CASE_EXPECTATIONS)[string];
    check(await traceCase(version, name), caseTruth(version, name));
  });
});
