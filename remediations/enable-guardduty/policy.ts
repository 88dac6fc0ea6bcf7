/**
 * IAM statements of enable-guardduty: exactly the AWS calls of its handler, on the narrowest resources IAM
 * allows (core/remediationPolicies.ts adds the shared ones: log group, topic, key, idempotency).
 */
import {
  allow,
  type RemediationPolicyStatement,
  type StatementContext,
} from "../../core/remediationPolicies";

export function statements(ctx: StatementContext): RemediationPolicyStatement[] {
  const { partition: p, account: a, region: r } = ctx;
  return [
    allow(
      "EnableDetectors",
      ["guardduty:GetDetector", "guardduty:UpdateDetector"],
      `arn:${p}:guardduty:${r}:${a}:detector/*`,
    ),
  ];
}
