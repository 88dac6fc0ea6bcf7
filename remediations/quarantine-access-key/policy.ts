/**
 * IAM statements of quarantine-access-key: exactly the AWS calls of its handler, on the narrowest resources IAM
 * allows (core/remediationPolicies.ts adds the shared ones: log group, topic, key, idempotency).
 */
import {
  allow,
  type RemediationPolicyStatement,
  type StatementContext,
} from "../../core/remediationPolicies";

export function statements(ctx: StatementContext): RemediationPolicyStatement[] {
  const { partition: p, account: a } = ctx;
  return [
    allow(
      "DeactivateKeys",
      ["iam:GetAccessKeyLastUsed", "iam:ListAccessKeys", "iam:ListUserTags", "iam:UpdateAccessKey"],
      `arn:${p}:iam::${a}:user/*`,
    ),
  ];
}
