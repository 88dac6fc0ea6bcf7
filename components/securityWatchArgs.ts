/**
 * The arguments of SecurityWatch, which are the keys of `Pulumi.<stack>.yaml` (namespace
 * `aws-security-watch:`): the interfaces, and `WATCH_SPEC`, their one description as data, from
 * which come the checks (core/configSpec.ts `specProblems`), the defaults (`resolveSpec`) and the
 * stack file's JSON Schema (scripts/stackSchema.ts).
 */
import { DEFAULT_WEBHOOK_TOPICS, WebhookKind, WebhooksArgs } from "./webhookNotifier";
import { CATALOG } from "../core/catalog";
import { CONFIG_RULES } from "../core/catalog/configRules";
import { CIS_CONTROL_IDS } from "../core/cisControls";
import {
  flag,
  group,
  KeySpec,
  listOf,
  mapOf,
  oneOf,
  ShapeKind,
  text,
  whole,
} from "../core/configSpec";
import { THRESHOLD_CATALOG } from "../core/thresholds";
import { RemediationMode, SEVERITIES, Severity } from "../core/types";
import {
  E164_PHONE_NUMBER,
  EMAIL_ADDRESS,
  HTTPS_URL,
  KMS_KEY_ARN,
  StringRule,
} from "../core/validation";
import { LOG_RETENTION_DAYS } from "./auditTrail";
import { RemediationGroupArgs } from "./autoRemediator";
import { RecordingFrequency, SnapshotDeliveryFrequency } from "./complianceRecorder";
import { SlackChannelArgs, TeamsChannelArgs } from "./chatChannels";
import { StackSetCallAs } from "./organizationHub";
import { ThresholdLimitArgs } from "./thresholdAlarmGroup";
import { REMEDIATIONS } from "../remediations/registry";
import type { RemediationSpec } from "../remediations/spec";

/** Subscriptions of one alert topic, beside the shared ones. */
export interface TopicSubscriptionsArgs {
  /**
   * Email addresses.
   * @default []
   */
  readonly emails?: string[];
  /**
   * E.164 phone numbers (SMS).
   * @default []
   */
  readonly sms?: string[];
  /**
   * HTTPS endpoints.
   * @default []
   */
  readonly httpsEndpoints?: string[];
}

/** Where alerts go (`alerts`): every alert topic and `resolutions`, plus per-topic additions. */
export interface WatchAlertsArgs {
  /**
   * Addresses subscribed by email to every alert topic and the resolutions topic.
   * @default []
   */
  readonly emails?: string[];
  /**
   * E.164 numbers subscribed by SMS to the `critical` topic only (SMS is for paging).
   * @default []
   */
  readonly sms?: string[];
  /**
   * HTTPS endpoints subscribed to every alert topic and the resolutions topic.
   * @default []
   */
  readonly httpsEndpoints?: string[];
  /**
   * Extra subscriptions by topic (`critical`, `high`, `medium`, `info`, `resolutions`).
   * @default {}
   */
  readonly topics?: Record<string, TopicSubscriptionsArgs>;
}

/** The trail (`trail`): AuditTrail, and the CIS alarms on its log group. */
export interface WatchTrailArgs {
  /**
   * Deploy the trail. One stack per account needs it (the trail is multi-region); stacks in the
   * account's other regions set false.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Retention of the trail's CloudWatch Logs group in days (>= 365 for Security Hub CloudWatch.16).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Days after which log files in the bucket expire.
   * @default 2557
   */
  readonly bucketRetentionDays?: number;
  /**
   * CloudTrail Insights (API call rate and error rate).
   * @default false
   */
  readonly insights?: boolean;
  /**
   * S3 object-level data events for all buckets.
   * @default false
   */
  readonly s3DataEvents?: boolean;
  /**
   * Lambda invoke data events for all functions.
   * @default false
   */
  readonly lambdaDataEvents?: boolean;
  /**
   * Server access logging of the trail bucket (CIS 3.6, Security Hub CloudTrail.7).
   * @default true
   */
  readonly accessLogging?: boolean;
  /**
   * An organization trail (deploy from the management account).
   * @default false
   */
  readonly isOrganizationTrail?: boolean;
  /**
   * The organization id (`o-...`), required for an organization trail.
   * @default none
   */
  readonly organizationId?: string;
}

/** The detections (`detections`): SecurityRuleWatcher. */
export interface WatchDetectionsArgs {
  /**
   * Detection ids of the catalog not to deploy.
   * @default []
   */
  readonly disabled?: string[];
  /**
   * Severity per detection id, instead of the catalog's.
   * @default {}
   */
  readonly severityOverrides?: Record<string, Severity>;
  /**
   * Forward global-service events (IAM, STS, sign-in) from us-east-1 to the home region.
   * @default true
   */
  readonly forwardGlobalEvents?: boolean;
}

/** Limits of one CIS alarm. */
export interface AlarmOverrideArgs {
  /**
   * Events in one period that raise the alarm.
   * @default the control's (1)
   */
  readonly threshold?: number;
  /**
   * The period in seconds.
   * @default the control's (300)
   */
  readonly periodSeconds?: number;
  /**
   * Periods evaluated.
   * @default the control's (1)
   */
  readonly evaluationPeriods?: number;
}

/** The CIS alarms (`alarms`): CompositeAlarmGroup on the trail's log group. */
export interface WatchAlarmsArgs {
  /**
   * CIS control ids not to deploy.
   * @default []
   */
  readonly disabledControls?: string[];
  /**
   * Limits per CIS control id.
   * @default {}
   */
  readonly overrides?: Record<string, AlarmOverrideArgs>;
  /**
   * The composites alone notify (the child alarms' actions are suppressed).
   * @default false
   */
  readonly suppressChildActions?: boolean;
  /**
   * The shipped composites (credential-attack, defense-evasion, network-tampering): $0.50 each.
   * @default true
   */
  readonly includeDefaultComposites?: boolean;
}

/** Threshold detections per principal or source (`thresholds`): ThresholdAlarmGroup. */
export interface WatchThresholdsArgs {
  /**
   * Deploy them (with the trail): $0.50 a month per rule plus $0.10 per alarm.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * Threshold detection ids not to deploy.
   * @default []
   */
  readonly disabled?: string[];
  /**
   * Limits per threshold detection id.
   * @default {}
   */
  readonly limits?: Record<string, ThresholdLimitArgs>;
}

/** The dashboard, the saved queries and the event archive (`operations`). */
export interface WatchOperationsArgs {
  /**
   * The stack's CloudWatch dashboard ($3 a month).
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * The incident-history queries saved in Logs Insights (free).
   * @default true
   */
  readonly savedQueries?: boolean;
  /**
   * An EventBridge archive of the events the detections match, for replay.
   * @default true
   */
  readonly archive?: boolean;
  /**
   * Days the archive keeps an event (0: indefinitely).
   * @default 90
   */
  readonly archiveRetentionDays?: number;
}

/** Chat channels of AWS Chatbot (`chat`): on when `slack` or `teams` is set. */
export interface WatchChatArgs {
  /**
   * The Slack channel.
   * @default none
   */
  readonly slack?: SlackChannelArgs;
  /**
   * The Microsoft Teams channel.
   * @default none
   */
  readonly teams?: TeamsChannelArgs;
  /**
   * The least severe alert posted to chat.
   * @default Severity.Medium
   */
  readonly minimumSeverity?: Severity;
  /**
   * Resolution cards, threaded under their alert.
   * @default true
   */
  readonly resolutions?: boolean;
}

/** AWS Config (`compliance`): ComplianceRecorder. */
export interface WatchComplianceArgs {
  /**
   * Deploy AWS Config rules and the routing of their results.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * The account already records with AWS Config here: create rules and routing only.
   * @default false
   */
  readonly useExistingRecorder?: boolean;
  /**
   * Continuous or daily recording.
   * @default RecordingFrequency.Continuous
   */
  readonly recordingFrequency?: RecordingFrequency;
  /**
   * Resource types recorded daily under continuous recording.
   * @default []
   */
  readonly dailyResourceTypes?: string[];
  /**
   * How often AWS Config delivers a configuration snapshot.
   * @default SnapshotDeliveryFrequency.TwentyFourHours
   */
  readonly snapshotDeliveryFrequency?: SnapshotDeliveryFrequency;
  /**
   * Create the AWSServiceRoleForConfig service-linked role (false when it exists).
   * @default true
   */
  readonly createServiceLinkedRole?: boolean;
  /**
   * Deliver to the trail bucket under `config/` (else a bucket of its own).
   * @default true
   */
  readonly deliverToTrailBucket?: boolean;
  /**
   * Rule keys (core/catalog/configRules.ts) not to deploy.
   * @default []
   */
  readonly disabledRules?: string[];
  /**
   * ACCESS_KEYS_ROTATED `maxAccessKeyAge` in days.
   * @default 90
   */
  readonly maxAccessKeyAgeDays?: number;
}

/** How the hub covers the management account, which service-managed StackSets skip. */
export interface ManagementAccountArgs {
  /** The 12-digit management account id. */
  readonly accountId: string;
  /**
   * A role in the management account that the hub assumes to deploy its spoke with explicit
   * providers.
   * @default none: then `watched` must be false
   */
  readonly roleArn?: string;
  /**
   * Watch the management account.
   * @default true when roleArn is set
   */
  readonly watched?: boolean;
}

/** Hub mode (`organization`): the organization's central bus, spokes and cross-account roles. */
export interface WatchOrganizationArgs {
  /** The organization id (`o-...`). */
  readonly organizationId: string;
  /** The OUs (`ou-...`) or the root (`r-...`) the spokes are deployed to. */
  readonly organizationalUnitIds: string[];
  /**
   * OU paths (`o-.../r-.../ou-.../`) admitted on the hub bus.
   * @default [] (the whole organization)
   */
  readonly organizationalUnitPaths?: string[];
  /**
   * Accounts admitted on the hub bus.
   * @default [] (every account of the organization)
   */
  readonly admittedAccounts?: string[];
  /**
   * Accounts never watched.
   * @default []
   */
  readonly excludedAccounts?: string[];
  /** The regions the spokes cover (keep us-east-1: global-service events come from there). */
  readonly regions: string[];
  /** Named by the hub's functions when they assume a member role. */
  readonly externalId: string;
  /**
   * How the StackSets are called.
   * @default StackSetCallAs.DelegatedAdmin
   */
  readonly callAs?: StackSetCallAs;
  /**
   * Deploy the spokes by StackSets.
   * @default true
   */
  readonly deployStackSets?: boolean;
  /**
   * Accounts expected to send heartbeats (0: no heartbeat alarm).
   * @default 0
   */
  readonly expectedAccounts?: number;
  /** How the management account is covered. */
  readonly managementAccount: ManagementAccountArgs;
  /**
   * The hub's copy of the organization trail's log group: the CIS alarms run on it.
   * @default none
   */
  readonly trailLogGroupName?: string;
}

/** The whole chain for one account and region; the fields are the keys of Pulumi.<stack>.yaml. */
export interface SecurityWatchArgs {
  /**
   * The region of the stack (`aws:region`): global-service detections are forwarded to it.
   * @default the `aws:region` configuration
   */
  readonly homeRegion?: string;
  /**
   * Where alerts go.
   * @default no subscriptions
   */
  readonly alerts?: WatchAlertsArgs;
  /**
   * The trail.
   * @default a trail with the defaults of WatchTrailArgs
   */
  readonly trail?: WatchTrailArgs;
  /**
   * The detections.
   * @default every detection of the catalog
   */
  readonly detections?: WatchDetectionsArgs;
  /**
   * The CIS alarms.
   * @default every CIS alarm
   */
  readonly alarms?: WatchAlarmsArgs;
  /**
   * Threshold detections.
   * @default off
   */
  readonly thresholds?: WatchThresholdsArgs;
  /**
   * The remediation functions (AutoRemediator's settings, passed to it unchanged).
   * @default every remediation in dry-run
   */
  readonly remediation?: RemediationGroupArgs;
  /**
   * The dashboard, the saved queries and the archive.
   * @default saved queries and archive
   */
  readonly operations?: WatchOperationsArgs;
  /**
   * Chat channels.
   * @default none
   */
  readonly chat?: WatchChatArgs;
  /**
   * AWS Config.
   * @default off
   */
  readonly compliance?: WatchComplianceArgs;
  /**
   * Incoming webhooks (Slack, Microsoft Teams, any HTTPS endpoint taking JSON): a function
   * subscribed to the alert topics posts readable, neutralised cards to the URLs kept in a
   * Secrets Manager secret (WebhookNotifier). The stack file names the secret, never a URL.
   * @default none
   */
  readonly webhooks?: WebhooksArgs;
  /**
   * Hub mode: the organization hub.
   * @default none (a single account)
   */
  readonly organization?: WatchOrganizationArgs;
  /**
   * A single account's other regions: spokes that forward to this stack's region.
   * @default []
   */
  readonly spokeRegions?: string[];
  /**
   * Tags applied to every resource that accepts them.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

// ---- The one description of the keys: checks, defaults and the JSON Schema come from it. ----

const REGION_PATTERN = "^[a-z]{2}(-[a-z]+)+-\\d+$";
const ACCOUNT_ID = text("a 12-digit account id", {
  pattern: "^\\d{12}$",
  expected: "a 12-digit account id",
});
const idRule = (ids: readonly string[], expected: string): StringRule => ({
  test: (value) => ids.includes(value),
  expected,
});
const DETECTION_IDS = CATALOG.map((d) => d.id);
const DETECTION_ID = text("a detection id of the catalog", {
  allowed: DETECTION_IDS,
  expected: "a detection id of the catalog (npm run catalog lists them)",
});
const CIS_ID = text("a CIS control id", {
  allowed: CIS_CONTROL_IDS,
  expected: `a CIS control id (${CIS_CONTROL_IDS.join(", ")})`,
});
const THRESHOLD_IDS = THRESHOLD_CATALOG.map((t) => t.id);
const THRESHOLD_ID = text("a threshold detection id", {
  allowed: THRESHOLD_IDS,
  expected: `a threshold detection id (${THRESHOLD_IDS.join(", ")})`,
});
const RULE_KEYS = CONFIG_RULES.map((r) => r.key);
const PRINCIPAL_ARN: StringRule = {
  test: (s) =>
    /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(user|role|assumed-role|root)(\/[\w+=,.@/-]+)?$/.test(s),
  expected: "an IAM user or role ARN",
};
const MODES = Object.values(RemediationMode);
const strings = (description: string, item: KeySpec): KeySpec => listOf(description, item, []);
const emails = strings("Email addresses", text("an email address", { rule: EMAIL_ADDRESS }));
const sms = strings("E.164 phone numbers", text("a phone number", { rule: E164_PHONE_NUMBER }));
const https = strings("HTTPS endpoints", text("an https:// URL", { rule: HTTPS_URL }));
const slackId = (what: string, example: string) =>
  text(what, { pattern: "^[A-Z0-9]{9,11}$", expected: `${what} (${example})` });
const uuid = (what: string) =>
  text(what, {
    pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    expected: `${what} (a UUID)`,
  });
const limits = {
  threshold: whole("Events in one period that raise the alarm", 1, 1_000_000),
  periodSeconds: whole("The period in seconds", 60, 86400),
};

/** The stack file's keys of one remediation: its mode and its spec's own settings. */
function remediationSpec(r: RemediationSpec): KeySpec {
  const own = Object.entries(r.settings ?? {}).map(([name, setting]): [string, KeySpec] => [
    name,
    {
      kind: ShapeKind.Any,
      description: setting.doc,
      default: setting.default,
      expected: setting.expected,
      check: (value, path) => setting.check(value, path),
    },
  ]);
  return group(
    r.title,
    {
      mode: oneOf("off, dry-run or enforce", MODES),
      ...(own.length > 0
        ? {
            settings: group("The remediation's own settings", Object.fromEntries(own), {
              optional: true,
            }),
          }
        : {}),
    },
    { optional: true },
  );
}

export const WATCH_SPEC: KeySpec = group("The aws-security-watch stack configuration", {
  alerts: group("Where alerts go", {
    emails,
    sms,
    httpsEndpoints: https,
    topics: mapOf(
      "Extra subscriptions by topic",
      group("Subscriptions of one topic", { emails, sms, httpsEndpoints: https }),
      { keys: [...SEVERITIES, "resolutions"], keyNoun: "topic", default: {} },
    ),
  }),
  trail: group("The trail (AuditTrail)", {
    enabled: flag("Deploy the trail (one stack per account)", true),
    logRetentionDays: {
      kind: ShapeKind.Number,
      description: "Retention of the trail's log group, in days",
      allowed: LOG_RETENTION_DAYS,
      default: 365,
      expected: `a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`,
    },
    bucketRetentionDays: whole("Days after which log files expire", 1, 36500, 2557),
    insights: flag("CloudTrail Insights", false),
    s3DataEvents: flag("S3 data events", false),
    lambdaDataEvents: flag("Lambda data events", false),
    accessLogging: flag("Server access logging of the trail bucket", true),
    isOrganizationTrail: flag("An organization trail", false),
    organizationId: text("The organization id", {
      pattern: "^o-[a-z0-9]{10,32}$",
      expected: "an organization id (o-...)",
    }),
  }),
  detections: group("The detections (SecurityRuleWatcher)", {
    disabled: strings("Detection ids not to deploy", DETECTION_ID),
    severityOverrides: mapOf("Severity per detection id", oneOf("A severity", SEVERITIES), {
      keys: DETECTION_IDS,
      keyNoun: "detection",
      keysHint: "npm run catalog lists the detection ids",
      default: {},
    }),
    forwardGlobalEvents: flag("Forward global-service events from us-east-1", true),
  }),
  alarms: group("The CIS alarms (CompositeAlarmGroup)", {
    disabledControls: strings("CIS control ids not to deploy", CIS_ID),
    overrides: mapOf(
      "Limits per CIS control id",
      group("Limits of one alarm", {
        ...limits,
        evaluationPeriods: whole("Periods evaluated", 1, 100),
      }),
      { keys: CIS_CONTROL_IDS, keyNoun: "CIS control", default: {} },
    ),
    suppressChildActions: flag("Only the composites notify", false),
    includeDefaultComposites: flag("The shipped composites", true),
  }),
  thresholds: group("Threshold detections (ThresholdAlarmGroup)", {
    enabled: flag("Deploy them (with the trail)", false),
    disabled: strings("Threshold detection ids not to deploy", THRESHOLD_ID),
    limits: mapOf("Limits per threshold detection id", group("Limits", limits), {
      keys: THRESHOLD_IDS,
      keyNoun: "threshold detection",
      default: {},
    }),
  }),
  // AutoRemediator's own settings, checked here with the key the user wrote and passed to it
  // unchanged: its DEFAULTS apply (no second set here).
  remediation: group("The remediation functions (AutoRemediator)", {
    defaultMode: oneOf("Mode of every remediation that sets none", MODES),
    // One group per remediation of the registry, its own settings as its spec declares them
    // (remediations/<id>/spec.ts): a new remediation needs no edit here.
    remediations: group(
      "Settings per remediation id",
      Object.fromEntries(REMEDIATIONS.map((r) => [r.id, remediationSpec(r)])),
      { keyNoun: "remediation" },
    ),
    exemptTag: group("Resources with this tag are never remediated", {
      key: text("The tag key", {
        pattern: "^.+$",
        expected: "a tag key (not empty)",
        required: true,
      }),
      value: text("The tag value", { required: true, expected: "a tag value" }),
    }),
    trustedPrincipalArns: listOf(
      "Principals whose changes are never remediated",
      text("an ARN", { rule: PRINCIPAL_ARN }),
    ),
    logRetentionDays: {
      kind: ShapeKind.Number,
      description: "Retention of the incident log groups, in days",
      allowed: LOG_RETENTION_DAYS.filter((d) => d > 0),
      expected: `a CloudWatch Logs retention (${LOG_RETENTION_DAYS.filter((d) => d > 0).join(", ")})`,
    },
    reservedConcurrency: whole("Reserved concurrency of each function (0: none)", 0, 1000),
    timeoutSeconds: whole("Function timeout in seconds", 1, 900),
    memorySizeMb: whole("Function memory in MB", 128, 10240),
    runtime: text("Lambda runtime", {
      pattern: "^nodejs\\d+\\.x$",
      expected: "a Node.js Lambda runtime (nodejs22.x)",
    }),
  }),
  operations: group("Dashboard, saved queries and archive", {
    dashboard: flag("The CloudWatch dashboard ($3 a month)", false),
    savedQueries: flag("The saved Logs Insights queries", true),
    archive: flag("An EventBridge archive of the matched events", true),
    archiveRetentionDays: whole("Days the archive keeps an event (0: indefinitely)", 0, 36500, 90),
  }),
  chat: group("Chat channels (AWS Chatbot)", {
    slack: group(
      "A Slack channel",
      {
        teamId: slackId("a Slack workspace id", "T0123ABCD"),
        channelId: slackId("a Slack channel id", "C0123ABCD"),
      },
      { optional: true },
    ),
    teams: group(
      "A Microsoft Teams channel",
      {
        teamId: uuid("a Teams team id"),
        tenantId: uuid("a Microsoft Entra tenant id"),
        channelId: text("a Teams channel id", {
          pattern: "^19:[A-Za-z0-9_-]+@thread\\.[a-z0-9]+$",
          expected: "a Teams channel id (19:...@thread.tacv2)",
        }),
      },
      { optional: true },
    ),
    minimumSeverity: oneOf("The least severe alert posted", SEVERITIES, Severity.Medium),
    resolutions: flag("Resolution cards", true),
  }),
  webhooks: group(
    "Incoming webhooks (WebhookNotifier)",
    {
      secretArn: text("a Secrets Manager secret ARN", {
        pattern:
          "^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\\d+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$",
        expected: "a Secrets Manager secret ARN (arn:aws:secretsmanager:...:secret:...)",
        required: true,
      }),
      secretKmsKeyArn: text("a KMS key ARN", { rule: KMS_KEY_ARN }),
      channels: mapOf(
        "The channels by label (each label a key of the secret's JSON object)",
        group("One channel", {
          kind: { ...oneOf("slack, teams or generic", Object.values(WebhookKind)), required: true },
        }),
        { keyNoun: "channel", default: {} },
      ),
      topics: listOf(
        "The topics posted",
        text("a topic purpose", {
          allowed: [...SEVERITIES, "resolutions"],
          expected: `a topic purpose (${[...SEVERITIES, "resolutions"].join(", ")})`,
        }),
        [...DEFAULT_WEBHOOK_TOPICS],
      ),
      maximumAttempts: whole("Attempts per post", 1, 10),
      dryRun: flag("Log the cards instead of posting them", false),
    },
    { optional: true },
  ),
  compliance: group("AWS Config (ComplianceRecorder)", {
    enabled: flag("Deploy AWS Config", false),
    useExistingRecorder: flag("Use the account's recorder", false),
    recordingFrequency: oneOf(
      "Continuous or daily recording",
      Object.values(RecordingFrequency),
      RecordingFrequency.Continuous,
    ),
    dailyResourceTypes: strings(
      "Resource types recorded daily",
      text("a resource type", {
        pattern: "^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$",
        expected: "a resource type (AWS::EC2::NetworkInterface)",
      }),
    ),
    snapshotDeliveryFrequency: oneOf(
      "Snapshot delivery frequency",
      Object.values(SnapshotDeliveryFrequency),
      SnapshotDeliveryFrequency.TwentyFourHours,
    ),
    createServiceLinkedRole: flag("Create the service-linked role", true),
    deliverToTrailBucket: flag("Deliver to the trail bucket under config/", true),
    disabledRules: strings(
      "Config rule keys not to deploy",
      text("a rule key", { rule: idRule(RULE_KEYS, `a rule key (${RULE_KEYS.join(", ")})`) }),
    ),
    maxAccessKeyAgeDays: whole("ACCESS_KEYS_ROTATED maxAccessKeyAge", 1, 3650, 90),
  }),
  organization: group(
    "Hub mode: the organization hub",
    {
      organizationId: text("The organization id", {
        pattern: "^o-[a-z0-9]{10,32}$",
        expected: "an organization id (o-...)",
        required: true,
      }),
      organizationalUnitIds: {
        ...listOf(
          "OUs or the root",
          text("an OU or root id", {
            pattern: "^(ou-[a-z0-9]+-[a-z0-9]+|r-[a-z0-9]+)$",
            expected: "an OU id (ou-...) or the root id (r-...)",
          }),
        ),
        required: true,
        expected: "the OUs (ou-...) or the root (r-...) to deploy the spokes to",
      },
      organizationalUnitPaths: listOf("OU paths admitted on the hub bus", text("an OU path"), []),
      admittedAccounts: listOf("Accounts admitted on the hub bus", ACCOUNT_ID, []),
      excludedAccounts: listOf("Accounts never watched", ACCOUNT_ID, []),
      regions: {
        ...listOf(
          "The regions the spokes cover",
          text("a region", { pattern: REGION_PATTERN, expected: "a region name" }),
        ),
        required: true,
        expected: "the regions the spokes cover",
      },
      externalId: text("The external id of the member roles", {
        pattern: "^[\\w+=,.@:/-]{2,1224}$",
        expected: "an external id (2-1224 characters of letters, digits and +=,.@:/-_)",
        required: true,
      }),
      callAs: oneOf(
        "How the StackSets are called",
        Object.values(StackSetCallAs),
        StackSetCallAs.DelegatedAdmin,
      ),
      deployStackSets: flag("Deploy the spokes by StackSets", true),
      expectedAccounts: whole("Accounts expected to send heartbeats", 0, 100000, 0),
      managementAccount: {
        ...group("How the management account is covered", {
          accountId: { ...ACCOUNT_ID, required: true },
          roleArn: text("The deployer role in the management account"),
          watched: flag("Watch the management account"),
        }),
        required: true,
        expected:
          "service-managed StackSets skip the management account; set accountId and roleArn (the hub deploys its spoke with explicit providers) or watched: false",
      },
      trailLogGroupName: text("The hub's copy of the organization trail's log group", {
        pattern: "^[\\w#/.-]{1,512}$",
        expected: "a log group name",
      }),
    },
    { optional: true },
  ),
  spokeRegions: strings(
    "A single account's other regions",
    text("a region", { pattern: REGION_PATTERN, expected: "a region name" }),
  ),
  tags: mapOf("Tags on every resource", text("a tag value"), { default: {} }),
});

/** The keys of the `aws-security-watch:` namespace: SecurityWatch's arguments. */
export const WATCH_KEYS: readonly string[] = Object.keys(WATCH_SPEC.fields ?? {});
