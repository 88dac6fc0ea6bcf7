/**
 * The one list of remediations. Everything that deploys, permits, configures, drills or documents
 * a remediation iterates `REMEDIATIONS`: the AutoRemediator (functions, roles, settings), the
 * member roles and spoke templates of an organization, the catalog's detection and Config rule
 * links, the generated `RemediationId` enum (core/remediationIds.ts, `npm run remediation-ids`)
 * and the remediation docs (docs/reference/remediations.md).
 *
 * To add a remediation: make `remediations/<id>/` (handler.ts, policy.ts, spec.ts, scenario.ts)
 * and add its spec to the list below (see CONTRIBUTING.md).
 */
import type { RemediationPolicyStatement, StatementContext } from "../core/remediationPolicies";
import type { RemediationSpec } from "./spec";
import { spec as revokeWorldIngress } from "./revoke-world-ingress/spec";
import { spec as quarantineAccessKey } from "./quarantine-access-key/spec";
import { spec as restartAuditLogging } from "./restart-audit-logging/spec";
import { spec as blockPublicBucket } from "./block-public-bucket/spec";
import { spec as cancelKeyDeletion } from "./cancel-key-deletion/spec";
import { spec as restartConfigRecorder } from "./restart-config-recorder/spec";
import { spec as unshareSnapshot } from "./unshare-snapshot/spec";
import { spec as removeLambdaPermission } from "./remove-lambda-permission/spec";
import { spec as restrictFunctionUrl } from "./restrict-function-url/spec";
import { spec as restoreBucketVersioning } from "./restore-bucket-versioning/spec";
import { spec as restoreEbsEncryption } from "./restore-ebs-encryption/spec";
import { spec as enableGuardDuty } from "./enable-guardduty/spec";
import { spec as blockAccountPublicAccess } from "./block-account-public-access/spec";

export type { RemediationSpec, SettingSpec, HandlerFactory, RemediationHandler } from "./spec";
// The typed settings of the remediations that have some (`remediations.<id>.settings`).
export type { RevokeWorldIngressOptions } from "./revoke-world-ingress/spec";
export type { CancelKeyDeletionOptions } from "./cancel-key-deletion/spec";
export type { RemoveLambdaPermissionOptions } from "./remove-lambda-permission/spec";

/** Every remediation the package ships, in a stable order (the order of functions and docs). */
export const REMEDIATIONS: RemediationSpec[] = [
  revokeWorldIngress,
  quarantineAccessKey,
  restartAuditLogging,
  blockPublicBucket,
  cancelKeyDeletion,
  restartConfigRecorder,
  unshareSnapshot,
  removeLambdaPermission,
  restrictFunctionUrl,
  restoreBucketVersioning,
  restoreEbsEncryption,
  enableGuardDuty,
  blockAccountPublicAccess,
];

/** Why `spec` cannot join the registry (undefined: it can). */
export function specProblem(spec: RemediationSpec, registry = REMEDIATIONS): string | undefined {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(spec.id) || spec.id.length > 40) {
    return `remediation id "${spec.id}" must be kebab-case, at most 40 characters`;
  }
  if (!/^[A-Z][A-Za-z0-9]*$/.test(spec.key)) {
    return `remediation ${spec.id}: key "${spec.key}" must be PascalCase`;
  }
  if (registry.some((s) => s.id === spec.id || s.key === spec.key)) {
    return `remediation ${spec.id} (${spec.key}) is registered already`;
  }
  const taken = registry.flatMap((s) => s.detections.map((d) => [d, s.id]));
  const clash = taken.find(([d]) => spec.detections.includes(d));
  if (clash) return `remediation ${spec.id}: detection ${clash[0]} triggers ${clash[1]} already`;
  return undefined;
}

/**
 * Adds a remediation to the registry (a plugin, or a test) and returns the function that
 * removes it again. Components read the registry when they are constructed.
 */
export function registerRemediation(spec: RemediationSpec): () => void {
  const problem = specProblem(spec);
  if (problem) throw new Error(problem);
  REMEDIATIONS.push(spec);
  return () => {
    const at = REMEDIATIONS.indexOf(spec);
    if (at >= 0) REMEDIATIONS.splice(at, 1);
  };
}

/** The ids of every registered remediation, in registry order. */
export function remediationIds(): string[] {
  return REMEDIATIONS.map((s) => s.id);
}

/** The spec of remediation `id`; throws, naming the known ids, for an unknown one. */
export function remediationSpec(id: string): RemediationSpec {
  const spec = REMEDIATIONS.find((s) => s.id === id);
  if (!spec) {
    throw new Error(`unknown remediation "${id}"; known: ${remediationIds().join(", ")}`);
  }
  return spec;
}

/** The statements of remediation `id`'s own calls (without the shared ones). */
export function remediationStatements(
  id: string,
  ctx: StatementContext,
): RemediationPolicyStatement[] {
  return remediationSpec(id).statements(ctx);
}

/** The remediation each linked catalog detection triggers, by detection id. */
export function detectionRemediations(): Record<string, string> {
  return Object.fromEntries(REMEDIATIONS.flatMap((s) => s.detections.map((d) => [d, s.id])));
}

/** The remediation each linked AWS Config rule's NON_COMPLIANT results trigger, by rule key. */
export function configRuleRemediations(): Record<string, string> {
  return Object.fromEntries(
    REMEDIATIONS.flatMap((s) => (s.configRules ?? []).map((r) => [r, s.id])),
  );
}

/** The defaults of remediation `id`'s own settings. */
export function settingDefaults(id: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(remediationSpec(id).settings).map(([name, s]) => [name, s.default]),
  );
}
