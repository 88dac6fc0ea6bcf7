/**
 * The body of the stack's CloudWatch dashboard (JSON in, JSON out; no Pulumi):
 * - alerts by severity over time: the `MatchedEvents` metric of every detection rule, summed by
 *   the rule's severity with metric math;
 * - remediations by outcome: the Embedded Metric Format metric the handlers emit
 *   (`AwsSecurityWatch` / `Remediations`, dimensions remediation and outcome), summed by outcome;
 * - the depth of the remediations' on-failure queue and of the rules' dead-letter queues;
 * - the state of the alarms (CIS metric-filter alarms, threshold alarms, composites, the
 *   remediation-failed alarm);
 * - the latest incident records (a Logs Insights widget over the functions' log groups).
 *
 * Body structure: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import { METRIC_OUTCOMES } from "./incidentRecord";
import { LATEST_INCIDENTS_QUERY, withSources } from "./queries";
import { SEVERITIES } from "./types";

/** The EMF namespace and metric of the remediation handlers (lambdas/runtime/loop.ts). */
export const REMEDIATION_METRIC_NAMESPACE = "AwsSecurityWatch";
export const REMEDIATION_METRIC_NAME = "Remediations";

/** Dashboard limits: 500 metrics per graph widget, 100 alarms per alarm-status widget. */
export const MAX_METRICS_PER_WIDGET = 500;
export const MAX_ALARMS_PER_WIDGET = 100;
/** Dashboard names: 1-255 characters of `[A-Za-z0-9_-]`. */
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** A detection rule on the dashboard. */
export interface DashboardRule {
  readonly ruleName: string;
  readonly severity: string;
}

/** A queue whose depth the dashboard shows. */
export interface DashboardQueue {
  readonly label: string;
  readonly queueName: string;
  /** The queue's region, when not the dashboard's (the us-east-1 forwarding dead-letter queue). */
  readonly region?: string;
}

export interface DashboardInput {
  readonly title: string;
  /** The region of the metrics (the stack's). */
  readonly region: string;
  readonly rules: readonly DashboardRule[];
  /** The enabled remediation ids. */
  readonly remediations: readonly string[];
  readonly queues: readonly DashboardQueue[];
  /** Alarm ARNs: metric alarms (CIS, thresholds, remediation failures) and composites. */
  readonly alarmArns: readonly string[];
  readonly compositeAlarmArns: readonly string[];
  /** Log groups of the incident records. */
  readonly incidentLogGroups: readonly string[];
  /** Period of the graphs, seconds. @default 300 */
  readonly periodSeconds?: number;
}

export interface Widget {
  readonly type: "metric" | "alarm" | "log" | "text";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

export interface DashboardBody {
  readonly start: string;
  readonly periodOverride: string;
  readonly widgets: Widget[];
}

/** A metric-math id: lower-case first, then letters, digits and underscores. */
const mathId = (prefix: string, i: number) => `${prefix}${i}`;

/** Colours of the severities and outcomes (the same on every stack, so people learn them). */
export const SEVERITY_COLOURS: Record<string, string> = {
  critical: "#d62728",
  high: "#ff7f0e",
  medium: "#bcbd22",
  info: "#1f77b4",
};
export const OUTCOME_COLOURS: Record<string, string> = {
  remediated: "#2ca02c",
  "already-safe": "#98df8a",
  exempt: "#9467bd",
  "dry-run": "#17becf",
  off: "#c7c7c7",
  ignored: "#7f7f7f",
  duplicate: "#dbdb8d",
  failed: "#d62728",
  rejected: "#8c564b",
};

/** `[expression, {label, id, color}]` rows summing hidden metrics by group. */
function sumsByGroup(
  groups: readonly { label: string; ids: string[]; color?: string }[],
  idPrefix: string,
): unknown[][] {
  return groups
    .filter((g) => g.ids.length > 0)
    .map((g, i) => [
      {
        expression: g.ids.length === 1 ? g.ids[0] : `SUM([${g.ids.join(",")}])`,
        label: g.label,
        id: mathId(idPrefix, i),
        ...(g.color ? { color: g.color } : {}),
      },
    ]);
}

/** The graph of alerts by severity: MatchedEvents per rule (hidden), summed by severity. */
function alertsWidget(input: DashboardInput, period: number): Record<string, unknown> {
  const metrics: unknown[][] = [];
  const groups = SEVERITIES.map((s) => ({
    label: s,
    ids: [] as string[],
    color: SEVERITY_COLOURS[s],
  }));
  input.rules.forEach((rule, i) => {
    const id = mathId("r", i);
    metrics.push([
      "AWS/Events",
      "MatchedEvents",
      "RuleName",
      rule.ruleName,
      { id, visible: false, stat: "Sum" },
    ]);
    groups.find((g) => g.label === rule.severity)?.ids.push(id);
  });
  return {
    title: "Alerts by severity (events matched by the detection rules)",
    view: "timeSeries",
    stacked: true,
    region: input.region,
    period,
    stat: "Sum",
    metrics: [...sumsByGroup(groups, "sev"), ...metrics],
    yAxis: { left: { min: 0, label: "alerts", showUnits: false } },
  };
}

/** The graph of remediations by outcome: the EMF metric per remediation and outcome, summed by outcome. */
function remediationsWidget(input: DashboardInput, period: number): Record<string, unknown> {
  const metrics: unknown[][] = [];
  const groups = METRIC_OUTCOMES.map((o) => ({
    label: o,
    ids: [] as string[],
    color: OUTCOME_COLOURS[o],
  }));
  let n = 0;
  for (const remediation of input.remediations) {
    for (const group of groups) {
      const id = mathId("m", n++);
      metrics.push([
        REMEDIATION_METRIC_NAMESPACE,
        REMEDIATION_METRIC_NAME,
        "remediation",
        remediation,
        "outcome",
        group.label,
        { id, visible: false, stat: "Sum" },
      ]);
      group.ids.push(id);
    }
  }
  return {
    title: "Remediations by outcome (handlers' metric)",
    view: "timeSeries",
    stacked: true,
    region: input.region,
    period,
    stat: "Sum",
    metrics: [...sumsByGroup(groups, "out"), ...metrics],
    yAxis: { left: { min: 0, label: "invocations", showUnits: false } },
  };
}

function queuesWidget(input: DashboardInput, period: number): Record<string, unknown> {
  return {
    title: "Events waiting for a human (on-failure and dead-letter queues)",
    view: "timeSeries",
    stacked: false,
    region: input.region,
    period,
    stat: "Maximum",
    metrics: input.queues.map((q) => [
      "AWS/SQS",
      "ApproximateNumberOfMessagesVisible",
      "QueueName",
      q.queueName,
      { label: q.label, ...(q.region && q.region !== input.region ? { region: q.region } : {}) },
    ]),
    yAxis: { left: { min: 0, label: "messages", showUnits: false } },
  };
}

/** The problems of an input, each saying what to change; empty when the body can be built. */
export function dashboardProblems(input: DashboardInput): string[] {
  const problems: string[] = [];
  const severities = SEVERITIES as readonly string[];
  for (const rule of input.rules) {
    if (!severities.includes(rule.severity)) {
      problems.push(
        `rules.${rule.ruleName}: "${rule.severity}" is not one of ${SEVERITIES.join(", ")}`,
      );
    }
  }
  const alertMetrics = input.rules.length + SEVERITIES.length;
  if (alertMetrics > MAX_METRICS_PER_WIDGET) {
    problems.push(
      `rules: ${input.rules.length} rules need ${alertMetrics} metrics in one graph, the maximum is ${MAX_METRICS_PER_WIDGET}`,
    );
  }
  const period = input.periodSeconds ?? 300;
  if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
    problems.push(`periodSeconds: ${period} must be a multiple of 60`);
  }
  return problems;
}

/** The dashboard body (throws an Error listing the problems of an invalid input). */
export function dashboardBody(input: DashboardInput): DashboardBody {
  const problems = dashboardProblems(input);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  const period = input.periodSeconds ?? 300;
  const widgets: Widget[] = [];
  const alarms = [...input.compositeAlarmArns, ...input.alarmArns];
  const text = [
    `# ${input.title}`,
    `${input.rules.length} detection rules, ${input.remediations.length} remediations, ${alarms.length} alarms (${input.compositeAlarmArns.length} composite). ` +
      "Incident history: the saved queries under *Logs Insights > Queries*, or `npm run incidents -- --live`.",
  ].join("\n\n");
  widgets.push({ type: "text", x: 0, y: 0, width: 24, height: 2, properties: { markdown: text } });
  widgets.push({
    type: "metric",
    x: 0,
    y: 2,
    width: 12,
    height: 6,
    properties: alertsWidget(input, period),
  });
  if (input.remediations.length > 0) {
    widgets.push({
      type: "metric",
      x: 12,
      y: 2,
      width: 12,
      height: 6,
      properties: remediationsWidget(input, period),
    });
  }
  let y = 8;
  if (input.queues.length > 0) {
    widgets.push({
      type: "metric",
      x: 0,
      y,
      width: 8,
      height: 6,
      properties: queuesWidget(input, period),
    });
  }
  // Alarm-status widgets: up to 100 alarms each, composites first.
  const chunks: string[][] = [];
  for (let i = 0; i < alarms.length; i += MAX_ALARMS_PER_WIDGET) {
    chunks.push(alarms.slice(i, i + MAX_ALARMS_PER_WIDGET));
  }
  chunks.forEach((chunk, i) => {
    widgets.push({
      type: "alarm",
      x: i === 0 && input.queues.length > 0 ? 8 : 0,
      y: y + (i === 0 ? 0 : 6 * i),
      width: i === 0 && input.queues.length > 0 ? 16 : 24,
      height: 6,
      properties: {
        title: chunks.length > 1 ? `Alarms (${i + 1}/${chunks.length})` : "Alarms",
        alarms: chunk,
        sortBy: "stateUpdatedTimestamp",
      },
    });
  });
  y += 6 * Math.max(1, chunks.length);
  if (input.incidentLogGroups.length > 0) {
    widgets.push({
      type: "log",
      x: 0,
      y,
      width: 24,
      height: 8,
      properties: {
        title: "Latest incident records",
        region: input.region,
        view: "table",
        query: withSources(LATEST_INCIDENTS_QUERY, input.incidentLogGroups),
      },
    });
  }
  return { start: "-PT24H", periodOverride: "inherit", widgets };
}

/** The console URL of a dashboard. */
export function dashboardUrl(
  region: string,
  name: string,
  consoleDomain = "console.aws.amazon.com",
): string {
  if (!DASHBOARD_NAME.test(name)) {
    throw new Error(`"${name}" is not a dashboard name (1-255 of A-Z, a-z, 0-9, - and _)`);
  }
  return `https://${region}.${consoleDomain}/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;
}
