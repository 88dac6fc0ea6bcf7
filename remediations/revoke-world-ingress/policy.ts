/**
 * IAM statements of revoke-world-ingress: exactly the AWS calls of its handler, on the narrowest resources IAM
 * allows (core/remediationPolicies.ts adds the shared ones: log group, topic, key, idempotency).
 */
import {
  allow,
  type RemediationPolicyStatement,
  type StatementContext,
} from "../../core/remediationPolicies";

export function statements(ctx: StatementContext): RemediationPolicyStatement[] {
  const { partition: p, account: a, region: r } = ctx;
  const inRegion = { StringEquals: { "aws:RequestedRegion": r } };
  return [
    // DescribeSecurityGroups supports no resource-level permission: "*", in this region.
    allow("ReadSecurityGroups", ["ec2:DescribeSecurityGroups"], "*", inRegion),
    // Revoked by IpPermissions on the group (never by rule id): the group ARN is enough.
    allow(
      "RevokeIngress",
      ["ec2:RevokeSecurityGroupIngress"],
      `arn:${p}:ec2:${r}:${a}:security-group/*`,
    ),
  ];
}
