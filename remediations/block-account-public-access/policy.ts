/**
 * IAM statements of block-account-public-access: exactly the AWS calls of its handler, on the narrowest resources IAM
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
    // Account-level actions: no resource type in the Service Authorization Reference; the
    // role's credentials reach only this account, and the calls are made in this region.
    allow(
      "BlockAccountPublicAccess",
      ["s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"],
      "*",
      inRegion,
    ),
  ];
}
