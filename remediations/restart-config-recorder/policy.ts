/**
 * IAM statements of restart-config-recorder: exactly the AWS calls of its handler, on the narrowest resources IAM
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
    // Resource-level permission on configuration recorders is not documented for these
    // actions; each account and region holds one customer recorder: this region's.
    allow(
      "RestartRecorder",
      ["config:DescribeConfigurationRecorderStatus", "config:StartConfigurationRecorder"],
      "*",
      inRegion,
    ),
  ];
}
