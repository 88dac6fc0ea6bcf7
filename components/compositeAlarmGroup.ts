import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsProblems, bool, list, map, num, obj, ShapeKind, str } from "../core/argsShape";

import {
  AlarmGroupError,
  AlarmRuleError,
  CompositeSpec,
  ControlOverride,
  CustomFilter,
  planAlarmGroup,
} from "../core/compositeAlarm";

/** CloudWatch composite `ActionsSuppressor` settings, applied to every composite of the group. */
export interface ActionsSuppressorArgs {
  /** Name or ARN of the alarm that, while in ALARM, suppresses the composites' actions (e.g. a maintenance-window alarm). */
  readonly alarm: pulumi.Input<string>;
  /** Seconds a composite waits for the suppressor to go into ALARM. @default 60 */
  readonly waitPeriodSeconds?: pulumi.Input<number>;
  /** Seconds a composite keeps waiting after the suppressor leaves ALARM. @default 60 */
  readonly extensionPeriodSeconds?: pulumi.Input<number>;
}

export interface CompositeAlarmGroupArgs {
  /** The CloudWatch Logs log group the trail delivers to (AuditTrail's `logGroupName`). */
  readonly logGroupName: pulumi.Input<string>;
  /**
   * Alert topic ARN per severity (`critical`, `high`, `medium`, `info`): an alarm notifies the topic
   * of its severity on ALARM. Every severity in use needs a topic.
   */
  readonly alertTopicArns: Record<string, pulumi.Input<string>>;
  /** Topic notified when an alarm returns to OK. */
  readonly resolutionTopicArn: pulumi.Input<string>;
  /**
   * CIS control ids (`CisControlId`) to leave out, e.g. `["unauthorized-api-calls"]`. Security Hub
   * then fails the matching CloudWatch.N control.
   * @default []
   */
  readonly disabledControls?: string[];
  /**
   * Alarm settings per CIS control id. The filter pattern itself never changes (Security Hub
   * requires it byte-exact), but the alarm may. The known noisy ones:
   * `{ "unauthorized-api-calls": { threshold: 10, periodSeconds: 300 },
   *    "console-auth-failures": { threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 2 } }`.
   * @default {}
   */
  readonly controlOverrides?: Record<string, ControlOverride>;
  /**
   * More metric filters (JSON filter patterns over CloudTrail records, validated), each with its
   * alarm, keyed by a kebab-case key that also names the metric.
   * @default {}
   */
  readonly customFilters?: Record<string, CustomFilter>;
  /**
   * Namespace of the metrics the filters publish. Use one per group if several groups share an account.
   * @default "AwsSecurityWatch"
   */
  readonly metricNamespace?: string;
  /**
   * Prefix of every alarm and metric filter name (`<prefix>-<key>`).
   * @default the component name
   */
  readonly alarmNamePrefix?: string;
  /**
   * Composite alarms keyed by a kebab-case key; a key of a default composite replaces it.
   * @default {}
   */
  readonly composites?: Record<string, CompositeSpec>;
  /**
   * Ship the default composites: `credential-attack` (console-auth-failures AND
   * unauthorized-api-calls), `defense-evasion` (cloudtrail-changes OR config-changes OR
   * cmk-disable-or-deletion) and `network-tampering` (any network change). Parts that need a
   * disabled control are dropped, and a default composite left with nothing is skipped.
   * @default true
   */
  readonly includeDefaultComposites?: boolean;
  /**
   * Remove the ALARM and OK actions of the alarms that a composite references, so that one
   * incident pages once. Security Hub CloudWatch.1-14 and CloudWatch.15 then fail for those
   * alarms (they require an alarm action with a subscribed topic), hence off by default.
   * @default false
   */
  readonly suppressChildActions?: boolean;
  /**
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-suppression.html
   * @default none
   */
  readonly actionsSuppressor?: ActionsSuppressorArgs;
  /** Tags of the alarms and composite alarms (metric filters cannot be tagged). @default {} */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const SEVERITY = "critical, high, medium or info";
const ALARM_SETTINGS = {
  threshold: num("a number"),
  periodSeconds: num("a multiple of 60 seconds"),
  evaluationPeriods: num("a number of periods"),
  datapointsToAlarm: num("a number of periods"),
};
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  logGroupName: str("the AuditTrail logGroupName", true),
  alertTopicArns: map(
    "a map of severity (critical, high, medium, info) to SNS topic ARN (AlertTopicSet alertTopicArns)",
    str("an SNS topic ARN"),
    { required: true, known: true },
  ),
  resolutionTopicArn: str("the AlertTopicSet resolutionTopicArn", true),
  disabledControls: list("a list of CIS control ids", str("a CIS control id")),
  controlOverrides: map(
    "a map of CIS control id to alarm settings",
    obj("alarm settings", { ...ALARM_SETTINGS, severity: str(SEVERITY) }),
    { known: true },
  ),
  customFilters: map(
    "a map of key to custom filter { pattern, severity, ... }",
    obj("a custom filter", {
      ...ALARM_SETTINGS,
      pattern: str("a CloudWatch Logs filter pattern", true),
      severity: str(SEVERITY, true),
      description: str("a description"),
    }),
    { known: true },
  ),
  metricNamespace: str("a metric namespace"),
  alarmNamePrefix: str("an alarm name prefix"),
  composites: map(
    "a map of key to composite { rule, severity, description }",
    obj("a composite", {
      rule: { kind: ShapeKind.Object, expected: "an alarm rule", required: true },
      severity: str(SEVERITY),
      description: str("a description"),
    }),
    { known: true },
  ),
  includeDefaultComposites: bool(),
  suppressChildActions: bool(),
  actionsSuppressor: obj("an object { alarm, waitPeriodSeconds, extensionPeriodSeconds }", {
    alarm: str("an alarm name or ARN", true),
    waitPeriodSeconds: num("a number of seconds"),
    extensionPeriodSeconds: num("a number of seconds"),
  }),
  tags: map("a map of tag key to value", str("a tag value"), { known: false }),
};

const DEFAULTS = {
  metricNamespace: "AwsSecurityWatch",
  includeDefaultComposites: true,
  suppressChildActions: false,
  suppressorWaitPeriodSeconds: 60,
  suppressorExtensionPeriodSeconds: 60,
  statistic: "Sum",
  comparisonOperator: "GreaterThanOrEqualToThreshold",
  treatMissingData: "notBreaching",
  metricValue: "1",
} as const;

/**
 * The CIS AWS Foundations monitoring controls (4.1-4.15; Security Hub CloudWatch.1-14) as metric
 * filters on the trail's log group, one alarm each (ALARM to the alert topic of its severity, OK
 * to the resolution topic), user-defined filters, and composite alarms over them.
 */
export class CompositeAlarmGroup extends pulumi.ComponentResource {
  /** Metric filter per alarm key (CIS control id or custom key). */
  public readonly metricFilters: Record<string, aws.cloudwatch.LogMetricFilter>;
  /** Metric alarm per alarm key. */
  public readonly alarms: Record<string, aws.cloudwatch.MetricAlarm>;
  /** Composite alarm per composite key. */
  public readonly compositeAlarms: Record<string, aws.cloudwatch.CompositeAlarm>;
  /** ARN of every metric and composite alarm, by key. */
  public readonly alarmArns: Record<string, pulumi.Output<string>>;
  /** Name of every metric and composite alarm, by key. */
  public readonly alarmNames: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: CompositeAlarmGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:CompositeAlarmGroup", name, {}, opts);
    const shapeProblems = argsProblems("CompositeAlarmGroup", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }

    const suppressor = args.actionsSuppressor;
    let plan;
    try {
      plan = planAlarmGroup({
        alarmNamePrefix: args.alarmNamePrefix ?? name,
        metricNamespace: args.metricNamespace ?? DEFAULTS.metricNamespace,
        disabledControls: args.disabledControls,
        controlOverrides: args.controlOverrides,
        customFilters: args.customFilters,
        composites: args.composites,
        includeDefaultComposites:
          args.includeDefaultComposites ?? DEFAULTS.includeDefaultComposites,
        suppressChildActions: args.suppressChildActions ?? DEFAULTS.suppressChildActions,
        alertSeverities: Object.keys(args.alertTopicArns),
      });
    } catch (e) {
      if (e instanceof AlarmGroupError || e instanceof AlarmRuleError) {
        const hint =
          args.alarmNamePrefix === undefined && e.message.startsWith("alarmNamePrefix")
            ? " (it defaults to the component name; set alarmNamePrefix)"
            : "";
        throw new pulumi.ResourceError(`${e.message}${hint}`, this);
      }
      throw e;
    }

    this.metricFilters = {};
    this.alarms = {};
    this.compositeAlarms = {};
    this.alarmArns = {};
    this.alarmNames = {};

    for (const a of plan.alarms) {
      this.metricFilters[a.key] = new aws.cloudwatch.LogMetricFilter(
        `${name}-filter-${a.key}`,
        {
          name: a.filterName,
          logGroupName: args.logGroupName,
          pattern: a.pattern,
          metricTransformation: {
            name: a.metricName,
            namespace: a.metricNamespace,
            value: DEFAULTS.metricValue,
          },
        },
        { parent: this },
      );
      const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-alarm-${a.key}`,
        {
          name: a.alarmName,
          alarmDescription: a.description,
          namespace: a.metricNamespace,
          metricName: a.metricName,
          statistic: DEFAULTS.statistic,
          comparisonOperator: DEFAULTS.comparisonOperator,
          threshold: a.threshold,
          period: a.periodSeconds,
          evaluationPeriods: a.evaluationPeriods,
          datapointsToAlarm: a.datapointsToAlarm,
          treatMissingData: DEFAULTS.treatMissingData,
          actionsEnabled: true,
          alarmActions: a.actionsWired ? [args.alertTopicArns[a.severity]] : [],
          okActions: a.actionsWired ? [args.resolutionTopicArn] : [],
          tags: args.tags,
        },
        { parent: this, dependsOn: [this.metricFilters[a.key]] },
      );
      this.alarms[a.key] = alarm;
      this.alarmArns[a.key] = alarm.arn;
      this.alarmNames[a.key] = alarm.name;
    }

    for (const c of plan.composites) {
      const composite = new aws.cloudwatch.CompositeAlarm(
        `${name}-composite-${c.key}`,
        {
          alarmName: c.alarmName,
          alarmDescription: c.description,
          alarmRule: c.rule,
          actionsEnabled: true,
          alarmActions: [args.alertTopicArns[c.severity]],
          okActions: [args.resolutionTopicArn],
          actionsSuppressor: suppressor
            ? {
                alarm: suppressor.alarm,
                waitPeriod: suppressor.waitPeriodSeconds ?? DEFAULTS.suppressorWaitPeriodSeconds,
                extensionPeriod:
                  suppressor.extensionPeriodSeconds ?? DEFAULTS.suppressorExtensionPeriodSeconds,
              }
            : undefined,
          tags: args.tags,
        },
        // The rule names the children by plain strings: depend on them explicitly.
        { parent: this, dependsOn: c.children.map((k) => this.alarms[k]) },
      );
      this.compositeAlarms[c.key] = composite;
      this.alarmArns[c.key] = composite.arn;
      this.alarmNames[c.key] = composite.alarmName;
    }

    this.registerOutputs({
      metricFilters: this.metricFilters,
      alarms: this.alarms,
      compositeAlarms: this.compositeAlarms,
      alarmArns: this.alarmArns,
      alarmNames: this.alarmNames,
    });
  }
}
