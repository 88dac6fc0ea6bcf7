/** restore-ebs-encryption: Turn EBS encryption by default back on. */
import type { RemediationSpec } from "../spec";
import { createRestoreEbsEncryptionHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "restore-ebs-encryption",
  key: "RestoreEbsEncryption",
  title: "Turn EBS encryption by default back on",
  factory: createRestoreEbsEncryptionHandler,
  statements,
  settings: {},
  detections: ["ebs-default-encryption-disabled"],
  docs: {
    undoes: "DisableEbsEncryptionByDefault (EnableEbsEncryptionByDefault in the event's region)",
    neverTouches: "the default key, existing volumes and snapshots",
    roleCanStill:
      "enable EBS encryption by default in the region (nothing else: disabling is not granted)",
  },
};
