import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { argsProblems, bool, FieldShape, list, map, num, obj, str } from "../core/argsShape";
import { RESOLUTIONS_TOPIC, SEVERITIES } from "../core/types";
import {
  COMPONENT_NAME_PATTERN,
  SubscriptionKind,
  TopicPublisherFlags,
  alertKeyPolicy,
  duplicates,
  subscriptionResourceName,
  topicPolicy,
  topicResourceName,
} from "../core/alertTopicPolicies";
import {
  E164_PHONE_NUMBER,
  EMAIL_ADDRESS,
  HTTPS_URL,
  IAM_ROLE_ARN,
  KEBAB_CASE_LABEL,
  LAMBDA_FUNCTION_ARN,
  SQS_QUEUE_ARN,
  StringRule,
  fieldPath,
  problemWith,
} from "../core/validation";
import { isChatWebhookUrl } from "../core/webhookPolicies";

/** An HTTPS endpoint subscribed to a topic. */
export interface HttpsSubscription {
  /**
   * The absolute `https://` URL SNS posts to. The endpoint must confirm the subscription (visit
   * the `SubscribeURL` SNS sends) before it receives anything.
   * https://docs.aws.amazon.com/sns/latest/dg/sns-http-https-endpoint-as-subscriber.html
   */
  readonly url: pulumi.Input<string>;
  /**
   * Post the message body as is, without the SNS JSON envelope.
   * https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html
   * @default false
   */
  readonly rawMessageDelivery?: pulumi.Input<boolean>;
}

/** A Lambda function subscribed to a topic; the component grants SNS the right to invoke it. */
export interface LambdaSubscription {
  /** The function ARN (a version or alias qualifier is allowed). */
  readonly functionArn: pulumi.Input<string>;
}

/**
 * An SQS queue subscribed to a topic. The queue policy is the caller's: it must allow
 * `sns.amazonaws.com` to `sqs:SendMessage` with `aws:SourceArn` = the topic ARN, and, if the
 * queue is encrypted with a customer-managed key, that key must let `sns.amazonaws.com` use it.
 * https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
 */
export interface SqsSubscription {
  /** The queue ARN. */
  readonly queueArn: pulumi.Input<string>;
  /**
   * Deliver the message body as is, without the SNS JSON envelope.
   * @default false
   */
  readonly rawMessageDelivery?: pulumi.Input<boolean>;
}

/**
 * Subscriptions by kind, each keyed by a stable kebab-case label that names the child resource
 * (`${name}-${topic}-email-${label}`): renaming a label replaces the subscription, reordering
 * does nothing. Only plain strings are validated; an Output is checked by AWS at deployment.
 */
export interface SubscriptionSet {
  /**
   * Email addresses by label, e.g. `{ oncall: "oncall@example.com" }`. Each must confirm.
   * @default {}
   */
  readonly emails?: Record<string, pulumi.Input<string>>;
  /**
   * Phone numbers in E.164 form (`+14155550100`) by label. The account must be out of the SMS
   * sandbox or the numbers verified.
   * https://docs.aws.amazon.com/sns/latest/dg/sns-sms-sandbox.html
   * @default {}
   */
  readonly smsNumbers?: Record<string, pulumi.Input<string>>;
  /**
   * HTTPS endpoints by label.
   * @default {}
   */
  readonly httpsEndpoints?: Record<string, HttpsSubscription>;
  /**
   * Lambda functions by label.
   * @default {}
   */
  readonly lambdaFunctions?: Record<string, LambdaSubscription>;
  /**
   * SQS queues by label.
   * @default {}
   */
  readonly sqsQueues?: Record<string, SqsSubscription>;
}

/** Which publishers a topic's policy admits. Unset fields keep the topic's default. */
export interface TopicPublishers {
  /**
   * EventBridge rules of this account (`aws:SourceAccount`, `aws:SourceArn` `rule/*`).
   * @default true for alert and custom topics, false for `resolutions`
   */
  readonly eventBridge?: boolean;
  /**
   * CloudWatch alarms of this account (`aws:SourceAccount`, `aws:SourceArn` `alarm:*`).
   * @default true
   */
  readonly cloudWatch?: boolean;
  /**
   * The roles in `publisherRoleArns`.
   * @default true for `resolutions`, false for alert and custom topics
   */
  readonly publisherRoles?: boolean;
}

/** One topic of the set. */
export interface TopicSpec {
  /**
   * The topic display name: the sender name of emails, and of SMS (first 10 characters).
   * @default "Security alerts (<severity>)", "Security resolutions", or "Security <purpose>"
   */
  readonly displayName?: pulumi.Input<string>;
  /**
   * Subscriptions of this topic only; an entry with the same kind and label as a shared one replaces it.
   * @default {}
   */
  readonly subscriptions?: SubscriptionSet;
  /**
   * Whether the shared `subscriptions` of the component also apply to this topic.
   * @default true, except for the `chat` topic (ChatChannels' cards are JSON for AWS Chatbot:
   * mailed to the shared email subscribers they would be raw JSON)
   */
  readonly inheritSubscriptions?: boolean;
  /**
   * Who may publish.
   * @default the topic's defaults (see `TopicPublishers`)
   */
  readonly publishers?: TopicPublishers;
}

export interface AlertTopicSetArgs {
  /**
   * Subscriptions added to every topic (the default ones and `topics`), unless a topic sets
   * `inheritSubscriptions: false`.
   * @default no subscriptions
   */
  readonly subscriptions?: SubscriptionSet;
  /**
   * Topics by purpose (kebab-case). The set always has one alert topic per severity
   * (`critical`, `high`, `medium`, `info`) and `resolutions`; an entry with one of those keys
   * configures that topic, any other key adds a topic.
   * @default the five default topics, no extra subscriptions
   */
  readonly topics?: Record<string, TopicSpec>;
  /**
   * Roles (e.g. the remediators') named in the key policy and, for topics whose
   * `publishers.publisherRoles` is on, in the topic policy. Roles of this account can instead get
   * an identity policy built by `topicPublisherPolicy` (see `allowIamPublishers`), which avoids
   * a dependency of this component on the roles.
   * @default []
   */
  readonly publisherRoleArns?: pulumi.Input<string>[];
  /**
   * Let principals of this account use the key through SNS when their own IAM policy allows
   * `kms:GenerateDataKey`/`kms:Decrypt` on it (`kms:CallerAccount` and `kms:ViaService`
   * conditions). Without it only the services and `publisherRoleArns` can publish.
   * @default true
   */
  readonly allowIamPublishers?: boolean;
  /**
   * Days KMS waits before deleting the key once scheduled (7 to 30).
   * https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
   * @default 30
   */
  readonly keyDeletionWindowInDays?: number;
  /**
   * Tags for the key and the topics.
   * @default {}
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
}

const SUBSCRIPTION_SET: FieldShape = obj("a subscription set { emails, smsNumbers, ... }", {
  emails: map(
    'a map of label to email address, e.g. { oncall: "oncall@example.com" }',
    str("an email address"),
    { known: true },
  ),
  smsNumbers: map(
    'a map of label to E.164 phone number, e.g. { oncall: "+14155550100" }',
    str("a phone number"),
    { known: true },
  ),
  httpsEndpoints: map(
    "a map of label to { url, rawMessageDelivery }",
    obj("an HTTPS subscription", { url: str("an https:// URL", true) }),
    { known: true },
  ),
  lambdaFunctions: map(
    "a map of label to { functionArn }",
    obj("a Lambda subscription", { functionArn: str("a function ARN", true) }),
    { known: true },
  ),
  sqsQueues: map(
    "a map of label to { queueArn, rawMessageDelivery }",
    obj("an SQS subscription", { queueArn: str("a queue ARN", true) }),
    { known: true },
  ),
});
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  subscriptions: SUBSCRIPTION_SET,
  topics: map(
    "a map of topic purpose (critical, high, medium, info, resolutions or your own) to topic settings",
    obj("topic settings { displayName, subscriptions, inheritSubscriptions, publishers }", {
      displayName: str("a display name"),
      subscriptions: SUBSCRIPTION_SET,
      inheritSubscriptions: bool(),
      publishers: obj("an object { eventBridge, cloudWatch, publisherRoles }", {
        eventBridge: bool(),
        cloudWatch: bool(),
        publisherRoles: bool(),
      }),
    }),
    { known: true },
  ),
  publisherRoleArns: list("a list of IAM role ARNs", str("an IAM role ARN")),
  allowIamPublishers: bool(),
  keyDeletionWindowInDays: num("a number of days"),
  tags: map("a map of tag key to value", str("a tag value")),
};

/** The purpose key of the topic ChatChannels reads (its cards are JSON, not for people). */
export const CHAT_TOPIC = "chat";

const DEFAULTS = {
  alertPublishers: { eventBridge: true, cloudWatch: true, roles: false },
  resolutionPublishers: { eventBridge: false, cloudWatch: true, roles: true },
  customPublishers: { eventBridge: true, cloudWatch: true, roles: false },
  inheritSubscriptions: true,
  allowIamPublishers: true,
  keyDeletionWindowInDays: 30,
  rawMessageDelivery: false,
} as const;

interface PlannedSubscription {
  readonly kind: SubscriptionKind;
  readonly label: string;
  readonly endpoint: pulumi.Input<string>;
  readonly rawMessageDelivery?: pulumi.Input<boolean>;
}

interface PlannedTopic {
  readonly purpose: string;
  readonly displayName: pulumi.Input<string>;
  readonly publishers: TopicPublisherFlags;
  readonly subscriptions: readonly PlannedSubscription[];
}

function defaultDisplayName(purpose: string): string {
  if ((SEVERITIES as readonly string[]).includes(purpose)) return `Security alerts (${purpose})`;
  if (purpose === RESOLUTIONS_TOPIC) return "Security resolutions";
  return `Security ${purpose}`;
}

function defaultPublishers(purpose: string): TopicPublisherFlags {
  if ((SEVERITIES as readonly string[]).includes(purpose)) return DEFAULTS.alertPublishers;
  if (purpose === RESOLUTIONS_TOPIC) return DEFAULTS.resolutionPublishers;
  return DEFAULTS.customPublishers;
}

/** Every problem with a subscription set, each a message naming the field. */
function subscriptionProblems(path: string, set: SubscriptionSet | undefined): string[] {
  if (!set) return [];
  const problems: (string | undefined)[] = [];
  const each = <T>(
    field: keyof SubscriptionSet,
    entries: Record<string, T> | undefined,
    check: (entryPath: string, entry: T) => (string | undefined)[],
  ): void => {
    for (const [label, entry] of Object.entries(entries ?? {})) {
      const entryPath = fieldPath(path, field, label);
      problems.push(
        KEBAB_CASE_LABEL.test(label)
          ? undefined
          : `${entryPath}: the label ${JSON.stringify(label)} is not ${KEBAB_CASE_LABEL.expected}`,
        ...check(entryPath, entry),
      );
    }
  };
  const value = (rule: StringRule) => (entryPath: string, v: pulumi.Input<string>) => [
    problemWith(entryPath, v, rule),
  ];
  each("emails", set.emails, value(EMAIL_ADDRESS));
  each("smsNumbers", set.smsNumbers, value(E164_PHONE_NUMBER));
  each("httpsEndpoints", set.httpsEndpoints, (p, e) => [
    problemWith(`${p}.url`, e.url, HTTPS_URL),
    typeof e.url === "string" && isChatWebhookUrl(e.url)
      ? `${p}.url is a Slack or Microsoft Teams incoming webhook: SNS cannot deliver to it (it never confirms the subscription, so nothing arrives); keep the URL in a Secrets Manager secret and post with WebhookNotifier (secretArn, channels)`
      : undefined,
  ]);
  each("lambdaFunctions", set.lambdaFunctions, (p, e) => [
    problemWith(`${p}.functionArn`, e.functionArn, LAMBDA_FUNCTION_ARN),
  ]);
  each("sqsQueues", set.sqsQueues, (p, e) => [
    problemWith(`${p}.queueArn`, e.queueArn, SQS_QUEUE_ARN),
  ]);
  return problems.filter((p): p is string => p !== undefined);
}

/** The subscriptions of a set as a list, in kind order then label order of the Record. */
function planSubscriptions(set: SubscriptionSet): PlannedSubscription[] {
  const plain = (kind: SubscriptionKind, entries?: Record<string, pulumi.Input<string>>) =>
    Object.entries(entries ?? {}).map(([label, endpoint]) => ({ kind, label, endpoint }));
  return [
    ...plain(SubscriptionKind.Email, set.emails),
    ...plain(SubscriptionKind.Sms, set.smsNumbers),
    ...Object.entries(set.httpsEndpoints ?? {}).map(([label, e]) => ({
      kind: SubscriptionKind.Https,
      label,
      endpoint: e.url,
      rawMessageDelivery: e.rawMessageDelivery ?? DEFAULTS.rawMessageDelivery,
    })),
    ...Object.entries(set.lambdaFunctions ?? {}).map(([label, e]) => ({
      kind: SubscriptionKind.Lambda,
      label,
      endpoint: e.functionArn,
    })),
    ...Object.entries(set.sqsQueues ?? {}).map(([label, e]) => ({
      kind: SubscriptionKind.Sqs,
      label,
      endpoint: e.queueArn,
      rawMessageDelivery: e.rawMessageDelivery ?? DEFAULTS.rawMessageDelivery,
    })),
  ];
}

function mergeSubscriptions(shared: SubscriptionSet, own: SubscriptionSet): SubscriptionSet {
  return {
    emails: { ...shared.emails, ...own.emails },
    smsNumbers: { ...shared.smsNumbers, ...own.smsNumbers },
    httpsEndpoints: { ...shared.httpsEndpoints, ...own.httpsEndpoints },
    lambdaFunctions: { ...shared.lambdaFunctions, ...own.lambdaFunctions },
    sqsQueues: { ...shared.sqsQueues, ...own.sqsQueues },
  };
}

/** The topics to create, or the list of problems with the arguments. */
function plan(
  name: string,
  args: AlertTopicSetArgs,
): { topics: PlannedTopic[]; problems: string[] } {
  const problems: string[] = [];
  if (!COMPONENT_NAME_PATTERN.test(name)) {
    problems.push(
      `${name}: the component name ${JSON.stringify(name)} must be 1 to 100 letters, digits, "-" or "_" (it prefixes the SNS topic names and the KMS alias)`,
    );
  }
  const window = args.keyDeletionWindowInDays;
  if (window !== undefined && !(Number.isInteger(window) && window >= 7 && window <= 30)) {
    problems.push(
      `${name}.keyDeletionWindowInDays: ${window} must be a whole number of days from 7 to 30`,
    );
  }
  (args.publisherRoleArns ?? []).forEach((arn, i) => {
    const problem = problemWith(`${name}.publisherRoleArns[${i}]`, arn, IAM_ROLE_ARN);
    if (problem) problems.push(problem);
  });
  problems.push(...subscriptionProblems(fieldPath(name, "subscriptions"), args.subscriptions));

  const specs = args.topics ?? {};
  const purposes = [...SEVERITIES, RESOLUTIONS_TOPIC] as string[];
  for (const purpose of Object.keys(specs)) {
    const path = fieldPath(name, "topics", purpose);
    if (!KEBAB_CASE_LABEL.test(purpose)) {
      problems.push(
        `${path}: the topic purpose ${JSON.stringify(purpose)} is not ${KEBAB_CASE_LABEL.expected}`,
      );
    }
    const spec = specs[purpose];
    const displayName = spec.displayName;
    if (typeof displayName === "string" && (displayName.length === 0 || displayName.length > 100)) {
      problems.push(
        `${path}.displayName: ${JSON.stringify(displayName)} must be 1 to 100 characters`,
      );
    }
    problems.push(...subscriptionProblems(`${path}.subscriptions`, spec.subscriptions));
    if (!purposes.includes(purpose)) purposes.push(purpose);
  }

  const topics = purposes.map((purpose): PlannedTopic => {
    const spec = specs[purpose] ?? {};
    // The chat topic carries AWS Chatbot's JSON cards: the shared (email) subscribers never get
    // them unless asked for.
    const inherit =
      spec.inheritSubscriptions ?? (purpose === CHAT_TOPIC ? false : DEFAULTS.inheritSubscriptions);
    const merged = mergeSubscriptions(
      inherit ? (args.subscriptions ?? {}) : {},
      spec.subscriptions ?? {},
    );
    const base = defaultPublishers(purpose);
    return {
      purpose,
      displayName: spec.displayName ?? defaultDisplayName(purpose),
      publishers: {
        eventBridge: spec.publishers?.eventBridge ?? base.eventBridge,
        cloudWatch: spec.publishers?.cloudWatch ?? base.cloudWatch,
        roles: spec.publishers?.publisherRoles ?? base.roles,
      },
      subscriptions: planSubscriptions(merged),
    };
  });

  const names = topics.flatMap((t) =>
    t.subscriptions.map((s) => subscriptionResourceName(name, t.purpose, s.kind, s.label)),
  );
  for (const dup of duplicates(names)) {
    problems.push(
      `${name}: two subscriptions would both be named ${JSON.stringify(dup)} (topic purposes and labels are joined with "-"); rename one of the topics or labels`,
    );
  }
  return { topics, problems };
}

/**
 * SNS topics for security alerts (one per severity) and resolutions, encrypted with one
 * customer-managed KMS key, with topic policies that admit only this account's EventBridge
 * rules, CloudWatch alarms and the remediators, and subscriptions (email, SMS, HTTPS, Lambda,
 * SQS).
 *
 * Why not the AWS-managed `aws/sns` key: its key policy cannot be changed and does not let
 * `events.amazonaws.com` or `cloudwatch.amazonaws.com` use it, so EventBridge rules and
 * CloudWatch alarms cannot publish to a topic encrypted with it. The rule or alarm still fires,
 * nothing reports an error where people look, and the alert is lost. The key of this set grants
 * those services `kms:GenerateDataKey*`/`kms:Decrypt` (see `alertKeyPolicy`).
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export class AlertTopicSet extends pulumi.ComponentResource {
  /** The topics by purpose (`critical`, `high`, `medium`, `info`, `resolutions`, and custom ones). */
  public readonly topics: Record<string, aws.sns.Topic>;
  /** Topic ARNs by purpose. */
  public readonly topicArns: Record<string, pulumi.Output<string>>;
  /**
   * Alert topic ARNs by severity (`critical`, `high`, `medium`, `info`: the values of
   * `Severity`), for EventBridge targets and alarm actions.
   */
  public readonly alertTopicArns: Record<string, pulumi.Output<string>>;
  /** The resolutions topic ARN, for alarm OK actions and remediators. */
  public readonly resolutionTopicArn: pulumi.Output<string>;
  /** ARN of the key that encrypts the topics (publishers outside the key policy need it). */
  public readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: AlertTopicSetArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:AlertTopicSet", name, {}, opts);
    const shapeProblems = argsProblems("AlertTopicSet", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }

    const { topics: planned, problems } = plan(name, args);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(problems.join("\n"), this);
    }
    const tags = args.tags ?? {};
    const roleArns = pulumi.all(args.publisherRoleArns ?? []);
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;

    const context: AccountContext = { partition, accountId, region, roleArns };
    const key = createKey(name, args, planned, context, tags, this);
    const topics: Record<string, aws.sns.Topic> = {};
    for (const t of planned) {
      topics[t.purpose] = createTopic(name, t, key.arn, context, tags, this);
    }

    this.topics = topics;
    this.topicArns = Object.fromEntries(
      Object.entries(topics).map(([purpose, topic]) => [purpose, topic.arn]),
    );
    this.alertTopicArns = Object.fromEntries(
      SEVERITIES.map((severity) => [severity, topics[severity].arn]),
    );
    this.resolutionTopicArn = topics[RESOLUTIONS_TOPIC].arn;
    this.kmsKeyArn = key.arn;
    this.registerOutputs({
      topics: this.topics,
      topicArns: this.topicArns,
      alertTopicArns: this.alertTopicArns,
      resolutionTopicArn: this.resolutionTopicArn,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}

/** The account, partition, region and publisher roles the key and topic policies name. */
interface AccountContext {
  readonly partition: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly roleArns: pulumi.Output<string[]>;
}

/** The KMS key that encrypts every topic, and its alias. */
function createKey(
  name: string,
  args: AlertTopicSetArgs,
  planned: PlannedTopic[],
  context: AccountContext,
  tags: Record<string, pulumi.Input<string>>,
  parent: pulumi.Resource,
): aws.kms.Key {
  const { partition, accountId, region, roleArns } = context;
  const keyPolicy = pulumi
    .all([partition, accountId, region, roleArns])
    .apply(([p, account, r, roles]) =>
      JSON.stringify(
        alertKeyPolicy({
          partition: p,
          accountId: account,
          region: r,
          eventBridge: planned.some((t) => t.publishers.eventBridge),
          cloudWatch: planned.some((t) => t.publishers.cloudWatch),
          publisherRoleArns: roles,
          allowIamPublishers: args.allowIamPublishers ?? DEFAULTS.allowIamPublishers,
        }),
      ),
    );
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `Encrypts the SNS topics of the ${name} security alerts`,
      enableKeyRotation: true,
      deletionWindowInDays: args.keyDeletionWindowInDays ?? DEFAULTS.keyDeletionWindowInDays,
      policy: keyPolicy,
      tags,
    },
    { parent },
  );
  new aws.kms.Alias(
    `${name}-key-alias`,
    { namePrefix: `alias/${name}-`, targetKeyId: key.keyId },
    { parent },
  );
  return key;
}

/** One topic, its resource policy and its subscriptions (a Lambda's with its invoke permission). */
function createTopic(
  name: string,
  t: PlannedTopic,
  keyArn: pulumi.Output<string>,
  context: AccountContext,
  tags: Record<string, pulumi.Input<string>>,
  parent: pulumi.Resource,
): aws.sns.Topic {
  const { partition, accountId, roleArns } = context;
  const topicName = topicResourceName(name, t.purpose);
  const topic = new aws.sns.Topic(
    topicName,
    { displayName: t.displayName, kmsMasterKeyId: keyArn, tags },
    { parent },
  );
  new aws.sns.TopicPolicy(
    `${topicName}-policy`,
    {
      arn: topic.arn,
      policy: pulumi
        .all([partition, accountId, topic.arn, roleArns])
        .apply(([p, account, arn, roles]) =>
          JSON.stringify(
            topicPolicy({
              partition: p,
              accountId: account,
              topicArn: arn,
              publishers: t.publishers,
              publisherRoleArns: roles,
            }),
          ),
        ),
    },
    { parent },
  );
  for (const s of t.subscriptions) {
    const subscriptionName = subscriptionResourceName(name, t.purpose, s.kind, s.label);
    const dependsOn: pulumi.Resource[] = [];
    if (s.kind === SubscriptionKind.Lambda) {
      dependsOn.push(
        new aws.lambda.Permission(
          `${subscriptionName}-permission`,
          {
            action: "lambda:InvokeFunction",
            function: s.endpoint,
            principal: "sns.amazonaws.com",
            sourceArn: topic.arn,
          },
          { parent },
        ),
      );
    }
    new aws.sns.TopicSubscription(
      subscriptionName,
      {
        topic: topic.arn,
        protocol: s.kind,
        endpoint: s.endpoint,
        ...(s.rawMessageDelivery === undefined ? {} : { rawMessageDelivery: s.rawMessageDelivery }),
      },
      { parent, dependsOn },
    );
  }
  return topic;
}
