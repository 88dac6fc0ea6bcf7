import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { SEVERITIES } from "../core/types";
import { argsProblems, bool, list, map, num, obj, str } from "../core/argsShape";
import { KMS_KEY_ARN, problemWith } from "../core/validation";
import {
  alarmStateChangePattern,
  planThresholds,
  PlannedThreshold,
  reportedAlarms,
  thresholdReporterPolicy,
  ThresholdOverride,
} from "../core/thresholds";
import { thresholdReporterFactory } from "../lambdas/thresholdReporter";
import { handlerOnlyCodePaths } from "./autoRemediator";
import { HandlerFunction } from "./handlerFunction";

export type { ThresholdOverride } from "../core/thresholds";

/** The limits of one threshold detection (both optional: the catalog's defaults apply). */
export interface ThresholdLimitArgs {
  /**
   * Count of one contributor (principal or address) in one period that raises the alarm.
   * @default the detection's own (core/thresholds.ts)
   */
  readonly threshold?: number;
  /**
   * Period in seconds: 60 or a multiple of 60, at most 86400.
   * @default the detection's own, 300 for every shipped one
   */
  readonly periodSeconds?: number;
}

/**
 * The threshold report (lambdas/thresholdReporter.ts): on ALARM, a function reads the alarm's
 * Contributor Insights rule and publishes one message naming the top contributors (principal or
 * address, with their counts) to the detection's severity topic. The alarm's own notification
 * still arrives first (raw, without the contributor); the report follows it.
 */
export interface ThresholdReporterArgs {
  /**
   * Deploy the reporter: a function, its role, log group, on-failure queue and one EventBridge
   * rule. It costs nothing while no alarm fires.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The customer-managed KMS key the alert topics are encrypted with (AlertTopicSet
   * `kmsKeyArn`): the role may use it only through SNS in this region, for the topics it
   * publishes to. The key policy must admit IAM-authorized publishers of this account
   * (AlertTopicSet `allowIamPublishers`, on by default).
   * @default none: the topics are not encrypted with a customer-managed key
   */
  readonly topicKmsKeyArn?: pulumi.Input<string>;
  /**
   * Contributors named in each report, 1 to 20.
   * @default 5
   */
  readonly topContributors?: number;
  /**
   * Days the function's log group keeps its lines (one per report or rejected event).
   * @default 365
   */
  readonly logRetentionDays?: number;
}

export interface ThresholdAlarmGroupArgs {
  /** The CloudWatch Logs log group the trail delivers to (AuditTrail's `logGroupName`). */
  readonly logGroupName: pulumi.Input<string>;
  /**
   * Alert topic ARN per severity (`critical`, `high`, `medium`, `info`): an alarm notifies the
   * topic of its detection's severity on ALARM. Every severity in use needs a topic.
   */
  readonly alertTopicArns: Record<string, pulumi.Input<string>>;
  /** Topic notified when an alarm returns to OK. */
  readonly resolutionTopicArn: pulumi.Input<string>;
  /**
   * Threshold detection ids (core/thresholds.ts) to leave out.
   * @default []
   */
  readonly disabled?: string[];
  /**
   * Limits per threshold detection id, e.g. `{ "enumeration-per-principal": { threshold: 2000 } }`.
   * @default {}
   */
  readonly limits?: Record<string, ThresholdLimitArgs>;
  /**
   * Prefix of every rule and alarm name (`<prefix>-<id>`).
   * @default the component name
   */
  readonly namePrefix?: string;
  /**
   * The report that names the top contributors of an alarm (see `ThresholdReporterArgs`).
   * @default { enabled: true }: on whenever the group has alarms (alertTopicArns are required)
   */
  readonly reporter?: ThresholdReporterArgs;
  /** Tags of the rules and alarms. @default {} */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  logGroupName: str("the AuditTrail logGroupName", true),
  alertTopicArns: map(
    "a map of severity (critical, high, medium, info) to SNS topic ARN (AlertTopicSet alertTopicArns)",
    str("an SNS topic ARN"),
    { required: true, known: true },
  ),
  resolutionTopicArn: str("the AlertTopicSet resolutionTopicArn", true),
  disabled: list("a list of threshold detection ids", str("a threshold detection id")),
  limits: map(
    "a map of threshold detection id to { threshold, periodSeconds }",
    obj("limits", {
      threshold: num("a whole number of at least 1"),
      periodSeconds: num("a number of seconds (60 or a multiple of 60)"),
    }),
    { known: true },
  ),
  namePrefix: str("a name prefix"),
  reporter: obj("an object { enabled, topicKmsKeyArn, topContributors, logRetentionDays }", {
    enabled: bool(),
    topicKmsKeyArn: str("a KMS key ARN"),
    topContributors: num("a whole number from 1 to 20"),
    logRetentionDays: num("a number of days CloudWatch Logs accepts (365)"),
  }),
  // Typed pulumi.Input<Record<...>>: the whole map may be an output.
  tags: map("a map of tag key to value", str("a tag value"), { known: false }),
};

const DEFAULTS = {
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  evaluationPeriods: 1,
  treatMissingData: "notBreaching",
  reporter: {
    enabled: true,
    topContributors: 5,
    logRetentionDays: 365,
    timeoutSeconds: 30,
    memorySizeMb: 256,
    runtime: "nodejs22.x",
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 3600,
    failureQueueRetentionSeconds: 1209600,
    sdk: { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 },
  },
} as const;

/**
 * Threshold detections per principal or per source address: one CloudWatch Contributor Insights
 * rule per detection on the trail's log group (JSON records, keyed by principal ARN or source
 * IP), and an alarm on the rule's busiest contributor (`INSIGHT_RULE_METRIC(rule,
 * "MaxContributorValue")`): ALARM to the alert topic of the detection's severity, OK to the
 * resolution topic. A sibling of CompositeAlarmGroup on the same log group.
 *
 * Contributor Insights rules cost $0.50 a month each plus $0.02 per million log events matched
 * (https://aws.amazon.com/cloudwatch/pricing/); the alarms are metric-math alarms ($0.10 each).
 */
export class ThresholdAlarmGroup extends pulumi.ComponentResource {
  /** Contributor Insights rule per threshold detection id. */
  public readonly rules: Record<string, aws.cloudwatch.ContributorInsightRule>;
  /** Alarm per threshold detection id. */
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;
  /** Rule name per threshold detection id. */
  public readonly ruleNames: Record<string, pulumi.Output<string>>;
  /** Alarm ARN per threshold detection id. */
  public readonly alarmArns: Record<string, pulumi.Output<string>>;
  /** The reporter function (undefined when `reporter.enabled` is false). */
  public readonly reporterFunction?: aws.lambda.Function;
  /** The reporter's on-failure queue: events it rejected or could not report. */
  public readonly reporterFailureQueueArn?: pulumi.Output<string>;
  /** The reporter's log group. */
  public readonly reporterLogGroupName?: pulumi.Output<string>;

  constructor(name: string, args: ThresholdAlarmGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:ThresholdAlarmGroup", name, {}, opts);
    const shapeProblems = argsProblems("ThresholdAlarmGroup", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }

    let plan: PlannedThreshold[];
    try {
      // The log group name is only known at deploy time: plan with a marker, put it in after.
      plan = planThresholds({
        namePrefix: args.namePrefix ?? name,
        logGroupName: "<log-group>",
        disabled: args.disabled,
        overrides: args.limits as Record<string, ThresholdOverride> | undefined,
      });
    } catch (e) {
      throw new pulumi.ResourceError((e as Error).message, this);
    }
    const missing = [...new Set(plan.map((p) => p.severity))].filter(
      (s) => !(s in args.alertTopicArns),
    );
    if (missing.length > 0) {
      throw new pulumi.ResourceError(
        `alertTopicArns: no topic for severity ${missing.join(", ")}; add one or disable the threshold detections of that severity`,
        this,
      );
    }

    const reporter = { ...DEFAULTS.reporter, ...args.reporter };
    const top = reporter.topContributors;
    if (!Number.isInteger(top) || top < 1 || top > 20) {
      throw new pulumi.ResourceError(
        `reporter.topContributors: ${top} must be a whole number from 1 to 20`,
        this,
      );
    }

    const keyProblem = problemWith("reporter.topicKmsKeyArn", reporter.topicKmsKeyArn, KMS_KEY_ARN);
    if (keyProblem) throw new pulumi.ResourceError(keyProblem, this);

    this.rules = {};
    this.alarms = {};
    this.ruleNames = {};
    this.alarmArns = {};
    for (const p of plan) {
      const rule = new aws.cloudwatch.ContributorInsightRule(
        `${name}-rule-${p.id}`,
        {
          ruleName: p.ruleName,
          ruleState: "ENABLED",
          ruleDefinition: pulumi
            .output(args.logGroupName)
            .apply((logGroupName) =>
              JSON.stringify({ ...p.ruleBody, LogGroupNames: [logGroupName] }),
            ),
          tags: args.tags,
        },
        { parent: this },
      );
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-alarm-${p.id}`,
        {
          name: p.alarmName,
          alarmDescription: p.description,
          comparisonOperator: DEFAULTS.comparisonOperator,
          threshold: p.threshold,
          evaluationPeriods: DEFAULTS.evaluationPeriods,
          treatMissingData: DEFAULTS.treatMissingData,
          metricQueries: [
            {
              id: "top",
              expression: p.expression,
              label: `${p.id} (busiest contributor)`,
              period: p.periodSeconds,
              returnData: true,
            },
          ],
          actionsEnabled: true,
          alarmActions: [args.alertTopicArns[p.severity]],
          okActions: [args.resolutionTopicArn],
          tags: args.tags,
        },
        // The expression names the rule by a plain string: depend on it explicitly.
        { parent: this, dependsOn: [rule] },
      );
      this.rules[p.id] = rule;
      this.alarms[p.id] = alarm;
      this.ruleNames[p.id] = rule.ruleName;
      this.alarmArns[p.id] = alarm.arn;
    }

    if (reporter.enabled && plan.length > 0) {
      const built = this.buildReporter(name, args, plan, reporter, Object.values(this.rules));
      this.reporterFunction = built.fn;
      this.reporterFailureQueueArn = built.queue.arn;
      this.reporterLogGroupName = built.logGroup.name;
    }

    this.registerOutputs({
      rules: this.rules,
      alarms: this.alarms,
      ruleNames: this.ruleNames,
      alarmArns: this.alarmArns,
      reporterFunction: this.reporterFunction,
      reporterFailureQueueArn: this.reporterFailureQueueArn,
      reporterLogGroupName: this.reporterLogGroupName,
    });
  }

  /**
   * The reporter: function (serialized handler), role, log group, on-failure queue, and the
   * EventBridge rule on exactly the group's alarms going to ALARM, with a permission for that
   * rule only. The alarms keep their own actions: the raw notification still arrives if the
   * reporter fails, and the report follows it.
   */
  private buildReporter(
    name: string,
    args: ThresholdAlarmGroupArgs,
    plan: PlannedThreshold[],
    reporter: {
      topContributors: number;
      logRetentionDays: number;
      topicKmsKeyArn?: pulumi.Input<string>;
    },
    rules: aws.cloudwatch.ContributorInsightRule[],
  ) {
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const severities = [...new Set(plan.map((p) => p.severity))].sort();
    const topicArns = Object.fromEntries(
      severities.map((s) => [s, args.alertTopicArns[s]]),
    ) as Record<string, pulumi.Input<string>>;
    const prefix = `${name}-reporter`;

    const { logGroup, queue, claims, eventRule } = createReporterStores(
      prefix,
      args,
      plan,
      reporter.logRetentionDays,
      this,
    );

    const { role, rolePolicy } = createReporterRole(
      prefix,
      args,
      plan,
      { identity, region, partition, topicArns, topicKmsKeyArn: reporter.topicKmsKeyArn },
      { logGroup, queue, claims },
      this,
    );

    const fn = new HandlerFunction(
      `${prefix}-fn`,
      {
        description: "aws-security-watch: names the top contributors of a threshold alarm",
        callbackFactory: thresholdReporterFactory({
          alarms: reportedAlarms(plan),
          topContributors: reporter.topContributors,
          sdk: { ...DEFAULTS.reporter.sdk },
        }),
        role: role.arn,
        runtime: DEFAULTS.reporter.runtime,
        timeout: DEFAULTS.reporter.timeoutSeconds,
        memorySize: DEFAULTS.reporter.memorySizeMb,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        environment: {
          variables: {
            REPORTER_SETTINGS: pulumi.jsonStringify({
              topicArns,
              account: identity.accountId,
              region: region.region,
              partition: partition.partition,
              claimTableName: claims.name,
            }),
          },
        },
        codePathOptions: handlerOnlyCodePaths(),
        tags: args.tags,
      },
      { parent: this, dependsOn: [rolePolicy, logGroup, ...rules] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${prefix}-invoke-config`,
      {
        functionName: fn.name,
        maximumRetryAttempts: DEFAULTS.reporter.maximumRetryAttempts,
        maximumEventAgeInSeconds: DEFAULTS.reporter.maximumEventAgeSeconds,
        destinationConfig: { onFailure: { destination: queue.arn } },
      },
      { parent: this, dependsOn: [rolePolicy] },
    );
    const permission = new aws.lambda.Permission(
      `${prefix}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn: eventRule.arn,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${prefix}-target`,
      {
        rule: eventRule.name,
        targetId: "threshold-reporter",
        arn: fn.arn,
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
        deadLetterConfig: { arn: queue.arn },
      },
      { parent: this, dependsOn: [permission] },
    );
    createReporterFailuresAlarm(prefix, args, severities, topicArns, queue, this);
    return { fn, queue, logGroup };
  }
}

/**
 * The reporter's log group, on-failure queue (with its policy), claims table and the
 * EventBridge rule on exactly the group's alarms going to ALARM.
 */
function createReporterStores(
  prefix: string,
  args: ThresholdAlarmGroupArgs,
  plan: PlannedThreshold[],
  logRetentionDays: number,
  parent: pulumi.Resource,
) {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${prefix}-logs`,
    { retentionInDays: logRetentionDays, tags: args.tags },
    { parent },
  );
  const queue = new aws.sqs.Queue(
    `${prefix}-failures`,
    {
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEFAULTS.reporter.failureQueueRetentionSeconds,
      tags: args.tags,
    },
    { parent },
  );
  // One report per alarm state change across containers: a conditional write claims it.
  // On-demand, records expire: no cost while idle.
  const claims = new aws.dynamodb.Table(
    `${prefix}-claims`,
    {
      billingMode: "PAY_PER_REQUEST",
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      ttl: { attributeName: "expiresAt", enabled: true },
      serverSideEncryption: { enabled: true },
      tags: args.tags,
    },
    { parent },
  );
  const eventRule = new aws.cloudwatch.EventRule(
    `${prefix}-rule`,
    {
      description: "aws-security-watch: threshold alarms into ALARM, to the threshold reporter",
      eventPattern: JSON.stringify(alarmStateChangePattern(plan.map((p) => p.alarmName))),
      tags: args.tags,
    },
    { parent },
  );
  new aws.sqs.QueuePolicy(
    `${prefix}-failures-policy`,
    {
      queueUrl: queue.url,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: queue.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "EventBridgeDeadLetters",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queue.arn,
            Condition: { ArnEquals: { "aws:SourceArn": eventRule.arn } },
          },
        ],
      }),
    },
    { parent },
  );
  return { logGroup, queue, claims, eventRule };
}

/** What the reporter's policy names: the account, region, partition, topics and key. */
interface ReporterPlace {
  readonly identity: pulumi.Output<aws.GetCallerIdentityResult>;
  readonly region: pulumi.Output<aws.GetRegionResult>;
  readonly partition: pulumi.Output<aws.GetPartitionResult>;
  readonly topicArns: Record<string, pulumi.Input<string>>;
  readonly topicKmsKeyArn?: pulumi.Input<string>;
}

/** The reporter's role and its policy (thresholdReporterPolicy). */
function createReporterRole(
  prefix: string,
  args: ThresholdAlarmGroupArgs,
  plan: PlannedThreshold[],
  where: ReporterPlace,
  stores: { logGroup: aws.cloudwatch.LogGroup; queue: aws.sqs.Queue; claims: aws.dynamodb.Table },
  parent: pulumi.Resource,
): { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy } {
  const { identity, region, partition, topicArns } = where;
  const { logGroup, queue, claims } = stores;
  const role = new aws.iam.Role(
    `${prefix}-role`,
    {
      description: "aws-security-watch threshold reporter",
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
    { parent },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${prefix}-role-policy`,
    {
      role: role.id,
      policy: pulumi
        .all([
          partition.partition,
          identity.accountId,
          region.region,
          pulumi.all(Object.values(topicArns)),
          logGroup.arn,
          queue.arn,
          where.topicKmsKeyArn,
          claims.arn,
        ])
        .apply(([p, account, r, topics, logGroupArn, queueArn, keyArn, claimTableArn]) =>
          JSON.stringify(
            thresholdReporterPolicy({
              partition: p,
              account,
              region: r,
              ruleNames: plan.map((t) => t.ruleName),
              topicArns: topics,
              logGroupArn,
              failureQueueArn: queueArn,
              topicKmsKeyArn: keyArn,
              claimTableArn,
            }),
          ),
        ),
    },
    { parent },
  );
  return { role, rolePolicy };
}

function createReporterFailuresAlarm(
  prefix: string,
  args: ThresholdAlarmGroupArgs,
  severities: string[],
  topicArns: Record<string, pulumi.Input<string>>,
  queue: aws.sqs.Queue,
  parent: pulumi.Resource,
): void {
  // An event the reporter rejected or could not report waits in the queue for a human: say so,
  // to the high topic (the remediation-failure alarm's), else the most severe topic in use.
  const inUse = SEVERITIES.filter((s) => severities.includes(s));
  const alarmTopic = args.alertTopicArns.high ?? topicArns[inUse[0]];
  new aws.cloudwatch.MetricAlarm(
    `${prefix}-failures-alarm`,
    {
      alarmDescription:
        "aws-security-watch: the threshold reporter rejected an alarm event or could not report its contributors; the event is kept in the reporter's on-failure queue for a human.",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [alarmTopic],
      okActions: [args.resolutionTopicArn],
      tags: args.tags,
    },
    { parent },
  );
}
