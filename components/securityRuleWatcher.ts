import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildInputTransformer } from "../core/alertMessage";
import { Detection, forwardingRuleName, resolveDetections, ruleName } from "../core/detection";
import {
  deadLetterQueuePolicy,
  defaultEventBusArn,
  forwarderPolicy,
  forwarderTrustPolicy,
  ruleArnPattern,
} from "../core/ruleWatcherPolicies";
import { Severity, SEVERITIES } from "../core/types";

/** The region where CloudTrail delivers global-service events to EventBridge. */
export const GLOBAL_EVENTS_REGION = "us-east-1";

export interface SecurityRuleWatcherArgs {
  /**
   * The SNS topic ARN that receives the alerts of each severity (`critical`, `high`, `medium`,
   * `info`), e.g. AlertTopicSet's `alertTopicArns`. Every severity used by an enabled detection
   * needs one. The topic policy must let `events.amazonaws.com` publish, and an SSE-KMS topic's
   * key must let EventBridge use it.
   */
  readonly alertTopicArns: Record<string, pulumi.Input<string>>;
  /**
   * Ids of catalog (or custom) detections not to deploy.
   * @default []
   */
  readonly disabledDetections?: string[];
  /**
   * Another severity (hence alert topic) per detection id.
   * @default {}
   */
  readonly severityOverrides?: Record<string, Severity>;
  /**
   * Detections of your own (core/detection.ts `Detection`), deployed like the catalog's.
   * @default []
   */
  readonly customDetections?: Detection[];
  /**
   * Prefix of the rule names: `<prefix>-<detection id>` (and `<prefix>-fwd-<id>` in us-east-1).
   * The dead-letter queue policy admits the rules `<prefix>-*`, so keep it unique per account
   * and region. Names are limited to 64 characters.
   * @default the component name
   */
  readonly ruleNamePrefix?: string;
  /**
   * The region of this component's AWS provider, where the rules, the alert topics and the
   * remediations live.
   * @default the `aws:region` stack configuration
   */
  readonly homeRegion?: string;
  /**
   * CloudTrail delivers events of global services (IAM, STS, Organizations, console sign-in) to
   * EventBridge in us-east-1 only. When the home region is another one, forward them: a rule per
   * global detection in us-east-1 sends matching events to the home region's default event bus,
   * where the home rule matches them. Set false if another stack already forwards them.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail
   * @default true
   */
  readonly forwardGlobalEvents?: boolean;
  /**
   * Explicit provider for us-east-1 (for example with your assume-role settings).
   * @default a new `aws.Provider` with region us-east-1 (and the `aws:profile` stack setting, if any)
   */
  readonly globalRegionProvider?: aws.Provider;
  /**
   * How long an event that could not be delivered stays in the dead-letter queue (60 s to 14 days).
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   * @default 1209600 (14 days, the SQS maximum)
   */
  readonly deadLetterRetentionSeconds?: number;
  /**
   * How long EventBridge keeps retrying a failed delivery (60 to 86400 s).
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   * @default 86400 (24 hours, the EventBridge default)
   */
  readonly maximumEventAgeSeconds?: number;
  /**
   * How many times EventBridge retries a failed delivery (0 to 185).
   * @default 185 (the EventBridge default)
   */
  readonly maximumRetryAttempts?: number;
  /**
   * Host suffix of the AWS console in the alert's link (`console.amazonaws.cn` in China).
   * @default "console.aws.amazon.com"
   */
  readonly consoleDomain?: string;
  /**
   * Tags of the rules, queues and role.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * The event bus of the detection rules: an organization hub's central bus (OrganizationHub
   * `eventBusName`), which receives the events that member accounts forward. The forwarding of
   * global-service events (`forwardGlobalEvents`) is for the default bus of a single account.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
   * @default the default event bus
   */
  readonly eventBusName?: pulumi.Input<string>;
}

const DEFAULTS = {
  disabledDetections: [] as string[],
  severityOverrides: {} as Record<string, Severity>,
  customDetections: [] as Detection[],
  forwardGlobalEvents: true,
  deadLetterRetentionSeconds: 14 * 24 * 3600,
  maximumEventAgeSeconds: 24 * 3600,
  maximumRetryAttempts: 185,
  consoleDomain: "console.aws.amazon.com",
  tags: {} as Record<string, string>,
};

/**
 * One EventBridge rule per enabled detection of the catalog (core/catalog.ts), each with a target
 * to the alert topic of its severity: a readable plain-text message (core/alertMessage.ts), the
 * retry policy, and a dead-letter queue (SQS, SQS-managed encryption, TLS-only, writable only by
 * this watcher's rules).
 *
 * Global-service events: CloudTrail delivers IAM, STS, Organizations and console sign-in events
 * to EventBridge in us-east-1 only. When `homeRegion` is not us-east-1 (and
 * `forwardGlobalEvents`), the component creates a us-east-1 provider, and for each `global`
 * detection a rule there with the same pattern whose target is the home region's default event
 * bus (through a role allowed only `events:PutEvents` on that bus), with its own dead-letter
 * queue in us-east-1. The home rule then matches the forwarded events, so topics and
 * remediations stay in one region.
 *
 * AutoRemediator adds its targets to `rules[id]` for the detections whose `remediation` it
 * implements, and may reuse `deadLetterQueueArn`.
 */
export class SecurityRuleWatcher extends pulumi.ComponentResource {
  /** The home-region rule of each enabled detection, by detection id. */
  public readonly rules: Record<string, aws.cloudwatch.EventRule>;
  public readonly ruleArns: Record<string, pulumi.Output<string>>;
  /** The us-east-1 forwarding rule of each global detection (empty without forwarding). */
  public readonly forwardingRules: Record<string, aws.cloudwatch.EventRule>;
  /** The enabled detections, overrides applied (plain data). */
  public readonly detections: Detection[];
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;

  constructor(name: string, args: SecurityRuleWatcherArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:SecurityRuleWatcher", name, {}, opts);
    const settings = { ...DEFAULTS, ...withoutUndefined(args) };
    const prefix = args.ruleNamePrefix ?? name;
    const homeRegion = args.homeRegion ?? new pulumi.Config("aws").get("region");

    // ---------------------------------------------------------------- validation
    if (!homeRegion) {
      throw new pulumi.ResourceError(
        "homeRegion is required: set homeRegion, or aws:region in the stack configuration",
        this,
      );
    }
    let detections: Detection[];
    try {
      detections = resolveDetections({
        disabled: settings.disabledDetections,
        severityOverrides: settings.severityOverrides,
        custom: settings.customDetections,
        ruleNamePrefix: prefix,
      });
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this);
    }
    const problems = [
      ...topicProblems(args.alertTopicArns, detections),
      ...rangeProblem(
        "deadLetterRetentionSeconds",
        settings.deadLetterRetentionSeconds,
        60,
        1209600,
      ),
      ...rangeProblem("maximumEventAgeSeconds", settings.maximumEventAgeSeconds, 60, 86400),
      ...rangeProblem("maximumRetryAttempts", settings.maximumRetryAttempts, 0, 185),
    ];
    if (problems.length > 0) {
      throw new pulumi.ResourceError(problems.join("\n"), this);
    }
    // Built before any resource: an invalid custom message fails here, not half-way through.
    const transformers = new Map(
      detections.map((d) => [
        d.id,
        buildInputTransformer(d, { consoleDomain: settings.consoleDomain }),
      ]),
    );

    // ---------------------------------------------------------------- resources
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const tags = settings.tags;
    const retryPolicy = {
      maximumEventAgeInSeconds: settings.maximumEventAgeSeconds,
      maximumRetryAttempts: settings.maximumRetryAttempts,
    };

    const dlq = this.deadLetterQueue(`${name}-dlq`, {
      retentionSeconds: settings.deadLetterRetentionSeconds,
      region: homeRegion,
      namePrefix: prefix,
      identity,
      partition,
      tags,
    });

    this.rules = {};
    this.ruleArns = {};
    for (const detection of detections) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-${detection.id}`,
        {
          name: ruleName(prefix, detection.id),
          description: detection.title,
          eventPattern: JSON.stringify(detection.eventPattern),
          state: ruleState(detection),
          eventBusName: args.eventBusName,
          tags,
        },
        { parent: this },
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${detection.id}-alert`,
        {
          rule: rule.name,
          eventBusName: args.eventBusName,
          targetId: "alert",
          arn: args.alertTopicArns[detection.severity],
          inputTransformer: transformers.get(detection.id)!,
          retryPolicy,
          deadLetterConfig: { arn: dlq.arn },
        },
        { parent: this },
      );
      this.rules[detection.id] = rule;
      this.ruleArns[detection.id] = rule.arn;
    }

    // ---------------------------------------------------------------- global events
    this.forwardingRules = {};
    const globalDetections = detections.filter((d) => d.global);
    if (
      settings.forwardGlobalEvents &&
      homeRegion !== GLOBAL_EVENTS_REGION &&
      globalDetections.length > 0
    ) {
      const provider =
        args.globalRegionProvider ??
        new aws.Provider(
          `${name}-${GLOBAL_EVENTS_REGION}`,
          { region: GLOBAL_EVENTS_REGION, profile: new pulumi.Config("aws").get("profile") },
          { parent: this },
        );
      const forwardPrefix = `${prefix}-fwd`;
      const homeBusArn = pulumi
        .all([partition.partition, identity.accountId])
        .apply(([p, account]) => defaultEventBusArn({ partition: p, region: homeRegion, account }));
      const role = new aws.iam.Role(
        `${name}-forwarder-role`,
        {
          description: `EventBridge forwards global-service events from ${GLOBAL_EVENTS_REGION} to ${homeRegion}`,
          assumeRolePolicy: pulumi
            .all([partition.partition, identity.accountId])
            .apply(([p, account]) =>
              JSON.stringify(
                forwarderTrustPolicy({
                  account,
                  sourceRuleArnPattern: ruleArnPattern({
                    partition: p,
                    region: GLOBAL_EVENTS_REGION,
                    account,
                    namePrefix: forwardPrefix,
                  }),
                }),
              ),
            ),
          tags,
        },
        { parent: this },
      );
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-forwarder-policy`,
        {
          role: role.id,
          policy: homeBusArn.apply((eventBusArn) =>
            JSON.stringify(forwarderPolicy({ eventBusArn })),
          ),
        },
        { parent: this },
      );
      const globalDlq = this.deadLetterQueue(`${name}-${GLOBAL_EVENTS_REGION}-dlq`, {
        retentionSeconds: settings.deadLetterRetentionSeconds,
        region: GLOBAL_EVENTS_REGION,
        namePrefix: forwardPrefix,
        identity,
        partition,
        tags,
        provider,
      });
      for (const detection of globalDetections) {
        const rule = new aws.cloudwatch.EventRule(
          `${name}-fwd-${detection.id}`,
          {
            name: forwardingRuleName(prefix, detection.id),
            description: `Forwards to ${homeRegion}: ${detection.title}`,
            eventPattern: JSON.stringify(detection.eventPattern),
            state: ruleState(detection),
            tags,
          },
          { parent: this, provider },
        );
        new aws.cloudwatch.EventTarget(
          `${name}-fwd-${detection.id}-target`,
          {
            rule: rule.name,
            targetId: "forward",
            arn: homeBusArn,
            roleArn: role.arn,
            retryPolicy,
            deadLetterConfig: { arn: globalDlq.arn },
          },
          { parent: this, provider, dependsOn: [rolePolicy] },
        );
        this.forwardingRules[detection.id] = rule;
      }
    }

    this.detections = detections;
    this.deadLetterQueueArn = dlq.arn;
    this.deadLetterQueueUrl = dlq.url;
    this.registerOutputs({
      rules: this.rules,
      ruleArns: this.ruleArns,
      forwardingRules: this.forwardingRules,
      detections: this.detections,
      deadLetterQueueArn: this.deadLetterQueueArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
    });
  }

  /** An SQS dead-letter queue (SQS-managed SSE) and its policy, for the rules `<namePrefix>-*` of `region`. */
  private deadLetterQueue(
    queueName: string,
    p: {
      retentionSeconds: number;
      region: string;
      namePrefix: string;
      identity: pulumi.Output<aws.GetCallerIdentityResult>;
      partition: pulumi.Output<aws.GetPartitionResult>;
      tags: Record<string, string>;
      provider?: aws.Provider;
    },
  ): aws.sqs.Queue {
    const queue = new aws.sqs.Queue(
      queueName,
      {
        // SQS-managed keys: EventBridge can write to the queue without a KMS key policy.
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: p.retentionSeconds,
        tags: p.tags,
      },
      { parent: this, provider: p.provider },
    );
    new aws.sqs.QueuePolicy(
      `${queueName}-policy`,
      {
        queueUrl: queue.url,
        policy: pulumi
          .all([queue.arn, p.identity.accountId, p.partition.partition])
          .apply(([queueArn, account, partition]) =>
            JSON.stringify(
              deadLetterQueuePolicy({
                queueArn,
                account,
                sourceRuleArnPattern: ruleArnPattern({
                  partition,
                  region: p.region,
                  account,
                  namePrefix: p.namePrefix,
                }),
              }),
            ),
          ),
      },
      { parent: this, provider: p.provider },
    );
    return queue;
  }
}

/** Rules of detections that need read-only calls receive all CloudTrail management events. */
function ruleState(detection: Detection): string {
  return detection.includeReadOnlyEvents
    ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    : "ENABLED";
}

function topicProblems(
  topics: Record<string, pulumi.Input<string>> | undefined,
  detections: readonly Detection[],
): string[] {
  const problems: string[] = [];
  const given = topics ?? {};
  for (const key of Object.keys(given)) {
    if (!SEVERITIES.includes(key as Severity)) {
      problems.push(`alertTopicArns.${key}: "${key}" is not a severity (${SEVERITIES.join(", ")})`);
    }
  }
  for (const severity of SEVERITIES) {
    const users = detections.filter((d) => d.severity === severity).map((d) => d.id);
    if (users.length > 0 && given[severity] === undefined) {
      problems.push(
        `alertTopicArns.${severity} is required: detections ${users.join(", ")} have severity ${severity}`,
      );
    }
  }
  return problems;
}

function rangeProblem(field: string, value: number, min: number, max: number): string[] {
  return Number.isInteger(value) && value >= min && value <= max
    ? []
    : [`${field} must be an integer from ${min} to ${max}, got ${value}`];
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
