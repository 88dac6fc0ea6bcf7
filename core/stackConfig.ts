/**
 * The stack's configuration, typed and validated in one place. `parseStackConfig` takes the raw
 * values of `Pulumi.<stack>.yaml` (namespace `aws-security-watch:`) and returns the settings of
 * every component, or throws one error that lists every problem found.
 */
import { CONFIG_RULES } from "./catalog/configRules";
import { isE164PhoneNumber, isEmailAddress, isHttpsUrl, isKmsKeyArn } from "./validation";
import { OrganizationConfig, parseOrganizationConfig } from "./org/orgConfig";
import { REMEDIATION_IDS, RemediationId, RemediationMode, SEVERITIES, Severity } from "./types";

/** Where alerts go: applied to every alert topic, plus per-topic additions. */
export interface AlertsConfig {
  /** Addresses subscribed by email to every alert topic and the resolutions topic. */
  readonly emails: string[];
  /** E.164 numbers subscribed by SMS to the `critical` topic only (SMS is for paging). */
  readonly sms: string[];
  /** HTTPS endpoints subscribed to every alert topic and the resolutions topic. */
  readonly httpsEndpoints: string[];
  /** Extra subscriptions by topic purpose (`critical`, `high`, `medium`, `info`, `resolutions`). */
  readonly topics: Record<string, { emails: string[]; sms: string[]; httpsEndpoints: string[] }>;
}

export interface TrailConfig {
  /**
   * Deploy the trail and the CIS alarms on its log group. One stack per account needs them (the
   * trail is multi-region); stacks in the account's other regions set false and deploy only the
   * topics, the detections and the remediations of their region.
   */
  readonly enabled: boolean;
  /** Retention of the trail's CloudWatch Logs group, in days (>= 365 for Security Hub). */
  readonly logRetentionDays: number;
  /** Days after which log files in the bucket expire. */
  readonly bucketRetentionDays: number;
  /** CloudTrail Insights (API call rate and error rate). */
  readonly insights: boolean;
  /** S3 object-level data events for all buckets. */
  readonly s3DataEvents: boolean;
  /** Lambda invoke data events for all functions. */
  readonly lambdaDataEvents: boolean;
  /** Server access logging of the trail bucket (CIS 3.6, Security Hub CloudTrail.7). */
  readonly accessLogging: boolean;
  /** An organization trail (deploy from the management account). */
  readonly organization: boolean;
  /** The organization id (`o-...`), required for an organization trail. */
  readonly organizationId?: string;
}

export interface DetectionsConfig {
  readonly disabled: string[];
  readonly severityOverrides: Record<string, Severity>;
  /** Forward global-service events (IAM, STS, sign-in) from us-east-1 to the home region. */
  readonly forwardGlobalEvents: boolean;
}

export interface AlarmOverrideConfig {
  readonly threshold?: number;
  readonly periodSeconds?: number;
  readonly evaluationPeriods?: number;
}

export interface AlarmsConfig {
  readonly disabledControls: string[];
  readonly overrides: Record<string, AlarmOverrideConfig>;
  readonly suppressChildActions: boolean;
  /** The shipped composites (credential-attack, defense-evasion, network-tampering): $0.50 each. */
  readonly includeDefaultComposites: boolean;
}

/** Limits of one threshold detection (core/thresholds.ts). */
export interface ThresholdLimitConfig {
  readonly threshold?: number;
  readonly periodSeconds?: number;
}

/** Threshold detections per principal or source (Contributor Insights rules and their alarms). */
export interface ThresholdsConfig {
  /** Deploy them (with the trail): $0.50 a month per rule plus $0.10 per alarm. */
  readonly enabled: boolean;
  readonly disabled: string[];
  readonly limits: Record<string, ThresholdLimitConfig>;
}

export interface RemediationConfig {
  readonly defaultMode: RemediationMode;
  readonly modes: Partial<Record<RemediationId, RemediationMode>>;
  readonly allowedPublicPorts: number[];
  readonly protectedKeyArns: string[];
  /** Accounts Lambda functions may be shared with (remove-lambda-permission). */
  readonly partnerAccountIds: string[];
  readonly exemptTag: { key: string; value: string };
  readonly trustedPrincipalArns: string[];
  readonly logRetentionDays: number;
  readonly reservedConcurrency: number;
}

/** The dashboard, the saved queries and the event archive (issue "operate"). */
export interface OperationsConfig {
  /** The stack's CloudWatch dashboard ($3 a month; off unless asked for). */
  readonly dashboard: boolean;
  /** The incident-history queries saved in Logs Insights (free). */
  readonly savedQueries: boolean;
  /** An EventBridge archive of the events the detections match, for replay. */
  readonly archive: boolean;
  /** Days the archive keeps an event (0: indefinitely). */
  readonly archiveRetentionDays: number;
}

/** A Slack channel of AWS Chatbot. */
export interface SlackChatConfig {
  readonly teamId: string;
  readonly channelId: string;
}

/** A Microsoft Teams channel of AWS Chatbot. */
export interface TeamsChatConfig {
  readonly teamId: string;
  readonly tenantId: string;
  readonly channelId: string;
}

/** Chat channels (AWS Chatbot): on when `slack` or `teams` is set. */
export interface ChatConfig {
  readonly slack?: SlackChatConfig;
  readonly teams?: TeamsChatConfig;
  /** The least severe alert posted to chat. */
  readonly minimumSeverity: Severity;
  /** Resolution cards, threaded under their alert. */
  readonly resolutions: boolean;
}

/** AWS Config (ComplianceRecorder). */
export interface ComplianceConfig {
  /** Deploy ComplianceRecorder: AWS Config rules and the routing of their results. */
  readonly enabled: boolean;
  /** The account already records with AWS Config here: create rules and routing only. */
  readonly useExistingRecorder: boolean;
  /** `continuous` or `daily` recording. */
  readonly recordingFrequency: "continuous" | "daily";
  /** Resource types recorded daily under continuous recording. */
  readonly dailyResourceTypes: string[];
  /** Snapshot delivery frequency (One_Hour ... TwentyFour_Hours). */
  readonly snapshotDeliveryFrequency: string;
  /** Create the AWSServiceRoleForConfig service-linked role (false when it exists). */
  readonly createServiceLinkedRole: boolean;
  /** Deliver to the trail bucket under `config/` (else a bucket of its own). */
  readonly deliverToTrailBucket: boolean;
  /** Rule keys (core/catalog/configRules.ts) not to deploy. */
  readonly disabledRules: string[];
  /** ACCESS_KEYS_ROTATED `maxAccessKeyAge`. */
  readonly maxAccessKeyAgeDays: number;
}

export interface StackConfig {
  readonly homeRegion: string;
  readonly alerts: AlertsConfig;
  readonly trail: TrailConfig;
  readonly detections: DetectionsConfig;
  readonly alarms: AlarmsConfig;
  readonly thresholds: ThresholdsConfig;
  readonly remediation: RemediationConfig;
  readonly operations: OperationsConfig;
  readonly chat: ChatConfig;
  readonly compliance: ComplianceConfig;
  readonly tags: Record<string, string>;
  /** The hub of an organization (core/org/orgConfig.ts); undefined for a single account. */
  readonly organization?: OrganizationConfig;
  /** A single account's other regions: spokes that forward to this stack's region. */
  readonly spokeRegions: string[];
}

/** The configuration keys (under `aws-security-watch:`) that the stack reads. */
export const CONFIG_KEYS = [
  "alerts",
  "trail",
  "detections",
  "alarms",
  "thresholds",
  "remediation",
  "operations",
  "chat",
  "compliance",
  "tags",
  "organization",
  "spokeRegions",
];

const DEFAULTS = {
  trail: {
    enabled: true,
    logRetentionDays: 365,
    bucketRetentionDays: 2557,
    insights: false,
    s3DataEvents: false,
    lambdaDataEvents: false,
    accessLogging: true,
    organization: false,
  },
  remediation: {
    defaultMode: RemediationMode.DryRun,
    exemptTag: { key: "security-watch:exempt", value: "true" },
    logRetentionDays: 365,
    reservedConcurrency: 2,
  },
  operations: {
    // $3 a month: deployed when asked for (Pulumi.dev.yaml does).
    dashboard: false,
    savedQueries: true,
    archive: true,
    archiveRetentionDays: 90,
  },
  chat: {
    minimumSeverity: Severity.Medium,
    resolutions: true,
  },
};

type Raw = Record<string, unknown>;

/** Collects problems with their config path, so that one run reports all of them. */
class Reader {
  readonly problems: string[] = [];

  object(value: unknown, path: string): Raw {
    if (value === undefined || value === null) {
      return {};
    }
    if (typeof value !== "object" || Array.isArray(value)) {
      this.problems.push(`${path}: expected a map, got ${describe(value)}`);
      return {};
    }
    const known = KNOWN_FIELDS[path];
    if (known) {
      for (const key of Object.keys(value)) {
        if (!known.includes(key)) {
          this.problems.push(`${path}.${key}: unknown setting; known: ${known.join(", ")}`);
        }
      }
    }
    return value as Raw;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined) {
      return fallback;
    }
    if (typeof value !== "boolean") {
      this.problems.push(`${path}: expected true or false, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  integer(value: unknown, path: string, fallback: number, min: number, max: number): number {
    if (value === undefined) {
      return fallback;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.problems.push(
        `${path}: expected a whole number from ${min} to ${max}, got ${describe(value)}`,
      );
      return fallback;
    }
    return value;
  }

  optionalInteger(value: unknown, path: string, min: number, max: number): number | undefined {
    return value === undefined ? undefined : this.integer(value, path, min, min, max);
  }

  strings(value: unknown, path: string, check?: (s: string) => string | undefined): string[] {
    if (value === undefined || value === null) {
      return [];
    }
    if (!Array.isArray(value)) {
      this.problems.push(`${path}: expected a list, got ${describe(value)}`);
      return [];
    }
    const out: string[] = [];
    value.forEach((item, i) => {
      if (typeof item !== "string") {
        this.problems.push(`${path}[${i}]: expected a string, got ${describe(item)}`);
        return;
      }
      const problem = check?.(item);
      if (problem) {
        this.problems.push(`${path}[${i}]: ${problem}`);
        return;
      }
      out.push(item);
    });
    return out;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) {
      return fallback;
    }
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${path}: expected one of ${allowed.join(", ")}, got ${describe(value)}`);
      return fallback;
    }
    return value as T;
  }
}

const KNOWN_FIELDS: Record<string, string[]> = {
  alerts: ["emails", "sms", "httpsEndpoints", "topics"],
  trail: [...Object.keys(DEFAULTS.trail), "organizationId"],
  detections: ["disabled", "severityOverrides", "forwardGlobalEvents"],
  alarms: ["disabledControls", "overrides", "suppressChildActions", "includeDefaultComposites"],
  thresholds: ["enabled", "disabled", "limits"],
  remediation: [
    "defaultMode",
    "modes",
    "allowedPublicPorts",
    "protectedKeyArns",
    "partnerAccountIds",
    "exemptTag",
    "trustedPrincipalArns",
    "logRetentionDays",
    "reservedConcurrency",
  ],
  "remediation.exemptTag": ["key", "value"],
  operations: Object.keys(DEFAULTS.operations),
  chat: ["slack", "teams", "minimumSeverity", "resolutions"],
  "chat.slack": ["teamId", "channelId"],
  "chat.teams": ["teamId", "tenantId", "channelId"],
  compliance: [
    "enabled",
    "useExistingRecorder",
    "recordingFrequency",
    "dailyResourceTypes",
    "snapshotDeliveryFrequency",
    "createServiceLinkedRole",
    "deliverToTrailBucket",
    "disabledRules",
    "maxAccessKeyAgeDays",
  ],
};

function describe(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

const PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(user|role|assumed-role|root)(\/[\w+=,.@/-]+)?$/;

// The same address, phone number, URL and key ARN rules as the components' (core/validation.ts),
// so that the configuration accepts exactly what the components will: one rule each, no twin.
const checkEmail = (s: string) =>
  isEmailAddress(s) ? undefined : `"${s}" is not an email address`;
const checkPhone = (s: string) =>
  isE164PhoneNumber(s) ? undefined : `"${s}" is not an E.164 phone number (like +447700900123)`;
const checkHttps = (s: string) => (isHttpsUrl(s) ? undefined : `"${s}" is not an https:// URL`);

/**
 * Reads and validates the stack configuration.
 * @param get returns the raw (parsed YAML) value of a key of the `aws-security-watch` namespace
 * @param awsRegion the `aws:region` of the stack
 * @throws Error listing every problem, one per line, each with its config path
 */
export function parseStackConfig(
  get: (key: string) => unknown,
  awsRegion: string | undefined,
): StackConfig {
  const r = new Reader();
  if (!awsRegion) {
    r.problems.push(
      "aws:region: set the region to deploy to (pulumi config set aws:region eu-west-1)",
    );
  }

  const alertsRaw = r.object(get("alerts"), "alerts");
  const topicsRaw = r.object(alertsRaw.topics, "alerts.topics");
  const topicKeys = [...SEVERITIES, "resolutions"] as string[];
  const topics: AlertsConfig["topics"] = {};
  for (const [topic, value] of Object.entries(topicsRaw)) {
    const path = `alerts.topics.${topic}`;
    if (!topicKeys.includes(topic)) {
      r.problems.push(`${path}: unknown topic; known: ${topicKeys.join(", ")}`);
      continue;
    }
    const raw = r.object(value, path);
    topics[topic] = {
      emails: r.strings(raw.emails, `${path}.emails`, checkEmail),
      sms: r.strings(raw.sms, `${path}.sms`, checkPhone),
      httpsEndpoints: r.strings(raw.httpsEndpoints, `${path}.httpsEndpoints`, checkHttps),
    };
  }
  const alerts: AlertsConfig = {
    emails: r.strings(alertsRaw.emails, "alerts.emails", checkEmail),
    sms: r.strings(alertsRaw.sms, "alerts.sms", checkPhone),
    httpsEndpoints: r.strings(alertsRaw.httpsEndpoints, "alerts.httpsEndpoints", checkHttps),
    topics,
  };

  const trailRaw = r.object(get("trail"), "trail");
  const d = DEFAULTS.trail;
  const trail: { -readonly [K in keyof TrailConfig]: TrailConfig[K] } = {
    enabled: r.boolean(trailRaw.enabled, "trail.enabled", d.enabled),
    logRetentionDays: r.integer(
      trailRaw.logRetentionDays,
      "trail.logRetentionDays",
      d.logRetentionDays,
      1,
      3653,
    ),
    bucketRetentionDays: r.integer(
      trailRaw.bucketRetentionDays,
      "trail.bucketRetentionDays",
      d.bucketRetentionDays,
      1,
      36500,
    ),
    insights: r.boolean(trailRaw.insights, "trail.insights", d.insights),
    s3DataEvents: r.boolean(trailRaw.s3DataEvents, "trail.s3DataEvents", d.s3DataEvents),
    lambdaDataEvents: r.boolean(
      trailRaw.lambdaDataEvents,
      "trail.lambdaDataEvents",
      d.lambdaDataEvents,
    ),
    accessLogging: r.boolean(trailRaw.accessLogging, "trail.accessLogging", d.accessLogging),
    organization: r.boolean(trailRaw.organization, "trail.organization", d.organization),
    organizationId: undefined as string | undefined,
  };
  const orgId = trailRaw.organizationId;
  if (orgId !== undefined) {
    if (typeof orgId === "string" && /^o-[a-z0-9]{10,32}$/.test(orgId)) {
      trail.organizationId = orgId;
    } else {
      r.problems.push(`trail.organizationId: ${describe(orgId)} is not an organization id (o-...)`);
    }
  }
  if (trail.organization && !trail.organizationId) {
    r.problems.push(
      "trail.organizationId: set it for an organization trail (aws organizations describe-organization)",
    );
  }

  const detectionsRaw = r.object(get("detections"), "detections");
  const overridesRaw = r.object(detectionsRaw.severityOverrides, "detections.severityOverrides");
  const severityOverrides: Record<string, Severity> = {};
  for (const [id, value] of Object.entries(overridesRaw)) {
    severityOverrides[id] = r.oneOf(
      value,
      `detections.severityOverrides.${id}`,
      SEVERITIES,
      Severity.Info,
    );
  }
  const detections: DetectionsConfig = {
    disabled: r.strings(detectionsRaw.disabled, "detections.disabled"),
    severityOverrides,
    forwardGlobalEvents: r.boolean(
      detectionsRaw.forwardGlobalEvents,
      "detections.forwardGlobalEvents",
      true,
    ),
  };

  const alarmsRaw = r.object(get("alarms"), "alarms");
  const alarmOverridesRaw = r.object(alarmsRaw.overrides, "alarms.overrides");
  const overrides: Record<string, AlarmOverrideConfig> = {};
  for (const [control, value] of Object.entries(alarmOverridesRaw)) {
    const path = `alarms.overrides.${control}`;
    const raw = r.object(value, path);
    for (const key of Object.keys(raw)) {
      if (!["threshold", "periodSeconds", "evaluationPeriods"].includes(key)) {
        r.problems.push(
          `${path}.${key}: unknown setting; known: threshold, periodSeconds, evaluationPeriods`,
        );
      }
    }
    overrides[control] = {
      threshold: r.optionalInteger(raw.threshold, `${path}.threshold`, 1, 1_000_000),
      periodSeconds: r.optionalInteger(raw.periodSeconds, `${path}.periodSeconds`, 60, 86400),
      evaluationPeriods: r.optionalInteger(
        raw.evaluationPeriods,
        `${path}.evaluationPeriods`,
        1,
        100,
      ),
    };
  }
  const thresholdsRaw = r.object(get("thresholds"), "thresholds");
  const limits: Record<string, ThresholdLimitConfig> = {};
  for (const [id, value] of Object.entries(r.object(thresholdsRaw.limits, "thresholds.limits"))) {
    const path = `thresholds.limits.${id}`;
    const raw = r.object(value, path);
    for (const key of Object.keys(raw)) {
      if (!["threshold", "periodSeconds"].includes(key)) {
        r.problems.push(`${path}.${key}: unknown setting; known: threshold, periodSeconds`);
      }
    }
    limits[id] = {
      threshold: r.optionalInteger(raw.threshold, `${path}.threshold`, 1, 1_000_000),
      periodSeconds: r.optionalInteger(raw.periodSeconds, `${path}.periodSeconds`, 60, 86400),
    };
  }
  const thresholds: ThresholdsConfig = {
    enabled: r.boolean(thresholdsRaw.enabled, "thresholds.enabled", false),
    disabled: r.strings(thresholdsRaw.disabled, "thresholds.disabled"),
    limits,
  };

  const alarms: AlarmsConfig = {
    disabledControls: r.strings(alarmsRaw.disabledControls, "alarms.disabledControls"),
    overrides,
    suppressChildActions: r.boolean(
      alarmsRaw.suppressChildActions,
      "alarms.suppressChildActions",
      false,
    ),
    includeDefaultComposites: r.boolean(
      alarmsRaw.includeDefaultComposites,
      "alarms.includeDefaultComposites",
      true,
    ),
  };

  const remRaw = r.object(get("remediation"), "remediation");
  const dr = DEFAULTS.remediation;
  const modeValues = Object.values(RemediationMode);
  const modesRaw = r.object(remRaw.modes, "remediation.modes");
  const modes: Partial<Record<RemediationId, RemediationMode>> = {};
  for (const [id, value] of Object.entries(modesRaw)) {
    if (!(REMEDIATION_IDS as string[]).includes(id)) {
      r.problems.push(
        `remediation.modes.${id}: unknown remediation; known: ${REMEDIATION_IDS.join(", ")}`,
      );
      continue;
    }
    modes[id as RemediationId] = r.oneOf(
      value,
      `remediation.modes.${id}`,
      modeValues,
      dr.defaultMode,
    );
  }
  const portsRaw = remRaw.allowedPublicPorts;
  const allowedPublicPorts: number[] = [];
  if (portsRaw !== undefined) {
    if (!Array.isArray(portsRaw)) {
      r.problems.push(`remediation.allowedPublicPorts: expected a list, got ${describe(portsRaw)}`);
    } else {
      portsRaw.forEach((p, i) => {
        allowedPublicPorts.push(r.integer(p, `remediation.allowedPublicPorts[${i}]`, 0, 0, 65535));
      });
    }
  }
  const exemptRaw = r.object(remRaw.exemptTag, "remediation.exemptTag");
  const exemptTag = {
    key: exemptRaw.key === undefined ? dr.exemptTag.key : String(exemptRaw.key),
    value: exemptRaw.value === undefined ? dr.exemptTag.value : String(exemptRaw.value),
  };
  if (!exemptTag.key) {
    r.problems.push("remediation.exemptTag.key: must not be empty");
  }
  const remediation: RemediationConfig = {
    defaultMode: r.oneOf(remRaw.defaultMode, "remediation.defaultMode", modeValues, dr.defaultMode),
    modes,
    allowedPublicPorts,
    protectedKeyArns: r.strings(remRaw.protectedKeyArns, "remediation.protectedKeyArns", (s) =>
      isKmsKeyArn(s) ? undefined : `"${s}" is not a KMS key ARN`,
    ),
    partnerAccountIds: r.strings(remRaw.partnerAccountIds, "remediation.partnerAccountIds", (s) =>
      /^\d{12}$/.test(s) ? undefined : `"${s}" is not a 12-digit account id`,
    ),
    exemptTag,
    trustedPrincipalArns: r.strings(
      remRaw.trustedPrincipalArns,
      "remediation.trustedPrincipalArns",
      (s) => (PRINCIPAL_ARN.test(s) ? undefined : `"${s}" is not an IAM user or role ARN`),
    ),
    logRetentionDays: r.integer(
      remRaw.logRetentionDays,
      "remediation.logRetentionDays",
      dr.logRetentionDays,
      1,
      3653,
    ),
    reservedConcurrency: r.integer(
      remRaw.reservedConcurrency,
      "remediation.reservedConcurrency",
      dr.reservedConcurrency,
      0,
      1000,
    ),
  };

  const opsRaw = r.object(get("operations"), "operations");
  const dops = DEFAULTS.operations;
  const operations: OperationsConfig = {
    dashboard: r.boolean(opsRaw.dashboard, "operations.dashboard", dops.dashboard),
    savedQueries: r.boolean(opsRaw.savedQueries, "operations.savedQueries", dops.savedQueries),
    archive: r.boolean(opsRaw.archive, "operations.archive", dops.archive),
    archiveRetentionDays: r.integer(
      opsRaw.archiveRetentionDays,
      "operations.archiveRetentionDays",
      dops.archiveRetentionDays,
      0,
      36500,
    ),
  };

  const chatRaw = r.object(get("chat"), "chat");
  const id = (value: unknown, path: string, pattern: RegExp, what: string): string => {
    if (typeof value !== "string" || !pattern.test(value)) {
      r.problems.push(`${path}: ${describe(value)} is not ${what}`);
      return "";
    }
    return value;
  };
  const SLACK_ID = /^[A-Z0-9]{9,11}$/;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  let slack: SlackChatConfig | undefined;
  if (chatRaw.slack !== undefined && chatRaw.slack !== null) {
    const raw = r.object(chatRaw.slack, "chat.slack");
    slack = {
      teamId: id(raw.teamId, "chat.slack.teamId", SLACK_ID, "a Slack workspace id (T0123ABCD)"),
      channelId: id(
        raw.channelId,
        "chat.slack.channelId",
        SLACK_ID,
        "a Slack channel id (C0123ABCD)",
      ),
    };
  }
  let teams: TeamsChatConfig | undefined;
  if (chatRaw.teams !== undefined && chatRaw.teams !== null) {
    const raw = r.object(chatRaw.teams, "chat.teams");
    teams = {
      teamId: id(raw.teamId, "chat.teams.teamId", UUID, "a Teams team id (a UUID)"),
      tenantId: id(
        raw.tenantId,
        "chat.teams.tenantId",
        UUID,
        "a Microsoft Entra tenant id (a UUID)",
      ),
      channelId: id(
        raw.channelId,
        "chat.teams.channelId",
        /^19:[A-Za-z0-9_-]+@thread\.[a-z0-9]+$/,
        "a Teams channel id (19:...@thread.tacv2)",
      ),
    };
  }
  const chat: ChatConfig = {
    ...(slack ? { slack } : {}),
    ...(teams ? { teams } : {}),
    minimumSeverity: r.oneOf(
      chatRaw.minimumSeverity,
      "chat.minimumSeverity",
      SEVERITIES,
      DEFAULTS.chat.minimumSeverity,
    ),
    resolutions: r.boolean(chatRaw.resolutions, "chat.resolutions", DEFAULTS.chat.resolutions),
  };

  const compRaw = r.object(get("compliance"), "compliance");
  const compliance: ComplianceConfig = {
    enabled: r.boolean(compRaw.enabled, "compliance.enabled", false),
    useExistingRecorder: r.boolean(
      compRaw.useExistingRecorder,
      "compliance.useExistingRecorder",
      false,
    ),
    recordingFrequency: r.oneOf(
      compRaw.recordingFrequency,
      "compliance.recordingFrequency",
      ["continuous", "daily"] as const,
      "continuous",
    ),
    dailyResourceTypes: r.strings(
      compRaw.dailyResourceTypes,
      "compliance.dailyResourceTypes",
      (t) =>
        /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(t) ? undefined : `"${t}" is not a resource type`,
    ),
    snapshotDeliveryFrequency: r.oneOf(
      compRaw.snapshotDeliveryFrequency,
      "compliance.snapshotDeliveryFrequency",
      ["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"] as const,
      "TwentyFour_Hours",
    ),
    createServiceLinkedRole: r.boolean(
      compRaw.createServiceLinkedRole,
      "compliance.createServiceLinkedRole",
      true,
    ),
    deliverToTrailBucket: r.boolean(
      compRaw.deliverToTrailBucket,
      "compliance.deliverToTrailBucket",
      true,
    ),
    disabledRules: r.strings(compRaw.disabledRules, "compliance.disabledRules", (k) =>
      CONFIG_RULES.some((rule) => rule.key === k)
        ? undefined
        : `unknown rule "${k}"; known: ${CONFIG_RULES.map((rule) => rule.key).join(", ")}`,
    ),
    maxAccessKeyAgeDays: r.integer(
      compRaw.maxAccessKeyAgeDays,
      "compliance.maxAccessKeyAgeDays",
      90,
      1,
      3650,
    ),
  };

  const tagsRaw = r.object(get("tags"), "tags");
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(tagsRaw)) {
    if (typeof value !== "string") {
      r.problems.push(`tags.${key}: expected a string, got ${describe(value)}`);
      continue;
    }
    tags[key] = value;
  }

  const org = parseOrganizationConfig(get, awsRegion);
  r.problems.push(...org.problems);

  if (r.problems.length > 0) {
    throw new Error(
      `Invalid stack configuration (Pulumi.<stack>.yaml, namespace aws-security-watch):\n  - ${r.problems.join("\n  - ")}`,
    );
  }
  return {
    homeRegion: awsRegion as string,
    alerts,
    trail,
    detections,
    alarms,
    thresholds,
    remediation,
    operations,
    chat,
    compliance,
    tags,
    organization: org.organization,
    spokeRegions: org.spokeRegions,
  };
}
