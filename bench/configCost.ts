/**
 * Monthly list-price cost of AWS Config as ComplianceRecorder deploys it (part of figure 6):
 * configuration items recorded and rule evaluations, for continuous recording, daily recording,
 * and continuous recording with the high-churn types recorded daily (`dailyResourceTypes`),
 * under stated assumptions about the account. The rules come from the mocked build (their
 * triggers and scopes); the recording mode of the build is the dev config's choice.
 *
 * Prices (us-east-1, AWS Config pricing, aws.amazon.com/config/pricing): a configuration item
 * recorded continuously $0.003, one recorded daily $0.012 (at most one per changed resource per
 * day); a rule evaluation $0.001 (first 100,000 a month). Delivery to S3 is not charged by
 * Config (its PUTs are a few hundred a month).
 */
import { Figure, SnapshotResource, table } from "./common";

export const CONFIG_PRICES = {
  continuousItem: 0.003,
  dailyItem: 0.012,
  evaluation: 0.001,
};

/** The account AWS Config records, per region (the dev config's assumptions). */
export interface ConfigAssumptions {
  /** Resources recorded (all supported types), excluding the high-churn ones. */
  readonly resources: number;
  /** Share of them that change on a given day. */
  readonly changedShare: number;
  /** Changes of a resource on a day it changes (each is a configuration item when continuous). */
  readonly changesPerChangedDay: number;
  /** High-churn resources (network interfaces of Lambda functions in a VPC, ...): change every day. */
  readonly churnResources: number;
  readonly churnChangesPerDay: number;
  /** Share of the ordinary configuration items that a change-triggered rule evaluates (security groups, buckets, RDS snapshots). */
  readonly scopedShare: number;
  /** Resources the periodic rules evaluate once a day each, by resource type (account-level rules: 1). */
  readonly periodicTargets: Readonly<Record<string, number>>;
}

export const DEFAULT_CONFIG_ASSUMPTIONS: ConfigAssumptions = {
  resources: 200,
  changedShare: 0.05,
  changesPerChangedDay: 2,
  churnResources: 10,
  churnChangesPerDay: 12,
  scopedShare: 0.15,
  periodicTargets: { "AWS::KMS::Key": 10, "AWS::IAM::User": 20 },
};

export enum ConfigMode {
  Continuous = "continuous",
  Daily = "daily",
  ContinuousChurnDaily = "continuous + high-churn types daily",
}

const DAYS = 365 / 12;

export interface ConfigRuleInventory {
  readonly name: string;
  readonly periodic: boolean;
  readonly scope: readonly string[];
}

/** The Config rules and recorder mode of a build. */
export function configInventory(resources: readonly SnapshotResource[]): {
  rules: ConfigRuleInventory[];
  recordingFrequency?: string;
  dailyOverride: string[];
} {
  const rules = resources
    .filter((r) => r.type === "aws:cfg/rule:Rule")
    .map((r) => ({
      name: r.inputs.name as string,
      periodic: r.inputs.maximumExecutionFrequency !== undefined,
      scope: (r.inputs.scope?.complianceResourceTypes ?? []) as string[],
    }));
  const recorder = resources.find((r) => r.type === "aws:cfg/recorder:Recorder");
  return {
    rules,
    recordingFrequency: recorder?.inputs.recordingMode?.recordingFrequency,
    dailyOverride: recorder?.inputs.recordingMode?.recordingModeOverride?.resourceTypes ?? [],
  };
}

export interface ConfigCost {
  readonly mode: ConfigMode;
  readonly items: number;
  readonly itemsUsd: number;
  readonly evaluations: number;
  readonly evaluationsUsd: number;
  readonly usd: number;
}

/** Items and evaluations per month for one recording mode. */
export function configCost(
  rules: readonly ConfigRuleInventory[],
  mode: ConfigMode,
  a: ConfigAssumptions = DEFAULT_CONFIG_ASSUMPTIONS,
): ConfigCost {
  const changedPerDay = a.resources * a.changedShare;
  const ordinaryContinuous = changedPerDay * a.changesPerChangedDay * DAYS;
  const ordinaryDaily = changedPerDay * DAYS;
  const churnContinuous = a.churnResources * a.churnChangesPerDay * DAYS;
  const churnDaily = a.churnResources * DAYS;
  const [continuousItems, dailyItems] =
    mode === ConfigMode.Continuous
      ? [ordinaryContinuous + churnContinuous, 0]
      : mode === ConfigMode.Daily
        ? [0, ordinaryDaily + churnDaily]
        : [ordinaryContinuous, churnDaily];
  const itemsUsd =
    continuousItems * CONFIG_PRICES.continuousItem + dailyItems * CONFIG_PRICES.dailyItem;
  // Change-triggered rules evaluate the ordinary items in their scope (the high-churn types are
  // in no rule's scope); periodic rules evaluate their targets once a day.
  const ordinaryItems = mode === ConfigMode.Daily ? ordinaryDaily : ordinaryContinuous;
  const changeRules = rules.filter((r) => !r.periodic).length;
  const changeEvaluations = changeRules > 0 ? ordinaryItems * a.scopedShare : 0;
  const periodicEvaluations = rules
    .filter((r) => r.periodic)
    .reduce((sum, r) => {
      const targets = r.scope.length ? r.scope.map((t) => a.periodicTargets[t] ?? 1) : [1];
      const iam = /access-keys-rotated$/.test(r.name)
        ? (a.periodicTargets["AWS::IAM::User"] ?? 1)
        : 0;
      return sum + (iam || targets.reduce((x, y) => x + y, 0)) * DAYS;
    }, 0);
  const evaluations = changeEvaluations + periodicEvaluations;
  const evaluationsUsd = evaluations * CONFIG_PRICES.evaluation;
  return {
    mode,
    items: continuousItems + dailyItems,
    itemsUsd,
    evaluations,
    evaluationsUsd,
    usd: itemsUsd + evaluationsUsd,
  };
}

const usd = (v: number) => `$${v.toFixed(2)}`;

/** The recording mode a build deploys (its recorder's frequency and daily overrides). */
export function builtConfigMode(inv: ReturnType<typeof configInventory>): ConfigMode {
  return inv.recordingFrequency === "DAILY"
    ? ConfigMode.Daily
    : inv.dailyOverride.length
      ? ConfigMode.ContinuousChurnDaily
      : ConfigMode.Continuous;
}

export function runConfigCost(
  resources: readonly SnapshotResource[],
  print: (line: string) => void,
): Figure[] {
  const inv = configInventory(resources);
  if (inv.rules.length === 0) {
    print("AWS Config: not in this build (compliance.enabled false).");
    return [];
  }
  const a = DEFAULT_CONFIG_ASSUMPTIONS;
  print(
    `AWS Config (ComplianceRecorder): ${inv.rules.length} managed rules (${inv.rules.filter((r) => r.periodic).length} periodic, daily), recorder ${inv.recordingFrequency ?? "existing"}${inv.dailyOverride.length ? ` with ${inv.dailyOverride.join(", ")} daily` : ""}.`,
  );
  print(
    `Assumptions: ${a.resources} resources, ${a.changedShare * 100}% change on a given day, ${a.changesPerChangedDay} changes on that day; ${a.churnResources} high-churn resources changing ${a.churnChangesPerDay} times a day; ${a.scopedShare * 100}% of items in a change-triggered rule's scope; periodic targets ${Object.entries(
      a.periodicTargets,
    )
      .map(([t, n]) => `${n} ${t}`)
      .join(
        ", ",
      )}, 1 for account-level rules. Prices: item $${CONFIG_PRICES.continuousItem} continuous, $${CONFIG_PRICES.dailyItem} daily; evaluation $${CONFIG_PRICES.evaluation}.`,
  );
  const rows = Object.values(ConfigMode).map((m) => configCost(inv.rules, m, a));
  print(
    table(
      [
        "recording",
        "items/month",
        "items USD",
        "evaluations/month",
        "evaluations USD",
        "USD/month",
      ],
      rows.map((r) => [
        r.mode,
        Math.round(r.items).toLocaleString("en-US"),
        usd(r.itemsUsd),
        Math.round(r.evaluations).toLocaleString("en-US"),
        usd(r.evaluationsUsd),
        usd(r.usd),
      ]),
    ),
  );
  const cheapest = [...rows].sort((x, y) => x.usd - y.usd)[0];
  const built = builtConfigMode(inv);
  print(
    `Break-even: continuous costs less than daily for a resource that changes fewer than ${CONFIG_PRICES.dailyItem / CONFIG_PRICES.continuousItem} times on the days it changes. Cheapest here: ${cheapest.mode} (${usd(cheapest.usd)}); the dev config records ${built}. One-off at first recording: one item per resource (${usd((a.resources + a.churnResources) * CONFIG_PRICES.continuousItem)} continuous, ${usd((a.resources + a.churnResources) * CONFIG_PRICES.dailyItem)} daily).`,
  );
  return rows.map((r) => ({
    name: `AWS Config, ${r.mode}`,
    figure: `${usd(r.usd)} / account-region-month`,
    target: r.mode === built ? "the dev config's choice: the cheapest" : "-",
    pass: r.mode !== built || r.usd <= cheapest.usd + 1e-9,
  }));
}
