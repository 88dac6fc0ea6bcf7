import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { argsProblems, bool, map, num, obj, str } from "../core/argsShape";
import {
  webhookArgsProblems,
  webhookQueuePolicy,
  webhookRolePolicy,
} from "../core/webhookPolicies";
import { webhookNotifierFactory } from "../lambdas/webhookNotifier";
import { handlerOnlyCodePaths } from "./autoRemediator";

/** What a channel's webhook expects. */
export enum WebhookKind {
  /** A Slack incoming webhook (https://api.slack.com/messaging/webhooks): `text` and blocks. */
  Slack = "slack",
  /**
   * A Microsoft Teams incoming webhook or Workflows webhook: an Adaptive Card message
   * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
   */
  Teams = "teams",
  /** Any HTTPS endpoint taking JSON: `{ source, title, text, facts }`. */
  Generic = "generic",
}

/** One channel: its URL is the value of the secret's key of the same label. */
export interface WebhookChannelArgs {
  /** The webhook's format. */
  readonly kind: WebhookKind;
}

/**
 * Posts every message of the given topics (alerts, resolutions) to Slack, Microsoft Teams and
 * generic webhooks. The URLs are kept in one Secrets Manager secret whose value is a JSON object
 * of channel label to URL (`{"secops":"https://hooks.slack.com/services/..."}`): the program and
 * the stack file name the secret, never a URL.
 */
export interface WebhookNotifierArgs {
  /**
   * The topics to subscribe the function to, by stable kebab-case label (e.g. `critical`,
   * `high`, `resolutions`; AlertTopicSet's `alertTopicArns` and `resolutionTopicArn`).
   */
  readonly topicArns: Record<string, pulumi.Input<string>>;
  /**
   * ARN of the Secrets Manager secret holding the URLs (a JSON object, one key per channel).
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/create_secret.html
   */
  readonly secretArn: pulumi.Input<string>;
  /**
   * The customer-managed KMS key that encrypts the secret; the role may decrypt with it only
   * through Secrets Manager (`kms:ViaService`).
   * @default the AWS-managed key `aws/secretsmanager` (no KMS permission needed)
   */
  readonly secretKmsKeyArn?: pulumi.Input<string>;
  /** The channels by label: each label is a key of the secret's JSON object. */
  readonly channels: Record<string, WebhookChannelArgs>;
  /** The topic the dead-letter queue's alarm notifies (AlertTopicSet `alertTopicArns.high`). */
  readonly failureAlarmTopicArn: pulumi.Input<string>;
  /**
   * Where the alarm's OK goes (AlertTopicSet `resolutionTopicArn`).
   * @default no OK action
   */
  readonly resolutionTopicArn?: pulumi.Input<string>;
  /**
   * Attempts per post (the first included), with exponential backoff between them.
   * @default 4
   */
  readonly maximumAttempts?: number;
  /**
   * Log the cards instead of posting them (the secret is not read).
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Retention of the function's log group, in days.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * How long a failed event waits in the dead-letter queue, in seconds (60 to 1209600).
   * @default 1209600 (14 days)
   */
  readonly deadLetterRetentionSeconds?: number;
  /**
   * Tags of every taggable child.
   * @default {}
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
}

/**
 * The webhooks of a whole chain (SecurityWatch's `webhooks` key, the stack file's
 * `aws-security-watch:webhooks`): WebhookNotifier's arguments less the topics, which the chain
 * supplies from its AlertTopicSet.
 */
export interface WebhooksArgs {
  /** ARN of the Secrets Manager secret holding the URLs (a JSON object, one key per channel). */
  readonly secretArn: pulumi.Input<string>;
  /**
   * The customer-managed KMS key of the secret.
   * @default the AWS-managed key `aws/secretsmanager`
   */
  readonly secretKmsKeyArn?: pulumi.Input<string>;
  /** The channels by label: each label is a key of the secret's JSON object. */
  readonly channels: Record<string, WebhookChannelArgs>;
  /**
   * The topics posted, by purpose: severities (`critical`, `high`, `medium`, `info`) and
   * `resolutions`.
   * @default ["critical", "high", "resolutions"]
   */
  readonly topics?: string[];
  /**
   * Attempts per post.
   * @default 4
   */
  readonly maximumAttempts?: number;
  /**
   * Log the cards instead of posting them.
   * @default false
   */
  readonly dryRun?: boolean;
}

/** The topics a chain's webhooks post by default. */
export const DEFAULT_WEBHOOK_TOPICS = ["critical", "high", "resolutions"];

/**
 * WebhookNotifier's arguments for a chain: `webhooks` (the stack file's key) with the topics of
 * the chain's AlertTopicSet (`topicArns` by purpose, `resolutions` included). Throws an Error
 * naming `webhooks.topics` when a topic is not one of the set's.
 */
export function webhookNotifierArgs(
  webhooks: WebhooksArgs,
  topicArns: Record<string, pulumi.Input<string>>,
  extra: {
    readonly tags?: Record<string, pulumi.Input<string>>;
    readonly logRetentionDays?: number;
  } = {},
): WebhookNotifierArgs {
  const wanted = webhooks.topics ?? DEFAULT_WEBHOOK_TOPICS;
  const unknown = wanted.filter((t) => !(t in topicArns));
  if (unknown.length > 0) {
    throw new Error(
      `webhooks.topics: ${unknown.map((t) => JSON.stringify(t)).join(", ")} not a topic of the alert topic set; known: ${Object.keys(topicArns).join(", ")}`,
    );
  }
  return {
    topicArns: Object.fromEntries(wanted.map((t) => [t, topicArns[t]])),
    secretArn: webhooks.secretArn,
    secretKmsKeyArn: webhooks.secretKmsKeyArn,
    channels: webhooks.channels,
    failureAlarmTopicArn: topicArns.high ?? topicArns[wanted[0]],
    resolutionTopicArn: topicArns.resolutions,
    maximumAttempts: webhooks.maximumAttempts,
    dryRun: webhooks.dryRun,
    logRetentionDays: extra.logRetentionDays,
    tags: extra.tags,
  };
}

const DEFAULTS = {
  maximumAttempts: 4,
  dryRun: false,
  logRetentionDays: 365,
  deadLetterRetentionSeconds: 1209600,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  requestTimeoutMs: 5000,
  secretCacheMs: 300_000,
  runtime: aws.lambda.Runtime.NodeJS20dX,
  memorySizeMb: 128,
};

type Settings = typeof DEFAULTS & WebhookNotifierArgs;

const ARGS_SHAPE = {
  topicArns: map("a map of label to SNS topic ARN", str("an SNS topic ARN"), { required: true }),
  secretArn: str("a Secrets Manager secret ARN", true),
  secretKmsKeyArn: str("a KMS key ARN"),
  channels: map(
    "a map of channel label to its kind",
    obj("a channel ({ kind })", { kind: str("slack, teams or generic", true) }),
    { required: true },
  ),
  failureAlarmTopicArn: str("an SNS topic ARN (AlertTopicSet alertTopicArns.high)", true),
  resolutionTopicArn: str("an SNS topic ARN"),
  maximumAttempts: num("a number of attempts from 1 to 8"),
  dryRun: bool(),
  logRetentionDays: num("a number of days"),
  deadLetterRetentionSeconds: num("a number of seconds from 60 to 1209600"),
  tags: map("a map of tag key to value", str("a tag value")),
};

/** A function subscribed to the topics that posts readable cards to chat webhooks. */
export class WebhookNotifier extends pulumi.ComponentResource {
  /** ARN of the function. */
  public readonly functionArn: pulumi.Output<string>;
  /** ARN of the dead-letter queue (events that could not be delivered after every attempt). */
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  /** Name of the function's log group. */
  public readonly logGroupName: pulumi.Output<string>;
  /** Name of the alarm on the dead-letter queue. */
  public readonly failureAlarmName: pulumi.Output<string>;

  constructor(name: string, args: WebhookNotifierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:WebhookNotifier", name, {}, opts);
    const prefix = `WebhookNotifier ${JSON.stringify(name)}: `;
    const shape = argsProblems("WebhookNotifier", name, args, ARGS_SHAPE);
    if (shape.length > 0) throw new pulumi.ResourceError(shape.join("\n"), this);
    const s = { ...args, ...DEFAULTS, ...withoutUndefined(args) };
    const problems = [
      ...webhookArgsProblems(args, Object.values(WebhookKind)),
      ...range("maximumAttempts", s.maximumAttempts, 1, 8),
      ...range("deadLetterRetentionSeconds", s.deadLetterRetentionSeconds, 60, 1209600),
      ...range("logRetentionDays", s.logRetentionDays, 1, 3653),
    ].map((p) => prefix + p);
    if (problems.length > 0) throw new pulumi.ResourceError(problems.join("\n"), this);

    const built = this.build(name, args, s);
    this.functionArn = built.fn.arn;
    this.deadLetterQueueArn = built.queue.arn;
    this.logGroupName = built.logGroup.name;
    this.failureAlarmName = built.alarm.name;
    this.registerOutputs({
      functionArn: this.functionArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
      logGroupName: this.logGroupName,
      failureAlarmName: this.failureAlarmName,
    });
  }

  /** The queue, log group, role, function, subscriptions and the alarm. */
  private build(name: string, args: WebhookNotifierArgs, s: Settings) {
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const topicLabels = Object.keys(args.topicArns).sort();
    const queue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: s.deadLetterRetentionSeconds,
        tags: args.tags,
      },
      parent,
    );
    new aws.sqs.QueuePolicy(
      `${name}-dlq-policy`,
      {
        queueUrl: queue.url,
        policy: pulumi
          .all([queue.arn, pulumi.all(topicLabels.map((l) => args.topicArns[l]))])
          .apply(([arn, topics]) => JSON.stringify(webhookQueuePolicy(arn, topics))),
      },
      parent,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: s.logRetentionDays, tags: args.tags },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "aws-security-watch webhook notifier",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
        tags: args.tags,
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([partition, region, logGroup.arn, args.secretArn, args.secretKmsKeyArn, queue.arn])
          .apply(([p, r, logGroupArn, secretArn, keyArn, queueArn]) =>
            JSON.stringify(
              webhookRolePolicy({
                partition: p,
                region: r,
                logGroupArn,
                secretArn,
                secretKmsKeyArn: keyArn,
                deadLetterQueueArn: queueArn,
              }),
            ),
          ),
      },
      parent,
    );
    const fn = this.notifier(name, args, s, { role, rolePolicy, logGroup, queue });
    const alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-dlq-alarm`,
      {
        alarmDescription:
          "aws-security-watch: a message could not be posted to a chat webhook after every attempt; it waits in the webhook notifier's dead-letter queue (redrive it once the webhook works).",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [args.failureAlarmTopicArn],
        okActions: args.resolutionTopicArn ? [args.resolutionTopicArn] : [],
        tags: args.tags,
      },
      parent,
    );
    return { fn, queue, logGroup, alarm };
  }

  /** The function, its invoke configuration, and one permission and subscription per topic. */
  private notifier(
    name: string,
    args: WebhookNotifierArgs,
    s: Settings,
    deps: {
      role: aws.iam.Role;
      rolePolicy: aws.iam.RolePolicy;
      logGroup: aws.cloudwatch.LogGroup;
      queue: aws.sqs.Queue;
    },
  ): aws.lambda.CallbackFunction<unknown, unknown> {
    const { role, rolePolicy, logGroup, queue } = deps;
    const parent = { parent: this };
    const topicLabels = Object.keys(args.topicArns).sort();
    const channels = Object.fromEntries(
      Object.keys(args.channels)
        .sort()
        .map((label) => [label, String(args.channels[label].kind)]),
    );
    const fn = new aws.lambda.CallbackFunction(
      `${name}-fn`,
      {
        description: "aws-security-watch: posts alerts and resolutions to chat webhooks",
        callbackFactory: webhookNotifierFactory({
          channels,
          maxAttempts: s.maximumAttempts,
          baseDelayMs: s.baseDelayMs,
          maxDelayMs: s.maxDelayMs,
          requestTimeoutMs: s.requestTimeoutMs,
          secretCacheMs: s.secretCacheMs,
          dryRun: s.dryRun,
        }),
        role: role.arn,
        runtime: s.runtime,
        // Every channel, every attempt and its backoff, for a batch of one SNS message.
        timeout: Math.min(900, 10 + Object.keys(channels).length * s.maximumAttempts * 14),
        memorySize: s.memorySizeMb,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        environment: { variables: { WEBHOOK_SECRET_ARN: args.secretArn } },
        codePathOptions: handlerOnlyCodePaths(),
        tags: args.tags,
      },
      { parent: this, dependsOn: [rolePolicy, logGroup] },
    );
    // The function retries each post itself: a Lambda retry would post twice to the channels
    // that succeeded. A failed event goes to the queue at once.
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-invoke-config`,
      {
        functionName: fn.name,
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destination: queue.arn } },
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
    for (const label of topicLabels) {
      const permission = new aws.lambda.Permission(
        `${name}-${label}-invoke`,
        {
          action: "lambda:InvokeFunction",
          function: fn.name,
          principal: "sns.amazonaws.com",
          sourceArn: args.topicArns[label],
        },
        parent,
      );
      new aws.sns.TopicSubscription(
        `${name}-${label}-subscription`,
        {
          topic: args.topicArns[label],
          protocol: "lambda",
          endpoint: fn.arn,
          redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: queue.arn }),
        },
        { parent: this, dependsOn: [permission] },
      );
    }
    return fn;
  }
}

function range(key: string, value: number, min: number, max: number): string[] {
  return Number.isInteger(value) && value >= min && value <= max
    ? []
    : [`${key} must be a whole number from ${min} to ${max}, got ${value}`];
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
