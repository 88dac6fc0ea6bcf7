/**
 * Attack scenarios, one or more per remediation (remediations/<id>/scenario.ts), in registry
 * order, and the kit they are made with (scripts/scenarioKit.ts): each makes, with the real AWS
 * SDK v3 against an endpoint (the local emulator, see scripts/moto.ts), the dangerous change one
 * remediation undoes, and builds the CloudTrail record AWS would deliver for that API call.
 *
 * Used by the integration tests of the remediation handlers, the `npm run drill` fire drill and
 * the benchmarks.
 */
import { REMEDIATIONS } from "../remediations/registry";
import type { Scenario } from "./scenarioKit";

export * from "./scenarioKit";

/** The scenarios of one remediation's folder (`scenario.ts`), [] when it has none. */
function folderScenarios(id: string): Scenario[] {
  let file: string;
  try {
    file = require.resolve(`../remediations/${id}/scenario`);
  } catch {
    return [];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(file) as { scenarios: Scenario[] }).scenarios;
}

/** Every scenario: each remediation's, in registry order. */
export const SCENARIOS: readonly Scenario[] = REMEDIATIONS.flatMap((s) => folderScenarios(s.id));

/** The scenario with this id; throws with the known ids otherwise. */
export function scenario(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (found === undefined) {
    throw new Error(`Unknown scenario ${id}; known: ${SCENARIOS.map((s) => s.id).join(", ")}`);
  }
  return found;
}
