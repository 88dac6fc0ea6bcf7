/**
 * The webhook notifier's role under the IAM policy simulator: what the function does is allowed,
 * and nothing next to it (another secret, the key outside Secrets Manager, writing the secret,
 * another queue).
 */
import { expect } from "chai";
import { webhookRolePolicy } from "../../core/webhookPolicies";
import { evaluateRequest } from "./evaluate";
import type { IamRequest } from "./requests";
import type { RoleUnderTest } from "./roles";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:security-watch/webhooks-AbCdEf`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0a1b2c3d-aaaa-4e5f-8a9b-0c1d2e3f4a5b`;
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:hooks-dlq`;
const LOGS = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:hooks-logs`;

const ROLE: RoleUnderTest = {
  key: "webhooks/hooks-role",
  arn: `arn:aws:iam::${ACCOUNT}:role/hooks-role`,
  account: ACCOUNT,
  trustPolicy: {},
  policies: [
    {
      name: "hooks-role-policy",
      policy: webhookRolePolicy({
        partition: "aws",
        region: REGION,
        logGroupArn: LOGS,
        secretArn: SECRET,
        secretKmsKeyArn: KEY,
        deadLetterQueueArn: QUEUE,
      }),
    },
  ],
};

const request = (
  label: string,
  action: string,
  resource: string,
  context?: Record<string, string>,
): IamRequest => ({ label, action, resource, resourceAccount: ACCOUNT, region: REGION, context });

describe("IAM: the webhook notifier's role (policy simulator)", () => {
  const allowed = [
    request("read the webhook secret", "secretsmanager:GetSecretValue", SECRET),
    request("decrypt it through Secrets Manager", "kms:Decrypt", KEY, {
      "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com`,
    }),
    request("write its log stream", "logs:PutLogEvents", `${LOGS}:log-stream:2026/12/04/abc`),
    request("create its log stream", "logs:CreateLogStream", `${LOGS}:log-stream:2026/12/04/abc`),
    request("send a failed event to its queue", "sqs:SendMessage", QUEUE),
  ];
  const denied = [
    request(
      "read another secret",
      "secretsmanager:GetSecretValue",
      `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/db-password-XyZ123`,
    ),
    request("change the webhook secret", "secretsmanager:PutSecretValue", SECRET),
    request("decrypt with the key directly", "kms:Decrypt", KEY),
    request("decrypt with the key through S3", "kms:Decrypt", KEY, {
      "kms:ViaService": `s3.${REGION}.amazonaws.com`,
    }),
    request("decrypt through Secrets Manager of another region", "kms:Decrypt", KEY, {
      "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
    }),
    request("send to another queue", "sqs:SendMessage", `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`),
    request("read its own queue", "sqs:ReceiveMessage", QUEUE),
    request(
      "write another log group",
      "logs:PutLogEvents",
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail:log-stream:x`,
    ),
  ];
  for (const r of allowed) {
    it(`allows: ${r.label}`, async () => {
      expect((await evaluateRequest(ROLE, r)).decision).to.equal("Allowed");
    });
  }
  for (const r of denied) {
    it(`denies: ${r.label}`, async () => {
      expect((await evaluateRequest(ROLE, r)).decision).to.not.equal("Allowed");
    });
  }
});
