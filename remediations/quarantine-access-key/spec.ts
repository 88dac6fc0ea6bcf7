/** quarantine-access-key: Deactivate an access key created for another user, or flagged compromised. */
import type { RemediationSpec } from "../spec";
import { createQuarantineAccessKeyHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "quarantine-access-key",
  key: "QuarantineAccessKey",
  title: "Deactivate an access key created for another user, or flagged compromised",
  factory: createQuarantineAccessKeyHandler,
  statements,
  settings: {},
  detections: ["access-key-created-for-other-user", "access-key-exposed"],
  docs: {
    undoes: "the access key: set Inactive (never deleted)",
    neverTouches: "other keys of the user, the user, its policies and login profile",
    roleCanStill:
      "set any IAM user's access key Active or Inactive, and list users' keys and tags: IAM has no condition key on the requested status, so the permission that deactivates can reactivate",
  },
};
