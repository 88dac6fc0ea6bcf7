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

/** The remediations the package ships; each is one Lambda function (remediations/<id>/handler.ts). */
export enum RemediationId {
  RevokeWorldIngress = "revoke-world-ingress",
  QuarantineAccessKey = "quarantine-access-key",
  RestartAuditLogging = "restart-audit-logging",
  BlockPublicBucket = "block-public-bucket",
  CancelKeyDeletion = "cancel-key-deletion",
  RestartConfigRecorder = "restart-config-recorder",
  UnshareSnapshot = "unshare-snapshot",
  RemoveLambdaPermission = "remove-lambda-permission",
  RestrictFunctionUrl = "restrict-function-url",
  RestoreBucketVersioning = "restore-bucket-versioning",
  RestoreEbsEncryption = "restore-ebs-encryption",
  EnableGuardDuty = "enable-guardduty",
  BlockAccountPublicAccess = "block-account-public-access",
}

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
