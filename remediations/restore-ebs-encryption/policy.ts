/**
 * IAM statements of restore-ebs-encryption: exactly the AWS calls of its handler, on the narrowest resources IAM
 * allows (core/remediationPolicies.ts adds the shared ones: log group, topic, key, idempotency).
 */
import {
  allow,
  type RemediationPolicyStatement,
  type StatementContext,
} from "../../core/remediationPolicies";

export function statements(ctx: StatementContext): RemediationPolicyStatement[] {
  const { region: r } = ctx;
  const inRegion = { StringEquals: { "aws:RequestedRegion": r } };
  return [
    // Account-level settings: no resource-level permission; this region's only.
    allow(
      "RestoreEbsEncryption",
      ["ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault"],
      "*",
      inRegion,
    ),
  ];
}
