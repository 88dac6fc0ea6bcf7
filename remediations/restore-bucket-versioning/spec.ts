/** restore-bucket-versioning: Turn bucket versioning back on after it was suspended. */
import type { RemediationSpec } from "../spec";
import { createRestoreBucketVersioningHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "restore-bucket-versioning",
  key: "RestoreBucketVersioning",
  title: "Turn bucket versioning back on after it was suspended",
  factory: createRestoreBucketVersioningHandler,
  statements,
  settings: {},
  detections: ["s3-versioning-suspended"],
  docs: {
    undoes: "PutBucketVersioning with status Suspended (versioning Enabled again)",
    neverTouches:
      "MFA delete (only the root user with MFA can set it), object versions, buckets of other accounts (expected bucket owner)",
    roleCanStill:
      "suspend versioning of any bucket of the account: the same PutBucketVersioning permission enables and suspends, and S3 has no condition key on the status",
  },
};
