/**
 * Registry of the remediation handlers: one factory per remediation id, and the defaults of the
 * settings specific to each remediation (the shared ones come from the AutoRemediator).
 *
 * Not serialized into the Lambdas (the AutoRemediator captures one factory each).
 */
import { RemediationId } from "../core/types";
import type { RemediationResult } from "./runtime/remediator";
import type { RemediationSettings } from "./runtime/settings";
import { createBlockPublicBucketHandler } from "../remediations/block-public-bucket/handler";
import { createCancelKeyDeletionHandler } from "../remediations/cancel-key-deletion/handler";
import { createQuarantineAccessKeyHandler } from "../remediations/quarantine-access-key/handler";
import { createRestartAuditLoggingHandler } from "../remediations/restart-audit-logging/handler";
import { createRestartConfigRecorderHandler } from "../remediations/restart-config-recorder/handler";
import { createRevokeWorldIngressHandler } from "../remediations/revoke-world-ingress/handler";
import { createUnshareSnapshotHandler } from "../remediations/unshare-snapshot/handler";
import { createBlockAccountPublicAccessHandler } from "../remediations/block-account-public-access/handler";
import { createEnableGuardDutyHandler } from "../remediations/enable-guardduty/handler";
import { createRemoveLambdaPermissionHandler } from "../remediations/remove-lambda-permission/handler";
import { createRestoreBucketVersioningHandler } from "../remediations/restore-bucket-versioning/handler";
import { createRestoreEbsEncryptionHandler } from "../remediations/restore-ebs-encryption/handler";
import { createRestrictFunctionUrlHandler } from "../remediations/restrict-function-url/handler";

export type { RemediationResult } from "./runtime/remediator";
export type { RemediationSettings } from "./runtime/settings";
export type { RevokeWorldIngressSettings } from "../remediations/revoke-world-ingress/handler";
export type { RestartAuditLoggingSettings } from "../remediations/restart-audit-logging/handler";
export type { CancelKeyDeletionSettings } from "../remediations/cancel-key-deletion/handler";

export type RemediationHandler = (event: unknown) => Promise<RemediationResult>;

// Each factory validates its specific settings at call time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (settings: RemediationSettings & Record<string, any>) => RemediationHandler;

export const HANDLER_FACTORIES: Record<RemediationId, Factory> = {
  [RemediationId.RevokeWorldIngress]: createRevokeWorldIngressHandler as Factory,
  [RemediationId.QuarantineAccessKey]: createQuarantineAccessKeyHandler,
  [RemediationId.RestartAuditLogging]: createRestartAuditLoggingHandler,
  [RemediationId.BlockPublicBucket]: createBlockPublicBucketHandler,
  [RemediationId.CancelKeyDeletion]: createCancelKeyDeletionHandler as Factory,
  [RemediationId.RestartConfigRecorder]: createRestartConfigRecorderHandler,
  [RemediationId.UnshareSnapshot]: createUnshareSnapshotHandler,
  [RemediationId.RemoveLambdaPermission]: createRemoveLambdaPermissionHandler as Factory,
  [RemediationId.RestrictFunctionUrl]: createRestrictFunctionUrlHandler,
  [RemediationId.RestoreBucketVersioning]: createRestoreBucketVersioningHandler,
  [RemediationId.RestoreEbsEncryption]: createRestoreEbsEncryptionHandler,
  [RemediationId.EnableGuardDuty]: createEnableGuardDutyHandler,
  [RemediationId.BlockAccountPublicAccess]: createBlockAccountPublicAccessHandler,
};

/** Defaults of the remediation-specific settings, merged under the caller's settings. */
export const DEFAULT_SETTINGS: Record<RemediationId, Record<string, unknown>> = {
  [RemediationId.RevokeWorldIngress]: { allowedPublicPorts: [], allowPublicIcmp: false },
  [RemediationId.QuarantineAccessKey]: {},
  [RemediationId.RestartAuditLogging]: { restoreReadWriteType: "All" },
  [RemediationId.BlockPublicBucket]: {},
  [RemediationId.CancelKeyDeletion]: { protectedKeyArns: [], enableAfterCancel: true },
  [RemediationId.RestartConfigRecorder]: {},
  [RemediationId.UnshareSnapshot]: {},
  [RemediationId.RemoveLambdaPermission]: { partnerAccountIds: [], partnerOrganizationIds: [] },
  [RemediationId.RestrictFunctionUrl]: {},
  [RemediationId.RestoreBucketVersioning]: {},
  [RemediationId.RestoreEbsEncryption]: {},
  [RemediationId.EnableGuardDuty]: {},
  [RemediationId.BlockAccountPublicAccess]: {},
};
