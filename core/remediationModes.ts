/** Stack-file helpers over the registry's remediations (plain data, no Pulumi). */
import type { RemediationGroupArgs } from "../components/autoRemediator";
import { REMEDIATION_IDS, RemediationMode } from "./types";

/**
 * A stack file's `remediation` with every remediation of the registry in `mode` (the drills and
 * benchmarks run the dev and hub stacks in enforce); each remediation keeps its other settings.
 */
export function everyRemediationIn(
  remediation: unknown,
  mode: RemediationMode,
): RemediationGroupArgs {
  const given = (remediation ?? {}) as RemediationGroupArgs;
  const own = given.remediations ?? {};
  return {
    ...given,
    defaultMode: mode,
    remediations: Object.fromEntries(REMEDIATION_IDS.map((id) => [id, { ...own[id], mode }])),
  };
}
