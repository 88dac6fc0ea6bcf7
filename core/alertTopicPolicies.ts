/**
 * Pure builders for AlertTopicSet: the KMS key policy of the key that encrypts the topics, the
 * topic policies, the identity policy a publisher needs, and the child names. Plain data in,
 * plain JSON out; no Pulumi import.
 */

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?:
    "*" | { readonly AWS: string | readonly string[] } | { readonly Service: string };
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Who may publish to one topic. */
export interface TopicPublisherFlags {
  /** EventBridge rules of this account (`events.amazonaws.com`). */
  readonly eventBridge: boolean;
  /** CloudWatch alarms of this account (`cloudwatch.amazonaws.com`). */
  readonly cloudWatch: boolean;
  /** The publisher role ARNs given to the component. */
  readonly roles: boolean;
}

export const EVENTS_PRINCIPAL = "events.amazonaws.com";
export const CLOUDWATCH_PRINCIPAL = "cloudwatch.amazonaws.com";
export const SNS_PRINCIPAL = "sns.amazonaws.com";

/**
 * What the account keeps on its key: administration, explicitly listed (the default key policy's
 * `kms:*` would also let any account principal with a broad IAM policy decrypt). Encrypting and
 * decrypting are granted statement by statement below.
 */
export const KEY_ADMIN_ACTIONS: readonly string[] = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListAliases",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateAlias",
  "kms:UpdateKeyDescription",
];

/** What AWS services need on the key of an encrypted topic they publish to (SNS developer guide). */
export const SERVICE_KEY_ACTIONS: readonly string[] = ["kms:GenerateDataKey*", "kms:Decrypt"];

/** What a principal needs on the key to publish to an encrypted topic (SNS developer guide). */
export const PUBLISHER_KEY_ACTIONS: readonly string[] = ["kms:GenerateDataKey", "kms:Decrypt"];

/** The topic owner's management actions (the SNS default policy's, without `sns:Publish`). */
export const TOPIC_MANAGEMENT_ACTIONS: readonly string[] = [
  "sns:GetTopicAttributes",
  "sns:SetTopicAttributes",
  "sns:AddPermission",
  "sns:RemovePermission",
  "sns:DeleteTopic",
  "sns:Subscribe",
  "sns:ListSubscriptionsByTopic",
];

export interface AlertKeyPolicyInput {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** True when at least one topic accepts EventBridge. */
  readonly eventBridge: boolean;
  /** True when at least one topic accepts CloudWatch alarms. */
  readonly cloudWatch: boolean;
  /** Roles named in the key policy (empty: no statement). Duplicates are dropped. */
  readonly publisherRoleArns: readonly string[];
  /**
   * Let principals of this account use the key through SNS when their own IAM policy allows it
   * (see `topicPublisherPolicy`).
   */
  readonly allowIamPublishers: boolean;
}

function rootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * The key policy of the customer-managed key that encrypts every topic of the set.
 *
 * - `KeyAdministration`: the account root, administrative actions only.
 * - `EventBridgeUseOfKey`: `events.amazonaws.com` may `kms:GenerateDataKey*`/`kms:Decrypt`,
 *   **without** any `aws:SourceAccount`/`aws:SourceArn` condition: the SNS developer guide
 *   states that those keys in a KMS key policy are not supported for EventBridge-to-encrypted
 *   topics, and with them every event is dropped silently. The topic policies (which do carry
 *   `aws:SourceAccount`) are what confine EventBridge to this account's rules.
 * - `CloudWatchUseOfKey`: `cloudwatch.amazonaws.com`, same actions, `aws:SourceAccount`.
 * - `SnsUseOfKey`: `sns.amazonaws.com`, same actions, `aws:SourceAccount`.
 * - `PublisherRolesUseOfKey`: the named roles, `kms:GenerateDataKey`/`kms:Decrypt`, only via
 *   SNS in this region (`kms:ViaService`).
 * - `AccountPublishersUseOfKey`: any principal of this account whose IAM policy allows it, same
 *   actions, only via SNS in this region and only for callers of this account.
 *
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function alertKeyPolicy(input: AlertKeyPolicyInput): PolicyDocument {
  const { partition, accountId, region } = input;
  const viaSns = `sns.${region}.amazonaws.com`;
  const statements: PolicyStatement[] = [
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: rootArn(partition, accountId) },
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
  ];
  if (input.eventBridge) {
    statements.push({
      Sid: "EventBridgeUseOfKey",
      Effect: "Allow",
      Principal: { Service: EVENTS_PRINCIPAL },
      Action: SERVICE_KEY_ACTIONS,
      Resource: "*",
    });
  }
  if (input.cloudWatch) {
    statements.push({
      Sid: "CloudWatchUseOfKey",
      Effect: "Allow",
      Principal: { Service: CLOUDWATCH_PRINCIPAL },
      Action: SERVICE_KEY_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    });
  }
  statements.push({
    Sid: "SnsUseOfKey",
    Effect: "Allow",
    Principal: { Service: SNS_PRINCIPAL },
    Action: SERVICE_KEY_ACTIONS,
    Resource: "*",
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  });
  const roles = unique(input.publisherRoleArns);
  if (roles.length > 0) {
    statements.push({
      Sid: "PublisherRolesUseOfKey",
      Effect: "Allow",
      Principal: { AWS: roles },
      Action: PUBLISHER_KEY_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": viaSns } },
    });
  }
  if (input.allowIamPublishers) {
    statements.push({
      Sid: "AccountPublishersUseOfKey",
      Effect: "Allow",
      Principal: { AWS: rootArn(partition, accountId) },
      Action: PUBLISHER_KEY_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": viaSns } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export interface TopicPolicyInput {
  readonly partition: string;
  readonly accountId: string;
  readonly topicArn: string;
  readonly publishers: TopicPublisherFlags;
  /** Used when `publishers.roles`; empty: no statement. Duplicates are dropped. */
  readonly publisherRoleArns: readonly string[];
}

/**
 * The policy of one topic.
 *
 * - `AccountManagesTopic`: the account root keeps the SNS management actions (not Publish).
 * - `EventBridgePublishes`: `events.amazonaws.com`, `sns:Publish`, `aws:SourceAccount` = this
 *   account and `aws:SourceArn` like `arn:<partition>:events:*:<account>:rule/*`.
 * - `CloudWatchAlarmsPublish`: `cloudwatch.amazonaws.com`, `sns:Publish`, `aws:SourceAccount`
 *   and `aws:SourceArn` like `arn:<partition>:cloudwatch:*:<account>:alarm:*`.
 * - `PublisherRolesPublish`: the named roles, `sns:Publish`.
 * - `DenyInsecureTransport`: anyone, publishing or managing without TLS, denied.
 *
 * Principals of the same account can still publish through their own IAM policy (AWS grants
 * same-account access when either side allows it); the key policy decides whether the message
 * can be encrypted.
 */
export function topicPolicy(input: TopicPolicyInput): PolicyDocument {
  const { partition, accountId, topicArn, publishers } = input;
  const sourceAccount = { "aws:SourceAccount": accountId };
  const statements: PolicyStatement[] = [
    {
      Sid: "AccountManagesTopic",
      Effect: "Allow",
      Principal: { AWS: rootArn(partition, accountId) },
      Action: TOPIC_MANAGEMENT_ACTIONS,
      Resource: topicArn,
    },
  ];
  if (publishers.eventBridge) {
    statements.push({
      Sid: "EventBridgePublishes",
      Effect: "Allow",
      Principal: { Service: EVENTS_PRINCIPAL },
      Action: ["sns:Publish"],
      Resource: topicArn,
      Condition: {
        StringEquals: sourceAccount,
        ArnLike: { "aws:SourceArn": `arn:${partition}:events:*:${accountId}:rule/*` },
      },
    });
  }
  if (publishers.cloudWatch) {
    statements.push({
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: CLOUDWATCH_PRINCIPAL },
      Action: ["sns:Publish"],
      Resource: topicArn,
      Condition: {
        StringEquals: sourceAccount,
        ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:*:${accountId}:alarm:*` },
      },
    });
  }
  const roles = unique(input.publisherRoleArns);
  if (publishers.roles && roles.length > 0) {
    statements.push({
      Sid: "PublisherRolesPublish",
      Effect: "Allow",
      Principal: { AWS: roles },
      Action: ["sns:Publish"],
      Resource: topicArn,
    });
  }
  statements.push({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: ["sns:Publish", ...TOPIC_MANAGEMENT_ACTIONS],
    Resource: topicArn,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
  return { Version: "2012-10-17", Statement: statements };
}

export interface TopicPublisherPolicyInput {
  readonly topicArns: readonly string[];
  readonly keyArn: string;
  readonly region: string;
}

/**
 * The identity policy (for a role of this account, e.g. a remediator's) that lets it publish to
 * the given topics: `sns:Publish` on them and the key's data-key actions through SNS. Works with
 * the key policy's `AccountPublishersUseOfKey` statement (`allowIamPublishers`, on by default).
 */
export function topicPublisherPolicy(input: TopicPublisherPolicyInput): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PublishToAlertTopics",
        Effect: "Allow",
        Action: ["sns:Publish"],
        Resource: unique(input.topicArns),
      },
      {
        Sid: "EncryptForAlertTopics",
        Effect: "Allow",
        Action: PUBLISHER_KEY_ACTIONS,
        Resource: input.keyArn,
        Condition: { StringEquals: { "kms:ViaService": `sns.${input.region}.amazonaws.com` } },
      },
    ],
  };
}

/** The kinds of subscription a topic can have; each names its children. */
export enum SubscriptionKind {
  Email = "email",
  Sms = "sms",
  Https = "https",
  Lambda = "lambda",
  Sqs = "sqs",
}

/** Characters allowed in the component name: they prefix the SNS topic names and the KMS alias. */
export const COMPONENT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The child name of a topic, which is also the prefix of its physical name (Pulumi appends
 * `-` and 7 random characters; SNS allows 256 characters of `[A-Za-z0-9_-]`).
 */
export function topicResourceName(name: string, purpose: string): string {
  return `${name}-${purpose}`;
}

/** The child name of a subscription: `${name}-${purpose}-${kind}-${label}`. */
export function subscriptionResourceName(
  name: string,
  purpose: string,
  kind: SubscriptionKind,
  label: string,
): string {
  return `${topicResourceName(name, purpose)}-${kind}-${label}`;
}

/** The names that occur more than once, each once, in first-seen order. */
export function duplicates(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([n]) => n);
}
