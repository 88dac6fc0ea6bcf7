/**
 * Threshold detections: counts per principal or per source address over the trail's CloudWatch
 * Logs group, with CloudWatch Contributor Insights rules and an alarm on each rule's
 * `MaxContributorValue` (the count of the busiest contributor in the period). Plain data and
 * pure builders (JSON in, JSON out); ThresholdAlarmGroup deploys them.
 *
 * Rule syntax: Amazon CloudWatch User Guide, "Contributor Insights rule syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-RuleSyntax.html):
 * Schema CloudWatchLogRule version 1, LogFormat JSON, Contribution.Keys (1 to 4 JSON paths),
 * Contribution.Filters (at most 4, all must hold; operators In, NotIn, StartsWith, EqualTo,
 * NotEqualTo, GreaterThan, LessThan, IsPresent; In/NotIn/StartsWith take up to 10 values),
 * AggregateOn Count. The alarm metric is the metric math function
 * `INSIGHT_RULE_METRIC(ruleName, "MaxContributorValue")`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-GraphReportData.html).
 */
import { Severity, SEVERITIES } from "./types";
import { isKebabCase } from "./validation";

/** One condition of a rule's Contribution.Filters (exactly one operator). */
export interface InsightFilter {
  readonly Match: string;
  readonly In?: readonly (string | number)[];
  readonly NotIn?: readonly (string | number)[];
  readonly StartsWith?: readonly string[];
  readonly EqualTo?: string | number;
  readonly NotEqualTo?: string | number;
  readonly GreaterThan?: number;
  readonly LessThan?: number;
  readonly IsPresent?: boolean;
}

/** A threshold detection: what to count, per what, and when it is too many. */
export interface ThresholdDetection {
  /** Kebab-case id: names the rule and the alarm (`<prefix>-<id>`) and keys overrides. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  /** MITRE ATT&CK technique ids. */
  readonly mitre: readonly string[];
  /** What is counted per: `principal` (userIdentity.arn) or `source address`. */
  readonly per: string;
  /** Contributor keys: JSON paths into the CloudTrail record. */
  readonly keys: readonly string[];
  /** Conditions a record must meet to count. */
  readonly filters: readonly InsightFilter[];
  /** Default: alarm when one contributor reaches this count in one period. */
  readonly threshold: number;
  /** Default period in seconds (60, or a multiple of 60). */
  readonly periodSeconds: number;
  /** What to do, for the alarm description. */
  readonly advice: string;
  /** What is counted, plural, for the report's subject ("denied calls"): short, plain ASCII. */
  readonly counted: string;
}

/** Keys: the caller and the address it called from. */
const PRINCIPAL = "$.userIdentity.arn";
const SOURCE_IP = "$.sourceIPAddress";

/** The error codes of a denied call (those of the CIS 4.1 filter and their service variants). */
export const DENIED_ERROR_CODES = [
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "Client.UnauthorizedOperation",
  "UnauthorizedAccess",
];

export const THRESHOLD_CATALOG: readonly ThresholdDetection[] = [
  {
    id: "console-signin-failures-per-ip",
    title: "Console sign-in failures from one address",
    description:
      "Failed console sign-ins counted per source IP: several in a few minutes is password guessing or spraying across users.",
    severity: Severity.High,
    mitre: ["T1110.001", "T1110.003"],
    per: "source address",
    keys: [SOURCE_IP],
    filters: [
      { Match: "$.eventName", In: ["ConsoleLogin"] },
      { Match: "$.responseElements.ConsoleLogin", In: ["Failure"] },
    ],
    threshold: 5,
    periodSeconds: 300,
    counted: "failed console sign-ins",
    advice:
      "Block the address (WAF, network ACL) if it is not yours, and check that every targeted user has MFA.",
  },
  {
    id: "denied-calls-per-principal",
    title: "Denied API calls by one principal",
    description:
      "Denied calls counted per principal: a burst is a stolen key probing what it may do, or a broken deployment.",
    severity: Severity.Medium,
    mitre: ["T1580", "T1087.004"],
    per: "principal",
    keys: [PRINCIPAL],
    filters: [{ Match: "$.errorCode", In: DENIED_ERROR_CODES }],
    threshold: 20,
    periodSeconds: 300,
    counted: "denied calls",
    advice:
      "Look at what the principal tried (CloudTrail, filter on the principal): enumeration of services it never uses means a stolen key; deactivate it.",
  },
  {
    id: "secret-reads-per-principal",
    title: "Secret and parameter reads by one principal",
    description:
      "GetSecretValue, BatchGetSecretValue and SSM GetParameter(s)/GetParametersByPath counted per principal: applications read a few secrets at start, harvesting reads them all.",
    severity: Severity.High,
    mitre: ["T1555.006", "T1552"],
    per: "principal",
    keys: [PRINCIPAL],
    filters: [
      {
        Match: "$.eventName",
        In: [
          "GetSecretValue",
          "BatchGetSecretValue",
          "GetParameter",
          "GetParameters",
          "GetParametersByPath",
        ],
      },
      { Match: "$.errorCode", IsPresent: false },
    ],
    threshold: 50,
    periodSeconds: 300,
    counted: "secret reads",
    advice:
      "If the principal is not an application that reads these secrets at this rate, rotate what it read and revoke its sessions.",
  },
  {
    id: "enumeration-per-principal",
    title: "Enumeration burst by one principal",
    description:
      "List, Describe and Get calls counted per principal: discovery tools (Pacu, ScoutSuite, enumerate-iam) make hundreds in minutes.",
    severity: Severity.Medium,
    mitre: ["T1580", "T1526", "T1087.004"],
    per: "principal",
    keys: [PRINCIPAL],
    filters: [
      { Match: "$.eventName", StartsWith: ["List", "Describe", "Get"] },
      { Match: "$.userIdentity.type", In: ["IAMUser", "AssumedRole", "Root", "FederatedUser"] },
    ],
    threshold: 500,
    periodSeconds: 300,
    counted: "List/Describe/Get calls",
    advice:
      "Security scanners and inventory tools do this too: trust their roles by raising the threshold, and investigate any other principal.",
  },
  {
    id: "bedrock-invocations-per-principal",
    title: "Bedrock model invocations by one principal",
    description:
      "InvokeModel, Converse and their streaming variants counted per principal: a stolen key used to resell model access (LLMjacking) runs up thousands of calls.",
    severity: Severity.Medium,
    mitre: ["T1496"],
    per: "principal",
    keys: [PRINCIPAL],
    filters: [
      { Match: "$.eventSource", In: ["bedrock.amazonaws.com"] },
      {
        Match: "$.eventName",
        In: ["InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream"],
      },
    ],
    threshold: 1000,
    periodSeconds: 300,
    counted: "model invocations",
    advice:
      "Compare with the application's usual volume; if the principal is not one of your model applications, revoke it and check Bedrock model access and quotas.",
  },
];

/** A stack's change to one threshold detection. */
export interface ThresholdOverride {
  /** Count of one contributor in one period that raises the alarm. */
  readonly threshold?: number;
  /** Period in seconds: 60 or a multiple of 60, at most 86400. */
  readonly periodSeconds?: number;
}

/** The Contributor Insights rule body (JSON text of `aws.cloudwatch.ContributorInsightRule`). */
export interface InsightRuleBody {
  readonly Schema: { readonly Name: "CloudWatchLogRule"; readonly Version: 1 };
  readonly LogGroupNames: readonly string[];
  readonly LogFormat: "JSON";
  readonly Contribution: {
    readonly Keys: readonly string[];
    readonly Filters: readonly InsightFilter[];
  };
  readonly AggregateOn: "Count";
}

/** The rule body of `detection` over one log group. */
export function insightRuleBody(
  detection: ThresholdDetection,
  logGroupName: string,
): InsightRuleBody {
  return {
    Schema: { Name: "CloudWatchLogRule", Version: 1 },
    LogGroupNames: [logGroupName],
    LogFormat: "JSON",
    Contribution: { Keys: [...detection.keys], Filters: detection.filters.map((f) => ({ ...f })) },
    AggregateOn: "Count",
  };
}

/** The metric math expression of the rule's busiest contributor. */
export function insightAlarmExpression(ruleName: string): string {
  return `INSIGHT_RULE_METRIC("${ruleName}", "MaxContributorValue")`;
}

/** The alarm's description: what, per what, the limit and what to do. */
export function thresholdAlarmDescription(
  detection: ThresholdDetection,
  ruleName: string,
  threshold: number,
  periodSeconds: number,
): string {
  const minutes = periodSeconds / 60;
  return [
    `[${detection.severity.toUpperCase()}] ${detection.title}: one ${detection.per} reached ${threshold} in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    detection.description,
    `The ${detection.per} is the top contributor of the Contributor Insights rule ${ruleName} (CloudWatch console, Contributor Insights, or aws cloudwatch get-insight-rule-report --rule-name ${ruleName}).`,
    `What to do: ${detection.advice}`,
    `MITRE ATT&CK ${detection.mitre.join(", ")}.`,
  ].join(" ");
}

/** Contributor Insights rule names: 1-128 printable ASCII characters. */
export const MAX_INSIGHT_RULE_NAME_LENGTH = 128;
/** CloudWatch alarm descriptions: at most 1024 characters. */
export const MAX_ALARM_DESCRIPTION_LENGTH = 1024;

const FILTER_OPERATORS = [
  "In",
  "NotIn",
  "StartsWith",
  "EqualTo",
  "NotEqualTo",
  "GreaterThan",
  "LessThan",
  "IsPresent",
];

/** The problems of a threshold detection's data, each naming its path. */
export function thresholdProblems(detection: ThresholdDetection, path: string): string[] {
  const problems: string[] = [];
  if (!isKebabCase(detection.id)) problems.push(`${path}.id: must be kebab-case`);
  if (!SEVERITIES.includes(detection.severity)) problems.push(`${path}.severity: unknown`);
  if (detection.mitre.length === 0) problems.push(`${path}.mitre: name at least one technique`);
  for (const id of detection.mitre) {
    if (!/^T\d{4}(\.\d{3})?$/.test(id))
      problems.push(`${path}.mitre: "${id}" is not a technique id`);
  }
  if (detection.keys.length < 1 || detection.keys.length > 4) {
    problems.push(`${path}.keys: 1 to 4 keys`);
  }
  if (detection.filters.length > 4) problems.push(`${path}.filters: at most 4`);
  for (const [i, filter] of detection.filters.entries()) {
    const ops = Object.keys(filter).filter((k) => k !== "Match");
    if (ops.length !== 1 || !FILTER_OPERATORS.includes(ops[0])) {
      problems.push(`${path}.filters[${i}]: exactly one of ${FILTER_OPERATORS.join(", ")}`);
    }
    for (const op of ["In", "NotIn", "StartsWith"] as const) {
      const values = filter[op];
      if (values !== undefined && (values.length === 0 || values.length > 10)) {
        problems.push(`${path}.filters[${i}].${op}: 1 to 10 values`);
      }
    }
  }
  for (const key of [...detection.keys, ...detection.filters.map((f) => f.Match)]) {
    if (!/^\$(\.[A-Za-z0-9_]+)+$/.test(key)) problems.push(`${path}: "${key}" is not a JSON path`);
  }
  if (!/^[ -~]{1,30}$/.test(detection.counted)) {
    problems.push(`${path}.counted: 1 to 30 printable ASCII characters`);
  }
  problems.push(...limitProblems(path, detection.threshold, detection.periodSeconds));
  return problems;
}

function limitProblems(path: string, threshold: number, periodSeconds: number): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(threshold) || threshold < 1) {
    problems.push(`${path}.threshold: ${threshold} must be a whole number of at least 1`);
  }
  if (
    !Number.isInteger(periodSeconds) ||
    periodSeconds < 60 ||
    periodSeconds % 60 !== 0 ||
    periodSeconds > 86400
  ) {
    problems.push(
      `${path}.periodSeconds: ${periodSeconds} must be 60 or a multiple of 60, at most 86400`,
    );
  }
  return problems;
}

/** One rule and alarm to deploy. */
export interface PlannedThreshold {
  readonly id: string;
  readonly ruleName: string;
  readonly alarmName: string;
  readonly severity: Severity;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly ruleBody: InsightRuleBody;
  readonly expression: string;
  readonly description: string;
}

/** What a stack chooses: ids left out and limits changed. */
export interface ThresholdPlanInput {
  readonly namePrefix: string;
  readonly logGroupName: string;
  readonly disabled?: readonly string[];
  readonly overrides?: Readonly<Record<string, ThresholdOverride>>;
  readonly catalog?: readonly ThresholdDetection[];
}

/**
 * The rules and alarms to deploy. Throws an Error listing every problem (unknown ids, limits out
 * of range, names too long).
 */
export function planThresholds(input: ThresholdPlanInput): PlannedThreshold[] {
  const catalog = input.catalog ?? THRESHOLD_CATALOG;
  const known = new Set(catalog.map((d) => d.id));
  const problems: string[] = [];
  for (const id of input.disabled ?? []) {
    if (!known.has(id)) problems.push(`thresholds.disabled: unknown threshold detection "${id}"`);
  }
  for (const [id, override] of Object.entries(input.overrides ?? {})) {
    if (!known.has(id)) {
      problems.push(`thresholds.overrides: unknown threshold detection "${id}"`);
      continue;
    }
    const base = catalog.find((d) => d.id === id)!;
    problems.push(
      ...limitProblems(
        `thresholds.overrides.${id}`,
        override.threshold ?? base.threshold,
        override.periodSeconds ?? base.periodSeconds,
      ),
    );
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(input.namePrefix)) {
    problems.push(
      `namePrefix: "${input.namePrefix}" may only contain letters, digits, ".", "-" and "_"`,
    );
  }
  const planned = catalog
    .filter((d) => !(input.disabled ?? []).includes(d.id))
    .map((d) => {
      problems.push(...thresholdProblems(d, d.id));
      const override = input.overrides?.[d.id] ?? {};
      const threshold = override.threshold ?? d.threshold;
      const periodSeconds = override.periodSeconds ?? d.periodSeconds;
      const ruleName = `${input.namePrefix}-${d.id}`;
      if (ruleName.length > MAX_INSIGHT_RULE_NAME_LENGTH) {
        problems.push(`namePrefix: rule name "${ruleName}" is longer than 128 characters`);
      }
      return {
        id: d.id,
        ruleName,
        alarmName: ruleName,
        severity: d.severity,
        threshold,
        periodSeconds,
        ruleBody: insightRuleBody(d, input.logGroupName),
        expression: insightAlarmExpression(ruleName),
        description: thresholdAlarmDescription(d, ruleName, threshold, periodSeconds).slice(
          0,
          MAX_ALARM_DESCRIPTION_LENGTH,
        ),
      };
    });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return planned;
}

/** A value at a rule key or filter path (`$.a.b`) of a CloudTrail record, or undefined. */
export function valueAt(record: unknown, jsonPath: string): unknown {
  let current: unknown = record;
  for (const step of jsonPath.replace(/^\$\./, "").split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** Whether one record passes a filter, the way Contributor Insights evaluates it. */
export function passesFilter(record: unknown, filter: InsightFilter): boolean {
  const value = valueAt(record, filter.Match);
  const present = value !== undefined && value !== null;
  if (filter.IsPresent !== undefined) return present === filter.IsPresent;
  if (!present || typeof value === "object") return false;
  if (filter.In) return filter.In.includes(value as string | number);
  if (filter.NotIn) return !filter.NotIn.includes(value as string | number);
  if (filter.StartsWith) return filter.StartsWith.some((p) => String(value).startsWith(p));
  if (filter.EqualTo !== undefined) return value === filter.EqualTo;
  if (filter.NotEqualTo !== undefined) return value !== filter.NotEqualTo;
  if (filter.GreaterThan !== undefined)
    return typeof value === "number" && value > filter.GreaterThan;
  if (filter.LessThan !== undefined) return typeof value === "number" && value < filter.LessThan;
  return false;
}

/**
 * The counts per contributor that a rule body computes over some records (all filters must pass;
 * a record without every key is not counted), busiest first: a local evaluation for tests, the
 * detect CLI and the drill.
 */
export function contributorCounts(
  body: InsightRuleBody,
  records: readonly unknown[],
): [string, number][] {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (!body.Contribution.Filters.every((f) => passesFilter(record, f))) continue;
    const keys = body.Contribution.Keys.map((k) => valueAt(record, k));
    if (keys.some((k) => k === undefined || k === null || typeof k === "object")) continue;
    const key = keys.map(String).join(" ");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** One alarm as the threshold reporter (lambdas/thresholdReporter.ts) reads it: plain data. */
export interface ReportedAlarmData {
  id: string;
  ruleName: string;
  title: string;
  description: string;
  severity: string;
  per: string;
  counted: string;
  threshold: number;
  periodSeconds: number;
  mitre: string[];
  advice: string;
}

/**
 * The reporter's alarm map (alarm name -> what to report) of a plan: the only alarms the
 * reporter answers for.
 */
export function reportedAlarms(
  plan: readonly PlannedThreshold[],
  catalog: readonly ThresholdDetection[] = THRESHOLD_CATALOG,
): Record<string, ReportedAlarmData> {
  const out: Record<string, ReportedAlarmData> = {};
  for (const p of plan) {
    const d = catalog.find((c) => c.id === p.id);
    if (!d) throw new Error(`reportedAlarms: unknown threshold detection "${p.id}"`);
    out[p.alarmName] = {
      id: p.id,
      ruleName: p.ruleName,
      title: d.title,
      description: d.description,
      severity: p.severity,
      per: d.per,
      counted: d.counted,
      threshold: p.threshold,
      periodSeconds: p.periodSeconds,
      mitre: [...d.mitre],
      advice: d.advice,
    };
  }
  return out;
}

/**
 * The EventBridge pattern of the reporter's rule: CloudWatch's state changes of exactly these
 * alarms, into ALARM (OK goes to the resolutions topic by the alarm's own action).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export function alarmStateChangePattern(alarmNames: readonly string[]): Record<string, unknown> {
  return {
    source: ["aws.cloudwatch"],
    "detail-type": ["CloudWatch Alarm State Change"],
    detail: { alarmName: [...alarmNames].sort(), state: { value: ["ALARM"] } },
  };
}

/** What the reporter's role may touch. */
export interface ReporterPolicyInput {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** The group's Contributor Insights rules. */
  readonly ruleNames: readonly string[];
  /** The severity topics the group's alarms use. */
  readonly topicArns: readonly string[];
  /** The function's own log group (without `:*`). */
  readonly logGroupArn: string;
  /** The on-failure queue. */
  readonly failureQueueArn: string;
  /** The topics' customer-managed key, if they are encrypted with one. */
  readonly topicKmsKeyArn?: string;
  /** The report claims table (one report per alarm state change across containers). */
  readonly claimTableArn?: string;
}

/**
 * The reporter role's policy: read the group's rules' reports, publish to the severity topics in
 * use, write its own logs, send to its on-failure queue, and (with a topic key) use the key only
 * through SNS in this region for those topics (`kms:ViaService`,
 * `kms:EncryptionContext:aws:sns:topicArn`). `cloudwatch:GetInsightRuleReport` takes the rule's
 * ARN (`insight-rule/<name>`).
 */
export function thresholdReporterPolicy(input: ReporterPolicyInput): {
  Version: "2012-10-17";
  Statement: Record<string, unknown>[];
} {
  const { partition: p, account: a, region: r } = input;
  const topics = [...new Set(input.topicArns)].sort();
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadRuleReports",
        Effect: "Allow",
        Action: ["cloudwatch:GetInsightRuleReport"],
        Resource: [...input.ruleNames]
          .sort()
          .map((n) => `arn:${p}:cloudwatch:${r}:${a}:insight-rule/${n}`),
      },
      { Sid: "PublishReports", Effect: "Allow", Action: ["sns:Publish"], Resource: topics },
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
        Resource: input.failureQueueArn,
      },
      ...(input.claimTableArn
        ? [
            {
              Sid: "ClaimReports",
              Effect: "Allow",
              Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
              Resource: input.claimTableArn,
            },
          ]
        : []),
      ...(input.topicKmsKeyArn
        ? [
            {
              Sid: "UseTopicKey",
              Effect: "Allow",
              Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
              Resource: input.topicKmsKeyArn,
              Condition: {
                StringEquals: {
                  "kms:ViaService": `sns.${r}.amazonaws.com`,
                  "kms:EncryptionContext:aws:sns:topicArn": topics,
                },
              },
            },
          ]
        : []),
    ],
  };
}
