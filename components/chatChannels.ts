import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsProblems, bool, list, map, obj, str } from "../core/argsShape";
import { CATALOG } from "../core/catalog";
import { buildAlertCardTransformer, RESOLVED_OUTCOMES } from "../core/chatCard";
import { Detection } from "../core/detection";
import { REMEDIATION_IDS, SEVERITIES, Severity } from "../core/types";
import { chatCardRendererFactory } from "../lambdas/chatCardRenderer";
import { handlerOnlyCodePaths } from "./autoRemediator";

/** A detection rule whose alerts go to chat. */
export interface ChatDetectionArgs {
  /** The EventBridge rule's name (SecurityRuleWatcher `ruleNames[id]`). */
  readonly ruleName: pulumi.Input<string>;
  /**
   * The detection's effective severity (after the stack's overrides).
   * @default the catalog's severity
   */
  readonly severity?: Severity;
}

/** A Slack channel, from the AWS Chatbot console (the workspace must be authorized there once). */
export interface SlackChannelArgs {
  /** The Slack workspace (team) id, e.g. `T07EA123LEP`. */
  readonly teamId: string;
  /** The channel id, e.g. `C07EZ1ABC23` (channel details in Slack). */
  readonly channelId: string;
}

/** A Microsoft Teams channel, from the AWS Chatbot console (the team must be authorized there once). */
export interface TeamsChannelArgs {
  /** The team id (a UUID). */
  readonly teamId: string;
  /** The Microsoft Entra tenant id (a UUID). */
  readonly tenantId: string;
  /** The channel id, e.g. `19:abc123@thread.tacv2` (from the channel's link). */
  readonly channelId: string;
}

/** What Chatbot logs to CloudWatch Logs. */
export enum ChatLoggingLevel {
  Error = "ERROR",
  Info = "INFO",
  None = "NONE",
}

export interface ChatChannelsArgs {
  /**
   * The SNS topic of the chat cards (AlertTopicSet topic with purpose `chat`): its policy must
   * let EventBridge rules of the account publish, and its key let EventBridge use it. Only
   * custom-notification cards are published to it, so Chatbot renders every message.
   */
  readonly topicArn: pulumi.Input<string>;
  /** The detection rules, by detection id (catalog ids). */
  readonly detections: Record<string, ChatDetectionArgs>;
  /**
   * The least severe alert that goes to chat.
   * @default Severity.Medium
   */
  readonly minimumSeverity?: Severity;
  /**
   * The key that encrypts the chat topic (AlertTopicSet `kmsKeyArn`): the card renderer's role
   * may use it through SNS for that topic only.
   * @default none (the topic is not encrypted with a customer-managed key)
   */
  readonly topicKmsKeyArn?: pulumi.Input<string>;
  /**
   * Post resolution cards, threaded under their alert, rendered from the messages of
   * `resolutionTopicArn` (whose only publishers are the remediation functions). Nothing on the
   * default event bus makes a card: anyone allowed `events:PutEvents` could write there.
   * @default true
   */
  readonly resolutions?: boolean;
  /**
   * The resolution topic (AlertTopicSet `resolutionTopicArn`): required when `resolutions` is on.
   * @default none
   */
  readonly resolutionTopicArn?: pulumi.Input<string>;
  /**
   * Kept for compatibility: no rule is created under this prefix any more.
   * @default the component name
   */
  readonly ruleNamePrefix?: string;
  /**
   * Dead-letter queue of the chat targets (SecurityRuleWatcher `deadLetterQueueArn`).
   * @default none
   */
  readonly deadLetterQueueArn?: pulumi.Input<string>;
  /**
   * A Slack channel configuration.
   * https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html
   * @default none
   */
  readonly slack?: SlackChannelArgs;
  /**
   * A Microsoft Teams channel configuration.
   * https://docs.aws.amazon.com/chatbot/latest/adminguide/teams-setup.html
   * @default none
   */
  readonly teams?: TeamsChannelArgs;
  /**
   * Guardrail policies: the most any channel member may do through Chatbot, whatever the role.
   * @default ["arn:<partition>:iam::aws:policy/ReadOnlyAccess"]
   */
  readonly guardrailPolicyArns?: string[];
  /**
   * Chatbot's logging to CloudWatch Logs.
   * @default ChatLoggingLevel.Error
   */
  readonly loggingLevel?: ChatLoggingLevel;
  /**
   * Channel members must use their own IAM identity to run commands (not the channel's role).
   * @default true
   */
  readonly userAuthorizationRequired?: boolean;
  /**
   * Host suffix of the AWS console in the cards' links.
   * @default "console.aws.amazon.com"
   */
  readonly consoleDomain?: string;
  /**
   * Tags of the role, the rule and the channel configurations.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

const DEFAULTS = {
  minimumSeverity: Severity.Medium,
  resolutions: true,
  loggingLevel: ChatLoggingLevel.Error,
  userAuthorizationRequired: true,
  consoleDomain: "console.aws.amazon.com",
  maximumEventAgeSeconds: 3600,
  maximumRetryAttempts: 10,
  renderer: {
    runtime: "nodejs22.x",
    timeoutSeconds: 30,
    memorySizeMb: 256,
    logRetentionDays: 365,
    maximumRetryAttempts: 2,
    failureQueueRetentionSeconds: 1209600,
    sdk: { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 },
  },
};

const SEVERITY = "critical, high, medium or info";
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  topicArn: str("an SNS topic ARN (the AlertTopicSet topic of purpose chat)", true),
  topicKmsKeyArn: str("a KMS key ARN (the AlertTopicSet kmsKeyArn)"),
  resolutionTopicArn: str("the AlertTopicSet resolutionTopicArn"),
  detections: map(
    "a map of detection id to { ruleName, severity }",
    obj("a chat detection { ruleName, severity }", {
      ruleName: str("a rule name (SecurityRuleWatcher ruleNames[id])", true),
      severity: str(SEVERITY),
    }),
    { required: true },
  ),
  minimumSeverity: str(SEVERITY),
  resolutions: bool(),
  ruleNamePrefix: str("a rule name prefix"),
  deadLetterQueueArn: str("the SecurityRuleWatcher deadLetterQueueArn"),
  slack: obj("an object { teamId, channelId }", {
    teamId: str("a Slack workspace id", true),
    channelId: str("a Slack channel id", true),
  }),
  teams: obj("an object { teamId, tenantId, channelId }", {
    teamId: str("a Microsoft Teams team id (a UUID)", true),
    tenantId: str("a Microsoft Entra tenant id (a UUID)", true),
    channelId: str("a Teams channel id", true),
  }),
  guardrailPolicyArns: list("a list of IAM policy ARNs", str("an IAM policy ARN")),
  loggingLevel: str("ERROR, INFO or NONE"),
  userAuthorizationRequired: bool(),
  consoleDomain: str("a host name"),
  tags: map("a map of tag key to value", str("a tag value")),
};

/** The read-only actions Chatbot's notifications need (CloudWatch graphs in alarm cards). */
export const CHAT_ROLE_ACTIONS = ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The problems of the channel settings, each saying what to change. */
export function chatChannelProblems(slack?: SlackChannelArgs, teams?: TeamsChannelArgs): string[] {
  const problems: string[] = [];
  if (!slack && !teams) problems.push("set slack, teams or both: no chat channel is configured");
  if (slack) {
    if (!/^[A-Z0-9]{9,11}$/.test(slack.teamId)) {
      problems.push(`slack.teamId: "${slack.teamId}" is not a Slack workspace id (T0123ABCD)`);
    }
    if (!/^[A-Z0-9]{9,11}$/.test(slack.channelId)) {
      problems.push(`slack.channelId: "${slack.channelId}" is not a Slack channel id (C0123ABCD)`);
    }
  }
  if (teams) {
    if (!UUID.test(teams.teamId)) problems.push(`teams.teamId: "${teams.teamId}" is not a UUID`);
    if (!UUID.test(teams.tenantId)) {
      problems.push(`teams.tenantId: "${teams.tenantId}" is not a UUID`);
    }
    if (!/^19:[A-Za-z0-9_-]+@thread\.[a-z0-9]+$/.test(teams.channelId)) {
      problems.push(
        `teams.channelId: "${teams.channelId}" is not a Teams channel id (19:...@thread.tacv2)`,
      );
    }
  }
  return problems;
}

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) channels for Slack and Microsoft Teams,
 * fed by readable cards. One small function, the card renderer (lambdas/chatCardRenderer.ts),
 * is the chat topic's writer: each detection rule (at or above `minimumSeverity`) targets it
 * with an input transformer that delivers the card and the event's values apart
 * (core/chatCard.ts), and it neutralises every value (mentions, lying links, markdown, control
 * characters; core/neutralise.ts) before it fills and publishes the card; it also subscribes to
 * the resolution topic and posts the resolution cards in the alert's thread. The channels' IAM
 * role is read-only (CloudWatch reads for notifications), and guardrail policies cap what
 * members can do. Chatbot is free; the renderer, the targets and the topic cost what Lambda,
 * SNS and EventBridge do per card (nothing while idle).
 */
export class ChatChannels extends pulumi.ComponentResource {
  /** ARN of the channels' IAM role (read-only, capped by the guardrail policies). */
  public readonly roleArn: pulumi.Output<string>;
  /** ARN of the Slack channel configuration (undefined without Slack). */
  public readonly slackChannelArn?: pulumi.Output<string>;
  /** ARN of the Teams channel configuration (undefined without Teams). */
  public readonly teamsChannelArn?: pulumi.Output<string>;
  /** The detections whose alerts go to chat (plain data). */
  public readonly chatDetectionIds: string[];
  /** ARN of the card renderer function (the chat targets' and the resolution topic's subscriber). */
  public readonly rendererFunctionArn: pulumi.Output<string>;

  constructor(name: string, args: ChatChannelsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:ChatChannels", name, {}, opts);
    const shapeProblems = argsProblems("ChatChannels", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const settings = chatSettings(name, args);
    const tags = args.tags ?? {};

    const { problems, chatty, transformers } = planChat(args, settings);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(problems.join("\n"), this);
    }

    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const renderer = this.buildRenderer(
      name,
      args,
      settings,
      { partition, accountId, region },
      tags,
    );
    this.rendererFunctionArn = renderer.fn.arn;
    createChatTargets(name, args, chatty, transformers, renderer, this);
    const role = createChannelRole(name, accountId, tags, this);
    const channels = createChannels(name, args, settings, role, partition, tags, this);
    this.slackChannelArn = channels.slackChannelArn;
    this.teamsChannelArn = channels.teamsChannelArn;

    this.roleArn = role.arn;
    this.chatDetectionIds = chatty.map((d) => d.id);
    this.registerOutputs({
      roleArn: this.roleArn,
      slackChannelArn: this.slackChannelArn,
      teamsChannelArn: this.teamsChannelArn,
      chatDetectionIds: this.chatDetectionIds,
      rendererFunctionArn: this.rendererFunctionArn,
    });
  }

  /**
   * The card renderer (lambdas/chatCardRenderer.ts): function, role (publish to the chat topic
   * only, its key through SNS for that topic only, its own logs, its on-failure queue), log
   * group, on-failure queue, the invoke permission of this account's EventBridge rules and, with
   * resolutions, of the resolution topic with its subscription.
   */
  private buildRenderer(
    name: string,
    args: ChatChannelsArgs,
    settings: { resolutions: boolean; consoleDomain: string },
    where: RendererPlace,
    tags: Record<string, string>,
  ) {
    const prefix = `${name}-renderer`;
    const d = DEFAULTS.renderer;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${prefix}-logs`,
      { retentionInDays: d.logRetentionDays, tags },
      { parent: this },
    );
    const queue = new aws.sqs.Queue(
      `${prefix}-failures`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: d.failureQueueRetentionSeconds, tags },
      { parent: this },
    );
    const { role, rolePolicy } = createRendererRole(
      prefix,
      args,
      where,
      logGroup,
      queue,
      tags,
      this,
    );
    const fn = new aws.lambda.CallbackFunction(
      `${prefix}-fn`,
      {
        description: "aws-security-watch: renders chat cards with every hostile value neutralised",
        callbackFactory: chatCardRendererFactory({
          remediationIds: [...REMEDIATION_IDS],
          outcomes: [...RESOLVED_OUTCOMES],
          consoleDomain: settings.consoleDomain,
          sdk: { ...d.sdk },
        }),
        role: role.arn,
        runtime: d.runtime,
        timeout: d.timeoutSeconds,
        memorySize: d.memorySizeMb,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        environment: {
          variables: {
            RENDERER_SETTINGS: pulumi.jsonStringify({
              chatTopicArn: args.topicArn,
              resolutionTopicArn: settings.resolutions ? args.resolutionTopicArn : "",
              account: where.accountId,
            }),
          },
        },
        codePathOptions: handlerOnlyCodePaths(),
        tags,
      },
      { parent: this, dependsOn: [rolePolicy, logGroup] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${prefix}-invoke-config`,
      {
        functionName: fn.name,
        maximumRetryAttempts: d.maximumRetryAttempts,
        maximumEventAgeInSeconds: DEFAULTS.maximumEventAgeSeconds,
        destinationConfig: { onFailure: { destination: queue.arn } },
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
    const eventsPermission = createRendererInvokers(prefix, args, settings, where, fn, this);
    return { fn, eventsPermission, queue };
  }
}

/**
 * The renderer role's policy: publish to the chat topic only; the topic's key through SNS for
 * that topic only (when there is one); its own log group; its on-failure queue.
 */
export function chatRendererPolicy(input: {
  region: string;
  topicArn: string;
  logGroupArn: string;
  queueArn: string;
  keyArn?: string;
}): { Version: "2012-10-17"; Statement: Record<string, unknown>[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "PublishCards", Effect: "Allow", Action: ["sns:Publish"], Resource: input.topicArn },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${input.logGroupArn}:*`,
      },
      {
        Sid: "OnFailureDestination",
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: input.queueArn,
      },
      ...(input.keyArn
        ? [
            {
              Sid: "UseTopicKey",
              Effect: "Allow",
              Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
              Resource: input.keyArn,
              Condition: {
                StringEquals: {
                  "kms:ViaService": `sns.${input.region}.amazonaws.com`,
                  "kms:EncryptionContext:aws:sns:topicArn": input.topicArn,
                },
              },
            },
          ]
        : []),
    ],
  };
}

/** The effective settings, defaults applied once. */
interface ChatSettings {
  readonly minimumSeverity: Severity;
  readonly resolutions: boolean;
  readonly loggingLevel: ChatLoggingLevel;
  readonly userAuthorizationRequired: boolean;
  readonly consoleDomain: string;
  readonly ruleNamePrefix: string;
}

function chatSettings(name: string, args: ChatChannelsArgs): ChatSettings {
  return {
    minimumSeverity: args.minimumSeverity ?? DEFAULTS.minimumSeverity,
    resolutions: args.resolutions ?? DEFAULTS.resolutions,
    loggingLevel: args.loggingLevel ?? DEFAULTS.loggingLevel,
    userAuthorizationRequired: args.userAuthorizationRequired ?? DEFAULTS.userAuthorizationRequired,
    consoleDomain: args.consoleDomain ?? DEFAULTS.consoleDomain,
    ruleNamePrefix: args.ruleNamePrefix ?? name,
  };
}

type CardTransformer = ReturnType<typeof buildAlertCardTransformer>;

/**
 * The plan, before any resource: every problem with the arguments, the detections that go to
 * chat (at or above the minimum severity) and their cards' input transformers (a card that does
 * not fit fails here).
 */
function planChat(
  args: ChatChannelsArgs,
  settings: ChatSettings,
): { problems: string[]; chatty: Detection[]; transformers: Map<string, CardTransformer> } {
  const problems = chatChannelProblems(args.slack, args.teams);
  if (!SEVERITIES.includes(settings.minimumSeverity)) {
    problems.push(
      `minimumSeverity: "${settings.minimumSeverity}" is not one of ${SEVERITIES.join(", ")}`,
    );
  }
  if (!Object.values(ChatLoggingLevel).includes(settings.loggingLevel)) {
    problems.push(
      `loggingLevel: "${settings.loggingLevel}" is not one of ${Object.values(ChatLoggingLevel).join(", ")}`,
    );
  }
  const byId = new Map(CATALOG.map((d) => [d.id, d]));
  const detections: Detection[] = [];
  for (const [id, d] of Object.entries(args.detections)) {
    const detection = byId.get(id);
    if (!detection) {
      problems.push(
        `detections.${id}: not a catalog detection; chat cards are built from the catalog`,
      );
      continue;
    }
    if (d.severity !== undefined && !SEVERITIES.includes(d.severity)) {
      problems.push(
        `detections.${id}.severity: "${d.severity}" is not one of ${SEVERITIES.join(", ")}`,
      );
      continue;
    }
    detections.push(d.severity ? { ...detection, severity: d.severity } : detection);
  }
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  const chatty = detections.filter((d) => rank(d.severity) <= rank(settings.minimumSeverity));
  // Built before any resource: a card that does not fit fails here.
  const transformers = new Map<string, CardTransformer>();
  for (const d of chatty) {
    try {
      transformers.set(
        d.id,
        buildAlertCardTransformer(d, { consoleDomain: settings.consoleDomain }),
      );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (settings.resolutions && args.resolutionTopicArn === undefined) {
    problems.push(
      "resolutionTopicArn: required when resolutions is on (the AlertTopicSet resolutionTopicArn); or set resolutions: false",
    );
  }
  return { problems, chatty, transformers };
}

/** One EventBridge target per chat detection: its rule to the renderer, with the card. */
function createChatTargets(
  name: string,
  args: ChatChannelsArgs,
  chatty: Detection[],
  transformers: Map<string, CardTransformer>,
  renderer: { fn: aws.lambda.Function; eventsPermission: aws.lambda.Permission },
  parent: pulumi.Resource,
): void {
  const retryPolicy = {
    maximumEventAgeInSeconds: DEFAULTS.maximumEventAgeSeconds,
    maximumRetryAttempts: DEFAULTS.maximumRetryAttempts,
  };
  const deadLetterConfig = args.deadLetterQueueArn ? { arn: args.deadLetterQueueArn } : undefined;
  for (const d of chatty) {
    new aws.cloudwatch.EventTarget(
      `${name}-${d.id}-chat`,
      {
        rule: args.detections[d.id].ruleName,
        targetId: "chat",
        arn: renderer.fn.arn,
        inputTransformer: transformers.get(d.id)!,
        retryPolicy,
        deadLetterConfig,
      },
      { parent, dependsOn: [renderer.eventsPermission] },
    );
  }
}

/** The channels' IAM role: assumed by Chatbot for this account only, read-only notifications. */
function createChannelRole(
  name: string,
  accountId: pulumi.Output<string>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.iam.Role {
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      description: "AWS Chatbot channels of aws-security-watch: read-only notifications",
      assumeRolePolicy: accountId.apply((account) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "chatbot.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
          ],
        }),
      ),
      tags,
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-role-policy`,
    {
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "NotificationsReadOnly",
            Effect: "Allow",
            Action: CHAT_ROLE_ACTIONS,
            // CloudWatch's Describe/Get/List calls take no resource-level permission.
            Resource: "*",
          },
        ],
      }),
    },
    { parent },
  );
  return role;
}

/** The Slack and Teams channel configurations, each when its arguments are given. */
function createChannels(
  name: string,
  args: ChatChannelsArgs,
  settings: ChatSettings,
  role: aws.iam.Role,
  partition: pulumi.Output<string>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): { slackChannelArn?: pulumi.Output<string>; teamsChannelArn?: pulumi.Output<string> } {
  const arns: { slackChannelArn?: pulumi.Output<string>; teamsChannelArn?: pulumi.Output<string> } =
    {};
  const guardrails =
    args.guardrailPolicyArns ?? partition.apply((p) => [`arn:${p}:iam::aws:policy/ReadOnlyAccess`]);
  const common = {
    iamRoleArn: role.arn,
    snsTopicArns: [args.topicArn],
    guardrailPolicyArns: guardrails,
    loggingLevel: settings.loggingLevel,
    userAuthorizationRequired: settings.userAuthorizationRequired,
    tags,
  };
  if (args.slack) {
    const slack = new aws.chatbot.SlackChannelConfiguration(
      `${name}-slack`,
      {
        configurationName: `${name}-slack`,
        slackTeamId: args.slack.teamId,
        slackChannelId: args.slack.channelId,
        ...common,
      },
      { parent },
    );
    arns.slackChannelArn = slack.chatConfigurationArn;
  }
  if (args.teams) {
    const teams = new aws.chatbot.TeamsChannelConfiguration(
      `${name}-teams`,
      {
        configurationName: `${name}-teams`,
        teamId: args.teams.teamId,
        tenantId: args.teams.tenantId,
        channelId: args.teams.channelId,
        ...common,
      },
      { parent },
    );
    arns.teamsChannelArn = teams.chatConfigurationArn;
  }
  return arns;
}

/** Where the renderer runs: the partition, account and region its policies name. */
interface RendererPlace {
  readonly partition: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
}

/**
 * The renderer's role: publish to the chat topic only, its key through SNS for that topic only,
 * its own logs, its on-failure queue.
 */
function createRendererRole(
  prefix: string,
  args: ChatChannelsArgs,
  where: RendererPlace,
  logGroup: aws.cloudwatch.LogGroup,
  queue: aws.sqs.Queue,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy } {
  const role = new aws.iam.Role(
    `${prefix}-role`,
    {
      description: "aws-security-watch chat card renderer",
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
      tags,
    },
    { parent },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${prefix}-role-policy`,
    {
      role: role.id,
      policy: pulumi
        .all([where.region, args.topicArn, logGroup.arn, queue.arn, args.topicKmsKeyArn])
        .apply(([r, topicArn, logGroupArn, queueArn, keyArn]) =>
          JSON.stringify(
            chatRendererPolicy({ region: r, topicArn, logGroupArn, queueArn, keyArn }),
          ),
        ),
    },
    { parent },
  );
  return { role, rolePolicy };
}

/**
 * The invoke permission of this account's EventBridge rules and, with resolutions, of the
 * resolution topic with its subscription.
 */
function createRendererInvokers(
  prefix: string,
  args: ChatChannelsArgs,
  settings: { resolutions: boolean },
  where: RendererPlace,
  fn: aws.lambda.Function,
  parent: pulumi.Resource,
): aws.lambda.Permission {
  const eventsPermission = new aws.lambda.Permission(
    `${prefix}-invoke-rules`,
    {
      action: "lambda:InvokeFunction",
      function: fn.name,
      principal: "events.amazonaws.com",
      sourceAccount: where.accountId,
      sourceArn: pulumi.interpolate`arn:${where.partition}:events:${where.region}:${where.accountId}:rule/*`,
    },
    { parent },
  );
  if (settings.resolutions && args.resolutionTopicArn !== undefined) {
    const snsPermission = new aws.lambda.Permission(
      `${prefix}-invoke-resolutions`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "sns.amazonaws.com",
        sourceArn: args.resolutionTopicArn,
      },
      { parent },
    );
    new aws.sns.TopicSubscription(
      `${prefix}-resolutions`,
      { topic: args.resolutionTopicArn, protocol: "lambda", endpoint: fn.arn },
      { parent, dependsOn: [snsPermission] },
    );
  }
  return eventsPermission;
}
