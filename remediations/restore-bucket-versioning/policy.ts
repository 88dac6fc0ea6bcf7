/**
 * IAM statements of restore-bucket-versioning: exactly the AWS calls of its handler, on the narrowest resources IAM
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
    // This account's buckets in this region (every call also names this account as the
    // expected bucket owner).
    allow(
      "RestoreVersioning",
      ["s3:GetBucketVersioning", "s3:GetBucketTagging", "s3:PutBucketVersioning"],
      `arn:${p}:s3:::*`,
      inAccountAndRegion,
    ),
  ];
}
