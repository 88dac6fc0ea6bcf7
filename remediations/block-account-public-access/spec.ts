/** block-account-public-access: Put the account's S3 public access block back, all four settings on. */
import type { RemediationSpec } from "../spec";
import { createBlockAccountPublicAccessHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "block-account-public-access",
  key: "BlockAccountPublicAccess",
  title: "Put the account's S3 public access block back, all four settings on",
  factory: createBlockAccountPublicAccessHandler,
  statements,
  settings: {},
  detections: ["account-public-access-block-removed"],
  docs: {
    undoes: "a deleted or weakened account-level public access block",
    neverTouches: "bucket-level blocks, bucket policies and ACLs, other accounts",
    roleCanStill:
      "put any account-level public access block (also all four off) on the account: S3 has no condition key on the block's settings",
  },
};
