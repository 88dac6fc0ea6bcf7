import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { argsProblems, bool, list, map, num, obj, str } from "../core/argsShape";
import { Detection, resolveDetections } from "../core/detection";
import { hubBusPolicy, hubBusPolicyProblems } from "../core/org/busPolicy";
import {
  accountSpokeTemplate,
  CFN_LIMITS,
  heartbeatPattern,
  regionalSpokeTemplate,
  templateBody,
} from "../core/org/spokeTemplate";
import { RemediationId } from "../core/types";
import { remediationIds } from "../remediations/registry";

/** Whom CloudFormation StackSets acts as for a service-managed StackSet. */
export enum StackSetCallAs {
  /** The hub runs in the organization's management account. */
  Self = "SELF",
  /** The hub account is a delegated administrator of StackSets (the recommended setup). */
  DelegatedAdmin = "DELEGATED_ADMIN",
}

/** How the StackSets roll out to the accounts of the target OUs. */
export interface StackSetRolloutArgs {
  /**
   * Percentage of accounts per region that may fail before CloudFormation stops the operation in
   * that region. The failed accounts stay visible (OrganizationHub's heartbeat alarm, the stack
   * instance status) and are retried by the next operation.
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html#stackset-ops-options
   * @default 10
   */
  readonly failureTolerancePercentage?: number;
  /**
   * Percentage of accounts deployed at the same time, per region.
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;
}

export interface OrganizationHubArgs {
  /** The organization id (`o-...`, `aws organizations describe-organization`). */
  readonly organizationId: string;
  /**
   * The OUs (or the root, `r-...`) whose accounts get the spokes, by the service-managed
   * StackSets; accounts that join them later get the spokes automatically.
   */
  readonly organizationalUnitIds: string[];
  /** The regions of the spokes (every region you use; us-east-1 is where global-service events are forwarded from). */
  readonly regions: string[];
  /**
   * The external id the hub's functions name when they assume a member role (2-1224 characters
   * of `[\w+=,.@:/-]`).
   */
  readonly externalId: string;
  /**
   * Name of the central event bus.
   * @default "asw-hub"
   */
  readonly eventBusName?: string;
  /**
   * Organization paths (`o-xxx/r-xxxx/ou-xxxx-xxxxxxxx/`) whose accounts may put events on the
   * bus; empty: the whole organization (or `admittedAccounts` only, if set).
   * @default []
   */
  readonly organizationalUnitPaths?: string[];
  /**
   * Accounts admitted on the bus by id, in addition to `organizationalUnitPaths`.
   * @default []
   */
  readonly admittedAccounts?: string[];
  /**
   * Accounts of the organization that are never watched: denied on the bus; the remediation
   * functions ignore their events.
   * @default []
   */
  readonly excludedAccounts?: string[];
  /**
   * Ids of catalog detections not to forward (the same list as SecurityRuleWatcher's).
   * @default []
   */
  readonly disabledDetections?: string[];
  /**
   * The remediations whose member roles each account gets.
   * @default every remediation of the registry (remediations/registry.ts)
   */
  readonly remediations?: RemediationId[];
  /**
   * Deploy the spokes with service-managed StackSets. Set false to deploy them yourself
   * (OrganizationSpoke with explicit providers, or the templates in the outputs).
   * @default true
   */
  readonly deployStackSets?: boolean;
  /**
   * Whom StackSets acts as.
   * @default StackSetCallAs.DelegatedAdmin
   */
  readonly callAs?: StackSetCallAs;
  /**
   * How the StackSets roll out.
   * @default { failureTolerancePercentage: 10, maxConcurrentPercentage: 25 }
   */
  readonly rollout?: StackSetRolloutArgs;
  /**
   * How many member accounts send heartbeats (the management account included when its spoke
   * is deployed): the hub alarms when fewer than `expectedAccounts` × `regions` distinct
   * spokes (account and region, each counted once: a chatty spoke cannot hide a dead one) send a
   * heartbeat in an hour. The count is a Contributor Insights rule on the heartbeat log
   * ($0.50 a month, plus $0.02 per million heartbeats). 0: no alarm, no rule.
   * @default 0
   */
  readonly expectedAccounts?: number;
  /**
   * SNS topic of the missing-heartbeat alarm (normally the `high` alert topic).
   * @default none: the alarm is created only with a topic
   */
  readonly alarmTopicArn?: pulumi.Input<string>;
  /**
   * Days the heartbeat log group keeps its events (who sent the last heartbeat, by account and region).
   * @default 3
   */
  readonly heartbeatLogRetentionDays?: number;
  /**
   * Tags of the bus, StackSets, log group and alarm.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

const DEFAULTS = {
  eventBusName: "asw-hub",
  organizationalUnitPaths: [] as string[],
  admittedAccounts: [] as string[],
  excludedAccounts: [] as string[],
  disabledDetections: [] as string[],
  deployStackSets: true,
  callAs: StackSetCallAs.DelegatedAdmin,
  failureTolerancePercentage: 10,
  maxConcurrentPercentage: 25,
  expectedAccounts: 0,
  heartbeatLogRetentionDays: 3,
  tags: {} as Record<string, string>,
};

const ACCOUNT_IDS = list("a list of account ids", str("a 12-digit account id"));
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  organizationId: str("an organization id (o-...)", true),
  organizationalUnitIds: list(
    "a list of OU ids (ou-...) or the root id (r-...)",
    str("an OU or root id"),
    { required: true },
  ),
  regions: list("a list of region names such as eu-west-1", str("a region name"), {
    required: true,
  }),
  externalId: str("an external id (2-1224 characters)", true),
  eventBusName: str("an event bus name"),
  organizationalUnitPaths: list(
    "a list of organization paths (o-xxx/r-xxxx/ou-xxxx-xxxxxxxx/)",
    str("an organization path"),
  ),
  admittedAccounts: ACCOUNT_IDS,
  excludedAccounts: ACCOUNT_IDS,
  disabledDetections: list("a list of detection ids", str("a detection id")),
  remediations: list("a list of remediation ids", str("a remediation id")),
  deployStackSets: bool(),
  callAs: str("SELF or DELEGATED_ADMIN"),
  rollout: obj("an object { failureTolerancePercentage, maxConcurrentPercentage }", {
    failureTolerancePercentage: num("a percentage"),
    maxConcurrentPercentage: num("a percentage"),
  }),
  expectedAccounts: num("a number of accounts"),
  alarmTopicArn: str("an SNS topic ARN"),
  heartbeatLogRetentionDays: num("a number of days"),
  tags: map("a map of tag key to value", str("a tag value")),
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const BUS_NAME = /^[A-Za-z0-9._-]{1,256}$/;

/**
 * The hub of an organization, in the security account: the central event bus (its policy admits
 * the organization by `aws:PrincipalOrgID`), the spoke templates rendered from the catalog, the
 * service-managed StackSets that deploy them to every account of the target OUs (automatic
 * deployment on: an account that joins is covered without a Pulumi run), and the heartbeat
 * alarm that notices a spoke that stopped forwarding.
 *
 * Point a SecurityRuleWatcher at `eventBusName`, and give the AutoRemediator `crossAccount`.
 * Service-managed StackSets never deploy to the management account: deploy its spoke with
 * OrganizationSpoke and explicit providers (the stack program does, with `managementAccount`).
 */
export class OrganizationHub extends pulumi.ComponentResource {
  /** Name of the central event bus: give it to SecurityRuleWatcher `eventBusName`. */
  public readonly eventBusName: pulumi.Output<string>;
  /** ARN of the central event bus: the spokes' `HubEventBusArn`. */
  public readonly eventBusArn: pulumi.Output<string>;
  /** The regional spoke template (JSON), as the StackSet deploys it. */
  public readonly regionalTemplateBody: string;
  /** The per-account spoke template (JSON): the member roles. */
  public readonly accountTemplateBody: string;
  /** The StackSets' names (empty without StackSets). */
  public readonly stackSetNames: Record<string, pulumi.Output<string>>;
  /** The missing-heartbeat alarm's name (undefined without it). */
  public readonly heartbeatAlarmName?: pulumi.Output<string>;
  /** The log group of heartbeats: one event per spoke region and hour. */
  public readonly heartbeatLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: OrganizationHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:OrganizationHub", name, {}, opts);
    const shapeProblems = argsProblems("OrganizationHub", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const s = {
      ...DEFAULTS,
      remediations: remediationIds() as RemediationId[],
      ...Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)),
      ...(args.rollout ?? {}),
    } as HubSettings;

    // ---------------------------------------------------------------- validation
    const { problems, detections } = hubProblems(name, s);
    if (problems.length > 0) throw new pulumi.ResourceError(problems.join("\n"), this);

    const regional = templateBody(regionalSpokeTemplate(detections!));
    const account = templateBody(accountSpokeTemplate(s.remediations));
    for (const [which, t] of [
      ["regional", regional],
      ["account", account],
    ] as const) {
      if (t.bytes > CFN_LIMITS.templateBodyBytes) {
        throw new pulumi.ResourceError(
          `the ${which} spoke template is ${t.bytes} bytes, over CloudFormation's ${CFN_LIMITS.templateBodyBytes}: disable detections`,
          this,
        );
      }
    }

    // ---------------------------------------------------------------- bus
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const bus = createHubBus(name, s, this);

    // ---------------------------------------------------------------- StackSets
    this.stackSetNames = {};
    if (s.deployStackSets) {
      this.stackSetNames = createSpokeStackSets(
        name,
        s,
        { regional: regional.body, account: account.body },
        bus,
        identity,
        this,
      );
    }

    // ---------------------------------------------------------------- heartbeat
    const heartbeat = createHeartbeat(name, s, args.alarmTopicArn, bus, this);
    this.heartbeatAlarmName = heartbeat.alarmName;

    this.eventBusName = bus.name;
    this.eventBusArn = bus.arn;
    this.regionalTemplateBody = regional.body;
    this.accountTemplateBody = account.body;
    this.heartbeatLogGroupName = heartbeat.logGroupName;
    this.registerOutputs({
      eventBusName: this.eventBusName,
      eventBusArn: this.eventBusArn,
      regionalTemplateBody: this.regionalTemplateBody,
      accountTemplateBody: this.accountTemplateBody,
      stackSetNames: this.stackSetNames,
      heartbeatAlarmName: this.heartbeatAlarmName,
      heartbeatLogGroupName: this.heartbeatLogGroupName,
    });
  }
}

/** The settings with the defaults and the rollout applied. */
type HubSettings = typeof DEFAULTS & OrganizationHubArgs & { remediations: RemediationId[] };

/** Every problem with the settings, and the detections they enable (plain data). */
function hubProblems(
  name: string,
  s: HubSettings,
): { problems: string[]; detections: Detection[] | undefined } {
  const problems = [
    ...hubBusPolicyProblems({
      organizationId: s.organizationId,
      organizationalUnitPaths: s.organizationalUnitPaths,
      accounts: s.admittedAccounts,
      excludedAccounts: s.excludedAccounts,
    }),
  ];
  if ((s.organizationalUnitIds ?? []).length === 0) {
    problems.push("organizationalUnitIds: name at least one OU (ou-...) or the root (r-...)");
  }
  for (const ou of s.organizationalUnitIds ?? []) {
    if (!OU_OR_ROOT.test(ou))
      problems.push(`organizationalUnitIds: "${ou}" is not an OU or root id`);
  }
  if ((s.regions ?? []).length === 0) problems.push("regions: name at least one region");
  for (const region of s.regions ?? []) {
    if (!REGION.test(region)) problems.push(`regions: "${region}" is not a region name`);
  }
  if (new Set(s.regions).size !== (s.regions ?? []).length) problems.push("regions: listed twice");
  if (!EXTERNAL_ID.test(s.externalId ?? "")) {
    problems.push("externalId: 2 to 1224 characters of letters, digits and +=,.@:/-_");
  }
  if (!BUS_NAME.test(s.eventBusName) || s.eventBusName === "default") {
    problems.push(`eventBusName: "${s.eventBusName}" is not a custom event bus name`);
  }
  const known = remediationIds();
  for (const id of s.remediations) {
    if (!known.includes(id)) {
      problems.push(`remediations: unknown remediation "${id}"; known: ${known.join(", ")}`);
    }
  }
  const pct = (field: string, v: number) =>
    Number.isInteger(v) && v >= 0 && v <= 100
      ? []
      : [`rollout.${field}: a whole number from 0 to 100, got ${v}`];
  problems.push(...pct("failureTolerancePercentage", s.failureTolerancePercentage));
  problems.push(...pct("maxConcurrentPercentage", s.maxConcurrentPercentage));
  if (s.maxConcurrentPercentage === 0) problems.push("rollout.maxConcurrentPercentage: at least 1");
  if (!Number.isInteger(s.expectedAccounts) || s.expectedAccounts < 0) {
    problems.push(`expectedAccounts: a whole number >= 0, got ${s.expectedAccounts}`);
  }
  let detections: Detection[] | undefined;
  try {
    detections = resolveDetections({ disabled: s.disabledDetections, ruleNamePrefix: name });
  } catch (error) {
    problems.push((error as Error).message);
  }
  return { problems, detections };
}

/** The hub's event bus, and its policy admitting the organization's spokes. */
function createHubBus(
  name: string,
  s: HubSettings,
  parent: pulumi.Resource,
): aws.cloudwatch.EventBus {
  const tags = s.tags;
  const bus = new aws.cloudwatch.EventBus(
    `${name}-bus`,
    { name: s.eventBusName, tags },
    { parent },
  );
  new aws.cloudwatch.EventBusPolicy(
    `${name}-bus-policy`,
    {
      eventBusName: bus.name,
      policy: bus.arn.apply((eventBusArn) =>
        JSON.stringify(
          hubBusPolicy({
            eventBusArn,
            organizationId: s.organizationId,
            organizationalUnitPaths: s.organizationalUnitPaths,
            accounts: s.admittedAccounts,
            excludedAccounts: s.excludedAccounts,
          }),
        ),
      ),
    },
    { parent },
  );
  return bus;
}

/** The regional and per-account spoke StackSets and their instances; their names. */
function createSpokeStackSets(
  name: string,
  s: HubSettings,
  templates: { regional: string; account: string },
  bus: aws.cloudwatch.EventBus,
  identity: pulumi.Output<aws.GetCallerIdentityResult>,
  parent: pulumi.Resource,
): Record<string, pulumi.Output<string>> {
  const tags = s.tags;
  const common = {
    permissionModel: "SERVICE_MANAGED",
    callAs: s.callAs,
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    // Operations queue behind each other instead of failing on a running one.
    managedExecution: { active: true },
    capabilities: ["CAPABILITY_NAMED_IAM"],
    operationPreferences: {
      failureTolerancePercentage: s.failureTolerancePercentage,
      maxConcurrentPercentage: s.maxConcurrentPercentage,
      regionConcurrencyType: "PARALLEL",
    },
    tags,
  };
  const instancePreferences = {
    failureTolerancePercentage: s.failureTolerancePercentage,
    maxConcurrentPercentage: s.maxConcurrentPercentage,
  };
  const regionalSet = new aws.cloudformation.StackSet(
    `${name}-spoke-regional`,
    {
      ...common,
      name: `${s.eventBusName}-spoke-regional`,
      description: "aws-security-watch spoke: forwarding rules to the hub bus and heartbeat",
      templateBody: templates.regional,
      parameters: { HubEventBusArn: bus.arn },
    },
    { parent },
  );
  const accountSet = new aws.cloudformation.StackSet(
    `${name}-spoke-account`,
    {
      ...common,
      name: `${s.eventBusName}-spoke-account`,
      description: "aws-security-watch spoke: member remediation roles (once per account)",
      templateBody: templates.account,
      parameters: {
        HubAccountId: identity.accountId,
        OrganizationId: s.organizationId,
        ExternalId: s.externalId,
        Regions: s.regions.join(","),
      },
    },
    { parent },
  );
  // One instance per region for all accounts of the OUs: the hub's size does not grow with
  // the number of accounts.
  for (const region of s.regions) {
    new aws.cloudformation.StackSetInstance(
      `${name}-spoke-regional-${region}`,
      {
        stackSetName: regionalSet.name,
        callAs: s.callAs,
        stackSetInstanceRegion: region,
        deploymentTargets: { organizationalUnitIds: s.organizationalUnitIds },
        operationPreferences: instancePreferences,
      },
      { parent },
    );
  }
  // Member roles are global (IAM): one region per account.
  const home = aws.getRegionOutput({}, { parent }).region;
  new aws.cloudformation.StackSetInstance(
    `${name}-spoke-account-instance`,
    {
      stackSetName: accountSet.name,
      callAs: s.callAs,
      stackSetInstanceRegion: home,
      deploymentTargets: { organizationalUnitIds: s.organizationalUnitIds },
      operationPreferences: instancePreferences,
    },
    { parent },
  );
  return { regional: regionalSet.name, account: accountSet.name };
}

/** The heartbeat log and rule, and the missing-spoke alarm when accounts are expected. */
function createHeartbeat(
  name: string,
  s: HubSettings,
  alarmTopicArn: pulumi.Input<string> | undefined,
  bus: aws.cloudwatch.EventBus,
  parent: pulumi.Resource,
): { logGroupName: pulumi.Output<string>; alarmName: pulumi.Output<string> | undefined } {
  const tags = s.tags;
  const heartbeatLogs = new aws.cloudwatch.LogGroup(
    `${name}-heartbeats`,
    {
      name: `/aws/events/${s.eventBusName}-heartbeats`,
      retentionInDays: s.heartbeatLogRetentionDays,
      tags,
    },
    { parent },
  );
  const heartbeatRule = new aws.cloudwatch.EventRule(
    `${name}-heartbeat`,
    {
      name: `${s.eventBusName}-heartbeat`,
      description: "aws-security-watch: the spokes' hourly heartbeats",
      eventBusName: bus.name,
      eventPattern: JSON.stringify(heartbeatPattern()),
      tags,
    },
    { parent },
  );
  new aws.cloudwatch.LogResourcePolicy(
    `${name}-heartbeats-policy`,
    {
      policyName: `${s.eventBusName}-heartbeats`,
      policyDocument: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EventBridgeWritesHeartbeats",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: pulumi.interpolate`${heartbeatLogs.arn}:*`,
            Condition: { ArnEquals: { "aws:SourceArn": heartbeatRule.arn } },
          },
        ],
      }),
    },
    { parent },
  );
  new aws.cloudwatch.EventTarget(
    `${name}-heartbeat-log`,
    {
      rule: heartbeatRule.name,
      eventBusName: bus.name,
      targetId: "log",
      arn: heartbeatLogs.arn,
    },
    { parent },
  );
  const expected = s.expectedAccounts * s.regions.length;
  let heartbeatAlarmName: pulumi.Output<string> | undefined;
  if (expected > 0 && alarmTopicArn !== undefined) {
    // Counted per account and region, not in total: one chatty spoke (or one that sends twice)
    // must not hide a dead one. A Contributor Insights rule on the heartbeat log keyed by
    // (account, region) gives the number of distinct spokes heard in the hour.
    const ruleName = `${s.eventBusName}-spokes`;
    const rule = new aws.cloudwatch.ContributorInsightRule(
      `${name}-spokes`,
      {
        ruleName,
        ruleState: "ENABLED",
        ruleDefinition: heartbeatLogs.name.apply((logGroupName) =>
          JSON.stringify(spokeHeartbeatRule(logGroupName)),
        ),
        tags,
      },
      { parent },
    );
    const alarm = new aws.cloudwatch.MetricAlarm(
      `${name}-spoke-missing`,
      {
        alarmDescription:
          `aws-security-watch: fewer than ${expected} distinct spokes (${s.expectedAccounts} accounts x ${s.regions.length} regions, each account and region counted once) sent a heartbeat to the hub in an hour: ` +
          `a spoke stopped forwarding, or was never deployed (a failed StackSet instance, the management account). ` +
          `Find which in Logs Insights on ${s.eventBusName}-heartbeats: stats latest(@timestamp) by account, region`,
        metricQueries: [
          {
            id: "spokes",
            expression: `INSIGHT_RULE_METRIC("${ruleName}", "UniqueContributors")`,
            label: "distinct spokes (account, region) heard in the hour",
            period: 3600,
            returnData: true,
          },
        ],
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        threshold: expected,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
        alarmActions: [alarmTopicArn],
        okActions: [alarmTopicArn],
        tags,
      },
      // The expression names the rule by a plain string: depend on it explicitly.
      { parent, dependsOn: [rule] },
    );
    heartbeatAlarmName = alarm.name;
  }
  return { logGroupName: heartbeatLogs.name, alarmName: heartbeatAlarmName };
}

/**
 * The Contributor Insights rule over the hub's heartbeat log (one EventBridge event per spoke
 * region and hour, as JSON): contributors keyed by the event's account and region, so that
 * `UniqueContributors` is the number of distinct spokes heard, whatever each one sends.
 */
export function spokeHeartbeatRule(logGroupName: string): Record<string, unknown> {
  return {
    Schema: { Name: "CloudWatchLogRule", Version: 1 },
    LogGroupNames: [logGroupName],
    LogFormat: "JSON",
    Contribution: { Keys: ["$.account", "$.region"], Filters: [] },
    AggregateOn: "Count",
  };
}
