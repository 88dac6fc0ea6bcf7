/**
 * Registry of the remediation handlers: one factory per remediation id, and the defaults of the
 * settings specific to each remediation (the shared ones come from the AutoRemediator).
 *
 * Not serialized into the Lambdas (the AutoRemediator captures one factory each).
 */
import { RemediationId } from "../core/types";
import type { RemediationResult, RemediationSettings } from "./common";
import { createBlockPublicBucketHandler } from "./blockPublicBucket";
import { createCancelKeyDeletionHandler } from "./cancelKeyDeletion";
import { createQuarantineAccessKeyHandler } from "./quarantineAccessKey";
import { createRestartAuditLoggingHandler } from "./restartAuditLogging";
import { createRestartConfigRecorderHandler } from "./restartConfigRecorder";
import { createRevokeWorldIngressHandler } from "./revokeWorldIngress";
import { createUnshareSnapshotHandler } from "./unshareSnapshot";
import { createBlockAccountPublicAccessHandler } from "./blockAccountPublicAccess";
import { createEnableGuardDutyHandler } from "./enableGuardDuty";
import { createRemoveLambdaPermissionHandler } from "./removeLambdaPermission";
import { createRestoreBucketVersioningHandler } from "./restoreBucketVersioning";
import { createRestoreEbsEncryptionHandler } from "./restoreEbsEncryption";
import { createRestrictFunctionUrlHandler } from "./restrictFunctionUrl";

export type { RemediationResult, RemediationSettings } from "./common";
export type { RevokeWorldIngressSettings } from "./revokeWorldIngress";
export type { RestartAuditLoggingSettings } from "./restartAuditLogging";
export type { CancelKeyDeletionSettings } from "./cancelKeyDeletion";

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
  [RemediationId.RemoveLambdaPermission]: { partnerAccountIds: [] },
  [RemediationId.RestrictFunctionUrl]: {},
  [RemediationId.RestoreBucketVersioning]: {},
  [RemediationId.RestoreEbsEncryption]: {},
  [RemediationId.EnableGuardDuty]: {},
  [RemediationId.BlockAccountPublicAccess]: {},
};
