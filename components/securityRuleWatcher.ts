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
import { argsProblems, bool, list, map, num, obj, ShapeKind, str } from "../core/argsShape";
import { RemediationId, Severity, SEVERITIES } from "../core/types";

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
   * Ids of catalog (or custom) detections not to deploy, e.g. `["vpc-changes"]`.
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
   * remediations live. Required with an explicit AWS provider (`opts.provider`, `opts.providers`
   * or a parent's): a provider's region is only known at deployment, and whether to forward
   * global events must be decided before. The deployment fails if it differs from the provider's.
   * @default the `aws:region` stack configuration (for the default provider)
   */
  readonly homeRegion?: string;
  /**
   * CloudTrail delivers events of global services (IAM, STS, Organizations, console sign-in) to
   * EventBridge in us-east-1 only. When the home region is another one, forward them: a rule per
   * global detection in us-east-1 sends matching events to the home region's default event bus,
   * where the home rule matches them. Set false if another stack already forwards them. Not with
   * `eventBusName`: an organization hub's spokes forward them to its bus.
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html#eb-service-event-cloudtrail
   * @default true, false with `eventBusName`
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

const DETECTION_SHAPE = obj(
  "a detection: id, title, description, severity, references, eventPattern, message",
  {
    id: str("a kebab-case id", true),
    title: str("a title", true),
    description: str("a description", true),
    severity: str("critical, high, medium or info", true),
    references: obj("an object { cis, mitre }", {
      cis: list("a list of CIS references", str("a reference")),
      mitre: list("a list of MITRE ATT&CK technique ids", str("a technique id")),
    }),
    eventPattern: map("an EventBridge event pattern (a JSON object)", undefined, {
      required: true,
    }),
    message: obj(
      "an object { subject, resource, body, fields }",
      {
        subject: str("the alert subject template", true),
        resource: str("a template"),
        body: str("a template"),
        fields: map("a map of placeholder name to event path", str("an event path")),
      },
      { required: true },
    ),
    remediation: str("a remediation id"),
    global: bool(),
    origin: str("an event origin"),
    includeReadOnlyEvents: bool(),
  },
);
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  alertTopicArns: map(
    "a map of severity (critical, high, medium, info) to SNS topic ARN (AlertTopicSet alertTopicArns)",
    str("an SNS topic ARN"),
    { required: true, known: true },
  ),
  disabledDetections: list("a list of detection ids", str("a detection id")),
  severityOverrides: map(
    "a map of detection id to severity",
    str("critical, high, medium or info"),
  ),
  customDetections: list("a list of detections", DETECTION_SHAPE),
  ruleNamePrefix: str("a rule name prefix"),
  homeRegion: str("a region name such as eu-west-1"),
  forwardGlobalEvents: bool(),
  globalRegionProvider: { kind: ShapeKind.Any, expected: "an aws.Provider" },
  deadLetterRetentionSeconds: num("a number of seconds"),
  maximumEventAgeSeconds: num("a number of seconds"),
  maximumRetryAttempts: num("a number of attempts"),
  consoleDomain: str("a host name"),
  tags: map("a map of tag key to value", str("a tag value")),
  eventBusName: str("an event bus name (OrganizationHub eventBusName)"),
};

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
  /** The ARN of each home-region rule, by detection id (AutoRemediator `watcher.ruleArns`). */
  public readonly ruleArns: Record<string, pulumi.Output<string>>;
  /** The name of each home-region rule, by detection id (AutoRemediator `watcher.ruleNames`). */
  public readonly ruleNames: Record<string, pulumi.Output<string>>;
  /**
   * The remediation each enabled detection may trigger, by detection id (detections without
   * one are left out; AutoRemediator `watcher.detectionRemediations`).
   */
  public readonly detectionRemediations: Record<string, RemediationId>;
  /** The us-east-1 forwarding rule of each global detection (empty without forwarding). */
  public readonly forwardingRules: Record<string, aws.cloudwatch.EventRule>;
  /** The enabled detections, overrides applied (plain data). */
  public readonly detections: Detection[];
  /** The dead-letter queue of the alert targets (AutoRemediator `watcher.deadLetterQueueArn`). */
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  /** The URL of the dead-letter queue. */
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** The event bus of the rules (undefined: the default bus), for the remediation targets. */
  public readonly eventBusName?: pulumi.Output<string>;

  constructor(name: string, args: SecurityRuleWatcherArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:SecurityRuleWatcher", name, {}, opts);
    // ---------------------------------------------------------------- validation
    const shapeProblems = argsProblems("SecurityRuleWatcher", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const settings = { ...DEFAULTS, ...withoutUndefined(args) };
    const prefix = args.ruleNamePrefix ?? name;
    // The provider this component's children use (opts.provider, opts.providers or a
    // parent's): its region is an Output, so an explicit one needs homeRegion stated.
    const explicitProvider = this.getProvider("aws::") !== undefined;
    const { homeRegion, detections, transformers } = planWatcher(
      name,
      args,
      settings,
      prefix,
      explicitProvider,
      this,
    );

    // ---------------------------------------------------------------- resources
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const region = checkedRegion(name, homeRegion, this);
    const tags = settings.tags;
    const retryPolicy = {
      maximumEventAgeInSeconds: settings.maximumEventAgeSeconds,
      maximumRetryAttempts: settings.maximumRetryAttempts,
    };

    const dlq = createDeadLetterQueue(
      `${name}-dlq`,
      {
        retentionSeconds: settings.deadLetterRetentionSeconds,
        region,
        namePrefix: prefix,
        identity,
        partition,
        tags,
      },
      this,
    );

    const alerts = createAlertRules(
      { name, prefix, args, detections, transformers, retryPolicy, dlq, tags },
      this,
    );
    this.rules = alerts.rules;
    this.ruleArns = alerts.ruleArns;
    this.ruleNames = alerts.ruleNames;

    // ---------------------------------------------------------------- global events
    this.forwardingRules = {};
    const globalDetections = detections.filter((d) => d.global);
    if (
      (args.forwardGlobalEvents ?? args.eventBusName === undefined) &&
      homeRegion !== GLOBAL_EVENTS_REGION &&
      globalDetections.length > 0
    ) {
      this.forwardingRules = createGlobalForwarding(
        {
          name,
          prefix,
          args,
          homeRegion,
          globalDetections,
          identity,
          partition,
          region,
          retentionSeconds: settings.deadLetterRetentionSeconds,
          retryPolicy,
          tags,
        },
        this,
      );
    }

    this.detections = detections;
    this.detectionRemediations = Object.fromEntries(
      detections.flatMap((d) => (d.remediation ? [[d.id, d.remediation]] : [])),
    );
    this.deadLetterQueueArn = dlq.arn;
    this.deadLetterQueueUrl = dlq.url;
    this.eventBusName =
      args.eventBusName === undefined ? undefined : pulumi.output(args.eventBusName);
    this.registerOutputs({
      eventBusName: this.eventBusName,
      rules: this.rules,
      ruleArns: this.ruleArns,
      ruleNames: this.ruleNames,
      detectionRemediations: this.detectionRemediations,
      forwardingRules: this.forwardingRules,
      detections: this.detections,
      deadLetterQueueArn: this.deadLetterQueueArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
    });
  }
}

/** The settings with the defaults applied. */
type WatcherSettings = typeof DEFAULTS & Partial<SecurityRuleWatcherArgs>;

/** The retry policy of every target. */
interface RetryPolicy {
  maximumEventAgeInSeconds: number;
  maximumRetryAttempts: number;
}

/**
 * The plan, before any resource: the home region, the enabled detections and their input
 * transformers (an invalid custom message fails here, not half-way through). Throws the
 * validation problems.
 */
function planWatcher(
  name: string,
  args: SecurityRuleWatcherArgs,
  settings: WatcherSettings,
  prefix: string,
  explicitProvider: boolean,
  parent: pulumi.Resource,
): {
  homeRegion: string;
  detections: Detection[];
  transformers: Map<string, aws.types.input.cloudwatch.EventTargetInputTransformer>;
} {
  if (explicitProvider && args.homeRegion === undefined) {
    throw new pulumi.ResourceError(
      `SecurityRuleWatcher ${JSON.stringify(name)}: homeRegion is required with an explicit AWS provider (set it to the provider's region; the aws:region configuration is not the provider's)`,
      parent,
    );
  }
  const homeRegion = args.homeRegion ?? new pulumi.Config("aws").get("region");
  if (!homeRegion) {
    throw new pulumi.ResourceError(
      `SecurityRuleWatcher ${JSON.stringify(name)}: homeRegion is required: set homeRegion, or aws:region in the stack configuration`,
      parent,
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
    throw new pulumi.ResourceError((error as Error).message, parent);
  }
  const problems = [
    ...(args.eventBusName !== undefined && args.forwardGlobalEvents === true
      ? [
          `SecurityRuleWatcher ${JSON.stringify(name)}: forwardGlobalEvents forwards us-east-1's global-service events to this account's default bus, which a watcher on eventBusName (an organization hub's bus) does not read; the member accounts' spokes forward them to the hub: leave forwardGlobalEvents unset or false`,
        ]
      : []),
    ...topicProblems(args.alertTopicArns, detections),
    ...rangeProblem("deadLetterRetentionSeconds", settings.deadLetterRetentionSeconds, 60, 1209600),
    ...rangeProblem("maximumEventAgeSeconds", settings.maximumEventAgeSeconds, 60, 86400),
    ...rangeProblem("maximumRetryAttempts", settings.maximumRetryAttempts, 0, 185),
  ];
  if (problems.length > 0) {
    throw new pulumi.ResourceError(problems.join("\n"), parent);
  }
  // Built before any resource: an invalid custom message fails here, not half-way through.
  const transformers = new Map(
    detections.map((d) => [
      d.id,
      buildInputTransformer(d, { consoleDomain: settings.consoleDomain }),
    ]),
  );
  return { homeRegion, detections, transformers };
}

/**
 * The region the provider deploys to, which must be the home region the plan was made for: a
 * mismatch fails the deployment instead of deploying rules that never see their events.
 */
function checkedRegion(
  name: string,
  homeRegion: string,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const providerRegion = aws.getRegionOutput({}, { parent }).region;
  return providerRegion.apply((actual) => {
    if (actual !== homeRegion) {
      throw new pulumi.ResourceError(
        `SecurityRuleWatcher ${JSON.stringify(name)}: homeRegion is ${homeRegion} but the AWS provider deploys to ${actual}; set homeRegion to ${actual}`,
        parent,
      );
    }
    return actual;
  });
}

/** One EventBridge rule per detection, with its alert target on the severity's topic. */
function createAlertRules(
  p: {
    name: string;
    prefix: string;
    args: SecurityRuleWatcherArgs;
    detections: Detection[];
    transformers: Map<string, aws.types.input.cloudwatch.EventTargetInputTransformer>;
    retryPolicy: RetryPolicy;
    dlq: aws.sqs.Queue;
    tags: Record<string, string>;
  },
  parent: pulumi.Resource,
): {
  rules: Record<string, aws.cloudwatch.EventRule>;
  ruleArns: Record<string, pulumi.Output<string>>;
  ruleNames: Record<string, pulumi.Output<string>>;
} {
  const { name, prefix, args, transformers, retryPolicy, dlq, tags } = p;
  const rules: Record<string, aws.cloudwatch.EventRule> = {};
  const ruleArns: Record<string, pulumi.Output<string>> = {};
  const ruleNames: Record<string, pulumi.Output<string>> = {};
  for (const detection of p.detections) {
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
      { parent },
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
      { parent },
    );
    rules[detection.id] = rule;
    ruleArns[detection.id] = rule.arn;
    ruleNames[detection.id] = rule.name;
  }
  return { rules, ruleArns, ruleNames };
}

/**
 * The us-east-1 side of the global-service detections: a provider (unless given), the
 * forwarder role, a dead-letter queue, and one forwarding rule per detection to the home bus.
 */
function createGlobalForwarding(
  plan: {
    name: string;
    prefix: string;
    args: SecurityRuleWatcherArgs;
    homeRegion: string;
    globalDetections: Detection[];
    identity: pulumi.Output<aws.GetCallerIdentityResult>;
    partition: pulumi.Output<aws.GetPartitionResult>;
    region: pulumi.Output<string>;
    retentionSeconds: number;
    retryPolicy: RetryPolicy;
    tags: Record<string, string>;
  },
  parent: pulumi.Resource,
): Record<string, aws.cloudwatch.EventRule> {
  const { name, prefix, args, homeRegion, identity, partition, region, retryPolicy, tags } = plan;
  const forwardingRules: Record<string, aws.cloudwatch.EventRule> = {};
  const provider =
    args.globalRegionProvider ??
    new aws.Provider(
      `${name}-${GLOBAL_EVENTS_REGION}`,
      { region: GLOBAL_EVENTS_REGION, profile: new pulumi.Config("aws").get("profile") },
      { parent },
    );
  const forwardPrefix = `${prefix}-fwd`;
  const homeBusArn = pulumi
    .all([partition.partition, identity.accountId, region])
    .apply(([p, account, home]) => defaultEventBusArn({ partition: p, region: home, account }));
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
    { parent },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-forwarder-policy`,
    {
      role: role.id,
      policy: homeBusArn.apply((eventBusArn) => JSON.stringify(forwarderPolicy({ eventBusArn }))),
    },
    { parent },
  );
  const globalDlq = createDeadLetterQueue(
    `${name}-${GLOBAL_EVENTS_REGION}-dlq`,
    {
      retentionSeconds: plan.retentionSeconds,
      region: GLOBAL_EVENTS_REGION,
      namePrefix: forwardPrefix,
      identity,
      partition,
      tags,
      provider,
    },
    parent,
  );
  for (const detection of plan.globalDetections) {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-fwd-${detection.id}`,
      {
        name: forwardingRuleName(prefix, detection.id),
        description: `Forwards to ${homeRegion}: ${detection.title}`,
        eventPattern: JSON.stringify(detection.eventPattern),
        state: ruleState(detection),
        tags,
      },
      { parent, provider },
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
      { parent, provider, dependsOn: [rolePolicy] },
    );
    forwardingRules[detection.id] = rule;
  }
  return forwardingRules;
}

/** An SQS dead-letter queue (SQS-managed SSE) and its policy, for the rules `<namePrefix>-*` of `region`. */
function createDeadLetterQueue(
  queueName: string,
  p: {
    retentionSeconds: number;
    region: pulumi.Input<string>;
    namePrefix: string;
    identity: pulumi.Output<aws.GetCallerIdentityResult>;
    partition: pulumi.Output<aws.GetPartitionResult>;
    tags: Record<string, string>;
    provider?: aws.Provider;
  },
  parent: pulumi.Resource,
): aws.sqs.Queue {
  const queue = new aws.sqs.Queue(
    queueName,
    {
      // SQS-managed keys: EventBridge can write to the queue without a KMS key policy.
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: p.retentionSeconds,
      tags: p.tags,
    },
    { parent, provider: p.provider },
  );
  new aws.sqs.QueuePolicy(
    `${queueName}-policy`,
    {
      queueUrl: queue.url,
      policy: pulumi
        .all([queue.arn, p.identity.accountId, p.partition.partition, p.region])
        .apply(([queueArn, account, partition, region]) =>
          JSON.stringify(
            deadLetterQueuePolicy({
              queueArn,
              account,
              sourceRuleArnPattern: ruleArnPattern({
                partition,
                region,
                account,
                namePrefix: p.namePrefix,
              }),
            }),
          ),
        ),
    },
    { parent, provider: p.provider },
  );
  return queue;
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
