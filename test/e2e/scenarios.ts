/**
 * The end-to-end scenarios by name. They mirror the sessions recorded in
 * `fixtures/codex-0.169.0/` (see `fixtures/README.md`): same names, same call ids.
 */
import { failingScenario, multiToolScenario, patchScenario, resumeScenario, shellScenario, textScenario } from './scenarios-basic.js';
import { compactionScenario, reasoningScenario, subagentScenario } from './scenarios-advanced.js';
import { FIDELITY_SCENARIOS } from './scenarios-fidelity.js';
import type { Scenario } from './scenario-types.js';

export type { Scenario, ScenarioExpectation } from './scenario-types.js';

export const SCENARIOS: readonly Scenario[] = [
  textScenario,
  shellScenario,
  patchScenario,
  failingScenario,
  multiToolScenario,
  resumeScenario,
  reasoningScenario,
  compactionScenario,
  subagentScenario,
];

/** The lab scenarios and the real-world cases of `scenarios-fidelity.ts` (interrupt, failing requests, MCP, review). */
export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, ...FIDELITY_SCENARIOS];

/** The scenario called `name`; throws on an unknown name. */
export function scenarioByName(name: string): Scenario {
  const found = ALL_SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown e2e scenario "${name}" (have: ${ALL_SCENARIOS.map((s) => s.name).join(', ')})`);
  return found;
}
