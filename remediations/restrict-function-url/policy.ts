/**
 * IAM statements of restrict-function-url: exactly the AWS calls of its handler, on the narrowest resources IAM
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
      "ReadFunctionUrls",
      ["lambda:GetFunctionUrlConfig", "lambda:ListTags"],
      `arn:${p}:lambda:${r}:${a}:function:*`,
    ),
    // Only ever to AuthType AWS_IAM: the same permission could otherwise make a URL public.
    allow(
      "RestrictFunctionUrlsToIam",
      ["lambda:UpdateFunctionUrlConfig"],
      `arn:${p}:lambda:${r}:${a}:function:*`,
      { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
    ),
  ];
}
