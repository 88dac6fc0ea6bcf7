/**
 * Monthly list-price cost of the default stack per account-region (figure 6): the resource
 * inventory of the mocked build, priced with bench/prices.ts under stated volume assumptions.
 * List prices without any free tier (an account usually spends its free tier elsewhere).
 */
import { Figure, SnapshotResource, table } from "./common";
import { runConfigCost } from "./configCost";
import { PRICES, PRICE_LIST_DATE, Price } from "./prices";

export const COST_TARGET_USD = 5;

/** What the build deploys that costs money. */
export interface Inventory {
  readonly metricAlarms: number;
  readonly compositeAlarms: number;
  /** Contributor Insights rules (threshold detections) on the trail's log group. */
  readonly contributorRules: number;
  readonly kmsKeys: number;
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

/** The monthly cost lines of an inventory under the assumptions. */
export function monthlyCost(
  inv: Inventory,
  a: Assumptions = DEFAULT_ASSUMPTIONS,
  prices: Record<keyof typeof PRICES, Price> = PRICES,
): LineItem[] {
  const p = (name: keyof typeof PRICES): number => prices[name].usd;
  const lines: LineItem[] = [];
  const add = (line: LineItem): void => {
    lines.push(line);
  };
  const writes = a.managementEventsPerMonth * a.writeShare;
  const reads = inv.readEvents ? a.managementEventsPerMonth - writes : 0;
  const recorded = writes + reads;

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
  add({
    service: "KMS",
    item: "customer managed keys",
    quantity: `${inv.kmsKeys} keys`,
    usd: inv.kmsKeys * p("kmsKey"),
  });
  const logFiles = inv.trails > 0 ? a.activeRegions * 12 * 24 * DAYS_PER_MONTH : 0;
  const kmsRequests = logFiles + a.otherKmsRequests;
  add({
    service: "KMS",
    item: "requests (a data key per trail log file, plus others)",
    quantity: `${Math.round(kmsRequests).toLocaleString("en-US")} requests`,
    usd: (kmsRequests / 10_000) * p("kmsRequests"),
  });
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
  const rawGb = (recorded * a.bytesPerEvent) / GB;
  const compressedGb = rawGb / a.compressionRatio;
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
    item: "SMS to the critical topic's numbers",
    quantity: `${sms} SMS`,
    usd: sms * p("snsSms"),
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
  add({
    service: "SQS",
    item: `${inv.queues} dead-letter / on-failure queues (idle; alarms read free AWS/SQS metrics)`,
    quantity: "0 requests",
    usd: 0,
  });
  return lines;
}

export const total = (lines: readonly LineItem[]): number =>
  lines.reduce((sum, l) => sum + l.usd, 0);

export const usd = (value: number): string =>
  value === 0 ? "$0" : value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;

export function runCost(
  resources: readonly SnapshotResource[],
  print: (line: string) => void,
): Figure[] {
  const inventory = inventoryOf(resources);
  const asBuilt = monthlyCost(inventory);
  const insightsLabel = inventory.insightTypes.length ? "Insights on" : "Insights off";
  const withInsights = monthlyCost({
    ...inventory,
    insightTypes: ["ApiCallRateInsight", "ApiErrorRateInsight"],
  });
  const lightest = monthlyCost({ ...inventory, insightTypes: [], compositeAlarms: 0 });
  // Each threshold detection is one Contributor Insights rule and one alarm.
  const noThresholds = monthlyCost({
    ...inventory,
    contributorRules: 0,
    metricAlarms: inventory.metricAlarms - inventory.contributorRules,
  });
  print(
    `Method (AWS Config apart, below): the resource inventory of the mocked build of Pulumi.dev.yaml, priced at us-east-1 list prices (price list of ${PRICE_LIST_DATE}), no free tier, one stack per account (its trail is multi-region: a second stack in another region would pay a second copy of management events at $2.00/100,000).`,
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
  for (const [key, value] of Object.entries(DEFAULT_ASSUMPTIONS)) {
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
    `Total: ${usd(a)} per account-region-month with the dev config (${insightsLabel}); ${usd(b)} with both Insights types on; ${usd(c)} without Insights and without the default composite alarms (alarms.includeDefaultComposites: false); ${usd(d)} without the ${inventory.contributorRules} threshold detections (thresholds.enabled: false). Largest lines: ${top.map((l) => `${l.service} ${l.item} ${usd(l.usd)}`).join("; ")}.`,
  );
  const config = runConfigCost(resources, print);
  return [
    ...config,
    {
      name: `monthly list price, dev config (${insightsLabel})`,
      figure: `${usd(a)} / account-region-month`,
      target: `<= $${COST_TARGET_USD}`,
      pass: a <= COST_TARGET_USD,
    },
    {
      name: "monthly list price, + Insights (both types)",
      figure: `${usd(b)} / account-region-month`,
      target: `<= $${COST_TARGET_USD}`,
      pass: b <= COST_TARGET_USD,
    },
    {
      name: "monthly list price, no threshold detections",
      figure: `${usd(d)} / account-region-month`,
      target: `<= $${COST_TARGET_USD}`,
      pass: d <= COST_TARGET_USD,
    },
    {
      name: "monthly list price, no default composites",
      figure: `${usd(c)} / account-region-month`,
      target: `<= $${COST_TARGET_USD}`,
      pass: c <= COST_TARGET_USD,
    },
  ];
}
