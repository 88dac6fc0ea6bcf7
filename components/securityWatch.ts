/**
 * SecurityWatch: the whole chain for one account and region in one component, every part
 * switchable; in hub mode (`organization`) the hub of an organization. Its arguments are the keys
 * of `Pulumi.<stack>.yaml` (components/securityWatchArgs.ts): the stack program reads the
 * configuration and constructs it.
 *
 *   API call -> CloudTrail (AuditTrail) -> EventBridge rules (SecurityRuleWatcher) -> SNS alerts
 *                                                                  '-> Lambda (AutoRemediator)
 *            -> CloudWatch Logs -> CIS metric filters, alarms, composites (CompositeAlarmGroup)
 */
import * as pulumi from "@pulumi/pulumi";
import { resolveSpec, specProblems } from "../core/configSpec";
import { hubBusPolicyProblems } from "../core/org/busPolicy";
import { RemediationGroupArgs } from "./autoRemediator";
import type { WebhooksArgs } from "./webhookNotifier";
import {
  SecurityWatchArgs,
  TopicSubscriptionsArgs,
  WATCH_SPEC,
  WatchAlarmsArgs,
  WatchAlertsArgs,
  WatchChatArgs,
  WatchComplianceArgs,
  WatchDetectionsArgs,
  WatchOperationsArgs,
  WatchOrganizationArgs,
  WatchThresholdsArgs,
  WatchTrailArgs,
} from "./securityWatchArgs";
import * as parts from "./securityWatchParts";

export * from "./securityWatchArgs";

type Settled<T> = { readonly [K in keyof T]-?: NonNullable<T[K]> };

/** The arguments with every default applied (WATCH_SPEC's), as the builders read them. */
export interface WatchSettings {
  readonly homeRegion?: string;
  readonly alerts: Settled<Omit<WatchAlertsArgs, "topics">> & {
    readonly topics: Record<string, Settled<TopicSubscriptionsArgs>>;
  };
  readonly trail: Settled<Omit<WatchTrailArgs, "organizationId">> &
    Pick<WatchTrailArgs, "organizationId">;
  readonly detections: Settled<WatchDetectionsArgs>;
  readonly alarms: Settled<WatchAlarmsArgs>;
  readonly thresholds: Settled<WatchThresholdsArgs>;
  /** AutoRemediator's settings as given: its own defaults apply. */
  readonly remediation: RemediationGroupArgs;
  readonly operations: Settled<WatchOperationsArgs>;
  readonly chat: Settled<Omit<WatchChatArgs, "slack" | "teams">> &
    Pick<WatchChatArgs, "slack" | "teams">;
  readonly compliance: Settled<WatchComplianceArgs>;
  readonly webhooks?: WebhooksArgs;
  readonly organization?: Settled<Omit<WatchOrganizationArgs, "trailLogGroupName">> &
    Pick<WatchOrganizationArgs, "trailLogGroupName">;
  readonly spokeRegions: string[];
  readonly tags: Record<string, string>;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Two values of one list that would make the same subscription label (one would be lost). */
function labelProblems(path: string, values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const value of values.filter((v): v is string => typeof v === "string")) {
    const label = parts.subscriptionLabel(value);
    const first = seen.get(label);
    if (first === undefined) seen.set(label, value);
    else if (first !== value) {
      problems.push(
        `${path}: "${first}" and "${value}" both make the subscription label "${label}"; keep one of them`,
      );
    }
  }
  return problems;
}

/** The checks across keys (after each key's own, which WATCH_SPEC makes). */
function crossProblems(args: Record<string, unknown>, at: (key: string) => string): string[] {
  const problems: string[] = [];
  const alerts = isMap(args.alerts) ? args.alerts : {};
  const topics = isMap(alerts.topics) ? alerts.topics : {};
  for (const [where, group] of [
    ["alerts", alerts],
    ...Object.entries(topics).map(([t, v]) => [`alerts.topics.${t}`, v] as const),
  ] as const) {
    if (!isMap(group)) continue;
    for (const list of ["emails", "sms", "httpsEndpoints"]) {
      problems.push(...labelProblems(at(`${where}.${list}`), group[list]));
    }
  }
  const trail = isMap(args.trail) ? args.trail : {};
  if (trail.isOrganizationTrail === true && trail.organizationId === undefined) {
    problems.push(
      `${at("trail.organizationId")}: set it for an organization trail (aws organizations describe-organization)`,
    );
  }
  const spokeRegions = Array.isArray(args.spokeRegions) ? args.spokeRegions : [];
  if (typeof args.homeRegion === "string" && spokeRegions.includes(args.homeRegion)) {
    problems.push(
      `${at("spokeRegions")}: "${args.homeRegion}" is the stack's own region; list the other regions`,
    );
  }
  const org = args.organization;
  if (!isMap(org)) return problems;
  if (spokeRegions.length > 0) {
    problems.push(`${at("spokeRegions")}: a hub lists its regions in organization.regions`);
  }
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  if (typeof org.organizationId === "string") {
    problems.push(
      ...hubBusPolicyProblems({
        organizationId: org.organizationId,
        organizationalUnitPaths: list(org.organizationalUnitPaths),
        accounts: list(org.admittedAccounts),
        excludedAccounts: list(org.excludedAccounts),
      }).map((p) => `${at("organization")}.${p}`),
    );
  }
  if (Array.isArray(org.organizationalUnitIds) && org.organizationalUnitIds.length === 0) {
    problems.push(
      `${at("organization.organizationalUnitIds")}: name the OUs (ou-...) or the root (r-...) to deploy the spokes to`,
    );
  }
  if (Array.isArray(org.regions) && org.regions.length === 0) {
    problems.push(`${at("organization.regions")}: list the regions the spokes cover`);
  }
  const m = org.managementAccount;
  if (isMap(m)) {
    const roleArn = typeof m.roleArn === "string" ? m.roleArn : undefined;
    const watched = m.watched ?? roleArn !== undefined;
    const match = roleArn === undefined ? null : ROLE_ARN.exec(roleArn);
    const path = at("organization.managementAccount");
    if (roleArn !== undefined && (match === null || match[1] !== m.accountId)) {
      problems.push(
        `${path}.roleArn: "${roleArn}" is not a role ARN of account ${String(m.accountId)}`,
      );
    }
    if (watched === true && roleArn === undefined) {
      problems.push(`${path}.roleArn: required to watch the management account`);
    }
    if (watched === false && roleArn !== undefined) {
      problems.push(`${path}: roleArn is set but watched is false; remove one`);
    }
  }
  return problems;
}

/**
 * Every problem of SecurityWatch's arguments, one line each, each naming the key as the user
 * wrote it: `${prefix}trail.logRetentionDays: 100 is not ...`. The stack program passes
 * `aws-security-watch:`; the component passes "" (and names itself).
 */
export function securityWatchProblems(args: unknown, prefix = ""): string[] {
  if (!isMap(args)) {
    return args === undefined ? [] : [`the arguments must be a map, got ${typeof args}`];
  }
  const { homeRegion, ...keys } = args;
  const problems: string[] = [];
  if (homeRegion !== undefined && (typeof homeRegion !== "string" || !REGION.test(homeRegion))) {
    problems.push(`homeRegion: ${JSON.stringify(homeRegion)} is not a region name (eu-west-1)`);
  }
  problems.push(...specProblems(prefix, keys, WATCH_SPEC, true));
  problems.push(...crossProblems(args, (key) => `${prefix}${key}`));
  return problems;
}

/** The settings of valid arguments: WATCH_SPEC's defaults applied, the remediation as given. */
export function watchSettings(args: SecurityWatchArgs): WatchSettings {
  const { homeRegion, remediation, ...keys } = args;
  const resolved = resolveSpec(keys, WATCH_SPEC) as Omit<WatchSettings, "remediation">;
  return { ...resolved, homeRegion, remediation: remediation ?? {} };
}

const PARTS = new WeakMap<SecurityWatch, parts.WatchParts>();

/**
 * The whole chain for one account and region: alert topics, the trail (and AWS Config's
 * delivery prefix in its bucket), the detections with their forwarding, the spokes of the
 * account's other regions, the CIS and threshold alarms, chat, the remediation functions, the
 * dashboard, the archive and AWS Config; with `organization`, the organization's hub.
 *
 * The children keep the names the stack program gave them before this component existed
 * (`alerts`, `audit`, `watch`, ...), with aliases to their old place at the stack's root, so a
 * deployed stack is not replaced; one SecurityWatch per stack.
 */
export class SecurityWatch extends pulumi.ComponentResource {
  /** ARN of the trail (undefined without a trail). */
  public readonly trailArn?: pulumi.Output<string>;
  /** The trail's bucket. */
  public readonly trailBucket?: pulumi.Output<string>;
  /** The trail's log group. */
  public readonly trailLogGroup?: pulumi.Output<string>;
  /** Topic ARN by purpose. */
  public readonly alertTopicArns: Record<string, pulumi.Output<string>>;
  /** Number of detection rules. */
  public readonly ruleCount: number;
  /** Remediation function ARN per enabled remediation. */
  public readonly remediationFunctions: Record<string, pulumi.Output<string>>;
  /** Mode per remediation, as deployed. */
  public readonly remediationModes: Record<string, string>;
  /** CIS alarm names by key. */
  public readonly alarmNames?: Record<string, pulumi.Output<string>>;
  /** The hub's event bus (hub mode). */
  public readonly hubEventBusArn?: pulumi.Output<string>;
  /** The spokes' StackSet names (hub mode). */
  public readonly spokeStackSets?: Record<string, pulumi.Output<string>>;
  /** The spokes' heartbeat alarm (hub mode). */
  public readonly spokeHeartbeatAlarm?: pulumi.Output<string>;
  /** Contributor Insights rule names of the threshold detections. */
  public readonly thresholdRuleNames?: Record<string, pulumi.Output<string>>;
  /** The dashboard's console URL. */
  public readonly dashboardUrl?: pulumi.Output<string>;
  /** Incident log group per enabled remediation. */
  public readonly incidentLogGroups: Record<string, pulumi.Output<string>>;
  /** Saved Logs Insights query ids. */
  public readonly savedQueries?: Record<string, pulumi.Output<string>>;
  /** The event archive's name. */
  public readonly eventArchive?: pulumi.Output<string>;
  /** The archive's pattern stage. */
  public readonly eventArchivePatternStage?: string;
  /** The Slack channel configuration (chat). */
  public readonly slackChannelArn?: pulumi.Output<string>;
  /** The Teams channel configuration (chat). */
  public readonly teamsChannelArn?: pulumi.Output<string>;
  /** The AWS Config recorder's name. */
  public readonly configRecorder?: pulumi.Output<string>;
  /** AWS Config rule names by key. */
  public readonly configRuleNames?: Record<string, pulumi.Output<string>>;
  /** The webhook function (WebhookNotifier), when `webhooks` is set. */
  public readonly webhookFunctionArn?: pulumi.Output<string>;

  constructor(name: string, args: SecurityWatchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:SecurityWatch", name, {}, opts);
    const problems = securityWatchProblems(args);
    if (problems.length > 0) {
      const prefix = `SecurityWatch ${JSON.stringify(name)}: `;
      throw new pulumi.ResourceError(problems.map((p) => prefix + p).join("\n"), this);
    }
    const settings = watchSettings(args ?? {});
    // The children were the stack's own before this component: alias them to their old place.
    const child: pulumi.ComponentResourceOptions = {
      parent: this,
      aliases: [{ parent: pulumi.rootStackResource }],
    };
    const built = parts.buildWatch(settings, child);
    PARTS.set(this, built);

    this.trailArn = built.audit?.trailArn;
    this.trailBucket = built.audit?.bucketName;
    this.trailLogGroup = built.audit?.logGroupName;
    this.alertTopicArns = built.topics.topicArns;
    this.ruleCount = built.watcher.detections.length;
    this.remediationFunctions = built.remediator.functionArns;
    this.remediationModes = built.remediator.modes;
    this.alarmNames = built.alarms?.alarmNames;
    this.hubEventBusArn = built.hub?.eventBusArn;
    this.spokeStackSets = built.hub?.stackSetNames;
    this.spokeHeartbeatAlarm = built.hub?.heartbeatAlarmName;
    this.thresholdRuleNames = built.thresholds?.ruleNames;
    this.dashboardUrl = built.operations?.dashboardUrl;
    this.incidentLogGroups = built.remediator.logGroupNames;
    this.savedQueries = built.operations?.queryDefinitionIds;
    this.eventArchive = built.archive?.archiveName;
    this.eventArchivePatternStage = built.archive?.patternStage;
    this.slackChannelArn = built.chat?.slackChannelArn;
    this.teamsChannelArn = built.chat?.teamsChannelArn;
    this.configRecorder = built.compliance?.recorderName;
    this.configRuleNames = built.compliance?.ruleNames;
    this.webhookFunctionArn = built.webhooks?.functionArn;
    this.registerOutputs({
      trailArn: this.trailArn,
      trailBucket: this.trailBucket,
      trailLogGroup: this.trailLogGroup,
      alertTopicArns: this.alertTopicArns,
      ruleCount: this.ruleCount,
      remediationFunctions: this.remediationFunctions,
      remediationModes: this.remediationModes,
      alarmNames: this.alarmNames,
      hubEventBusArn: this.hubEventBusArn,
      spokeStackSets: this.spokeStackSets,
      spokeHeartbeatAlarm: this.spokeHeartbeatAlarm,
      thresholdRuleNames: this.thresholdRuleNames,
      dashboardUrl: this.dashboardUrl,
      incidentLogGroups: this.incidentLogGroups,
      savedQueries: this.savedQueries,
      eventArchive: this.eventArchive,
      eventArchivePatternStage: this.eventArchivePatternStage,
      slackChannelArn: this.slackChannelArn,
      teamsChannelArn: this.teamsChannelArn,
      configRecorder: this.configRecorder,
      configRuleNames: this.configRuleNames,
      webhookFunctionArn: this.webhookFunctionArn,
    });
  }
}

/**
 * The components a SecurityWatch deployed (the alert topics, the watcher, the remediator, ...),
 * for a TypeScript program that wires more resources to them. (Kept off the class: the
 * multi-language schema has no type for a component-valued output.)
 */
export function securityWatchParts(watch: SecurityWatch): parts.WatchParts {
  const found = PARTS.get(watch);
  if (!found) throw new Error("securityWatchParts: not a SecurityWatch built in this program");
  return found;
}
