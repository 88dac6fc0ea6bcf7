import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { argsProblems, list, map, num, obj, str } from "../core/argsShape";
import { planThresholds, PlannedThreshold, ThresholdOverride } from "../core/thresholds";

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
  // Typed pulumi.Input<Record<...>>: the whole map may be an output.
  tags: map("a map of tag key to value", str("a tag value"), { known: false }),
};

const DEFAULTS = {
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  evaluationPeriods: 1,
  treatMissingData: "notBreaching",
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

    this.registerOutputs({
      rules: this.rules,
      alarms: this.alarms,
      ruleNames: this.ruleNames,
      alarmArns: this.alarmArns,
    });
  }
}
