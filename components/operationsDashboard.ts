import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsProblems, bool, map, num, obj, str } from "../core/argsShape";
import { dashboardBody, DashboardQueue, dashboardProblems, dashboardUrl } from "../core/dashboard";
import { logGroupsOf, queryDefinitionName, QueryLogGroups, SAVED_QUERIES } from "../core/queries";
import { Severity } from "../core/types";

/** A detection rule shown on the dashboard. */
export interface DashboardRuleArgs {
  /** The EventBridge rule's name (SecurityRuleWatcher `ruleNames[id]`). */
  readonly ruleName: pulumi.Input<string>;
  /** The detection's effective severity: the alerts graph sums the rules by severity. */
  readonly severity: Severity;
}

export interface OperationsDashboardArgs {
  /**
   * Detection rules by detection id: their `MatchedEvents` make the alerts-by-severity graph.
   * @default {}
   */
  readonly rules?: Record<string, DashboardRuleArgs>;
  /**
   * Log group of each remediation function, by remediation id (AutoRemediator `logGroupNames`):
   * the incident records. Their keys are the remediations on the outcome graph.
   * @default {}
   */
  readonly incidentLogGroupNames?: Record<string, pulumi.Input<string>>;
  /**
   * The trail's log group (AuditTrail `logGroupName`), read by the saved queries on sign-ins,
   * denied calls and who-did-what.
   * @default none: those queries read the incident log groups only, or are not saved
   */
  readonly trailLogGroupName?: pulumi.Input<string>;
  /**
   * Queues whose depth the dashboard shows, by label (the on-failure queue, the dead-letter
   * queues), as SQS queue ARNs; the region is read from each ARN. The whole map may be an
   * output (another component's map of ARNs).
   * @default {}
   */
  readonly queueArns?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Metric alarm ARNs by key (CIS alarms, threshold alarms, the remediation-failed alarm). The
   * whole map may be an output (CompositeAlarmGroup `alarmArns`).
   * @default {}
   */
  readonly alarmArns?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Composite alarm ARNs by key: shown first. The whole map may be an output.
   * @default {}
   */
  readonly compositeAlarmArns?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * The dashboard's name (1-255 of A-Z, a-z, 0-9, - and _); unique per account.
   * @default the component name
   */
  readonly dashboardName?: string;
  /**
   * The heading of the dashboard.
   * @default "aws-security-watch: <dashboardName>"
   */
  readonly title?: string;
  /**
   * Deploy the dashboard (false: only the saved queries).
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Save the incident-history queries as Logs Insights query definitions.
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_Insights-Saving-Queries.html
   * @default true
   */
  readonly saveQueries?: boolean;
  /**
   * The folder of the saved queries in the Logs Insights console.
   * @default "aws-security-watch/<dashboardName>"
   */
  readonly queryFolder?: string;
  /**
   * Period of the graphs, seconds (a multiple of 60).
   * @default 300
   */
  readonly periodSeconds?: number;
  /**
   * Host suffix of the AWS console in the dashboard URL (`console.amazonaws.cn` in China).
   * @default "console.aws.amazon.com"
   */
  readonly consoleDomain?: string;
}

const DEFAULTS = {
  saveQueries: true,
  periodSeconds: 300,
  consoleDomain: "console.aws.amazon.com",
};

const ARN_MAP = { known: false };
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  rules: map(
    "a map of detection id to { ruleName, severity }",
    obj("a dashboard rule { ruleName, severity }", {
      ruleName: str("a rule name (SecurityRuleWatcher ruleNames[id])", true),
      severity: str("critical, high, medium or info", true),
    }),
  ),
  incidentLogGroupNames: map(
    "a map of remediation id to log group name (AutoRemediator logGroupNames)",
    str("a log group name"),
  ),
  trailLogGroupName: str("the AuditTrail logGroupName"),
  queueArns: map("a map of label to SQS queue ARN", str("an SQS queue ARN"), ARN_MAP),
  alarmArns: map("a map of key to alarm ARN", str("an alarm ARN"), ARN_MAP),
  compositeAlarmArns: map("a map of key to composite alarm ARN", str("an alarm ARN"), ARN_MAP),
  dashboardName: str("a dashboard name"),
  title: str("a heading"),
  dashboard: bool(),
  saveQueries: bool(),
  queryFolder: str("a folder name"),
  periodSeconds: num("a multiple of 60 seconds"),
  consoleDomain: str("a host name"),
};

/** `arn:aws:sqs:<region>:<account>:<name>` as its name and region. */
function queueOf(label: string, arn: string): DashboardQueue {
  const parts = arn.split(":");
  if (parts.length !== 6 || parts[2] !== "sqs") {
    throw new Error(`queueArns.${label}: "${arn}" is not an SQS queue ARN`);
  }
  return { label, queueName: parts[5], region: parts[3] };
}

/**
 * The stack's CloudWatch dashboard (alerts by severity, remediations by outcome, queue depths,
 * alarm states, latest incident records; body from core/dashboard.ts) and the saved Logs
 * Insights queries of the incident history (core/queries.ts). Dashboards cost $3 a month each
 * beyond the account's first three; query definitions are free.
 */
export class OperationsDashboard extends pulumi.ComponentResource {
  /** The dashboard's name (undefined when `dashboard` is false). */
  public readonly dashboardName?: pulumi.Output<string>;
  /** The dashboard in the CloudWatch console (undefined when `dashboard` is false). */
  public readonly dashboardUrl?: pulumi.Output<string>;
  /** Query definition id by saved-query id (empty when queries are not saved). */
  public readonly queryDefinitionIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: OperationsDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:OperationsDashboard", name, {}, opts);
    const shapeProblems = argsProblems("OperationsDashboard", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const dashboardName = args.dashboardName ?? name;
    const settings = dashboardSettings(args, dashboardName);
    const rules = args.rules ?? {};
    const incidentGroups = args.incidentLogGroupNames ?? {};

    const problems = operationsDashboardProblems(dashboardName, settings, rules, incidentGroups);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(problems.join("\n"), this);
    }

    const region = aws.getRegionOutput({}, { parent: this }).region;
    const body = dashboardBodyOutput(args, settings, region, rules, incidentGroups);
    const dashboard =
      args.dashboard === false
        ? undefined
        : new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            { dashboardName, dashboardBody: body },
            { parent: this },
          );
    this.queryDefinitionIds = settings.saveQueries
      ? createSavedQueries(name, args, settings, incidentGroups, this)
      : {};

    this.dashboardName = dashboard?.dashboardName;
    this.dashboardUrl = dashboard
      ? pulumi
          .all([region, dashboard.dashboardName])
          .apply(([r, n]) => dashboardUrl(r, n, settings.consoleDomain))
      : undefined;
    this.registerOutputs({
      dashboardName: this.dashboardName,
      dashboardUrl: this.dashboardUrl,
      queryDefinitionIds: this.queryDefinitionIds,
    });
  }
}

/** The effective settings, defaults applied once. */
interface DashboardSettings {
  readonly saveQueries: boolean;
  readonly periodSeconds: number;
  readonly consoleDomain: string;
  readonly title: string;
  readonly queryFolder: string;
}

function dashboardSettings(
  args: OperationsDashboardArgs,
  dashboardName: string,
): DashboardSettings {
  return {
    saveQueries: args.saveQueries ?? DEFAULTS.saveQueries,
    periodSeconds: args.periodSeconds ?? DEFAULTS.periodSeconds,
    consoleDomain: args.consoleDomain ?? DEFAULTS.consoleDomain,
    title: args.title ?? `aws-security-watch: ${dashboardName}`,
    queryFolder: args.queryFolder ?? `aws-security-watch/${dashboardName}`,
  };
}

/** The name check and the body builder's checks, on the plain parts, before any resource. */
function operationsDashboardProblems(
  dashboardName: string,
  settings: DashboardSettings,
  rules: Record<string, DashboardRuleArgs>,
  incidentGroups: Record<string, pulumi.Input<string>>,
): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(dashboardName)) {
    problems.push(
      `dashboardName: "${dashboardName}" must be 1-255 of A-Z, a-z, 0-9, - and _ (set dashboardName)`,
    );
  }
  problems.push(
    ...dashboardProblems({
      title: settings.title,
      region: "",
      rules: Object.entries(rules).map(([id, r]) => ({ ruleName: id, severity: r.severity })),
      remediations: Object.keys(incidentGroups),
      queues: [],
      alarmArns: [],
      compositeAlarmArns: [],
      incidentLogGroups: [],
      periodSeconds: settings.periodSeconds,
    }),
  );
  return problems;
}

/** The dashboard body, as JSON, once the region, rule names, log groups and ARN maps resolve. */
function dashboardBodyOutput(
  args: OperationsDashboardArgs,
  settings: DashboardSettings,
  region: pulumi.Output<string>,
  rules: Record<string, DashboardRuleArgs>,
  incidentGroups: Record<string, pulumi.Input<string>>,
): pulumi.Output<string> {
  const ruleIds = Object.keys(rules);
  const remediations = Object.keys(incidentGroups);
  // The ARN maps may be outputs as a whole (another component's map, from any language): their
  // keys are read inside the apply, in their order.
  const arnMap = (m: OperationsDashboardArgs["queueArns"]) =>
    pulumi.output(m ?? {}) as pulumi.Output<Record<string, string>>;
  return pulumi
    .all([
      region,
      pulumi.all(ruleIds.map((id) => rules[id].ruleName)),
      pulumi.all(remediations.map((id) => incidentGroups[id])),
      arnMap(args.queueArns),
      arnMap(args.alarmArns).apply((m) => Object.values(m)),
      arnMap(args.compositeAlarmArns).apply((m) => Object.values(m)),
    ])
    .apply(([r, ruleNames, logGroups, queues, alarms, composites]) =>
      JSON.stringify(
        dashboardBody({
          title: settings.title,
          region: r,
          rules: ruleNames.map((ruleName, i) => ({
            ruleName,
            severity: rules[ruleIds[i]].severity,
          })),
          remediations,
          queues: Object.entries(queues).map(([label, arn]) => queueOf(label, arn)),
          alarmArns: alarms,
          compositeAlarmArns: composites,
          incidentLogGroups: logGroups,
          periodSeconds: settings.periodSeconds,
        }),
      ),
    );
}

/** One saved Logs Insights query per catalog query that reads some log group. */
function createSavedQueries(
  name: string,
  args: OperationsDashboardArgs,
  settings: DashboardSettings,
  incidentGroups: Record<string, pulumi.Input<string>>,
  parent: pulumi.Resource,
): Record<string, pulumi.Output<string>> {
  const ids: Record<string, pulumi.Output<string>> = {};
  const incidentNames = Object.keys(incidentGroups).map((id) => incidentGroups[id]);
  for (const query of SAVED_QUERIES) {
    const groups = pulumi
      .all([pulumi.all(incidentNames), pulumi.output(args.trailLogGroupName)])
      .apply(([incidents, trail]) => logGroupsOf(query, incidents, trail));
    // A query over no log group cannot run: skip the trail's queries without a trail.
    const readsSomething =
      query.logGroups === QueryLogGroups.Trail
        ? args.trailLogGroupName !== undefined
        : incidentNames.length > 0 || args.trailLogGroupName !== undefined;
    if (!readsSomething) continue;
    const definition = new aws.cloudwatch.QueryDefinition(
      `${name}-query-${query.id}`,
      {
        name: queryDefinitionName(settings.queryFolder, query),
        queryString: query.queryString,
        logGroupNames: groups,
      },
      { parent },
    );
    ids[query.id] = definition.queryDefinitionId;
  }
  return ids;
}
