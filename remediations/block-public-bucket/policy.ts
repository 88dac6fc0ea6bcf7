/**
 * IAM statements of block-public-bucket: exactly the AWS calls of its handler, on the narrowest resources IAM
 * allows (core/remediationPolicies.ts adds the shared ones: log group, topic, key, idempotency).
 */
import {
  allow,
  type RemediationPolicyStatement,
  type StatementContext,
} from "../../core/remediationPolicies";

export function statements(ctx: StatementContext): RemediationPolicyStatement[] {
  const { partition: p, account: a, region: r } = ctx;
  // Bucket ARNs carry neither account nor region: both as conditions.
  const inAccountAndRegion = {
    StringEquals: { "aws:ResourceAccount": a, "aws:RequestedRegion": r },
  };
  return [
    // aws:ResourceAccount keeps it to this account's buckets, aws:RequestedRegion to the
    // buckets of this region (the events of other regions' buckets never reach it).
    allow(
      "BlockPublicAccess",
      [
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketPolicyStatus",
        "s3:GetBucketTagging",
        "s3:PutBucketPublicAccessBlock",
      ],
      `arn:${p}:s3:::*`,
      inAccountAndRegion,
    ),
  ];
}
