/**
 * Composes the four components from the stack configuration. Kept apart from index.ts (which
 * only reads the configuration and exports outputs) so that the offline preview, the fire drill
 * and the tests build exactly what `pulumi up` deploys.
 */
import * as pulumi from "@pulumi/pulumi";
import { AlertTopicSet, SubscriptionSet, TopicSpec } from "./components/alertTopicSet";
import { AuditTrail } from "./components/auditTrail";
import { AutoRemediator, RemediationOptions } from "./components/autoRemediator";
import { ChatChannels } from "./components/chatChannels";
import { CompositeAlarmGroup } from "./components/compositeAlarmGroup";
import { GLOBAL_EVENTS_REGION, SecurityRuleWatcher } from "./components/securityRuleWatcher";
import { OrganizationHub, StackSetCallAs } from "./components/organizationHub";
import { OrganizationSpoke } from "./components/organizationSpoke";
import * as aws from "@pulumi/aws";
import { regionalSpokeTemplate, templateBody } from "./core/org/spokeTemplate";
import { ThresholdAlarmGroup } from "./components/thresholdAlarmGroup";
import { OperationsDashboard } from "./components/operationsDashboard";
import { SecurityEventArchive } from "./components/securityEventArchive";
import {
  ComplianceRecorder,
  RecordingFrequency,
  SnapshotDeliveryFrequency,
} from "./components/complianceRecorder";
import { AlertsConfig, parseStackConfig, StackConfig } from "./core/stackConfig";
import { RemediationId, Severity } from "./core/types";
import { REMEDIATIONS } from "./remediations/registry";

export interface Stack {
  readonly config: StackConfig;
  /** The trail, unless `trail.enabled` is false (a secondary region of the account). */
  readonly audit?: AuditTrail;
  readonly topics: AlertTopicSet;
  readonly watcher: SecurityRuleWatcher;
  /** The CIS alarms on the trail's log group, with the trail. */
  readonly alarms?: CompositeAlarmGroup;
  /** The threshold detections per principal or source, with the trail (`thresholds.enabled`). */
  readonly thresholds?: ThresholdAlarmGroup;
  readonly remediator: AutoRemediator;
  /** The organization hub (with `organization` in the configuration). */
  readonly hub?: OrganizationHub;
  /** Spokes deployed with explicit providers: the management account, or a single account's other regions. */
  readonly spokes?: OrganizationSpoke;
  /** The dashboard and saved queries (unless `operations.dashboard` and `savedQueries` are false). */
  readonly operations?: OperationsDashboard;
  /** The event archive (unless `operations.archive` is false). */
  readonly archive?: SecurityEventArchive;
  /** The chat channels (when `chat.slack` or `chat.teams` is set). */
  readonly chat?: ChatChannels;
  /** AWS Config, when `compliance.enabled`. */
  readonly compliance?: ComplianceRecorder;
}

/** Key prefix of AWS Config's files in the trail bucket. */
export const CONFIG_DELIVERY_PREFIX = "config";

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
function topicSubscriptions(alerts: AlertsConfig, chat: boolean): Record<string, TopicSpec> {
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

/**
 * Builds the stack.
 * @param get raw value of a key of the `aws-security-watch` config namespace
 * @param awsRegion the stack's `aws:region`
 */
export function buildStack(get: (key: string) => unknown, awsRegion: string | undefined): Stack {
  const config = parseStackConfig(get, awsRegion);
  const tags = config.tags;
  // Physical names that AWS wants unique per account and region (trail, rules, alarms) carry the
  // stack name, so that two stacks (dev and prod) can share an account.
  const physical = `asw-${pulumi.getStack()}`;
  const chatOn = config.chat.slack !== undefined || config.chat.teams !== undefined;

  const topics = new AlertTopicSet("alerts", {
    subscriptions: subscriptionSet({
      emails: config.alerts.emails,
      sms: [],
      httpsEndpoints: config.alerts.httpsEndpoints,
    }),
    topics: topicSubscriptions(config.alerts, chatOn),
    tags,
  });

  const comp = config.compliance;
  // AWS Config delivers to the trail bucket under config/ (the trail bucket policy admits it).
  const configToTrail =
    comp.enabled && !comp.useExistingRecorder && comp.deliverToTrailBucket && config.trail.enabled;
  const audit = config.trail.enabled
    ? new AuditTrail("audit", {
        trailName: physical,
        logRetentionDays: config.trail.logRetentionDays,
        retentionDays: config.trail.bucketRetentionDays,
        insights: config.trail.insights,
        s3DataEvents: config.trail.s3DataEvents,
        lambdaDataEvents: config.trail.lambdaDataEvents,
        accessLogging: config.trail.accessLogging,
        isOrganizationTrail: config.trail.organization,
        organizationId: config.trail.organizationId,
        configDeliveryPrefix: configToTrail ? CONFIG_DELIVERY_PREFIX : undefined,
        tags,
      })
    : undefined;

  const org = config.organization;
  const hub = org
    ? new OrganizationHub("org", {
        organizationId: org.organizationId,
        organizationalUnitIds: org.organizationalUnitIds,
        organizationalUnitPaths: org.organizationalUnitPaths,
        admittedAccounts: org.admittedAccounts,
        excludedAccounts: org.excludedAccounts,
        regions: org.regions,
        externalId: org.externalId,
        callAs: org.callAs as StackSetCallAs,
        deployStackSets: org.deployStackSets,
        expectedAccounts: org.expectedAccounts,
        alarmTopicArn: topics.alertTopicArns[Severity.High],
        disabledDetections: config.detections.disabled,
        tags,
      })
    : undefined;

  const watcher = new SecurityRuleWatcher("watch", {
    ruleNamePrefix: physical,
    alertTopicArns: topics.alertTopicArns,
    disabledDetections: config.detections.disabled,
    severityOverrides: config.detections.severityOverrides,
    homeRegion: config.homeRegion,
    // A hub's spokes forward global-service events from us-east-1; so does a single account's
    // us-east-1 spoke.
    forwardGlobalEvents:
      config.detections.forwardGlobalEvents &&
      !hub &&
      !config.spokeRegions.includes(GLOBAL_EVENTS_REGION),
    eventBusName: hub?.eventBusName,
    tags,
  });
  const spokes = hub
    ? managementAccountSpoke(hub, org!, tags)
    : singleAccountSpokes(config.spokeRegions, config.homeRegion, watcher, tags);

  // A hub without its own trail runs the CIS alarms on its copy of the organization trail's logs.
  const trailLogGroup = audit?.logGroupName ?? config.organization?.trailLogGroupName;
  const alarms = trailLogGroup
    ? new CompositeAlarmGroup("cis", {
        alarmNamePrefix: physical,
        logGroupName: trailLogGroup,
        alertTopicArns: topics.alertTopicArns,
        resolutionTopicArn: topics.resolutionTopicArn,
        disabledControls: config.alarms.disabledControls,
        controlOverrides: config.alarms.overrides,
        suppressChildActions: config.alarms.suppressChildActions,
        includeDefaultComposites: config.alarms.includeDefaultComposites,
        tags,
      })
    : undefined;

  const thresholds =
    trailLogGroup && config.thresholds.enabled
      ? new ThresholdAlarmGroup("thresholds", {
          namePrefix: physical,
          logGroupName: trailLogGroup,
          alertTopicArns: topics.alertTopicArns,
          resolutionTopicArn: topics.resolutionTopicArn,
          disabled: config.thresholds.disabled,
          limits: config.thresholds.limits,
          reporter: { topicKmsKeyArn: topics.kmsKeyArn },
          tags,
        })
      : undefined;
  const chat = chatOn
    ? new ChatChannels("chat", {
        topicArn: topics.topicArns.chat,
        detections: Object.fromEntries(
          watcher.detections.map((d) => [
            d.id,
            { ruleName: watcher.rules[d.id].name, severity: d.severity },
          ]),
        ),
        minimumSeverity: config.chat.minimumSeverity,
        resolutions: config.chat.resolutions,
        ruleNamePrefix: physical,
        deadLetterQueueArn: watcher.deadLetterQueueArn,
        slack: config.chat.slack,
        teams: config.chat.teams,
        tags,
      })
    : undefined;

  // Each remediation's own settings, read from the keys of the stack file that its spec names.
  const flat = config.remediation as unknown as Record<string, unknown>;
  const remediations: Record<string, RemediationOptions> = {};
  for (const spec of REMEDIATIONS) {
    const settings = Object.fromEntries(
      Object.entries(spec.settings).flatMap(([name, setting]) => {
        const value = flat[setting.stackKey ?? name];
        return value === undefined ? [] : [[name, value]];
      }),
    );
    remediations[spec.id] = {
      mode: config.remediation.modes[spec.id as RemediationId] ?? config.remediation.defaultMode,
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
    };
  }
  const remediator = new AutoRemediator("remediate", {
    resolutionTopicArn: topics.resolutionTopicArn,
    topicKmsKeyArn: topics.kmsKeyArn,
    failureAlarmTopicArn: topics.alertTopicArns[Severity.High],
    watcher,
    defaultMode: config.remediation.defaultMode,
    remediations,
    exemptTag: config.remediation.exemptTag,
    trustedPrincipalArns: config.remediation.trustedPrincipalArns,
    logRetentionDays: config.remediation.logRetentionDays,
    reservedConcurrency: config.remediation.reservedConcurrency,
    crossAccount: org
      ? {
          organizationId: org.organizationId,
          externalId: org.externalId,
          excludedAccounts: org.excludedAccounts,
        }
      : undefined,
    ...(chat && config.chat.resolutions ? { resultEventBusArn: chat.resultEventBusArn } : {}),
    tags,
  });

  const ops = config.operations;
  const compositeKeys = new Set(Object.keys(alarms?.compositeAlarms ?? {}));
  const operations =
    ops.dashboard || ops.savedQueries
      ? new OperationsDashboard("ops", {
          dashboardName: physical,
          saveQueries: ops.savedQueries,
          rules: Object.fromEntries(
            watcher.detections.map((d) => [
              d.id,
              { ruleName: watcher.rules[d.id].name, severity: d.severity },
            ]),
          ),
          incidentLogGroupNames: remediator.logGroupNames,
          trailLogGroupName: audit?.logGroupName,
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
            ...Object.fromEntries(
              Object.entries(alarms?.alarmArns ?? {}).filter(([k]) => !compositeKeys.has(k)),
            ),
            ...(remediator.failureAlarmArn
              ? { "remediation-failed": remediator.failureAlarmArn }
              : {}),
            ...(thresholds?.alarmArns ?? {}),
          },
          compositeAlarmArns: Object.fromEntries(
            Object.entries(alarms?.alarmArns ?? {}).filter(([k]) => compositeKeys.has(k)),
          ),
          dashboard: ops.dashboard,
        })
      : undefined;
  const archive = ops.archive
    ? new SecurityEventArchive("archive", {
        archiveName: physical,
        eventPatterns: watcher.detections.map((d) => JSON.stringify(d.eventPattern)),
        retentionDays: ops.archiveRetentionDays,
      })
    : undefined;

  const compliance = comp.enabled
    ? new ComplianceRecorder("compliance", {
        resolutionTopicArn: topics.resolutionTopicArn,
        ruleNamePrefix: physical,
        ...(comp.useExistingRecorder
          ? { useExistingRecorder: true }
          : {
              recordingFrequency:
                comp.recordingFrequency === "daily"
                  ? RecordingFrequency.Daily
                  : RecordingFrequency.Continuous,
              dailyResourceTypes: comp.dailyResourceTypes,
              snapshotDeliveryFrequency:
                comp.snapshotDeliveryFrequency as SnapshotDeliveryFrequency,
              // The service-linked role is account-wide: created by the home stack only.
              createServiceLinkedRole: comp.createServiceLinkedRole && config.trail.enabled,
              ...(configToTrail && audit
                ? {
                    deliveryBucketName: audit.bucketName,
                    deliveryKeyPrefix: CONFIG_DELIVERY_PREFIX,
                    deliveryKmsKeyArn: audit.kmsKeyArn,
                  }
                : {}),
            }),
        // IAM (global) resources and rules in the stack that owns the trail (the home region).
        recordGlobalResourceTypes: config.trail.enabled,
        disabledRules: comp.disabledRules,
        allowedPublicPorts: config.remediation.allowedPublicPorts,
        maxAccessKeyAgeDays: comp.maxAccessKeyAgeDays,
        tags,
      })
    : undefined;

  return {
    config,
    audit,
    topics,
    watcher,
    alarms,
    thresholds,
    remediator,
    operations,
    archive,
    chat,
    compliance,
    hub,
    spokes,
  };
}

/** One provider per region, as the stack's own (its profile), optionally assuming a role. */
function regionProviders(
  name: string,
  regions: string[],
  assumeRole?: { roleArn: string; externalId?: string },
): Record<string, aws.Provider> {
  const profile = new pulumi.Config("aws").get("profile");
  return Object.fromEntries(
    regions.map((region) => [
      region,
      new aws.Provider(`${name}-${region}`, {
        region,
        profile,
        ...(assumeRole
          ? { assumeRoles: [{ ...assumeRole, sessionName: "aws-security-watch" }] }
          : {}),
      }),
    ]),
  );
}

/** The management account's spoke (service-managed StackSets skip it), with explicit providers. */
function managementAccountSpoke(
  hub: OrganizationHub,
  org: NonNullable<StackConfig["organization"]>,
  tags: Record<string, string>,
): OrganizationSpoke | undefined {
  const m = org.managementAccount;
  if (!m.watched || !m.roleArn) return undefined;
  return new OrganizationSpoke("management-account", {
    hubEventBusArn: hub.eventBusArn,
    regionalTemplateBody: hub.regionalTemplateBody,
    accountTemplateBody: hub.accountTemplateBody,
    memberRoles: {
      hubAccountId: aws.getCallerIdentityOutput({}).accountId,
      organizationId: org.organizationId,
      externalId: org.externalId,
    },
    regionProviders: regionProviders("management-account", org.regions, { roleArn: m.roleArn }),
    tags,
  });
}

/** A single account's other regions: spokes that forward to the home region's default bus. */
function singleAccountSpokes(
  regions: string[],
  homeRegion: string,
  watcher: SecurityRuleWatcher,
  tags: Record<string, string>,
): OrganizationSpoke | undefined {
  if (regions.length === 0) return undefined;
  const identity = aws.getCallerIdentityOutput({});
  return new OrganizationSpoke("regions", {
    hubEventBusArn: pulumi.interpolate`arn:${aws.getPartitionOutput({}).partition}:events:${homeRegion}:${identity.accountId}:event-bus/default`,
    regionalTemplateBody: templateBody(regionalSpokeTemplate(watcher.detections)).body,
    regionProviders: regionProviders("region", regions),
    tags,
  });
}
