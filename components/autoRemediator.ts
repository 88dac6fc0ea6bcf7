import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS as AUDIT_LOG_RETENTION_DAYS } from "./auditTrail";
import { argsProblems, isPending, list, map, num, obj, str } from "../core/argsShape";
import { CATALOG } from "../core/catalog";
import { Detection } from "../core/detection";
import { remediationPolicy } from "../core/remediationPolicies";
import { assumeMemberRoleStatement, hubRoleName, memberRoleName } from "../core/org/memberRoles";
import { RemediationId, RemediationMode } from "../core/types";
import type { DetectionLink } from "../lambdas/runtime/settings";
import { runtimeFactory } from "../lambdas/bootstrap";
import { HandlerFunction } from "./handlerFunction";
import { REMEDIATIONS, detectionRemediations } from "../remediations/registry";
import type { RemediationSpec } from "../remediations/spec";

/**
 * Settings of one remediation (`remediations.<id>`). Every field is optional: the component's
 * defaults apply.
 *
 * A remediation's own settings go in `settings`, by name, as its spec declares them
 * (remediations/<id>/spec.ts): a plain map, so that any Pulumi language can pass it and a new
 * remediation's settings need no change here. Each is validated against the spec, and a
 * mistake names the key written (`remediations.revoke-world-ingress.settings.allowedPublicPorts[0]`).
 * TypeScript users can type them with the spec's interface (`RevokeWorldIngressOptions`,
 * `CancelKeyDeletionOptions`, `RemoveLambdaPermissionOptions`). The docs list every setting
 * with its default (remediations/docs.ts).
 */
export interface RemediationOptions {
  /**
   * `off` deploys nothing for this remediation, `dry-run` decides and reports without any
   * mutating call, `enforce` undoes the change.
   * @default the component's `defaultMode`
   */
  readonly mode?: RemediationMode;
  /**
   * The remediation's own settings by name, e.g. `{ allowedPublicPorts: [443] }` for
   * revoke-world-ingress, `{ protectedKeyArns: [...] }` (ARNs of keys of the same program may be
   * outputs) for cancel-key-deletion, `{ partnerAccountIds: [...] }` for
   * remove-lambda-permission. An unknown name is an error.
   * @default each setting's default (its spec)
   */
  // A free-form map, validated by the remediation's spec: the schema's `Any` for other languages.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly settings?: Record<string, any>;
}

/**
 * The EventBridge rules that trigger the remediations, by detection id: what SecurityRuleWatcher
 * outputs (`ruleNames`, `ruleArns`, `detectionRemediations`, `deadLetterQueueArn`). A
 * SecurityRuleWatcher is one as it is; another language passes those outputs.
 */
export interface RemediationRuleSource {
  /**
   * EventBridge rule name per detection id (SecurityRuleWatcher `ruleNames`). The map itself
   * must be known when the component is built (its keys decide the targets); its values may be
   * outputs.
   */
  readonly ruleNames: Record<string, pulumi.Input<string>>;
  /**
   * EventBridge rule ARN per detection id (SecurityRuleWatcher `ruleArns`): the source of each
   * invoke permission.
   * @default the ARN of the rule of that name on the default event bus of the provider's region and account
   */
  readonly ruleArns?: Record<string, pulumi.Input<string>>;
  /**
   * The remediation each detection triggers, by detection id (SecurityRuleWatcher
   * `detectionRemediations`); a detection without an entry triggers none.
   * @default the registry's link (remediations/<id>/spec.ts `detections`) of each id in `ruleNames`
   */
  readonly detectionRemediations?: Record<string, RemediationId>;
  /** The dead-letter queue of the watcher's targets (SecurityRuleWatcher `deadLetterQueueArn`), reused by the remediation targets. */
  readonly deadLetterQueueArn: pulumi.Input<string>;
  /**
   * The event bus of the rules (SecurityRuleWatcher `eventBusName`: an organization hub's bus).
   * @default the default event bus
   */
  readonly eventBusName?: pulumi.Input<string>;
  /**
   * The watcher's detections (SecurityRuleWatcher `detections`), for what the functions report
   * about the detection that routed an event (ATT&CK ids, event names).
   * @default the catalog's detections of the ids in `ruleNames`
   */
  readonly detections?: Detection[];
}

/** A resource tag (key and value). */
export interface ExemptTag {
  /** The tag key, e.g. `security-watch:exempt`. */
  readonly key: string;
  /** The tag value, e.g. `true`. */
  readonly value: string;
}

/** How the functions act in the member accounts of an organization (see OrganizationHub). */
export interface CrossAccountArgs {
  /**
   * The organization id (`o-...`): the functions assume member roles only in its accounts
   * (`aws:ResourceOrgID`), and act only on events of its accounts.
   */
  readonly organizationId: string;
  /** The external id the functions name when they assume a member role (the spokes' `ExternalId`). */
  readonly externalId: string;
  /**
   * Accounts of the organization whose events are never acted on.
   * @default []
   */
  readonly excludedAccounts?: string[];
  /**
   * The remediations the spokes deploy a member role for (OrganizationHub `remediations`):
   * every enabled remediation must be one of them (else its function fails AssumeRole in every
   * member account).
   * @default every registered remediation (what OrganizationHub deploys by default)
   */
  readonly memberRemediations?: string[];
}

/**
 * What the remediations do, independent of what they are wired to: modes, per-remediation
 * settings, exemptions and function limits. The `remediation` argument of SecurityWatch and the
 * `remediation:` key of `Pulumi.<stack>.yaml` have this shape; AutoRemediatorArgs extends it
 * with the wiring (topics, watcher, bus, organization).
 */
export interface RemediationGroupArgs {
  /**
   * Mode of every remediation that does not set its own.
   * @default RemediationMode.DryRun
   */
  readonly defaultMode?: RemediationMode;
  /**
   * Per-remediation mode and settings, keyed by remediation id (`revoke-world-ingress`, ...: the
   * values of `RemediationId`).
   * @default {}
   */
  readonly remediations?: Record<string, RemediationOptions>;
  /**
   * Resources tagged with this key and value are never remediated (the alert still goes out).
   * @default { key: "security-watch:exempt", value: "true" }
   */
  readonly exemptTag?: ExemptTag;
  /**
   * Principals (IAM user or role ARNs, or STS assumed-role ARNs) whose changes are never
   * remediated, e.g. the deployment role of your infrastructure pipeline (an ARN from another
   * resource may be given).
   * @default []
   */
  readonly trustedPrincipalArns?: pulumi.Input<string>[];
  /**
   * Retention of each function's log group, which holds the incident records.
   * [Allowed values](https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html)
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Reserved concurrency of each function: bounds a storm of events, and guarantees capacity.
   * Accounts with the initial concurrency quota of 10 cannot reserve any: set 0 there to reserve
   * nothing (the value -1 of the Lambda API).
   * [Reserved concurrency](https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html)
   * @default 2
   */
  readonly reservedConcurrency?: number;
  /**
   * Function timeout in seconds.
   * @default 30
   */
  readonly timeoutSeconds?: number;
  /**
   * Function memory in MB.
   * @default 256
   */
  readonly memorySizeMb?: number;
  /**
   * Lambda runtime.
   * @default "nodejs22.x"
   */
  readonly runtime?: string;
}

export interface AutoRemediatorArgs extends RemediationGroupArgs {
  /** SNS topic that receives resolution messages (AlertTopicSet `resolutionTopicArn`). */
  readonly resolutionTopicArn: pulumi.Input<string>;
  /**
   * KMS key that encrypts the resolutions topic (AlertTopicSet `kmsKeyArn`): the functions may
   * use it to publish. Leave unset for an unencrypted topic.
   * @default none (an unencrypted topic)
   */
  readonly topicKmsKeyArn?: pulumi.Input<string>;
  /**
   * SNS topic told when a remediation fails (its on-failure queue is not empty); normally the
   * `high` alert topic (AlertTopicSet `alertTopicArns.high`).
   */
  readonly failureAlarmTopicArn: pulumi.Input<string>;
  /**
   * The rules that trigger the remediations (a SecurityRuleWatcher, or its outputs): the
   * component adds a target to every rule whose detection names an enabled remediation.
   * Without it, set `unwired: true`.
   * @default none
   */
  readonly watcher?: RemediationRuleSource;
  /**
   * Deploy the functions without any trigger (no `watcher`): they receive only the events sent
   * to them some other way (a rule of another stack, `npm run replay`). Without `watcher` and
   * without this, the component is an error: functions that nothing triggers undo nothing.
   * @default false
   */
  readonly unwired?: boolean;
  /**
   * Event bus that receives each function's result (a Lambda on-success destination: a
   * "Lambda Function Invocation Result - Success" event whose `detail.responsePayload` is the
   * remediation's result), for consumers of your own. Chat resolution cards do not come from
   * it (ChatChannels renders them from the resolution topic: anyone allowed `events:PutEvents`
   * on a bus can forge such an event). Each role may then `events:PutEvents` on that bus only.
   * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
   * @default no on-success destination
   */
  readonly resultEventBusArn?: pulumi.Input<string>;
  /**
   * Tags applied to every resource that accepts them.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * Act in the member accounts of an organization (the hub of OrganizationHub): each function's
   * role is named `asw-hub-<remediation>`, the name the member roles trust, and may assume
   * `asw-member-<remediation>` in the organization's accounts; for an event of account A the
   * function acts through that role in A.
   * @default undefined: the functions act in their own account
   */
  readonly crossAccount?: CrossAccountArgs;
}

const DEFAULTS = {
  defaultMode: RemediationMode.DryRun,
  exemptTag: { key: "security-watch:exempt", value: "true" },
  trustedPrincipalArns: [] as string[],
  logRetentionDays: 365,
  reservedConcurrency: 2,
  timeoutSeconds: 30,
  memorySizeMb: 256,
  runtime: "nodejs22.x",
  maximumRetryAttempts: 2,
  maximumEventAgeSeconds: 3600,
  failureQueueRetentionSeconds: 1209600,
  /** SDK limits of every client in the functions: a call gives up well inside the timeout. */
  sdk: { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 },
};

const ARN = "an ARN (a string)";
const REMEDIATION_OPTIONS = obj("an object with mode and settings", {
  mode: str("off, dry-run or enforce"),
  settings: map("a map of setting name to value (the remediation's own settings)"),
});
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  resolutionTopicArn: str("the AlertTopicSet resolutionTopicArn", true),
  topicKmsKeyArn: str("the AlertTopicSet kmsKeyArn"),
  failureAlarmTopicArn: str(
    "an SNS topic ARN, normally the AlertTopicSet alertTopicArns.high",
    true,
  ),
  watcher: obj("the SecurityRuleWatcher, or its ruleNames and deadLetterQueueArn", {
    ruleNames: map(
      "a map of detection id to rule name (SecurityRuleWatcher ruleNames)",
      str("a rule name"),
      { required: true, known: true },
    ),
    ruleArns: map("a map of detection id to rule ARN (SecurityRuleWatcher ruleArns)", str(ARN), {
      known: true,
    }),
    detectionRemediations: map(
      "a map of detection id to remediation id (SecurityRuleWatcher detectionRemediations)",
      str("a remediation id"),
      { known: true },
    ),
    deadLetterQueueArn: str("the SecurityRuleWatcher deadLetterQueueArn", true),
    detections: list("a list of detections (SecurityRuleWatcher detections)"),
    eventBusName: str("an event bus name (SecurityRuleWatcher eventBusName)"),
  }),
  defaultMode: str("off, dry-run or enforce"),
  remediations: map("a map of remediation id to its settings", REMEDIATION_OPTIONS, {
    known: true,
  }),
  exemptTag: obj("an object { key, value }", {
    key: str("a tag key", true),
    value: str("a tag value", true),
  }),
  trustedPrincipalArns: list("a list of IAM user or role ARNs", str(ARN)),
  logRetentionDays: num("a number of days"),
  reservedConcurrency: num("a whole number >= 0"),
  timeoutSeconds: num("a number of seconds"),
  memorySizeMb: num("a number of MB"),
  runtime: str("a Lambda runtime such as nodejs22.x"),
  tags: map("a map of tag key to value", str("a tag value")),
  crossAccount: obj("an object { organizationId, externalId, excludedAccounts }", {
    organizationId: str("an organization id (o-...)", true),
    externalId: str("an external id", true),
    excludedAccounts: list("a list of account ids", str("a 12-digit account id")),
    memberRemediations: list("a list of remediation ids", str("a remediation id")),
  }),
};

/** The retentions CloudWatch Logs accepts, less 0 ("never expire"): incident logs expire. */
const LOG_RETENTION_DAYS = AUDIT_LOG_RETENTION_DAYS.filter((days) => days > 0);

/** An IAM user or role, or an STS assumed-role session (what a trusted principal may be). */
const PRINCIPAL_ARN =
  /^arn:aws[a-z-]*:(iam::\d{12}:(user|role)\/[\w+=,.@/-]+|sts::\d{12}:assumed-role\/[\w+=,.@-]+(\/[\w+=,.@-]+)?)$/;

/** The arguments with their defaults applied (plain data). */
interface Settings {
  readonly defaultMode: RemediationMode;
  readonly exemptTag: { key: string; value: string };
  readonly trustedPrincipalArns: pulumi.Input<string>[];
  readonly logRetentionDays: number;
  readonly reservedConcurrency: number;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly runtime: string;
  readonly remediations: Record<string, RemediationOptions>;
}

function withDefaults(args: AutoRemediatorArgs): Settings {
  return {
    defaultMode: args.defaultMode ?? DEFAULTS.defaultMode,
    exemptTag: args.exemptTag ?? DEFAULTS.exemptTag,
    trustedPrincipalArns: args.trustedPrincipalArns ?? DEFAULTS.trustedPrincipalArns,
    logRetentionDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
    reservedConcurrency: args.reservedConcurrency ?? DEFAULTS.reservedConcurrency,
    timeoutSeconds: args.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
    memorySizeMb: args.memorySizeMb ?? DEFAULTS.memorySizeMb,
    runtime: args.runtime ?? DEFAULTS.runtime,
    remediations: args.remediations ?? {},
  };
}

/** One enabled remediation, planned: its spec, mode and own settings (defaults applied). */
interface PlannedRemediation {
  readonly spec: RemediationSpec;
  readonly mode: RemediationMode;
  /** Its own settings by name, each given value or its default (values may be Inputs). */
  readonly settings: Record<string, unknown>;
}

/**
 * The problems of one remediation's own settings (`remediations.<id>.settings`), each naming
 * the key written; values still pending (Outputs) are checked by the handler at cold start.
 */
function remediationSettingsProblems(
  spec: RemediationSpec,
  given: Record<string, unknown> | undefined,
): string[] {
  const base = `remediations.${spec.id}.settings`;
  const known = Object.keys(spec.settings);
  return Object.entries(given ?? {}).flatMap(([name, value]) => {
    const setting = spec.settings[name];
    if (!setting) {
      return [
        `${base}.${name}: unknown setting of ${spec.id}; known: ${known.length ? known.join(", ") : "none (it has no settings)"}`,
      ];
    }
    if (isPending(value) || value === undefined) return [];
    const checked = Array.isArray(value) ? value.filter((v) => !isPending(v)) : value;
    const problem = setting.check(checked, `${base}.${name}`);
    return problem ? [problem] : [];
  });
}

/**
 * Every mistake in the arguments (after the shape pass), each naming the key the user wrote:
 * modes, remediation ids and their settings, limits, the exemption tag, trusted principals, the
 * wiring (a watcher or `unwired`), and for a hub, that the member roles cover every enabled
 * remediation.
 */
function remediatorProblems(
  args: AutoRemediatorArgs,
  settings: Settings,
  specs: readonly RemediationSpec[] = REMEDIATIONS,
): string[] {
  const modes: string[] = Object.values(RemediationMode);
  const ids = specs.map((s) => s.id);
  const problems: string[] = [];
  if (args.defaultMode !== undefined && !modes.includes(args.defaultMode)) {
    problems.push(`defaultMode: "${args.defaultMode}" is not one of ${modes.join(", ")}`);
  }
  for (const [id, options] of Object.entries(settings.remediations)) {
    const spec = specs.find((s) => s.id === id);
    if (!spec) {
      problems.push(`remediations.${id}: unknown remediation; known: ${ids.join(", ")}`);
      continue;
    }
    if (options?.mode !== undefined && !modes.includes(options.mode)) {
      problems.push(`remediations.${id}.mode: "${options.mode}" is not one of ${modes.join(", ")}`);
    }
    for (const field of Object.keys(options ?? {})) {
      if (field !== "mode" && field !== "settings") {
        problems.push(
          `remediations.${id}.${field}: not a field of a remediation's options (mode, settings); a remediation's own settings go under remediations.${id}.settings`,
        );
      }
    }
    problems.push(...remediationSettingsProblems(spec, options?.settings));
  }
  problems.push(...limitProblems(settings));
  settings.trustedPrincipalArns.forEach((arn, i) => {
    if (typeof arn === "string" && !PRINCIPAL_ARN.test(arn)) {
      problems.push(
        `trustedPrincipalArns[${i}]: "${arn.slice(0, 120)}" is not an IAM user or role ARN, or an STS assumed-role ARN`,
      );
    }
  });
  for (const [detection, remediation] of Object.entries(
    args.watcher?.detectionRemediations ?? {},
  )) {
    if (!ids.includes(remediation)) {
      problems.push(
        `watcher.detectionRemediations.${detection}: "${remediation}" is not a remediation id; known: ${ids.join(", ")}`,
      );
    }
  }
  if (!args.watcher && args.unwired !== true) {
    problems.push(
      "watcher: no watcher, so no rule triggers the functions; pass the SecurityRuleWatcher (or its ruleNames and deadLetterQueueArn), or set unwired: true to deploy them untriggered",
    );
  }
  if (args.watcher && args.unwired === true) {
    problems.push("unwired: true with a watcher; remove one of them");
  }
  const members = args.crossAccount?.memberRemediations;
  if (members) {
    const enabled = enabledIds(settings, specs);
    const missing = enabled.filter((id) => !members.includes(id));
    if (missing.length > 0) {
      problems.push(
        `crossAccount.memberRemediations: no member role for ${missing.join(", ")} (enabled here, so its function would fail AssumeRole in every member account); add it to the OrganizationHub's remediations, or set remediations.<id>.mode to off`,
      );
    }
  }
  return problems;
}

/** The problems of the function limits, retention and exemption tag. */
function limitProblems(s: Settings): string[] {
  const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  return [
    LOG_RETENTION_DAYS.includes(s.logRetentionDays) ||
      `logRetentionDays: ${s.logRetentionDays} is not a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")})`,
    whole(s.reservedConcurrency, 0, Infinity) ||
      `reservedConcurrency: ${s.reservedConcurrency} must be a whole number >= 0`,
    whole(s.timeoutSeconds, 1, 900) ||
      `timeoutSeconds: ${s.timeoutSeconds} must be a whole number from 1 to 900`,
    whole(s.memorySizeMb, 128, 10240) ||
      `memorySizeMb: ${s.memorySizeMb} must be a whole number from 128 to 10240`,
    !!s.exemptTag.key || "exemptTag.key: must not be empty",
  ].filter((p): p is string => p !== true);
}

/** The ids of the remediations whose mode is not off, in registry order. */
function enabledIds(settings: Settings, specs: readonly RemediationSpec[]): string[] {
  return specs
    .filter((s) => (settings.remediations[s.id]?.mode ?? settings.defaultMode) !== "off")
    .map((s) => s.id);
}

/** Mode and own settings of every registered remediation (pure: the plan of the component). */
function planRemediations(
  settings: Settings,
  specs: readonly RemediationSpec[] = REMEDIATIONS,
): { modes: Record<string, RemediationMode>; enabled: PlannedRemediation[] } {
  const modes: Record<string, RemediationMode> = {};
  const enabled: PlannedRemediation[] = [];
  for (const spec of specs) {
    const options = settings.remediations[spec.id] ?? {};
    const mode = options.mode ?? settings.defaultMode;
    modes[spec.id] = mode;
    if (mode === RemediationMode.Off) continue;
    const own = Object.fromEntries(
      Object.entries(spec.settings).map(([name, s]) => [
        name,
        options.settings?.[name] ?? s.default,
      ]),
    );
    enabled.push({ spec, mode, settings: own });
  }
  return { modes, enabled };
}

/** Which rule triggers which remediation, and the detections the functions report on. */
interface Wiring {
  readonly ruleNames: Record<string, pulumi.Input<string>>;
  readonly ruleArns: Record<string, pulumi.Input<string>>;
  readonly remediations: Record<string, string>;
  readonly detections: Pick<Detection, "id" | "remediation" | "references" | "eventPattern">[];
}

/**
 * The detection ids of the source, each linked to the remediation its source names (or the
 * registry's, for a source that names none); the detections the functions report on: the
 * source's own (custom ones included), or the catalog's of the wired ids.
 */
function planWiring(watcher: RemediationRuleSource | undefined): Wiring {
  const ruleNames = watcher?.ruleNames ?? {};
  const remediations = watcher?.detectionRemediations ?? detectionRemediations();
  const detections = (watcher?.detections ?? CATALOG.filter((d) => d.id in ruleNames)).map((d) => ({
    ...d,
    remediation: remediations[d.id] as RemediationId | undefined,
  }));
  return { ruleNames, ruleArns: watcher?.ruleArns ?? {}, remediations, detections };
}

/** What every function shares: the account lookups, the failure queue and the idempotency table. */
interface Shared {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly args: AutoRemediatorArgs;
  readonly settings: Settings;
  readonly tags: Record<string, string>;
  readonly wiring: Wiring;
  readonly identity: pulumi.Output<aws.GetCallerIdentityResult>;
  readonly region: pulumi.Output<aws.GetRegionResult>;
  readonly partition: pulumi.Output<aws.GetPartitionResult>;
  readonly failureQueue: aws.sqs.Queue;
  readonly failureAlarm: aws.cloudwatch.MetricAlarm;
  readonly idempotency: aws.dynamodb.Table;
}

/**
 * One on-failure queue and one alarm for every function (each message names its function): a
 * person looks at one place, and the account pays for one alarm, not one per remediation.
 */
function createFailureQueue(
  name: string,
  parent: pulumi.Resource,
  args: AutoRemediatorArgs,
  enabled: readonly string[],
  tags: Record<string, string>,
): { failureQueue: aws.sqs.Queue; failureAlarm: aws.cloudwatch.MetricAlarm } {
  const failureQueue = new aws.sqs.Queue(
    `${name}-failures`,
    {
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEFAULTS.failureQueueRetentionSeconds,
      tags,
    },
    { parent },
  );
  new aws.sqs.QueuePolicy(
    `${name}-failures-policy`,
    {
      queueUrl: failureQueue.url,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: failureQueue.arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    },
    { parent },
  );
  const failureAlarm = new aws.cloudwatch.MetricAlarm(
    `${name}-failures-alarm`,
    {
      alarmDescription: `aws-security-watch: a remediation failed on an event (${enabled.join(", ")}); the event is kept in the on-failure queue, with the function that failed, for a human.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: failureQueue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [args.failureAlarmTopicArn],
      okActions: [args.resolutionTopicArn],
      tags,
    },
    { parent },
  );
  return { failureQueue, failureAlarm };
}

/**
 * One idempotency record per (remediation, account, event): a conditional write claims the
 * event and holds its outcome, so a duplicate delivery changes nothing and a retry after a lost
 * publish re-sends the real outcome. On-demand: no cost while idle; records expire.
 */
function createIdempotencyTable(
  name: string,
  parent: pulumi.Resource,
  tags: Record<string, string>,
): aws.dynamodb.Table {
  return new aws.dynamodb.Table(
    `${name}-idempotency`,
    {
      billingMode: "PAY_PER_REQUEST",
      hashKey: "id",
      attributes: [{ name: "id", type: "S" }],
      ttl: { attributeName: "expiresAt", enabled: true },
      serverSideEncryption: { enabled: true },
      tags,
    },
    { parent },
  );
}

/** The function role of one remediation and its policy (its calls plus the shared statements). */
function createRole(
  shared: Shared,
  spec: RemediationSpec,
  logGroup: aws.cloudwatch.LogGroup,
): { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy } {
  const { name, parent, args, tags } = shared;
  const id = spec.id;
  const prefix = `${name}-${id}`;
  const role = new aws.iam.Role(
    `${prefix}-role`,
    {
      ...(args.crossAccount ? { name: hubRoleName(id as RemediationId) } : {}),
      description: `aws-security-watch ${id} remediation`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
      tags,
    },
    { parent },
  );
  const policy = pulumi
    .all([
      shared.partition.partition,
      shared.identity.accountId,
      shared.region.region,
      args.resolutionTopicArn,
      logGroup.arn,
      args.topicKmsKeyArn,
      shared.failureQueue.arn,
      shared.idempotency.arn,
    ])
    .apply(([part, account, reg, topicArn, logGroupArn, kmsKeyArn, queueArn, tableArn]) => {
      const document = remediationPolicy(spec, {
        partition: part,
        account,
        region: reg,
        resolutionTopicArn: topicArn,
        logGroupArn,
        kmsKeyArn,
        idempotencyTableArn: tableArn,
      });
      return JSON.stringify({
        ...document,
        Statement: [
          ...document.Statement,
          {
            Sid: "OnFailureDestination",
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: queueArn,
          },
          ...(args.crossAccount
            ? [
                assumeMemberRoleStatement(id as RemediationId, {
                  partition: part,
                  organizationId: args.crossAccount.organizationId,
                }),
              ]
            : []),
        ],
      });
    });
  const rolePolicy = new aws.iam.RolePolicy(
    `${prefix}-role-policy`,
    { role: role.id, policy },
    { parent },
  );
  return { role, rolePolicy };
}

/**
 * The settings serialized into one function: the shared ones, the remediation's own, and the
 * hub's. Lists of ARNs known now are captured in the handler's code; a list holding an Output
 * (an ARN of another resource) reaches the handler through DEPLOYED_SETTINGS (`deferred`).
 */
function handlerSettings(
  shared: Shared,
  planned: PlannedRemediation,
): { known: Record<string, unknown>; deferred: Record<string, pulumi.Input<string>[]> } {
  const { args, settings, wiring } = shared;
  const { spec } = planned;
  const lists: Record<string, pulumi.Input<string>[]> = {
    trustedPrincipalArns: settings.trustedPrincipalArns,
  };
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(planned.settings)) {
    if (spec.settings[key].outputs) lists[key] = value as pulumi.Input<string>[];
    else own[key] = value;
  }
  const pending = (arns: pulumi.Input<string>[]) => arns.some(isPending);
  const entries = Object.entries(lists);
  const known = {
    mode: planned.mode,
    exemptTag: settings.exemptTag,
    ...Object.fromEntries(entries.filter(([, arns]) => !pending(arns))),
    detections: detectionLinks(wiring.detections, spec.id as RemediationId),
    sdk: DEFAULTS.sdk,
    ...own,
    ...(args.crossAccount
      ? {
          crossAccount: {
            memberRoleName: memberRoleName(spec.id as RemediationId),
            externalId: args.crossAccount.externalId,
            organizationId: args.crossAccount.organizationId,
            excludedAccounts: args.crossAccount.excludedAccounts ?? [],
          },
        }
      : {}),
  };
  return { known, deferred: Object.fromEntries(entries.filter(([, arns]) => pending(arns))) };
}

/** What one remediation's builder returns: the outputs the component exposes. */
interface BuiltRemediation {
  readonly fn: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
}

/** One remediation: its log group, role, function, invoke config and rule targets. */
function createRemediation(shared: Shared, planned: PlannedRemediation): BuiltRemediation {
  const { name, parent, args, settings, tags } = shared;
  const { spec, mode } = planned;
  const id = spec.id;
  const prefix = `${name}-${id}`;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${prefix}-logs`,
    { retentionInDays: settings.logRetentionDays, tags },
    { parent },
  );
  const { role, rolePolicy } = createRole(shared, spec, logGroup);
  const { known, deferred } = handlerSettings(shared, planned);
  const resultPolicy =
    args.resultEventBusArn === undefined
      ? undefined
      : new aws.iam.RolePolicy(
          `${prefix}-result-policy`,
          {
            role: role.id,
            policy: pulumi.output(args.resultEventBusArn).apply((busArn) =>
              JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                  {
                    Sid: "OnSuccessDestination",
                    Effect: "Allow",
                    Action: "events:PutEvents",
                    Resource: busArn,
                  },
                ],
              }),
            ),
          },
          { parent },
        );
  const fn = new HandlerFunction(
    `${prefix}-fn`,
    {
      description: `aws-security-watch: ${id} (${mode})`,
      // The lists left out of the settings come from DEPLOYED_SETTINGS at cold start (the
      // handler factory rejects settings without them).
      callbackFactory: runtimeFactory(
        spec.factory,
        known as typeof known & { trustedPrincipalArns: string[] },
      ),
      role: role.arn,
      runtime: settings.runtime,
      timeout: settings.timeoutSeconds,
      memorySize: settings.memorySizeMb,
      reservedConcurrentExecutions:
        settings.reservedConcurrency === 0 ? -1 : settings.reservedConcurrency,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      environment: {
        variables: {
          RESOLUTION_TOPIC_ARN: args.resolutionTopicArn,
          OWN_ROLE_ARN: role.arn,
          IDEMPOTENCY_TABLE: shared.idempotency.name,
          NODE_OPTIONS: "--enable-source-maps",
          ...(Object.keys(deferred).length > 0
            ? { DEPLOYED_SETTINGS: pulumi.jsonStringify(deferred) }
            : {}),
        },
      },
      codePathOptions: handlerOnlyCodePaths(),
      tags,
    },
    { parent, dependsOn: [rolePolicy, logGroup] },
  );
  new aws.lambda.FunctionEventInvokeConfig(
    `${prefix}-invoke-config`,
    {
      functionName: fn.name,
      maximumRetryAttempts: DEFAULTS.maximumRetryAttempts,
      maximumEventAgeInSeconds: DEFAULTS.maximumEventAgeSeconds,
      destinationConfig: {
        onFailure: { destination: shared.failureQueue.arn },
        ...(args.resultEventBusArn === undefined
          ? {}
          : { onSuccess: { destination: args.resultEventBusArn } }),
      },
    },
    { parent, dependsOn: resultPolicy ? [resultPolicy] : [] },
  );
  createTargets(shared, id, fn);
  return { fn, role, logGroup };
}

/** An invoke permission and a target on every rule whose detection triggers remediation `id`. */
function createTargets(shared: Shared, id: string, fn: aws.lambda.Function): void {
  const { name, parent, args, wiring, partition, region, identity } = shared;
  for (const [detectionId, ruleName] of Object.entries(wiring.ruleNames)) {
    if (wiring.remediations[detectionId] !== id) {
      continue;
    }
    const targetName = `${name}-${detectionId}`;
    const permission = new aws.lambda.Permission(
      `${targetName}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
        principal: "events.amazonaws.com",
        sourceArn:
          wiring.ruleArns[detectionId] ??
          pulumi.interpolate`arn:${partition.partition}:events:${region.region}:${identity.accountId}:rule/${args.watcher!.eventBusName ? pulumi.interpolate`${args.watcher!.eventBusName}/` : ""}${ruleName}`,
      },
      { parent },
    );
    new aws.cloudwatch.EventTarget(
      `${targetName}-target`,
      {
        rule: ruleName,
        eventBusName: args.watcher!.eventBusName,
        targetId: `remediate-${id}`.slice(0, 64),
        arn: fn.arn,
        retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
        deadLetterConfig: { arn: args.watcher!.deadLetterQueueArn },
      },
      { parent, dependsOn: [permission] },
    );
  }
}

/**
 * Lambda functions that undo dangerous changes within seconds of the CloudTrail event, then
 * publish a resolution message and log an incident record. One function per enabled
 * remediation of the registry (remediations/registry.ts; `aws.lambda.CallbackFunction`: the
 * handler of remediations/<id>/ serialized inline), each with its least-privilege role, log
 * group and reserved concurrency, and an encrypted on-failure queue (shared; each message names
 * its function) with an alarm on it.
 */
export class AutoRemediator extends pulumi.ComponentResource {
  /** Function per enabled remediation (`aws.lambda.CallbackFunction`s). */
  public readonly functions: Record<string, aws.lambda.Function>;
  /** Function ARN per enabled remediation. */
  public readonly functionArns: Record<string, pulumi.Output<string>>;
  /** Execution role ARN per enabled remediation (principals to name in topic policies). */
  public readonly roleArns: Record<string, pulumi.Output<string>>;
  /**
   * The on-failure queue shared by the functions: events a function could not handle, each with
   * the function's ARN (undefined when every remediation is off).
   */
  public readonly failureQueueUrl?: pulumi.Output<string>;
  /** ARN of the on-failure queue (undefined when every remediation is off). */
  public readonly failureQueueArn?: pulumi.Output<string>;
  /** Log group name per enabled remediation: the incident records. */
  public readonly logGroupNames: Record<string, pulumi.Output<string>>;
  /** Mode per remediation, as deployed (plain data). */
  public readonly modes: Record<string, RemediationMode>;
  /** ARN of the alarm on the on-failure queue (undefined when every remediation is off). */
  public readonly failureAlarmArn?: pulumi.Output<string>;
  /** The DynamoDB table of idempotency records (undefined when every remediation is off). */
  public readonly idempotencyTableName?: pulumi.Output<string>;

  constructor(name: string, args: AutoRemediatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:AutoRemediator", name, {}, opts);
    // 1. validate (the shape, then every mistake with its key), before any resource
    const shapeProblems = argsProblems("AutoRemediator", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const settings = withDefaults(args);
    const problems = remediatorProblems(args, settings);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(problems.join("\n"), this);
    }
    // 2. plan (pure): modes, own settings, wiring
    const { modes, enabled } = planRemediations(settings);
    this.modes = modes;
    this.functions = {};
    this.functionArns = {};
    this.roleArns = {};
    this.logGroupNames = {};
    // 3. the shared children, then one group per enabled remediation
    if (enabled.length > 0) {
      const tags = args.tags ?? {};
      const failures = createFailureQueue(
        name,
        this,
        args,
        enabled.map((r) => r.spec.id),
        tags,
      );
      const shared: Shared = {
        name,
        parent: this,
        args,
        settings,
        tags,
        wiring: planWiring(args.watcher),
        identity: aws.getCallerIdentityOutput({}, { parent: this }),
        region: aws.getRegionOutput({}, { parent: this }),
        partition: aws.getPartitionOutput({}, { parent: this }),
        ...failures,
        idempotency: createIdempotencyTable(name, this, tags),
      };
      for (const planned of enabled) {
        const { fn, role, logGroup } = createRemediation(shared, planned);
        this.functions[planned.spec.id] = fn;
        this.functionArns[planned.spec.id] = fn.arn;
        this.roleArns[planned.spec.id] = role.arn;
        this.logGroupNames[planned.spec.id] = logGroup.name;
      }
      this.failureAlarmArn = failures.failureAlarm.arn;
      this.failureQueueUrl = failures.failureQueue.url;
      this.failureQueueArn = failures.failureQueue.arn;
      this.idempotencyTableName = shared.idempotency.name;
    }
    this.registerOutputs({
      functions: this.functions,
      functionArns: this.functionArns,
      roleArns: this.roleArns,
      failureQueueUrl: this.failureQueueUrl,
      failureQueueArn: this.failureQueueArn,
      logGroupNames: this.logGroupNames,
      modes: this.modes,
      failureAlarmArn: this.failureAlarmArn,
      idempotencyTableName: this.idempotencyTableName,
    });
  }
}

/**
 * The catalog detections linked to remediation `id`, as the incident record names them: id,
 * ATT&CK ids, and the event names and detail types of the pattern (the run loop matches the
 * event against them to tell which detection routed it; "" when none matches).
 */
export function detectionLinks(
  detections: readonly Pick<Detection, "id" | "remediation" | "references" | "eventPattern">[],
  id: string,
): DetectionLink[] {
  const strings = (v: unknown): string[] =>
    (Array.isArray(v) ? v : []).filter((x): x is string => typeof x === "string");
  return detections
    .filter((d) => d.remediation === id)
    .map((d) => {
      const pattern = (d.eventPattern ?? {}) as Record<string, unknown>;
      const detail = (pattern.detail ?? {}) as Record<string, unknown>;
      return {
        id: d.id,
        attackIds: [...(d.references.mitre ?? [])],
        eventNames: strings(detail.eventName),
        detailTypes: strings(pattern["detail-type"]),
      };
    });
}

/**
 * Code path options that keep each function's archive to the serialized handler alone.
 *
 * `CallbackFunction` uploads every `dependency` of the program's package.json (found upwards
 * from the working directory, as Pulumi does) unless it is excluded. The handlers need nothing
 * but the AWS SDK v3, which the Lambda Node.js runtime provides, so every dependency is excluded
 * (a fresh object each time: CallbackFunction appends to the list it is given).
 */
export function handlerOnlyCodePaths(): { extraExcludePackages: string[] } {
  let dir = path.resolve(".");
  for (;;) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as {
        dependencies?: Record<string, string>;
      };
      return { extraExcludePackages: Object.keys(manifest.dependencies ?? {}) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return { extraExcludePackages: [] };
    }
    dir = parent;
  }
}
