/**
 * The named builders of SecurityWatch: one per part of the chain, each over the resolved
 * settings (components/securityWatch.ts `WatchSettings`) and the parts it wires to. None names a
 * single remediation: the `remediation` settings go to AutoRemediator as they are.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { WebhookNotifier, webhookNotifierArgs } from "./webhookNotifier";
import { regionalSpokeTemplate, templateBody } from "../core/org/spokeTemplate";
import { Severity } from "../core/types";
import { AlertTopicSet, SubscriptionSet, TopicSpec } from "./alertTopicSet";
import { AuditTrail } from "./auditTrail";
import { AutoRemediator } from "./autoRemediator";
import { ChatChannels } from "./chatChannels";
import { ComplianceRecorder } from "./complianceRecorder";
import { CompositeAlarmGroup } from "./compositeAlarmGroup";
import { OperationsDashboard } from "./operationsDashboard";
import { OrganizationHub } from "./organizationHub";
import { OrganizationSpoke } from "./organizationSpoke";
import { SecurityEventArchive } from "./securityEventArchive";
import { GLOBAL_EVENTS_REGION, SecurityRuleWatcher } from "./securityRuleWatcher";
import { ThresholdAlarmGroup } from "./thresholdAlarmGroup";
import type { WatchSettings } from "./securityWatch";

/** Key prefix of AWS Config's files in the trail bucket. */
export const CONFIG_DELIVERY_PREFIX = "config";

type Opts = pulumi.ComponentResourceOptions;

/** Incoming webhooks on the chain's topics (WebhookNotifier), when `webhooks` is set. */
function buildWebhooks(
  s: WatchSettings,
  topics: AlertTopicSet,
  opts: Opts,
): WebhookNotifier | undefined {
  if (!s.webhooks) return undefined;
  return new WebhookNotifier(
    "webhooks",
    webhookNotifierArgs(
      s.webhooks,
      { ...topics.alertTopicArns, resolutions: topics.resolutionTopicArn },
      { tags: s.tags },
    ),
    opts,
  );
}
type Org = NonNullable<WatchSettings["organization"]>;

/** The parts SecurityWatch deploys. */
export interface WatchParts {
  readonly topics: AlertTopicSet;
  readonly audit?: AuditTrail;
  readonly watcher: SecurityRuleWatcher;
  readonly alarms?: CompositeAlarmGroup;
  readonly thresholds?: ThresholdAlarmGroup;
  readonly remediator: AutoRemediator;
  readonly hub?: OrganizationHub;
  readonly spokes?: OrganizationSpoke;
  readonly operations?: OperationsDashboard;
  readonly archive?: SecurityEventArchive;
  readonly chat?: ChatChannels;
  readonly compliance?: ComplianceRecorder;
  readonly webhooks?: WebhookNotifier;
}

/** A stable, kebab-case subscription label from an address, number or URL. */
export function subscriptionLabel(value: string): string {
  const label = value
    .toLowerCase()
    .replace(/^https:\/\//, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return label.slice(0, 64).replace(/-+$/, "");
}

function subscriptionSet(source: {
  emails: string[];
  sms: string[];
  httpsEndpoints: string[];
}): SubscriptionSet {
  const byLabel = <T>(values: string[], make: (v: string) => T): Record<string, T> => {
    const out: Record<string, T> = {};
    const seen: Record<string, string> = {};
    for (const value of values) {
      const label = subscriptionLabel(value);
      if (seen[label] !== undefined) {
        if (seen[label] === value) continue; // listed twice: one subscription
        throw new Error(
          `Invalid stack configuration: "${seen[label]}" and "${value}" both make the subscription label "${label}"; keep one of them`,
        );
      }
      seen[label] = value;
      out[label] = make(value);
    }
    return out;
  };
  return {
    emails: byLabel(source.emails, (v) => v),
    smsNumbers: byLabel(source.sms, (v) => v),
    httpsEndpoints: byLabel(source.httpsEndpoints, (url) => ({ url })),
  };
}

/** Every alert topic and `resolutions` get the shared emails and endpoints; SMS pages critical only. */
function topicSubscriptions(
  alerts: WatchSettings["alerts"],
  chat: boolean,
): Record<string, TopicSpec> {
  const topics: Record<string, TopicSpec> = {};
  for (const topic of ["critical", "high", "medium", "info", "resolutions"]) {
    const extra = alerts.topics[topic] ?? { emails: [], sms: [], httpsEndpoints: [] };
    topics[topic] = {
      subscriptions: subscriptionSet({
        emails: extra.emails,
        sms: topic === Severity.Critical ? [...alerts.sms, ...extra.sms] : extra.sms,
        httpsEndpoints: extra.httpsEndpoints,
      }),
    };
  }
  if (chat) {
    // The chat cards' own topic: only custom-notification JSON is published to it.
    // Chatbot subscribes itself; the shared email and HTTPS subscriptions would get raw JSON.
    topics.chat = {
      subscriptions: subscriptionSet({ emails: [], sms: [], httpsEndpoints: [] }),
      inheritSubscriptions: false,
      displayName: "Security chat cards",
    };
  }
  return topics;
}

function buildTopics(s: WatchSettings, chatOn: boolean, opts: Opts): AlertTopicSet {
  return new AlertTopicSet(
    "alerts",
    {
      subscriptions: subscriptionSet({
        emails: s.alerts.emails,
        sms: [],
        httpsEndpoints: s.alerts.httpsEndpoints,
      }),
      topics: topicSubscriptions(s.alerts, chatOn),
      tags: s.tags,
    },
    opts,
  );
}

/** AWS Config delivers to the trail bucket under config/ (the trail bucket policy admits it). */
function configToTrail(s: WatchSettings): boolean {
  const c = s.compliance;
  return c.enabled && !c.useExistingRecorder && c.deliverToTrailBucket && s.trail.enabled;
}

function buildTrail(s: WatchSettings, physical: string, opts: Opts): AuditTrail | undefined {
  if (!s.trail.enabled) return undefined;
  const t = s.trail;
  return new AuditTrail(
    "audit",
    {
      trailName: physical,
      logRetentionDays: t.logRetentionDays,
      retentionDays: t.bucketRetentionDays,
      insights: t.insights,
      s3DataEvents: t.s3DataEvents,
      lambdaDataEvents: t.lambdaDataEvents,
      accessLogging: t.accessLogging,
      isOrganizationTrail: t.isOrganizationTrail,
      organizationId: t.organizationId,
      configDeliveryPrefix: configToTrail(s) ? CONFIG_DELIVERY_PREFIX : undefined,
      tags: s.tags,
    },
    opts,
  );
}

function buildHub(
  s: WatchSettings,
  topics: AlertTopicSet,
  opts: Opts,
): OrganizationHub | undefined {
  const org = s.organization;
  if (!org) return undefined;
  return new OrganizationHub(
    "org",
    {
      organizationId: org.organizationId,
      organizationalUnitIds: org.organizationalUnitIds,
      organizationalUnitPaths: org.organizationalUnitPaths,
      admittedAccounts: org.admittedAccounts,
      excludedAccounts: org.excludedAccounts,
      regions: org.regions,
      externalId: org.externalId,
      callAs: org.callAs,
      deployStackSets: org.deployStackSets,
      expectedAccounts: org.expectedAccounts,
      alarmTopicArn: topics.alertTopicArns[Severity.High],
      disabledDetections: s.detections.disabled,
      tags: s.tags,
    },
    opts,
  );
}

function buildWatcher(
  s: WatchSettings,
  physical: string,
  topics: AlertTopicSet,
  hub: OrganizationHub | undefined,
  opts: Opts,
): SecurityRuleWatcher {
  return new SecurityRuleWatcher(
    "watch",
    {
      ruleNamePrefix: physical,
      alertTopicArns: topics.alertTopicArns,
      disabledDetections: s.detections.disabled,
      severityOverrides: s.detections.severityOverrides,
      homeRegion: s.homeRegion,
      // A hub's spokes forward global-service events from us-east-1; so does a single account's
      // us-east-1 spoke.
      forwardGlobalEvents:
        s.detections.forwardGlobalEvents && !hub && !s.spokeRegions.includes(GLOBAL_EVENTS_REGION),
      eventBusName: hub?.eventBusName,
      tags: s.tags,
    },
    opts,
  );
}

/** One provider per region, as the stack's own (its profile), optionally assuming a role. */
function regionProviders(
  name: string,
  regions: string[],
  opts: Opts,
  assumeRole?: { roleArn: string; externalId?: string },
): Record<string, aws.Provider> {
  const profile = new pulumi.Config("aws").get("profile");
  return Object.fromEntries(
    regions.map((region) => [
      region,
      new aws.Provider(
        `${name}-${region}`,
        {
          region,
          profile,
          ...(assumeRole
            ? { assumeRoles: [{ ...assumeRole, sessionName: "aws-security-watch" }] }
            : {}),
        },
        opts,
      ),
    ]),
  );
}

/** The management account's spoke (service-managed StackSets skip it), with explicit providers. */
function managementAccountSpoke(
  hub: OrganizationHub,
  org: Org,
  tags: Record<string, string>,
  opts: Opts,
): OrganizationSpoke | undefined {
  const m = org.managementAccount;
  const watched = m.watched ?? m.roleArn !== undefined;
  if (!watched || !m.roleArn) return undefined;
  return new OrganizationSpoke(
    "management-account",
    {
      hubEventBusArn: hub.eventBusArn,
      regionalTemplateBody: hub.regionalTemplateBody,
      accountTemplateBody: hub.accountTemplateBody,
      memberRoles: {
        hubAccountId: aws.getCallerIdentityOutput({}, { parent: opts.parent }).accountId,
        organizationId: org.organizationId,
        externalId: org.externalId,
      },
      regionProviders: regionProviders("management-account", org.regions, opts, {
        roleArn: m.roleArn,
      }),
      tags,
    },
    opts,
  );
}

/** A single account's other regions: spokes that forward to the home region's default bus. */
function singleAccountSpokes(
  s: WatchSettings,
  watcher: SecurityRuleWatcher,
  opts: Opts,
): OrganizationSpoke | undefined {
  if (s.spokeRegions.length === 0) return undefined;
  const parent = { parent: opts.parent };
  const identity = aws.getCallerIdentityOutput({}, parent);
  const partition = aws.getPartitionOutput({}, parent).partition;
  const region = s.homeRegion ?? aws.getRegionOutput({}, parent).region;
  return new OrganizationSpoke(
    "regions",
    {
      hubEventBusArn: pulumi.interpolate`arn:${partition}:events:${region}:${identity.accountId}:event-bus/default`,
      regionalTemplateBody: templateBody(regionalSpokeTemplate(watcher.detections)).body,
      regionProviders: regionProviders("region", s.spokeRegions, opts),
      tags: s.tags,
    },
    opts,
  );
}

function buildAlarms(
  s: WatchSettings,
  physical: string,
  logGroupName: pulumi.Input<string> | undefined,
  topics: AlertTopicSet,
  opts: Opts,
): { alarms?: CompositeAlarmGroup; thresholds?: ThresholdAlarmGroup } {
  if (!logGroupName) return {};
  const alarms = new CompositeAlarmGroup(
    "cis",
    {
      alarmNamePrefix: physical,
      logGroupName,
      alertTopicArns: topics.alertTopicArns,
      resolutionTopicArn: topics.resolutionTopicArn,
      disabledControls: s.alarms.disabledControls,
      controlOverrides: s.alarms.overrides,
      suppressChildActions: s.alarms.suppressChildActions,
      includeDefaultComposites: s.alarms.includeDefaultComposites,
      tags: s.tags,
    },
    opts,
  );
  const thresholds = s.thresholds.enabled
    ? new ThresholdAlarmGroup(
        "thresholds",
        {
          namePrefix: physical,
          logGroupName,
          alertTopicArns: topics.alertTopicArns,
          resolutionTopicArn: topics.resolutionTopicArn,
          disabled: s.thresholds.disabled,
          limits: s.thresholds.limits,
          reporter: { topicKmsKeyArn: topics.kmsKeyArn },
          tags: s.tags,
        },
        opts,
      )
    : undefined;
  return { alarms, thresholds };
}

/** Rule name and severity per detection id, as the chat and the dashboard take them. */
function ruleTable(watcher: SecurityRuleWatcher) {
  return Object.fromEntries(
    watcher.detections.map((d) => [
      d.id,
      { ruleName: watcher.rules[d.id].name, severity: d.severity },
    ]),
  );
}

function buildChat(
  s: WatchSettings,
  physical: string,
  topics: AlertTopicSet,
  watcher: SecurityRuleWatcher,
  opts: Opts,
): ChatChannels | undefined {
  if (s.chat.slack === undefined && s.chat.teams === undefined) return undefined;
  return new ChatChannels(
    "chat",
    {
      topicArn: topics.topicArns.chat,
      topicKmsKeyArn: topics.kmsKeyArn,
      resolutionTopicArn: topics.resolutionTopicArn,
      detections: ruleTable(watcher),
      minimumSeverity: s.chat.minimumSeverity,
      resolutions: s.chat.resolutions,
      ruleNamePrefix: physical,
      deadLetterQueueArn: watcher.deadLetterQueueArn,
      slack: s.chat.slack,
      teams: s.chat.teams,
      tags: s.tags,
    },
    opts,
  );
}

function buildRemediator(
  s: WatchSettings,
  topics: AlertTopicSet,
  watcher: SecurityRuleWatcher,
  opts: Opts,
): AutoRemediator {
  const org = s.organization;
  return new AutoRemediator(
    "remediate",
    {
      ...s.remediation,
      resolutionTopicArn: topics.resolutionTopicArn,
      topicKmsKeyArn: topics.kmsKeyArn,
      failureAlarmTopicArn: topics.alertTopicArns[Severity.High],
      watcher,
      crossAccount: org
        ? {
            organizationId: org.organizationId,
            externalId: org.externalId,
            excludedAccounts: org.excludedAccounts,
          }
        : undefined,
      tags: s.tags,
    },
    opts,
  );
}

function buildOperations(
  s: WatchSettings,
  physical: string,
  p: Pick<WatchParts, "watcher" | "remediator" | "audit" | "alarms" | "thresholds">,
  opts: Opts,
): OperationsDashboard | undefined {
  const ops = s.operations;
  if (!ops.dashboard && !ops.savedQueries) return undefined;
  const { watcher, remediator, alarms, thresholds } = p;
  const compositeKeys = new Set(Object.keys(alarms?.compositeAlarms ?? {}));
  const alarmArns = Object.entries(alarms?.alarmArns ?? {});
  return new OperationsDashboard(
    "ops",
    {
      dashboardName: physical,
      saveQueries: ops.savedQueries,
      rules: ruleTable(watcher),
      incidentLogGroupNames: remediator.logGroupNames,
      trailLogGroupName: p.audit?.logGroupName,
      queueArns: {
        ...(remediator.failureQueueArn
          ? { "remediation on-failure": remediator.failureQueueArn }
          : {}),
        "alert dead letters": watcher.deadLetterQueueArn,
        ...(thresholds?.reporterFailureQueueArn
          ? { "threshold reporter on-failure": thresholds.reporterFailureQueueArn }
          : {}),
      },
      alarmArns: {
        ...Object.fromEntries(alarmArns.filter(([k]) => !compositeKeys.has(k))),
        ...(remediator.failureAlarmArn ? { "remediation-failed": remediator.failureAlarmArn } : {}),
        ...(thresholds?.alarmArns ?? {}),
      },
      compositeAlarmArns: Object.fromEntries(alarmArns.filter(([k]) => compositeKeys.has(k))),
      dashboard: ops.dashboard,
    },
    opts,
  );
}

function buildArchive(
  s: WatchSettings,
  physical: string,
  watcher: SecurityRuleWatcher,
  opts: Opts,
): SecurityEventArchive | undefined {
  if (!s.operations.archive) return undefined;
  return new SecurityEventArchive(
    "archive",
    {
      archiveName: physical,
      eventPatterns: watcher.detections.map((d) => JSON.stringify(d.eventPattern)),
      retentionDays: s.operations.archiveRetentionDays,
    },
    opts,
  );
}

/** The ports any remediation lets stay open to the world: the Config rule allows the same. */
export function allowedPublicPorts(s: WatchSettings): number[] {
  const ports = Object.values(s.remediation.remediations ?? {}).flatMap(
    (r) => (r.settings?.allowedPublicPorts as number[] | undefined) ?? [],
  );
  return [...new Set(ports)];
}

function buildCompliance(
  s: WatchSettings,
  physical: string,
  topics: AlertTopicSet,
  audit: AuditTrail | undefined,
  opts: Opts,
): ComplianceRecorder | undefined {
  const c = s.compliance;
  if (!c.enabled) return undefined;
  return new ComplianceRecorder(
    "compliance",
    {
      resolutionTopicArn: topics.resolutionTopicArn,
      ruleNamePrefix: physical,
      ...(c.useExistingRecorder
        ? { useExistingRecorder: true }
        : {
            recordingFrequency: c.recordingFrequency,
            dailyResourceTypes: c.dailyResourceTypes,
            snapshotDeliveryFrequency: c.snapshotDeliveryFrequency,
            // The service-linked role is account-wide: created by the home stack only.
            createServiceLinkedRole: c.createServiceLinkedRole && s.trail.enabled,
            ...(configToTrail(s) && audit
              ? {
                  deliveryBucketName: audit.bucketName,
                  deliveryKeyPrefix: CONFIG_DELIVERY_PREFIX,
                  deliveryKmsKeyArn: audit.kmsKeyArn,
                }
              : {}),
          }),
      // IAM (global) resources and rules in the stack that owns the trail (the home region).
      recordGlobalResourceTypes: s.trail.enabled,
      disabledRules: c.disabledRules,
      allowedPublicPorts: allowedPublicPorts(s),
      maxAccessKeyAgeDays: c.maxAccessKeyAgeDays,
      tags: s.tags,
    },
    opts,
  );
}

/** Every part, in the order the stack program created them before SecurityWatch. */
export function buildWatch(s: WatchSettings, opts: Opts): WatchParts {
  // Physical names that AWS wants unique per account and region (trail, rules, alarms) carry the
  // stack name, so that two stacks (dev and prod) can share an account.
  const physical = `asw-${pulumi.getStack()}`;
  const chatOn = s.chat.slack !== undefined || s.chat.teams !== undefined;
  const topics = buildTopics(s, chatOn, opts);
  const audit = buildTrail(s, physical, opts);
  const hub = buildHub(s, topics, opts);
  const watcher = buildWatcher(s, physical, topics, hub, opts);
  const spokes = hub
    ? managementAccountSpoke(hub, s.organization!, s.tags, opts)
    : singleAccountSpokes(s, watcher, opts);
  // A hub without its own trail runs the CIS alarms on its copy of the organization trail's logs.
  const trailLogGroup = audit?.logGroupName ?? s.organization?.trailLogGroupName;
  const { alarms, thresholds } = buildAlarms(s, physical, trailLogGroup, topics, opts);
  const chat = buildChat(s, physical, topics, watcher, opts);
  const remediator = buildRemediator(s, topics, watcher, opts);
  const operations = buildOperations(
    s,
    physical,
    { watcher, remediator, audit, alarms, thresholds },
    opts,
  );
  const archive = buildArchive(s, physical, watcher, opts);
  const compliance = buildCompliance(s, physical, topics, audit, opts);
  const webhooks = buildWebhooks(s, topics, opts);
  return {
    topics,
    audit,
    watcher,
    alarms,
    thresholds,
    remediator,
    hub,
    spokes,
    operations,
    archive,
    chat,
    compliance,
    webhooks,
  };
}
