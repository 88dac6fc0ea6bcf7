/**
 * Monthly list-price cost of the default stack per account-region (figure 6): the resource
 * inventory of the mocked build, priced with bench/prices.ts under stated volume assumptions.
 * List prices without any free tier (an account usually spends its free tier elsewhere).
 */
import { Figure, SnapshotResource, table } from "./common";
import { configCost, configInventory, runConfigCost, builtConfigMode } from "./configCost";
import { PRICES, PRICE_LIST_DATE, Price } from "./prices";
import { CriticalAlertSizes, criticalAlertSizes } from "./smsParts";

export const COST_TARGET_USD = 5;

/** What the build deploys that costs money. */
export interface Inventory {
  readonly metricAlarms: number;
  readonly compositeAlarms: number;
  /** Contributor Insights rules (threshold detections) on the trail's log group. */
  readonly contributorRules: number;
  readonly kmsKeys: number;
  /** Customer managed keys with automatic yearly rotation (each of the first two rotations adds a key-month price). */
  readonly rotatingKmsKeys?: number;
  readonly metricFilters: number;
  /** Metric filters with a default value publish a data point every hour: billed all month. */
  readonly metricFiltersWithDefault: number;
  readonly trails: number;
  /** Insights types of the trail (0, 1 or 2); `ApiErrorRateInsight` present. */
  readonly insightTypes: readonly string[];
  /** Whether the trail records read-only management events as well (readWriteType All). */
  readonly readEvents: boolean;
  readonly dataEvents: boolean;
  readonly trailToCloudWatchLogs: boolean;
  /** Retention of the trail's log group, days. */
  readonly logRetentionDays: number;
  /** Days before trail log files expire, and the lifecycle transitions (IA, Glacier) if any. */
  readonly bucketRetentionDays: number;
  readonly iaAfterDays?: number;
  readonly glacierAfterDays?: number;
  readonly functions: number;
  readonly functionMemoryMb: number;
  readonly queues: number;
  readonly forwardingRules: number;
  readonly detectionRules: number;
  readonly emailSubscriptions: number;
  readonly smsSubscriptions: number;
  readonly httpsSubscriptions: number;
  readonly alertTopics: number;
  /** CloudWatch dashboards (OperationsDashboard). */
  readonly dashboards?: number;
  /** Saved Logs Insights queries (free; listed so the report shows them). */
  readonly queryDefinitions?: number;
  /** EventBridge archives and the retention of the first, days (0: indefinitely). */
  readonly archives?: number;
  readonly archiveRetentionDays?: number;
  /** Chatbot channel configurations (Slack, Teams) and the functions' on-success destinations. */
  readonly chatChannels?: number;
  readonly successDestinations?: number;
  /** AWS Config as the build records it (ComplianceRecorder), priced by bench/configCost.ts. */
  readonly configRecording?: { readonly mode: string; readonly usd: number };
}

/** Counts the inventory from the resources of a build. */
export function inventoryOf(resources: readonly SnapshotResource[]): Inventory {
  const of = (type: string): SnapshotResource[] => resources.filter((r) => r.type === type);
  const trails = of("aws:cloudtrail/trail:Trail");
  const trail = trails[0]?.inputs ?? {};
  const trailLogGroup = of("aws:cloudwatch/logGroup:LogGroup").find((g) =>
    (g.parent ?? "").startsWith("aws-security-watch:index:AuditTrail::"),
  );
  const lifecycle = of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find(
    (l) => !/access-log/.test(l.name),
  );
  const rule = lifecycle?.inputs?.rules?.[0] ?? {};
  const transition = (cls: string): number | undefined =>
    (rule.transitions ?? []).find((t: { storageClass: string }) => t.storageClass === cls)?.days;
  const subs = of("aws:sns/topicSubscription:TopicSubscription");
  const protocol = (p: string): number => subs.filter((s) => s.inputs.protocol === p).length;
  const filters = of("aws:cloudwatch/logMetricFilter:LogMetricFilter");
  const rules = of("aws:cloudwatch/eventRule:EventRule");
  const functions = of("aws:lambda/function:Function");
  const selectors: { readWriteType?: string; dataResources?: unknown[] }[] =
    trail.eventSelectors ?? [];
  return {
    metricAlarms: of("aws:cloudwatch/metricAlarm:MetricAlarm").length,
    compositeAlarms: of("aws:cloudwatch/compositeAlarm:CompositeAlarm").length,
    contributorRules: of("aws:cloudwatch/contributorInsightRule:ContributorInsightRule").length,
    kmsKeys: of("aws:kms/key:Key").length,
    rotatingKmsKeys: of("aws:kms/key:Key").filter((k) => k.inputs.enableKeyRotation === true)
      .length,
    metricFilters: filters.length,
    metricFiltersWithDefault: filters.filter(
      (f) => f.inputs.metricTransformation?.defaultValue !== undefined,
    ).length,
    trails: trails.length,
    insightTypes: (trail.insightSelectors ?? []).map((s: { insightType: string }) => s.insightType),
    readEvents: selectors.some((s) => (s.readWriteType ?? "All") !== "WriteOnly"),
    dataEvents:
      selectors.some((s) => (s.dataResources ?? []).length > 0) ||
      (trail.advancedEventSelectors ?? []).length > 0,
    trailToCloudWatchLogs: Boolean(trail.cloudWatchLogsGroupArn),
    logRetentionDays: trailLogGroup?.inputs.retentionInDays ?? 0,
    bucketRetentionDays: rule.expiration?.days ?? 0,
    iaAfterDays: transition("STANDARD_IA"),
    glacierAfterDays: transition("GLACIER"),
    functions: functions.length,
    functionMemoryMb: functions[0]?.inputs.memorySize ?? 128,
    queues: of("aws:sqs/queue:Queue").length,
    forwardingRules: rules.filter((r) => /-fwd-/.test(r.name)).length,
    detectionRules: rules.filter((r) => !/-fwd-/.test(r.name)).length,
    emailSubscriptions: protocol("email"),
    smsSubscriptions: protocol("sms"),
    httpsSubscriptions: protocol("https"),
    alertTopics: of("aws:sns/topic:Topic").length,
    dashboards: of("aws:cloudwatch/dashboard:Dashboard").length,
    queryDefinitions: of("aws:cloudwatch/queryDefinition:QueryDefinition").length,
    archives: of("aws:cloudwatch/eventArchive:EventArchive").length,
    archiveRetentionDays:
      of("aws:cloudwatch/eventArchive:EventArchive")[0]?.inputs.retentionDays ?? 0,
    chatChannels:
      of("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration").length +
      of("aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration").length,
    successDestinations: of(
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    ).filter((c) => c.inputs.destinationConfig?.onSuccess !== undefined).length,
  };
}

/** The usage the estimate assumes (one account, one month). */
export interface Assumptions {
  /** Management events CloudTrail records in the account (all regions). */
  readonly managementEventsPerMonth: number;
  /** Share of them that are write (mutating) events. */
  readonly writeShare: number;
  /** Size of one CloudTrail record as ingested by CloudWatch Logs, bytes. */
  readonly bytesPerEvent: number;
  /** gzip ratio of the records (S3 log files, CloudWatch Logs archive). */
  readonly compressionRatio: number;
  /** Regions with activity (a log file every 5 minutes each) and regions enabled (a digest file an hour each). */
  readonly activeRegions: number;
  readonly enabledRegions: number;
  /** Share of hours in which a CIS metric filter without default value publishes a data point. */
  readonly metricFilterDataHourShare: number;
  /** Alerts delivered per month (all alert topics), of which critical (SMS). */
  readonly alertsPerMonth: number;
  readonly criticalAlertsPerMonth: number;
  /** Remediation invocations per month, their duration (s) and log bytes each. */
  readonly remediationsPerMonth: number;
  readonly remediationSeconds: number;
  readonly remediationLogBytes: number;
  /** Global-service events that match a global detection and are forwarded from us-east-1. */
  readonly forwardedEventsPerMonth: number;
  /** KMS requests: one data key per CloudTrail log file, plus this many others. */
  readonly otherKmsRequests: number;
  /** Events the archive's pattern matches, and their size on the bus (bytes). */
  readonly archivedEventsPerMonth: number;
  readonly bytesPerArchivedEvent: number;
  /**
   * The year of the keys' life priced: a rotating key costs one key-month price more after each
   * of its first two yearly rotations (year 1: x1, year 2: x2, year 3 on: x3).
   */
  readonly kmsKeyYear: number;
  /** SMS parts (140 bytes each, billed one message each) per critical alert and number. */
  readonly smsPartsPerAlert: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  managementEventsPerMonth: 1_000_000,
  writeShare: 0.2,
  bytesPerEvent: 1500,
  compressionRatio: 10,
  activeRegions: 4,
  enabledRegions: 17,
  metricFilterDataHourShare: 0.1,
  alertsPerMonth: 300,
  criticalAlertsPerMonth: 10,
  remediationsPerMonth: 30,
  remediationSeconds: 1,
  remediationLogBytes: 3000,
  forwardedEventsPerMonth: 10_000,
  otherKmsRequests: 10_000,
  archivedEventsPerMonth: 100_000,
  bytesPerArchivedEvent: 2000,
  // From year 3 on: the price every month after the keys' second rotation.
  kmsKeyYear: 3,
  // runCost replaces it with the median of the real critical alerts (bench/smsParts.ts).
  smsPartsPerAlert: 1,
};

export interface LineItem {
  readonly service: string;
  readonly item: string;
  readonly quantity: string;
  readonly usd: number;
  /** Which stack setting drives this line, if one does. */
  readonly driver?: string;
}

const GB = 1024 ** 3;
const DAYS_PER_MONTH = 365 / 12;

/** GB-months stored at steady state of data arriving at `gbPerMonth` and kept `fromDay`-`toDay` days. */
function steadyGbMonths(gbPerMonth: number, fromDay: number, toDay: number): number {
  return Math.max(0, gbPerMonth * ((toDay - fromDay) / DAYS_PER_MONTH));
}

/** What every group of cost lines is computed from. */
interface CostBasis {
  readonly inv: Inventory;
  readonly a: Assumptions;
  readonly p: (name: keyof typeof PRICES) => number;
  readonly writes: number;
  readonly reads: number;
  readonly recorded: number;
  /** CloudTrail log files a month (one per active region every 5 minutes). */
  readonly logFiles: number;
  readonly rawGb: number;
  readonly compressedGb: number;
}

/** CloudWatch: the alarms, the Contributor Insights rules, the CIS metric filters' metrics. */
function cloudWatchLines(b: CostBasis): LineItem[] {
  const { inv, a, p, recorded } = b;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  add({
    service: "CloudWatch",
    item: "standard metric alarms",
    quantity: `${inv.metricAlarms} alarms`,
    usd: inv.metricAlarms * p("standardAlarm"),
  });
  add({
    service: "CloudWatch",
    item: "composite alarms",
    quantity: `${inv.compositeAlarms} alarms`,
    usd: inv.compositeAlarms * p("compositeAlarm"),
  });
  // Upper bound: every rule is charged as if it matched every event the trail delivers.
  const matched = inv.trailToCloudWatchLogs ? inv.contributorRules * recorded : 0;
  add({
    service: "CloudWatch",
    item: "Contributor Insights rules (threshold detections)",
    quantity: `${inv.contributorRules} rules, at most ${(matched / 1_000_000).toFixed(1)} M events matched`,
    usd:
      inv.contributorRules * p("contributorInsightsRule") +
      (matched / 1_000_000) * p("contributorInsightsEvents"),
    driver: "thresholds.enabled",
  });
  const filterMetricMonths =
    inv.metricFiltersWithDefault +
    (inv.metricFilters - inv.metricFiltersWithDefault) * a.metricFilterDataHourShare;
  add({
    service: "CloudWatch",
    item: "custom metrics of the CIS metric filters",
    quantity: `${inv.metricFilters} metrics, ${filterMetricMonths.toFixed(1)} metric-months`,
    usd: filterMetricMonths * p("customMetric"),
  });
  return lines;
}

/** KMS: the customer managed keys and their requests. */
function kmsLines(b: CostBasis): LineItem[] {
  const { inv, a, p, logFiles } = b;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  const rotating = Math.min(inv.rotatingKmsKeys ?? 0, inv.kmsKeys);
  const rotations = Math.max(0, Math.min(2, Math.floor(a.kmsKeyYear) - 1));
  add({
    service: "KMS",
    item: `customer managed keys (year ${a.kmsKeyYear}${a.kmsKeyYear >= 3 ? " on" : ""}; ${rotating} rotating yearly)`,
    quantity: `${inv.kmsKeys} keys, ${inv.kmsKeys + rotating * rotations} key-months`,
    usd: (inv.kmsKeys + rotating * rotations) * p("kmsKey"),
    driver: "key rotation (each of the first two yearly rotations adds $1/month)",
  });
  const kmsRequests = logFiles + a.otherKmsRequests;
  add({
    service: "KMS",
    item: "requests (a data key per trail log file, plus others)",
    quantity: `${Math.round(kmsRequests).toLocaleString("en-US")} requests`,
    usd: (kmsRequests / 10_000) * p("kmsRequests"),
  });
  return lines;
}

/** CloudTrail: the first copy of the management events, and Insights. */
function cloudTrailLines(b: CostBasis): LineItem[] {
  const { inv, p, writes, reads, recorded } = b;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  add({
    service: "CloudTrail",
    item: "management events, first copy",
    quantity: `${recorded.toLocaleString("en-US")} events`,
    usd: 0,
  });
  const callRate = inv.insightTypes.includes("ApiCallRateInsight");
  const errorRate = inv.insightTypes.includes("ApiErrorRateInsight");
  const analysed = (callRate ? writes : 0) + (errorRate ? writes + reads : 0);
  add({
    service: "CloudTrail",
    item: `Insights (${inv.insightTypes.join(" + ") || "off"})`,
    quantity: `${analysed.toLocaleString("en-US")} events analysed`,
    usd: (analysed / 100_000) * p("insightsEvents"),
    driver: "trail.insights",
  });
  return lines;
}

/** CloudWatch Logs: the trail's events (when sent to Logs) and the remediations' logs. */
function logsLines(b: CostBasis): LineItem[] {
  const { inv, a, p, rawGb, compressedGb } = b;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  if (inv.trailToCloudWatchLogs) {
    add({
      service: "CloudWatch Logs",
      item: "trail events ingested",
      quantity: `${rawGb.toFixed(2)} GB`,
      usd: rawGb * p("logsIngestion"),
      driver: "trail events volume (all management events, read included)",
    });
    add({
      service: "CloudWatch Logs",
      item: `trail log group storage (${inv.logRetentionDays} days, steady state)`,
      quantity: `${steadyGbMonths(compressedGb, 0, inv.logRetentionDays).toFixed(2)} GB`,
      usd: steadyGbMonths(compressedGb, 0, inv.logRetentionDays) * p("logsStorage"),
      driver: "trail.logRetentionDays",
    });
  }
  const lambdaLogGb = (a.remediationsPerMonth * a.remediationLogBytes) / GB;
  add({
    service: "CloudWatch Logs",
    item: "remediation logs ingested",
    quantity: `${(lambdaLogGb * 1024).toFixed(2)} MB`,
    usd: lambdaLogGb * p("logsIngestion"),
  });
  return lines;
}

/** S3: the trail's log files and their PUTs. */
function s3Lines(b: CostBasis): LineItem[] {
  const { inv, a, p, logFiles, compressedGb } = b;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  const expire = inv.bucketRetentionDays;
  const ia = Math.min(inv.iaAfterDays ?? expire, expire);
  const glacier = Math.min(inv.glacierAfterDays ?? expire, expire);
  const standardGb = steadyGbMonths(compressedGb, 0, ia);
  const iaGb = steadyGbMonths(compressedGb, ia, glacier);
  const glacierGb = steadyGbMonths(compressedGb, glacier, expire);
  add({
    service: "S3",
    item: `trail log files (${expire} days; IA after ${ia}, Glacier after ${glacier}; steady state)`,
    quantity: `${standardGb.toFixed(2)} + ${iaGb.toFixed(2)} + ${glacierGb.toFixed(2)} GB`,
    usd: standardGb * p("s3Storage") + iaGb * p("s3StandardIa") + glacierGb * p("s3Glacier"),
    driver: "trail.bucketRetentionDays",
  });
  const digests = inv.trails > 0 ? a.enabledRegions * 24 * DAYS_PER_MONTH : 0;
  add({
    service: "S3",
    item: "PUT of log files and digest files",
    quantity: `${Math.round(logFiles + digests).toLocaleString("en-US")} PUTs`,
    usd: ((logFiles + digests) / 1000) * p("s3Put"),
  });
  return lines;
}

/** EventBridge rules, SNS notifications and the Lambda functions. */
function eventsAndNotificationLines(b: CostBasis): LineItem[] {
  const { inv, a, p } = b;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  add({
    service: "EventBridge",
    item: `${inv.detectionRules} detection rules on CloudTrail events (default bus)`,
    quantity: "AWS service events",
    usd: 0,
  });
  add({
    service: "EventBridge",
    item: `${inv.forwardingRules} forwarding rules us-east-1 -> home region`,
    quantity: `${a.forwardedEventsPerMonth.toLocaleString("en-US")} events`,
    usd: (a.forwardedEventsPerMonth / 1_000_000) * p("eventBridgeCrossRegion"),
    driver: "detections.forwardGlobalEvents",
  });
  const publishes = a.alertsPerMonth + a.remediationsPerMonth;
  const perTopic = (n: number): number => n / Math.max(1, inv.alertTopics);
  const emails = publishes * perTopic(inv.emailSubscriptions);
  const https = publishes * perTopic(inv.httpsSubscriptions);
  const sms = a.criticalAlertsPerMonth * inv.smsSubscriptions;
  const smsBilled = sms * a.smsPartsPerAlert;
  add({
    service: "SNS",
    item: "publishes, email and HTTPS notifications",
    quantity: `${publishes} publishes, ${Math.round(emails)} emails, ${Math.round(https)} HTTPS`,
    usd:
      (publishes / 1_000_000) * p("snsPublish") +
      (emails / 100_000) * p("snsEmail") +
      (https / 1_000_000) * p("snsHttps"),
  });
  add({
    service: "SNS",
    item: `SMS to the critical topic's numbers (${a.smsPartsPerAlert} parts of 140 bytes per alert)`,
    quantity: `${sms} alerts, ${smsBilled} billed SMS parts`,
    usd: smsBilled * p("snsSms"),
    driver: "alerts.sms",
  });
  const gbSeconds = a.remediationsPerMonth * a.remediationSeconds * (inv.functionMemoryMb / 1024);
  add({
    service: "Lambda",
    // The threshold reporter runs once per threshold alarm (a few times a month at most): its
    // invocations are within the remediations' rounding; every function idle costs nothing.
    item: `${inv.functions} functions (remediations${inv.contributorRules > 0 ? ", threshold reporter" : ""})`,
    quantity: `${a.remediationsPerMonth} invocations, ${gbSeconds.toFixed(1)} GB-s`,
    usd:
      (a.remediationsPerMonth / 1_000_000) * p("lambdaRequests") + gbSeconds * p("lambdaGbSecond"),
  });
  return lines;
}

/** What the stack may switch on: dashboards, the archive, chat, AWS Config; and the queues. */
function optionalLines(b: CostBasis): LineItem[] {
  const { inv, a, p } = b;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  const dashboards = inv.dashboards ?? 0;
  if (dashboards > 0 || (inv.queryDefinitions ?? 0) > 0) {
    add({
      service: "CloudWatch",
      item: `${dashboards} dashboard(s), ${inv.queryDefinitions ?? 0} saved Logs Insights queries (free)`,
      quantity: `${dashboards} dashboard-months`,
      usd: dashboards * p("dashboard"),
      driver: "operations.dashboard",
    });
  }
  if ((inv.archives ?? 0) > 0) {
    const archivedGb = (a.archivedEventsPerMonth * a.bytesPerArchivedEvent) / GB;
    const retention = inv.archiveRetentionDays || 365 * 7; // 0 keeps events: count 7 years
    const storedGb = steadyGbMonths(archivedGb, 0, retention);
    add({
      service: "EventBridge",
      item: `archive of the detections' events (${inv.archiveRetentionDays || "indefinite"} days, steady state)`,
      quantity: `${a.archivedEventsPerMonth.toLocaleString("en-US")} events, ${archivedGb.toFixed(2)} GB in, ${storedGb.toFixed(2)} GB stored`,
      usd: archivedGb * p("eventArchiveIngestion") + storedGb * p("eventArchiveStorage"),
      driver: "operations.archive, operations.archiveRetentionDays",
    });
  }
  if ((inv.chatChannels ?? 0) > 0 || (inv.successDestinations ?? 0) > 0) {
    add({
      service: "EventBridge",
      item: `chat: ${inv.chatChannels ?? 0} Chatbot channel(s) (free), remediation results to the bus`,
      quantity: `${a.remediationsPerMonth} result events, ${a.alertsPerMonth + a.remediationsPerMonth} chat publishes`,
      usd:
        (a.remediationsPerMonth / 1_000_000) * p("eventBridgeCustomEvents") +
        ((a.alertsPerMonth + a.remediationsPerMonth) / 1_000_000) * p("snsPublish"),
      driver: "chat.slack, chat.teams",
    });
  }
  if (inv.configRecording !== undefined) {
    add({
      service: "AWS Config",
      item: `configuration items and rule evaluations (${inv.configRecording.mode})`,
      quantity: "bench/configCost.ts assumptions",
      usd: inv.configRecording.usd,
      driver: "compliance.enabled, compliance.recordingFrequency",
    });
  }
  add({
    service: "SQS",
    item: `${inv.queues} dead-letter / on-failure queues (idle; alarms read free AWS/SQS metrics)`,
    quantity: "0 requests",
    usd: 0,
  });
  return lines;
}

/** The monthly cost lines of an inventory under the assumptions. */
export function monthlyCost(
  inv: Inventory,
  a: Assumptions = DEFAULT_ASSUMPTIONS,
  prices: Record<keyof typeof PRICES, Price> = PRICES,
): LineItem[] {
  const p = (name: keyof typeof PRICES): number => prices[name].usd;
  const writes = a.managementEventsPerMonth * a.writeShare;
  const reads = inv.readEvents ? a.managementEventsPerMonth - writes : 0;
  const recorded = writes + reads;
  const logFiles = inv.trails > 0 ? a.activeRegions * 12 * 24 * DAYS_PER_MONTH : 0;
  const rawGb = (recorded * a.bytesPerEvent) / GB;
  const compressedGb = rawGb / a.compressionRatio;
  const b: CostBasis = { inv, a, p, writes, reads, recorded, logFiles, rawGb, compressedGb };
  return [
    ...cloudWatchLines(b),
    ...kmsLines(b),
    ...cloudTrailLines(b),
    ...logsLines(b),
    ...s3Lines(b),
    ...eventsAndNotificationLines(b),
    ...optionalLines(b),
  ];
}

export const total = (lines: readonly LineItem[]): number =>
  lines.reduce((sum, l) => sum + l.usd, 0);

export const usd = (value: number): string =>
  value === 0 ? "$0" : value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;

/** What the cost part records in bench/results/cost-model.json (rendered by `npm run docs`). */
export interface CostData extends Record<string, unknown> {
  readonly inventory: Inventory;
  readonly assumptions: Assumptions;
  readonly sms: CriticalAlertSizes;
  readonly lines: readonly LineItem[];
  /** Totals of the dev config by scenario, USD per account-region-month. */
  readonly totals: Readonly<Record<string, number>>;
}

/** The cost part's figures (printed, with every price, assumption and line). */
export function runCost(
  resources: readonly SnapshotResource[],
  print: (line: string) => void,
): Figure[] {
  return costRun(resources, print).figures;
}

/** The cost model of a build: what bench/results/cost-model.json holds for the docs. */
export function costModel(resources: readonly SnapshotResource[]): CostData {
  return costRun(resources, () => undefined).data;
}

function costRun(
  resources: readonly SnapshotResource[],
  print: (line: string) => void,
): { figures: Figure[]; data: CostData } {
  const config = configInventory(resources);
  const configRecording =
    config.rules.length === 0
      ? undefined
      : (() => {
          const mode = builtConfigMode(config);
          return { mode, usd: configCost(config.rules, mode).usd };
        })();
  const inventory: Inventory = { ...inventoryOf(resources), configRecording };
  const sms = criticalAlertSizes();
  const assumptions: Assumptions = { ...DEFAULT_ASSUMPTIONS, smsPartsPerAlert: sms.medianParts };
  const cost = (inv: Inventory, a: Assumptions = assumptions): LineItem[] => monthlyCost(inv, a);
  const asBuilt = cost(inventory);
  const insightsLabel = inventory.insightTypes.length ? "Insights on" : "Insights off";
  const withInsights = cost({
    ...inventory,
    insightTypes: ["ApiCallRateInsight", "ApiErrorRateInsight"],
  });
  const lightest = cost({ ...inventory, insightTypes: [], compositeAlarms: 0 });
  // Each threshold detection is one Contributor Insights rule and one alarm.
  const noThresholds = cost({
    ...inventory,
    contributorRules: 0,
    metricAlarms: inventory.metricAlarms - inventory.contributorRules,
  });
  const noConfig = cost({ ...inventory, configRecording: undefined });
  const year1 = cost(inventory, { ...assumptions, kmsKeyYear: 1 });
  const year2 = cost(inventory, { ...assumptions, kmsKeyYear: 2 });
  print(
    `Method: the resource inventory of the mocked build of Pulumi.dev.yaml, priced at us-east-1 list prices (price list of ${PRICE_LIST_DATE}), no free tier, one stack per account (its trail is multi-region: a second stack in another region would pay a second copy of management events at $2.00/100,000). AWS Config, when the build records it, is priced by bench/configCost.ts (below) and included. KMS keys are priced from year ${assumptions.kmsKeyYear} on (rotation adds a key-month after each of the first two rotations). SMS: ${sms.alerts} critical alerts rendered on real records are ${sms.minBytes}-${sms.maxBytes} bytes (median ${sms.medianBytes}), billed ${assumptions.smsPartsPerAlert} parts of 140 bytes each (median).`,
  );
  print("Prices used:");
  print(
    table(
      ["price", "USD", "unit", "source", "checked"],
      Object.entries(PRICES).map(([name, price]) => [
        name,
        String(price.usd),
        price.unit,
        price.source,
        price.checked ? "yes" : "not re-checked",
      ]),
    ),
  );
  print("Assumptions:");
  for (const [key, value] of Object.entries(assumptions)) {
    print(`  ${key}: ${value}`);
  }
  print(
    table(
      ["service", "item", "quantity", "USD/month", "driven by"],
      asBuilt.map((l) => [l.service, l.item, l.quantity, usd(l.usd), l.driver ?? ""]),
    ),
  );
  const a = total(asBuilt);
  const b = total(withInsights);
  const c = total(lightest);
  const d = total(noThresholds);
  const top = [...asBuilt].sort((x, y) => y.usd - x.usd).slice(0, 4);
  print(
    `Total: ${usd(a)} per account-region-month with the dev config (${insightsLabel}; keys in year ${assumptions.kmsKeyYear} on), ${usd(total(year1))} in the keys' first year, ${usd(total(year2))} in their second; ${usd(b)} with both Insights types on; ${usd(c)} without Insights and without the default composite alarms (alarms.includeDefaultComposites: false); ${usd(d)} without the ${inventory.contributorRules} threshold detections (thresholds.enabled: false); ${usd(total(noConfig))} without AWS Config. Largest lines: ${top.map((l) => `${l.service} ${l.item} ${usd(l.usd)}`).join("; ")}.`,
  );
  const configFigures = runConfigCost(resources, print);
  const row = (name: string, value: number): Figure => ({
    name,
    figure: `${usd(value)} / account-region-month`,
    target: `<= $${COST_TARGET_USD}`,
    pass: value <= COST_TARGET_USD,
  });
  const figures: Figure[] = [
    ...configFigures,
    row(`monthly list price, dev config (${insightsLabel}; keys from year 3)`, a),
    row("monthly list price, dev config, the keys' first year", total(year1)),
    row("monthly list price, dev config, the keys' second year", total(year2)),
    row("monthly list price, + Insights (both types)", b),
    row("monthly list price, no threshold detections", d),
    row("monthly list price, no default composites", c),
    row("monthly list price, no AWS Config", total(noConfig)),
  ];
  return {
    figures,
    data: {
      inventory,
      assumptions,
      sms,
      lines: asBuilt,
      totals: {
        devConfig: a,
        keysYear1: total(year1),
        keysYear2: total(year2),
        withInsights: b,
        noThresholds: d,
        noDefaultComposites: c,
        noConfig: total(noConfig),
      },
    },
  };
}
