import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, setup, settle } from "./helpers/mocks";
import type { WebhookNotifierArgs } from "../components/webhookNotifier";
import { WebhookKind } from "../components/webhookNotifier";

const recorder = setup();

const COMPONENT = "aws-security-watch:index:WebhookNotifier";
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT_ID}:secret:security-watch/webhooks-AbCdEf`;
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/0a1b2c3d-aaaa-4e5f-8a9b-0c1d2e3f4a5b`;
const topic = (p: string) => `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:alerts-${p}`;

const ARGS: WebhookNotifierArgs = {
  topicArns: {
    critical: topic("critical"),
    high: topic("high"),
    resolutions: topic("resolutions"),
  },
  secretArn: SECRET,
  secretKmsKeyArn: KEY,
  channels: { secops: { kind: WebhookKind.Slack }, "it-ops": { kind: WebhookKind.Teams } },
  failureAlarmTopicArn: topic("high"),
  resolutionTopicArn: topic("resolutions"),
};

async function build(args: WebhookNotifierArgs, name = "hooks") {
  const { WebhookNotifier } = await import("../components/webhookNotifier");
  const n = new WebhookNotifier(name, args);
  await settle();
  return n;
}

async function buildError(args: unknown): Promise<string> {
  const { WebhookNotifier } = await import("../components/webhookNotifier");
  try {
    new WebhookNotifier("hooks", args as WebhookNotifierArgs);
  } catch (e) {
    await settle();
    expect(e).to.be.instanceOf(pulumi.ResourceError);
    return (e as Error).message;
  }
  throw new Error("expected a ResourceError");
}

describe("WebhookNotifier", () => {
  beforeEach(() => recorder.reset());

  it("creates the queue, its policy, the log group, the role, the function and one subscription per topic", async () => {
    await build(ARGS);
    const children = recorder
      .childrenOf(COMPONENT, "hooks")
      .map((r) => `${r.type}::${r.name}`)
      .filter((c) => !c.startsWith("aws:index/"));
    expect(children.sort()).to.deep.equal(
      [
        "aws:sqs/queue:Queue::hooks-dlq",
        "aws:sqs/queuePolicy:QueuePolicy::hooks-dlq-policy",
        "aws:cloudwatch/logGroup:LogGroup::hooks-logs",
        "aws:iam/role:Role::hooks-role",
        "aws:iam/rolePolicy:RolePolicy::hooks-role-policy",
        "aws:lambda/function:Function::hooks-fn",
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::hooks-invoke-config",
        "aws:cloudwatch/metricAlarm:MetricAlarm::hooks-dlq-alarm",
        ...["critical", "high", "resolutions"].flatMap((t) => [
          `aws:lambda/permission:Permission::hooks-${t}-invoke`,
          `aws:sns/topicSubscription:TopicSubscription::hooks-${t}-subscription`,
        ]),
      ].sort(),
    );
  });

  it("gives the role exactly its logs, the one secret, its key through Secrets Manager and its queue", async () => {
    await build(ARGS);
    const policy = JSON.parse(
      recorder.get("aws:iam/rolePolicy:RolePolicy", "hooks-role-policy").inputs.policy,
    );
    const queue = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:hooks-dlq`;
    const logs = `arn:aws:logs:eu-west-1:${ACCOUNT_ID}:log-group:hooks-logs`;
    expect(policy.Statement).to.deep.equal([
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logs}:*`,
      },
      {
        Sid: "ReadWebhookSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: SECRET,
      },
      {
        Sid: "DecryptWebhookSecret",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: KEY,
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
      },
      {
        Sid: "OnFailureDestination",
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: queue,
      },
    ]);
    const trust = JSON.parse(
      recorder.get("aws:iam/role:Role", "hooks-role").inputs.assumeRolePolicy,
    );
    expect(trust.Statement).to.deep.equal([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("asks no KMS permission for a secret under the AWS-managed key", async () => {
    await build({ ...ARGS, secretKmsKeyArn: undefined });
    const policy = JSON.parse(
      recorder.get("aws:iam/rolePolicy:RolePolicy", "hooks-role-policy").inputs.policy,
    );
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal([
      "WriteOwnLogs",
      "ReadWebhookSecret",
      "OnFailureDestination",
    ]);
  });

  it("keeps failed events in an encrypted queue (no Lambda retry), TLS only, SNS from the topics only, and alarms on it", async () => {
    await build(ARGS);
    const queue = recorder.get("aws:sqs/queue:Queue", "hooks-dlq").inputs;
    expect(queue.sqsManagedSseEnabled).to.equal(true);
    expect(queue.messageRetentionSeconds).to.equal(1209600);
    const queueArn = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:hooks-dlq`;
    const policy = JSON.parse(
      recorder.get("aws:sqs/queuePolicy:QueuePolicy", "hooks-dlq-policy").inputs.policy,
    );
    expect(policy.Statement).to.deep.equal([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "SnsDeliveryFailures",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: {
          ArnEquals: { "aws:SourceArn": [topic("critical"), topic("high"), topic("resolutions")] },
        },
      },
    ]);
    const invoke = recorder.get(
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      "hooks-invoke-config",
    ).inputs;
    expect(invoke.maximumRetryAttempts).to.equal(0);
    expect(invoke.destinationConfig).to.deep.equal({ onFailure: { destination: queueArn } });
    const alarm = recorder.get("aws:cloudwatch/metricAlarm:MetricAlarm", "hooks-dlq-alarm").inputs;
    expect(alarm).to.include({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    expect(alarm.dimensions).to.deep.equal({ QueueName: "hooks-dlq" });
    expect(alarm.alarmActions).to.deep.equal([topic("high")]);
    expect(alarm.okActions).to.deep.equal([topic("resolutions")]);
  });

  it("subscribes the function to each topic, SNS may invoke it from that topic only, undeliverable messages go to the queue", async () => {
    await build(ARGS);
    for (const t of ["critical", "high", "resolutions"]) {
      const sub = recorder.get(
        "aws:sns/topicSubscription:TopicSubscription",
        `hooks-${t}-subscription`,
      ).inputs;
      expect(sub.topic).to.equal(topic(t));
      expect(sub.protocol).to.equal("lambda");
      expect(JSON.parse(sub.redrivePolicy)).to.deep.equal({
        deadLetterTargetArn: `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:hooks-dlq`,
      });
      const permission = recorder.get(
        "aws:lambda/permission:Permission",
        `hooks-${t}-invoke`,
      ).inputs;
      expect(permission).to.include({
        action: "lambda:InvokeFunction",
        principal: "sns.amazonaws.com",
        sourceArn: topic(t),
      });
    }
  });

  it("gives the function the secret's ARN, never a URL, and the channels' kinds", async () => {
    await build(ARGS);
    const fn = recorder.get("aws:lambda/function:Function", "hooks-fn").inputs;
    expect(fn.environment.variables).to.deep.equal({ WEBHOOK_SECRET_ARN: SECRET });
    const assets = await fn.code.assets;
    const text: string = await assets["__index.js"].text;
    expect(text).to.contain('{["it-ops"]: "teams", secops: "slack"}');
    expect(text).to.not.match(/hooks\.slack\.com|webhook\.office\.com/);
  });

  const cases: [string, unknown, string][] = [
    [
      "a webhook URL as the secret",
      { ...ARGS, secretArn: "https://hooks.slack.com/services/T/B/X" },
      'WebhookNotifier "hooks": secretArn must be the ARN of a Secrets Manager secret that holds the webhook URLs, not a URL: a URL in the stack file or the program is readable by anyone with the state',
    ],
    [
      "an SNS topic ARN as the secret's key",
      { ...ARGS, secretKmsKeyArn: topic("high") },
      `WebhookNotifier "hooks": secretKmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "${topic("high")}" (an SNS topic ARN)`,
    ],
    [
      "an unknown channel kind",
      { ...ARGS, channels: { secops: { kind: "discord" } } },
      'WebhookNotifier "hooks": channels.secops.kind must be one of slack, teams, generic, got "discord"',
    ],
    [
      "no topic and no channel",
      { ...ARGS, topicArns: {}, channels: {} },
      'WebhookNotifier "hooks": topicArns must name at least one topic to subscribe to\nWebhookNotifier "hooks": channels must name at least one channel (a key of the secret\'s JSON object, with its kind)',
    ],
    [
      "attempts out of range",
      { ...ARGS, maximumAttempts: 20 },
      'WebhookNotifier "hooks": maximumAttempts must be a whole number from 1 to 8, got 20',
    ],
    [
      "a topic ARN of another service",
      { ...ARGS, topicArns: { high: `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:q` } },
      `WebhookNotifier "hooks": topicArns.high must be an SNS topic ARN, got "arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:q"`,
    ],
  ];
  for (const [title, args, message] of cases) {
    it(`rejects ${title} before creating anything`, async () => {
      expect(await buildError(args)).to.equal(message);
      expect(
        recorder.resources.filter(
          (r) => r.type.startsWith("aws:") && !r.type.startsWith("aws:index"),
        ),
      ).to.deep.equal([]);
    });
  }

  it("builds from a chain's webhooks key and its topic set (what SecurityWatch passes)", async () => {
    const { webhookNotifierArgs } = await import("../components/webhookNotifier");
    const set = {
      critical: topic("critical"),
      high: topic("high"),
      medium: topic("medium"),
      info: topic("info"),
      resolutions: topic("resolutions"),
    };
    const args = webhookNotifierArgs(
      { secretArn: SECRET, channels: { secops: { kind: WebhookKind.Slack } } },
      set,
      { tags: { team: "sec" } },
    );
    expect(args.topicArns).to.deep.equal({
      critical: topic("critical"),
      high: topic("high"),
      resolutions: topic("resolutions"),
    });
    expect(args.failureAlarmTopicArn).to.equal(topic("high"));
    expect(args.resolutionTopicArn).to.equal(topic("resolutions"));
    await build(args);
    expect(recorder.ofType("aws:sns/topicSubscription:TopicSubscription")).to.have.length(3);
    expect(() =>
      webhookNotifierArgs({ secretArn: SECRET, channels: {}, topics: ["hgh"] }, set),
    ).to.throw(
      'webhooks.topics: "hgh" not a topic of the alert topic set; known: critical, high, medium, info, resolutions',
    );
  });

  it("rejects a missing secret by the shape check, naming the field", async () => {
    const { secretArn: _omitted, ...rest } = ARGS;
    void _omitted;
    expect(await buildError(rest)).to.equal(
      'WebhookNotifier "hooks": secretArn is required (a Secrets Manager secret ARN)',
    );
  });
});
