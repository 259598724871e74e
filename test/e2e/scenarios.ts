/**
 * The end-to-end scenarios by name. They mirror the sessions recorded in
 * `fixtures/codex-0.169.0/` (see `fixtures/README.md`): same names, same call ids.
 */
import {
  failingScenario,
  multiToolScenario,
  patchScenario,
  resumeScenario,
  shellScenario,
  textScenario,
} from './scenarios-basic.js';
import { compactionScenario, reasoningScenario, subagentScenario } from './scenarios-advanced.js';
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

/** The scenario called `name`; throws on an unknown name. */
export function scenarioByName(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown e2e scenario "${name}" (have: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  return found;
}
