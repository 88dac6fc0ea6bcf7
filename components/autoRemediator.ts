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
import { REMEDIATION_IDS, RemediationId, RemediationMode } from "../core/types";
import { HANDLER_FACTORIES } from "../lambdas";
import type { DetectionLink } from "../lambdas/runtime/settings";
import { runtimeFactory } from "../lambdas/bootstrap";
import { HandlerFunction } from "./handlerFunction";

/** Settings of one remediation. Every field is optional: the component's defaults apply. */
export interface RemediationOptions {
  /**
   * `off` deploys nothing for this remediation, `dry-run` decides and reports without any
   * mutating call, `enforce` undoes the change.
   * @default the component's `defaultMode`
   */
  readonly mode?: RemediationMode;
  /**
   * Ports that may stay open to the world (revoke-world-ingress only), e.g. `[80, 443]` for a
   * public load balancer's security group. A rule is left alone only when its whole port range is
   * within these ports.
   * @default []
   */
  readonly allowedPublicPorts?: number[];
  /**
   * KMS key ARNs that must never stay disabled (cancel-key-deletion only): disabling one of them
   * is undone. Scheduled deletion is undone for every key. ARNs of keys created in the same
   * program (e.g. AuditTrail's `kmsKeyArn`) may be given.
   * @default []
   */
  readonly protectedKeyArns?: pulumi.Input<string>[];
  /**
   * Accounts a Lambda function may be shared with besides this one (remove-lambda-permission
   * only): AddPermission to any other account is undone.
   * @default []
   */
  readonly partnerAccountIds?: string[];
  /**
   * Organizations a Lambda function may be shared with through `*` limited by `principalOrgID`
   * (remove-lambda-permission only), besides the hub's own (`crossAccount.organizationId`): a
   * grant limited to any other organization is undone.
   * @default []
   */
  readonly partnerOrganizationIds?: string[];
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
   * @default the catalog's link (core/catalog.ts `remediation`) of each id in `ruleNames`
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
}

/**
 * The settings of the remediation functions, apart from their wiring: what a stack file's
 * `remediation` key holds (SecurityWatch passes it to AutoRemediator unchanged).
 */
export interface RemediationGroupArgs {
  /**
   * Mode of every remediation that does not set its own.
   * @default RemediationMode.DryRun
   */
  readonly defaultMode?: RemediationMode;
  /**
   * Per-remediation settings, keyed by remediation id (`revoke-world-ingress`, ...: the values
   * of `RemediationId`).
   * @default {}
   */
  readonly remediations?: Record<string, RemediationOptions>;
  /**
   * Resources tagged with this key and value are never remediated (the alert still goes out).
   * @default { key: "security-watch:exempt", value: "true" }
   */
  readonly exemptTag?: ExemptTag;
  /**
   * Principals (IAM user or role ARNs) whose changes are never remediated, e.g. the deployment
   * role of your infrastructure pipeline (an ARN from another resource may be given).
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
   * @default none: the functions are deployed unwired
   */
  readonly watcher?: RemediationRuleSource;
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
const REMEDIATION_OPTIONS = obj("an object with mode, allowedPublicPorts, protectedKeyArns", {
  mode: str("off, dry-run or enforce"),
  allowedPublicPorts: list("a list of port numbers", num("a port number")),
  protectedKeyArns: list("a list of KMS key ARNs", str(ARN)),
  partnerAccountIds: list("a list of 12-digit account ids", str("an account id (a string)")),
  partnerOrganizationIds: list("a list of organization ids", str("an organization id (o-...)")),
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
  }),
};

/** The retentions CloudWatch Logs accepts, less 0 ("never expire"): incident logs expire. */
const LOG_RETENTION_DAYS = AUDIT_LOG_RETENTION_DAYS.filter((days) => days > 0);

/**
 * Lambda functions that undo dangerous changes within seconds of the CloudTrail event, then
 * publish a resolution message and log an incident record. One function per enabled
 * remediation (`aws.lambda.CallbackFunction`: the handler in lambdas/ serialized inline), each
 * with its least-privilege role, log group and reserved concurrency, and an encrypted on-failure
 * queue (shared; each message names its function) with an alarm on it.
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
    const shapeProblems = argsProblems("AutoRemediator", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }

    const settings = {
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
    this.validate(args, settings);

    const tags = args.tags ?? {};
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });

    // Which rule triggers which remediation: the detection ids of the source, each linked to
    // the remediation its source names (or the catalog's, for a source that names none).
    const catalogLinks = Object.fromEntries(
      CATALOG.filter((d) => d.remediation).map((d) => [d.id, d.remediation as string]),
    );
    const wiring = {
      ruleNames: args.watcher?.ruleNames ?? {},
      ruleArns: args.watcher?.ruleArns ?? {},
      remediations: (args.watcher?.detectionRemediations ?? catalogLinks) as Record<string, string>,
    };

    // The detections the functions report on: the source's own (custom ones included), or the
    // catalog's of the wired ids; each linked to the remediation the wiring names.
    const wiredDetections = (
      args.watcher?.detections ?? CATALOG.filter((d) => d.id in wiring.ruleNames)
    ).map((d) => ({ ...d, remediation: wiring.remediations[d.id] as RemediationId | undefined }));

    this.modes = {};
    this.functions = {};
    this.functionArns = {};
    this.roleArns = {};
    this.logGroupNames = {};

    const enabled = REMEDIATION_IDS.filter(
      (id) => (settings.remediations[id]?.mode ?? settings.defaultMode) !== RemediationMode.Off,
    );
    // One on-failure queue and one alarm for every function (each message names its function):
    // a person looks at one place, and the account pays for one alarm, not one per remediation.
    const failureQueue =
      enabled.length === 0
        ? undefined
        : new aws.sqs.Queue(
            `${name}-failures`,
            {
              sqsManagedSseEnabled: true,
              messageRetentionSeconds: DEFAULTS.failureQueueRetentionSeconds,
              tags,
            },
            { parent: this },
          );
    let failureAlarm: aws.cloudwatch.MetricAlarm | undefined;
    if (failureQueue) {
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
        { parent: this },
      );
      failureAlarm = new aws.cloudwatch.MetricAlarm(
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
        { parent: this },
      );
    }
    this.failureAlarmArn = failureAlarm?.arn;
    this.failureQueueUrl = failureQueue?.url;
    this.failureQueueArn = failureQueue?.arn;

    // One idempotency record per (remediation, account, event): a conditional write claims the
    // event and holds its outcome, so a duplicate delivery changes nothing and a retry after a
    // lost publish re-sends the real outcome. On-demand: no cost while idle; records expire.
    const idempotency =
      enabled.length === 0
        ? undefined
        : new aws.dynamodb.Table(
            `${name}-idempotency`,
            {
              billingMode: "PAY_PER_REQUEST",
              hashKey: "id",
              attributes: [{ name: "id", type: "S" }],
              ttl: { attributeName: "expiresAt", enabled: true },
              serverSideEncryption: { enabled: true },
              tags,
            },
            { parent: this },
          );
    this.idempotencyTableName = idempotency?.name;

    for (const id of REMEDIATION_IDS) {
      const options = settings.remediations[id] ?? {};
      const mode = options.mode ?? settings.defaultMode;
      this.modes[id] = mode;
      if (mode === RemediationMode.Off) {
        continue;
      }
      const prefix = `${name}-${id}`;

      const logGroup = new aws.cloudwatch.LogGroup(
        `${prefix}-logs`,
        { retentionInDays: settings.logRetentionDays, tags },
        { parent: this },
      );

      const role = new aws.iam.Role(
        `${prefix}-role`,
        {
          ...(args.crossAccount ? { name: hubRoleName(id) } : {}),
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
        { parent: this },
      );
      const policy = pulumi
        .all([
          partition.partition,
          identity.accountId,
          region.region,
          args.resolutionTopicArn,
          logGroup.arn,
          args.topicKmsKeyArn,
          failureQueue!.arn,
          idempotency!.arn,
        ])
        .apply(([part, account, reg, topicArn, logGroupArn, kmsKeyArn, queueArn, tableArn]) => {
          const document = remediationPolicy(id, {
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
                    assumeMemberRoleStatement(id, {
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
        { parent: this },
      );

      // Lists of ARNs known now are captured in the handler's code; a list holding an Output
      // (an ARN of another resource) reaches the handler through DEPLOYED_SETTINGS.
      const arnLists: Record<string, pulumi.Input<string>[]> = {
        trustedPrincipalArns: settings.trustedPrincipalArns,
        ...(id === RemediationId.CancelKeyDeletion
          ? { protectedKeyArns: options.protectedKeyArns ?? [] }
          : {}),
      };
      const known = Object.fromEntries(
        Object.entries(arnLists).filter(([, arns]) => !arns.some(isPending)),
      ) as Record<string, string[]>;
      const deferred = Object.fromEntries(
        Object.entries(arnLists).filter(([, arns]) => arns.some(isPending)),
      );
      const handlerSettings = {
        mode,
        exemptTag: settings.exemptTag,
        ...known,
        detections: detectionLinks(wiredDetections, id),
        sdk: DEFAULTS.sdk,
        ...(id === RemediationId.RevokeWorldIngress
          ? { allowedPublicPorts: options.allowedPublicPorts ?? [] }
          : {}),
        ...(args.crossAccount
          ? {
              crossAccount: {
                memberRoleName: memberRoleName(id),
                externalId: args.crossAccount.externalId,
                organizationId: args.crossAccount.organizationId,
                excludedAccounts: args.crossAccount.excludedAccounts ?? [],
              },
            }
          : {}),
        ...(id === RemediationId.RemoveLambdaPermission
          ? {
              partnerAccountIds: options.partnerAccountIds ?? [],
              partnerOrganizationIds: options.partnerOrganizationIds ?? [],
            }
          : {}),
      };
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
              { parent: this },
            );
      const fn = new HandlerFunction(
        `${prefix}-fn`,
        {
          description: `aws-security-watch: ${id} (${mode})`,
          // The lists left out of handlerSettings come from DEPLOYED_SETTINGS at cold start (the
          // handler factory rejects settings without them).
          callbackFactory: runtimeFactory(
            HANDLER_FACTORIES[id],
            handlerSettings as typeof handlerSettings & { trustedPrincipalArns: string[] },
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
              IDEMPOTENCY_TABLE: idempotency!.name,
              NODE_OPTIONS: "--enable-source-maps",
              ...(Object.keys(deferred).length > 0
                ? { DEPLOYED_SETTINGS: pulumi.jsonStringify(deferred) }
                : {}),
            },
          },
          codePathOptions: handlerOnlyCodePaths(),
          tags,
        },
        { parent: this, dependsOn: [rolePolicy, logGroup] },
      );

      new aws.lambda.FunctionEventInvokeConfig(
        `${prefix}-invoke-config`,
        {
          functionName: fn.name,
          maximumRetryAttempts: DEFAULTS.maximumRetryAttempts,
          maximumEventAgeInSeconds: DEFAULTS.maximumEventAgeSeconds,
          destinationConfig: {
            onFailure: { destination: failureQueue!.arn },
            ...(args.resultEventBusArn === undefined
              ? {}
              : { onSuccess: { destination: args.resultEventBusArn } }),
          },
        },
        { parent: this, dependsOn: resultPolicy ? [resultPolicy] : [] },
      );

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
          { parent: this },
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
          { parent: this, dependsOn: [permission] },
        );
      }

      this.functions[id] = fn;
      this.functionArns[id] = fn.arn;
      this.roleArns[id] = role.arn;
      this.logGroupNames[id] = logGroup.name;
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

  private validate(
    args: AutoRemediatorArgs,
    settings: {
      logRetentionDays: number;
      reservedConcurrency: number;
      timeoutSeconds: number;
      memorySizeMb: number;
      remediations: Partial<Record<string, RemediationOptions>>;
      exemptTag: { key: string; value: string };
    },
  ): void {
    const modes: string[] = Object.values(RemediationMode);
    const fail = (message: string): never => {
      throw new pulumi.ResourceError(message, this);
    };
    if (args.defaultMode !== undefined && !modes.includes(args.defaultMode)) {
      fail(`defaultMode: "${args.defaultMode}" is not one of ${modes.join(", ")}`);
    }
    for (const [id, options] of Object.entries(settings.remediations)) {
      if (!(REMEDIATION_IDS as string[]).includes(id)) {
        fail(`remediations.${id}: unknown remediation; known: ${REMEDIATION_IDS.join(", ")}`);
      }
      if (options?.mode !== undefined && !modes.includes(options.mode)) {
        fail(`remediations.${id}.mode: "${options.mode}" is not one of ${modes.join(", ")}`);
      }
      for (const port of options?.allowedPublicPorts ?? []) {
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          fail(`remediations.${id}.allowedPublicPorts: ${port} is not a port (0-65535)`);
        }
      }
    }
    if (!LOG_RETENTION_DAYS.includes(settings.logRetentionDays)) {
      fail(
        `logRetentionDays: ${settings.logRetentionDays} is not a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")})`,
      );
    }
    if (!Number.isInteger(settings.reservedConcurrency) || settings.reservedConcurrency < 0) {
      fail(`reservedConcurrency: ${settings.reservedConcurrency} must be a whole number >= 0`);
    }
    if (
      !Number.isInteger(settings.timeoutSeconds) ||
      settings.timeoutSeconds < 1 ||
      settings.timeoutSeconds > 900
    ) {
      fail(`timeoutSeconds: ${settings.timeoutSeconds} must be a whole number from 1 to 900`);
    }
    if (
      !Number.isInteger(settings.memorySizeMb) ||
      settings.memorySizeMb < 128 ||
      settings.memorySizeMb > 10240
    ) {
      fail(`memorySizeMb: ${settings.memorySizeMb} must be a whole number from 128 to 10240`);
    }
    if (!settings.exemptTag.key) {
      fail(`exemptTag.key: must not be empty`);
    }
    for (const [detection, remediation] of Object.entries(
      args.watcher?.detectionRemediations ?? {},
    )) {
      if (!(REMEDIATION_IDS as string[]).includes(remediation)) {
        fail(
          `watcher.detectionRemediations.${detection}: "${remediation}" is not a remediation id; known: ${REMEDIATION_IDS.join(", ")}`,
        );
      }
    }
  }
}

/**
 * The catalog detections linked to remediation `id`, as the incident record names them: id,
 * ATT&CK ids, and the event names and detail types of the pattern (the run loop matches the
 * event against them to tell which detection routed it; "" when none matches).
 */
export function detectionLinks(
  detections: readonly Pick<Detection, "id" | "remediation" | "references" | "eventPattern">[],
  id: RemediationId,
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
