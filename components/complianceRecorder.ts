import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { hardenBucket } from "./hardenedBucket";
import { argsProblems, bool, list, map, num, str } from "../core/argsShape";
import {
  CONFIG_RULES,
  ConfigRuleDefinition,
  ConfigRuleTrigger,
  MAX_CONFIG_RULE_NAME_LENGTH,
  PERIODIC_FREQUENCY,
  configRuleName,
} from "../core/catalog/configRules";
import {
  CONFIG_SERVICE,
  complianceResolvedPattern,
  complianceResolvedTransformer,
  configBucketPolicy,
  configServiceLinkedRoleArn,
} from "../core/compliancePolicies";
import { KMS_KEY_ARN, problemWith } from "../core/validation";

/** How often AWS Config records a configuration item of a changed resource. */
export enum RecordingFrequency {
  /** A configuration item for every change, within minutes ($0.003 each). */
  Continuous = "CONTINUOUS",
  /** At most one configuration item per changed resource per day ($0.012 each). */
  Daily = "DAILY",
}

/** How often AWS Config delivers a configuration snapshot to the bucket. */
export enum SnapshotDeliveryFrequency {
  OneHour = "One_Hour",
  ThreeHours = "Three_Hours",
  SixHours = "Six_Hours",
  TwelveHours = "Twelve_Hours",
  TwentyFourHours = "TwentyFour_Hours",
}

export interface ComplianceRecorderArgs {
  /**
   * The SNS topic that receives the resolution message when a resource passes one of this
   * component's rules again after failing it (AlertTopicSet `resolutionTopicArn`). The topic
   * policy must let `events.amazonaws.com` of this account publish.
   */
  readonly resolutionTopicArn: pulumi.Input<string>;
  /**
   * The account already has a configuration recorder in this region (one is allowed per
   * region): create only the rules and the routing, no recorder, delivery channel, bucket or
   * service-linked role.
   * @default false
   */
  readonly useExistingRecorder?: boolean;
  /**
   * Recording frequency of every resource type.
   * https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html#select-resources-recording-frequency
   * @default RecordingFrequency.Continuous
   */
  readonly recordingFrequency?: RecordingFrequency;
  /**
   * Resource types recorded daily although `recordingFrequency` is continuous: the high-churn
   * types (network interfaces of Lambda functions in a VPC, for example) that make most of the
   * bill. Ignored with daily recording.
   * @default []
   */
  readonly dailyResourceTypes?: string[];
  /**
   * Record IAM (global) resource types, and deploy the rules that evaluate them. True in one
   * region of the account only (the home region), so that they are not recorded, evaluated and
   * billed in every region.
   * @default true
   */
  readonly recordGlobalResourceTypes?: boolean;
  /**
   * Create AWS Config's service-linked role `AWSServiceRoleForConfig`, which the recorder uses.
   * Set false when it already exists in the account (a second region's stack, or Config set up
   * before): creating it twice fails.
   * @default true
   */
  readonly createServiceLinkedRole?: boolean;
  /**
   * Deliver to this existing bucket, e.g. AuditTrail's `bucketName` with AuditTrail
   * `configDeliveryPrefix` equal to `deliveryKeyPrefix` (its policy must admit AWS Config).
   * @default a hardened bucket of the component's own
   */
  readonly deliveryBucketName?: pulumi.Input<string>;
  /**
   * Key prefix of the delivered files: `<prefix>/AWSLogs/<account>/Config/`.
   * @default "config"
   */
  readonly deliveryKeyPrefix?: string;
  /**
   * KMS key that encrypts the delivered files (AuditTrail's `kmsKeyArn` when delivering to the
   * trail bucket); its policy must let `config.amazonaws.com` use it.
   * @default the bucket's default encryption (SSE-S3 on the component's own bucket)
   */
  readonly deliveryKmsKeyArn?: pulumi.Input<string>;
  /**
   * How often a configuration snapshot is delivered.
   * @default SnapshotDeliveryFrequency.TwentyFourHours
   */
  readonly snapshotDeliveryFrequency?: SnapshotDeliveryFrequency;
  /**
   * Days the component's own bucket keeps the delivered files.
   * @default 2557 (7 years)
   */
  readonly bucketRetentionDays?: number;
  /**
   * Let `pulumi destroy` delete the component's own bucket with its files.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Prefix of the Config rule names (`<prefix>-<rule key>`) and of the resolution rule.
   * @default the component name
   */
  readonly ruleNamePrefix?: string;
  /**
   * Keys of core/catalog/configRules.ts rules not to deploy (`access-keys-rotated`, ...).
   * @default []
   */
  readonly disabledRules?: string[];
  /**
   * Ports that may be open to the world: the same list as the revoke-world-ingress remediation
   * (`authorizedTcpPorts` and `authorizedUdpPorts` of VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS).
   * @default []
   */
  readonly allowedPublicPorts?: number[];
  /**
   * Maximum age of an active access key (`maxAccessKeyAge` of ACCESS_KEYS_ROTATED).
   * @default 90
   */
  readonly maxAccessKeyAgeDays?: number;
  /**
   * Host suffix of the AWS console in the resolution message's link.
   * @default "console.aws.amazon.com"
   */
  readonly consoleDomain?: string;
  /**
   * Tags of every taggable child.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

const DEFAULTS = {
  useExistingRecorder: false,
  recordingFrequency: RecordingFrequency.Continuous,
  dailyResourceTypes: [] as string[],
  recordGlobalResourceTypes: true,
  createServiceLinkedRole: true,
  deliveryKeyPrefix: "config",
  snapshotDeliveryFrequency: SnapshotDeliveryFrequency.TwentyFourHours,
  bucketRetentionDays: 2557,
  forceDestroy: false,
  disabledRules: [] as string[],
  allowedPublicPorts: [] as number[],
  maxAccessKeyAgeDays: 90,
  consoleDomain: "console.aws.amazon.com",
  tags: {} as Record<string, string>,
};

const DAYS = "a number of days";
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  resolutionTopicArn: str("the AlertTopicSet resolutionTopicArn", true),
  useExistingRecorder: bool(),
  recordingFrequency: str(Object.values(RecordingFrequency).join(" or ")),
  dailyResourceTypes: list(
    "a list of resource types such as AWS::EC2::NetworkInterface",
    str("a resource type"),
  ),
  recordGlobalResourceTypes: bool(),
  createServiceLinkedRole: bool(),
  deliveryBucketName: str("a bucket name (AuditTrail bucketName)"),
  deliveryKeyPrefix: str("a key prefix such as config"),
  deliveryKmsKeyArn: str("a KMS key ARN"),
  snapshotDeliveryFrequency: str(`one of ${Object.values(SnapshotDeliveryFrequency).join(", ")}`),
  bucketRetentionDays: num(DAYS),
  forceDestroy: bool(),
  ruleNamePrefix: str("a rule name prefix"),
  disabledRules: list("a list of Config rule keys", str("a Config rule key")),
  allowedPublicPorts: list("a list of port numbers", num("a port number")),
  maxAccessKeyAgeDays: num(DAYS),
  consoleDomain: str("a host name"),
  tags: map("a map of tag key to value", str("a tag value")),
};

const KEY_PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const RESOURCE_TYPE = /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/;
const RULE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * AWS Config, turned on properly, and its findings routed into the same chain as the live
 * events: a configuration recorder (all supported resource types; IAM global types in the home
 * region only; continuous or daily), the service-linked role `AWSServiceRoleForConfig` it
 * records with (Security Hub Config.1), a delivery channel (to the AuditTrail bucket under its
 * own prefix, or to a hardened bucket of its own), the managed rules of
 * core/catalog/configRules.ts with parameters from the remediations' settings, and one
 * EventBridge rule that tells the resolutions topic when a resource passes a rule again.
 *
 * The NON_COMPLIANT results are catalog detections (`config-<key>`): SecurityRuleWatcher alerts
 * on them and AutoRemediator wires them to the same remediation functions as the live events.
 * With `useExistingRecorder`, only the rules and the routing are created.
 */
export class ComplianceRecorder extends pulumi.ComponentResource {
  /** The Config rules, by rule key. */
  public readonly rules: Record<string, aws.cfg.Rule>;
  /** The deployed Config rule names, by rule key. */
  public readonly ruleNames: Record<string, pulumi.Output<string>>;
  /** The recorder's name (undefined with `useExistingRecorder`). */
  public readonly recorderName?: pulumi.Output<string>;
  /** The bucket Config delivers to (undefined with `useExistingRecorder`). */
  public readonly deliveryBucketName?: pulumi.Output<string>;
  /** The EventBridge rule that routes COMPLIANT-after-NON_COMPLIANT to the resolutions topic. */
  public readonly resolutionRuleArn: pulumi.Output<string>;
  /** The queue (SSE-SQS) of the resolutions EventBridge could not deliver to the topic. */
  public readonly resolutionDeadLetterQueueArn: pulumi.Output<string>;

  constructor(name: string, args: ComplianceRecorderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:ComplianceRecorder", name, {}, opts);
    const shapeProblems = argsProblems("ComplianceRecorder", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }
    const defined = Object.fromEntries(
      Object.entries(args).filter(([, v]) => v !== undefined),
    ) as Partial<ComplianceRecorderArgs>;
    const s = { ...DEFAULTS, ...defined };
    const prefix = args.ruleNamePrefix ?? name;

    // ---------------------------------------------------------------- validation
    const problems = validate(s, prefix, args);
    if (problems.length > 0) throw new pulumi.ResourceError(problems.join("\n"), this);

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const selected = CONFIG_RULES.filter(
      (r) => !s.disabledRules.includes(r.key) && (s.recordGlobalResourceTypes || !r.global),
    );

    // ---------------------------------------------------------------- recorder and delivery
    let ready: pulumi.Resource[] = [];
    if (!s.useExistingRecorder) {
      const recording = createRecording(name, prefix, s, args, identity, partition, this);
      ready = [recording.status];
      this.recorderName = recording.recorderName;
      this.deliveryBucketName = recording.bucketName;
    }

    // ---------------------------------------------------------------- rules
    const rules = createRules(name, prefix, s, selected, ready, this);
    this.rules = rules.rules;
    this.ruleNames = rules.ruleNames;

    // ---------------------------------------------------------------- resolution routing
    const routing = createResolutionRouting(name, prefix, s, args, this);
    this.resolutionRuleArn = routing.ruleArn;
    this.resolutionDeadLetterQueueArn = routing.deadLetterQueueArn;

    this.registerOutputs({
      rules: this.rules,
      ruleNames: this.ruleNames,
      recorderName: this.recorderName,
      deliveryBucketName: this.deliveryBucketName,
      resolutionRuleArn: this.resolutionRuleArn,
      resolutionDeadLetterQueueArn: this.resolutionDeadLetterQueueArn,
    });
  }
}

/** The settings with the defaults applied. */
type Settings = typeof DEFAULTS & Partial<ComplianceRecorderArgs>;

/**
 * The service-linked role (unless told it exists), the recorder, the delivery channel (to the
 * given bucket or a hardened one of the component's own) and the recorder status.
 */
function createRecording(
  name: string,
  prefix: string,
  s: Settings,
  args: ComplianceRecorderArgs,
  identity: pulumi.Output<aws.GetCallerIdentityResult>,
  partition: pulumi.Output<aws.GetPartitionResult>,
  parent: pulumi.Resource,
): {
  status: aws.cfg.RecorderStatus;
  recorderName: pulumi.Output<string>;
  bucketName: pulumi.Output<string>;
} {
  const tags = s.tags;
  const slr = s.createServiceLinkedRole
    ? new aws.iam.ServiceLinkedRole(
        `${name}-service-linked-role`,
        { awsServiceName: CONFIG_SERVICE, tags },
        { parent },
      )
    : undefined;
  const roleArn = slr
    ? slr.arn
    : pulumi
        .all([partition.partition, identity.accountId])
        .apply(([p, account]) => configServiceLinkedRoleArn(p, account));
  const daily = s.recordingFrequency === RecordingFrequency.Daily;
  const recorder = new aws.cfg.Recorder(
    `${name}-recorder`,
    {
      name: prefix,
      roleArn,
      recordingGroup: {
        allSupported: true,
        includeGlobalResourceTypes: s.recordGlobalResourceTypes,
      },
      recordingMode: {
        recordingFrequency: s.recordingFrequency,
        ...(!daily && s.dailyResourceTypes.length > 0
          ? {
              recordingModeOverride: {
                description: "High-churn resource types recorded daily",
                recordingFrequency: RecordingFrequency.Daily,
                resourceTypes: s.dailyResourceTypes,
              },
            }
          : {}),
      },
    },
    { parent },
  );

  let bucketName: pulumi.Output<string>;
  const channelDependencies: pulumi.Resource[] = [recorder];
  if (args.deliveryBucketName !== undefined) {
    bucketName = pulumi.output(args.deliveryBucketName);
  } else {
    const own = createOwnBucket(name, s, identity.accountId, parent);
    bucketName = own.bucket.bucket;
    channelDependencies.push(own.policy);
  }
  const channel = new aws.cfg.DeliveryChannel(
    `${name}-delivery-channel`,
    {
      name: prefix,
      s3BucketName: bucketName,
      s3KeyPrefix: s.deliveryKeyPrefix,
      s3KmsKeyArn: args.deliveryKmsKeyArn,
      snapshotDeliveryProperties: { deliveryFrequency: s.snapshotDeliveryFrequency },
    },
    { parent, dependsOn: channelDependencies },
  );
  const status = new aws.cfg.RecorderStatus(
    `${name}-recorder-status`,
    { name: recorder.name, isEnabled: true },
    { parent, dependsOn: [channel] },
  );
  return { status, recorderName: recorder.name, bucketName };
}

/** The managed Config rules, by rule key, once the recorder is running. */
function createRules(
  name: string,
  prefix: string,
  s: Settings,
  selected: ConfigRuleDefinition[],
  ready: pulumi.Resource[],
  parent: pulumi.Resource,
): { rules: Record<string, aws.cfg.Rule>; ruleNames: Record<string, pulumi.Output<string>> } {
  const rules: Record<string, aws.cfg.Rule> = {};
  const ruleNames: Record<string, pulumi.Output<string>> = {};
  const settings = {
    allowedPublicPorts: s.allowedPublicPorts,
    maxAccessKeyAgeDays: s.maxAccessKeyAgeDays,
  };
  for (const rule of selected) {
    const created = new aws.cfg.Rule(
      `${name}-${rule.key}`,
      configRuleArgs(rule, prefix, settings, s.tags),
      { parent, dependsOn: ready },
    );
    rules[rule.key] = created;
    ruleNames[rule.key] = created.name;
  }
  return { rules, ruleNames };
}

/** The EventBridge rule that sends COMPLIANT-again results to the resolutions topic. */
function createResolutionRouting(
  name: string,
  prefix: string,
  s: Settings,
  args: ComplianceRecorderArgs,
  parent: pulumi.Resource,
): { ruleArn: pulumi.Output<string>; deadLetterQueueArn: pulumi.Output<string> } {
  const tags = s.tags;
  const resolved = new aws.cloudwatch.EventRule(
    `${name}-resolved`,
    {
      name: `${prefix}-config-resolved`,
      description: "AWS Config: a resource passes a rule of aws-security-watch again",
      eventPattern: JSON.stringify(complianceResolvedPattern(prefix)),
      tags,
    },
    { parent },
  );
  // A resolution EventBridge could not deliver (topic policy, key) waits here, not lost.
  const dlq = new aws.sqs.Queue(
    `${name}-resolved-dlq`,
    { sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600, tags },
    { parent },
  );
  new aws.sqs.QueuePolicy(
    `${name}-resolved-dlq-policy`,
    {
      queueUrl: dlq.url,
      policy: pulumi
        .all([dlq.arn, resolved.arn])
        .apply(([queueArn, ruleArn]) =>
          JSON.stringify(resolvedDeadLetterPolicy(queueArn, ruleArn)),
        ),
    },
    { parent },
  );
  new aws.cloudwatch.EventTarget(
    `${name}-resolved-target`,
    {
      rule: resolved.name,
      targetId: "resolution",
      arn: args.resolutionTopicArn,
      inputTransformer: complianceResolvedTransformer(s.consoleDomain),
      retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
      deadLetterConfig: { arn: dlq.arn },
    },
    { parent },
  );
  return { ruleArn: resolved.arn, deadLetterQueueArn: dlq.arn };
}

/** A bucket of Config's own, hardened like the trail bucket (SSE-S3 unless a key is given). */
function createOwnBucket(
  name: string,
  s: Settings,
  accountId: pulumi.Output<string>,
  parent: pulumi.Resource,
): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
  const tags = s.tags;
  const prefix = `${name}-bucket`;
  const bucket = new aws.s3.Bucket(prefix, { forceDestroy: s.forceDestroy, tags }, { parent });
  const kms = s.deliveryKmsKeyArn !== undefined;
  const { publicAccessBlock: block } = hardenBucket(
    parent,
    prefix,
    bucket,
    kms
      ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: s.deliveryKmsKeyArn }
      : { sseAlgorithm: "AES256" },
    [
      {
        id: "expire",
        status: "Enabled",
        filter: { prefix: "" },
        expiration: { days: s.bucketRetentionDays },
        noncurrentVersionExpiration: { noncurrentDays: 90 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ],
  );
  const policy = new aws.s3.BucketPolicy(
    `${prefix}-policy`,
    {
      bucket: bucket.bucket,
      policy: pulumi
        .all([bucket.arn, accountId])
        .apply(([bucketArn, account]) =>
          JSON.stringify(
            configBucketPolicy({ bucketArn, accountId: account, keyPrefix: s.deliveryKeyPrefix }),
          ),
        ),
    },
    { parent, dependsOn: [block] },
  );
  return { bucket, policy };
}

/** The `aws.cfg.Rule` arguments of one managed rule (pure; tested without Pulumi). */
export function configRuleArgs(
  rule: ConfigRuleDefinition,
  prefix: string,
  settings: { allowedPublicPorts: number[]; maxAccessKeyAgeDays: number },
  tags: Record<string, string> = {},
): aws.cfg.RuleArgs {
  const parameters = rule.parameters(settings);
  return {
    name: configRuleName(prefix, rule.key),
    description: `aws-security-watch: ${rule.title} (${rule.identifier})`,
    source: { owner: "AWS", sourceIdentifier: rule.identifier },
    ...(Object.keys(parameters).length > 0 ? { inputParameters: JSON.stringify(parameters) } : {}),
    ...(rule.resourceTypes.length > 0
      ? { scope: { complianceResourceTypes: [...rule.resourceTypes] } }
      : {}),
    ...(rule.trigger === ConfigRuleTrigger.Periodic
      ? { maximumExecutionFrequency: PERIODIC_FREQUENCY }
      : {}),
    tags,
  };
}

function validate(
  s: typeof DEFAULTS & Partial<ComplianceRecorderArgs>,
  prefix: string,
  args: ComplianceRecorderArgs,
): string[] {
  const problems: string[] = [];
  const keyProblem = problemWith("deliveryKmsKeyArn", args.deliveryKmsKeyArn, KMS_KEY_ARN);
  if (keyProblem) problems.push(keyProblem);
  const keys = CONFIG_RULES.map((r) => r.key);
  if (!Object.values(RecordingFrequency).includes(s.recordingFrequency)) {
    problems.push(
      `recordingFrequency: "${s.recordingFrequency}" is not one of ${Object.values(RecordingFrequency).join(", ")}`,
    );
  }
  if (!Object.values(SnapshotDeliveryFrequency).includes(s.snapshotDeliveryFrequency)) {
    problems.push(
      `snapshotDeliveryFrequency: "${s.snapshotDeliveryFrequency}" is not one of ${Object.values(SnapshotDeliveryFrequency).join(", ")}`,
    );
  }
  for (const key of s.disabledRules) {
    if (!keys.includes(key)) {
      problems.push(`disabledRules: unknown rule "${key}"; known: ${keys.join(", ")}`);
    }
  }
  for (const type of s.dailyResourceTypes) {
    if (!RESOURCE_TYPE.test(type)) {
      problems.push(
        `dailyResourceTypes: "${type}" is not a resource type (AWS::EC2::NetworkInterface)`,
      );
    }
  }
  for (const port of s.allowedPublicPorts) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      problems.push(`allowedPublicPorts: ${port} is not a port (0-65535)`);
    }
  }
  if (!Number.isInteger(s.maxAccessKeyAgeDays) || s.maxAccessKeyAgeDays < 1) {
    problems.push(
      `maxAccessKeyAgeDays: ${s.maxAccessKeyAgeDays} must be a whole number of days, at least 1`,
    );
  }
  if (!Number.isInteger(s.bucketRetentionDays) || s.bucketRetentionDays < 1) {
    problems.push(
      `bucketRetentionDays: ${s.bucketRetentionDays} must be a whole number of days, at least 1`,
    );
  }
  if (!KEY_PREFIX.test(s.deliveryKeyPrefix)) {
    problems.push(
      `deliveryKeyPrefix: "${s.deliveryKeyPrefix}" must be letters, digits and !_.*'()- separated by single slashes, without a leading or trailing slash`,
    );
  }
  const longest = CONFIG_RULES.reduce((a, r) => Math.max(a, r.key.length), 0);
  if (!RULE_NAME.test(prefix)) {
    problems.push(`ruleNamePrefix: "${prefix}" may only contain letters, digits, "-" and "_"`);
  } else if (prefix.length + 1 + longest > MAX_CONFIG_RULE_NAME_LENGTH) {
    problems.push(
      `ruleNamePrefix: "${prefix}" is too long; Config rule names are at most ${MAX_CONFIG_RULE_NAME_LENGTH} characters, use at most ${MAX_CONFIG_RULE_NAME_LENGTH - 1 - longest}`,
    );
  } else if (`${prefix}-config-resolved`.length > 64) {
    problems.push(
      `ruleNamePrefix: "${prefix}" is too long for the EventBridge rule ${prefix}-config-resolved (64 characters); use at most 48`,
    );
  }
  if (s.useExistingRecorder) {
    for (const field of [
      "deliveryBucketName",
      "deliveryKeyPrefix",
      "deliveryKmsKeyArn",
      "recordingFrequency",
      "dailyResourceTypes",
      "snapshotDeliveryFrequency",
      "createServiceLinkedRole",
      "bucketRetentionDays",
      "forceDestroy",
    ] as const) {
      if (args[field] !== undefined) {
        problems.push(
          `Only one of [useExistingRecorder] and [${field}] can be specified: the existing recorder keeps its own settings`,
        );
      }
    }
  }
  return problems;
}

/** TLS only; EventBridge may send the resolution rule's undeliverable events, that rule only. */
export function resolvedDeadLetterPolicy(queueArn: string, ruleArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ],
  };
}
