/** block-public-bucket: Put a bucket's public access block back, all four settings on. */
import type { RemediationSpec } from "../spec";
import { createBlockPublicBucketHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "block-public-bucket",
  key: "BlockPublicBucket",
  title: "Put a bucket's public access block back, all four settings on",
  factory: createBlockPublicBucketHandler,
  statements,
  settings: {},
  detections: ["bucket-public-access-block-removed", "s3-bucket-made-public"],
  configRules: ["bucket-public-access"],
  docs: {
    undoes:
      "a removed or weakened bucket public access block, a public ACL or a public policy (made ineffective by the block)",
    neverTouches: "the bucket's ACL, policy and objects (they stay, without effect), other buckets",
    roleCanStill:
      "put any public access block (also all four off) on any bucket of the account: S3 has no condition key on the block's settings",
  },
};
