/** cancel-key-deletion: Cancel a KMS key's scheduled deletion; re-enable a protected key. */
import type { RemediationSpec } from "../spec";
import { kmsKeyArnList } from "../settingKinds";
import { createCancelKeyDeletionHandler } from "./handler";
import { statements } from "./policy";

/** The settings of cancel-key-deletion (`remediations.cancel-key-deletion.settings`). */
export interface CancelKeyDeletionOptions {
  /**
   * KMS key ARNs that must never stay disabled: disabling one of them is undone. Scheduled
   * deletion is undone for every key. ARNs of keys of the same program may be given.
   * @default []
   */
  readonly protectedKeyArns?: string[];
}

export const spec: RemediationSpec = {
  id: "cancel-key-deletion",
  key: "CancelKeyDeletion",
  title: "Cancel a KMS key's scheduled deletion; re-enable a protected key",
  factory: createCancelKeyDeletionHandler,
  statements,
  settings: {
    protectedKeyArns: kmsKeyArnList(
      "KMS key ARNs that must never stay disabled: disabling one of them is undone (scheduled deletion is undone for every key). ARNs of keys created in the same program (e.g. AuditTrail's `kmsKeyArn`) may be given.",
    ),
  },
  detections: ["cmk-disable-or-deletion"],
  configRules: ["key-pending-deletion"],
  docs: {
    undoes:
      "ScheduleKeyDeletion on any customer-managed key (CancelKeyDeletion, then EnableKey), DisableKey on a protected key (EnableKey)",
    neverTouches:
      "key policies, grants, aliases, keys that are not protected when they are only disabled",
    roleCanStill:
      "cancel the deletion of, and enable, any key of the account in the region: the actions have no condition key that tells the key's purpose; disabling and scheduling deletion are not granted",
  },
};
