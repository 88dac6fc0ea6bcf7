/**
 * Shared vocabulary of the package: severities, remediation ids and modes. Plain data, no Pulumi.
 */

/** How urgent an alert is; each severity has its own alert topic. */
export enum Severity {
  Critical = "critical",
  High = "high",
  Medium = "medium",
  Info = "info",
}

/** Every severity, most urgent first. */
export const SEVERITIES: readonly Severity[] = [
  Severity.Critical,
  Severity.High,
  Severity.Medium,
  Severity.Info,
];

/** The purpose key of the topic that receives resolution (and alarm OK) notifications. */
export const RESOLUTIONS_TOPIC = "resolutions";

/** The remediations the package ships (generated from remediations/registry.ts). */
export { RemediationId } from "./remediationIds";
import { RemediationId } from "./remediationIds";

/**
 * The shipped remediation ids. Code that deploys or documents remediations iterates the
 * registry (remediations/registry.ts `REMEDIATIONS`), which a plugin or a test may extend.
 */
export const REMEDIATION_IDS: readonly RemediationId[] = Object.values(RemediationId);

/**
 * What a remediation does when its detection fires: nothing (`off`), decide and report without
 * any mutating call (`dry-run`), or undo the change (`enforce`).
 */
export enum RemediationMode {
  Off = "off",
  DryRun = "dry-run",
  Enforce = "enforce",
}
