import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { hardenBucket } from "./hardenedBucket";
import { argsProblems, bool, list, map, num, str } from "../core/argsShape";
import {
  AccountContext,
  accessLogBucketPolicy,
  bucketArn,
  cloudTrailLogsRolePolicy,
  cloudTrailLogsRoleTrustPolicy,
  keyPolicy,
  logGroupArn,
  trailArn,
  trailBucketPolicy,
} from "../core/auditTrailPolicies";

/**
 * The retention periods CloudWatch Logs accepts, in days; 0 keeps events forever.
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS: readonly number[] = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
  3288, 3653,
];

export interface AuditTrailArgs {
  /**
   * Name of the trail. It must be known as a plain string: the KMS key policy and the bucket
   * policy name the trail's ARN (`aws:SourceArn`) before the trail exists.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-naming-requirements.html
   * @default the component name
   */
  readonly trailName?: string;

  /**
   * Name of the CloudWatch Logs group the trail delivers to (what CompositeAlarmGroup watches).
   * @default `/cloudtrail/<trailName>`
   */
  readonly logGroupName?: string;

  /**
   * Days CloudWatch Logs keeps the trail's events: one of {@link LOG_RETENTION_DAYS}.
   * Security Hub CloudWatch.16 requires at least 365 (or 0, never expire).
   * @default 365
   */
  readonly logRetentionDays?: number;

  /**
   * Bring your own bucket: the name of an existing bucket to deliver log files to. The component
   * then creates no bucket, no bucket policy and no access-log bucket; the bucket's policy must
   * let CloudTrail (`cloudtrail.amazonaws.com`) `s3:GetBucketAcl` on the bucket and
   * `s3:PutObject` under `AWSLogs/<account id>/` with `s3:x-amz-acl` = `bucket-owner-full-control`.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
   * @default a bucket is created
   */
  readonly bucketName?: pulumi.Input<string>;

  /**
   * Bring your own key: the ARN of an existing symmetric KMS key that encrypts the log files and
   * the log group. The component then creates no key; the key's policy must let CloudTrail
   * `kms:GenerateDataKey*` and `kms:DescribeKey`, and `logs.<region>.amazonaws.com` use the key
   * for this log group.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
   * @default a key is created (rotation on)
   */
  readonly kmsKeyArn?: pulumi.Input<string>;

  /**
   * Days KMS waits before deleting the created key once its deletion is scheduled (7-30).
   * @default 30
   */
  readonly keyDeletionWindowDays?: number;

  /**
   * S3 server access logging of the trail bucket (CIS 3.6, Security Hub CloudTrail.7). With no
   * `accessLogBucketName`, a hardened access-log bucket is created. Applies only to a bucket this
   * component creates.
   * @default true
   */
  readonly accessLogging?: boolean;

  /**
   * Bring your own access-log bucket: the name of an existing bucket, in the same account and
   * region, that receives the trail bucket's server access logs under `<trailName>/`. Its policy
   * must let `logging.s3.amazonaws.com` `s3:PutObject` there.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
   * @default an access-log bucket is created
   */
  readonly accessLogBucketName?: pulumi.Input<string>;

  /** Days before log files move to S3 Standard-IA (at least 30). @default 30 */
  readonly transitionToInfrequentAccessDays?: number;

  /** Days before log files move to S3 Glacier Flexible Retrieval. @default 90 */
  readonly transitionToGlacierDays?: number;

  /** Days log files (and access logs) are kept in S3 before they expire. @default 2557 (7 years) */
  readonly retentionDays?: number;

  /** Days a replaced or deleted version is kept before it expires. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;

  /**
   * Let `pulumi destroy` delete the created buckets even when they hold log files.
   * @default false
   */
  readonly forceDestroy?: boolean;

  /**
   * CloudTrail Insights (`ApiCallRateInsight` and `ApiErrorRateInsight`), charged per event.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html
   * @default false
   */
  readonly insights?: boolean;

  /**
   * Log S3 object-level (data) events, charged per event: of every bucket, or only of
   * `s3DataEventBucketArns`.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
   * @default false
   */
  readonly s3DataEvents?: boolean;

  /** ARNs of the buckets whose data events are logged (needs `s3DataEvents`). @default every bucket */
  readonly s3DataEventBucketArns?: pulumi.Input<string>[];

  /** Log Lambda invocations (data events) of every function, charged per event. @default false */
  readonly lambdaDataEvents?: boolean;

  /**
   * An organization trail, created in the management (or delegated administrator) account.
   * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
   * @default false
   */
  readonly isOrganizationTrail?: boolean;

  /**
   * ID of the organization (`o-...`): needed with `isOrganizationTrail` when the bucket is
   * created, to let CloudTrail write under `AWSLogs/<organizationId>/`.
   * @default none
   */
  readonly organizationId?: string;

  /**
   * Add an `aws:SourceArn` condition (this trail) to the trust policy of the CloudTrail ->
   * CloudWatch Logs role. Off by default: deliveries to CloudWatch Logs are reported to stop with
   * such a condition, and AWS documents this trust policy without one.
   * @default false
   */
  readonly restrictLogsRoleToTrail?: boolean;

  /**
   * Let AWS Config deliver its snapshots and history files to the trail bucket under this key
   * prefix (ComplianceRecorder with `deliveryBucketName` set to this trail's bucket): the bucket
   * policy admits `config.amazonaws.com` of this account under `<prefix>/AWSLogs/<account>/Config/`
   * and the created key lets it encrypt them. Applies only to the bucket and key created here.
   * https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
   * @default Config is not admitted
   */
  readonly configDeliveryPrefix?: string;

  /** Tags of every taggable child. @default none */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const DAYS = "a number of days";
/** The shape of the arguments (first validation pass). */
const ARGS_SHAPE = {
  trailName: str("a trail name (a plain string)"),
  logGroupName: str("a log group name"),
  logRetentionDays: num(DAYS),
  bucketName: str("a bucket name"),
  kmsKeyArn: str("a KMS key ARN"),
  keyDeletionWindowDays: num(DAYS),
  accessLogging: bool(),
  accessLogBucketName: str("a bucket name"),
  transitionToInfrequentAccessDays: num(DAYS),
  transitionToGlacierDays: num(DAYS),
  retentionDays: num(DAYS),
  noncurrentVersionExpirationDays: num(DAYS),
  forceDestroy: bool(),
  insights: bool(),
  s3DataEvents: bool(),
  s3DataEventBucketArns: list("a list of bucket ARNs", str("a bucket ARN")),
  lambdaDataEvents: bool(),
  isOrganizationTrail: bool(),
  organizationId: str("an organization id (o-...)"),
  restrictLogsRoleToTrail: bool(),
  tags: map("a map of tag key to value", str("a tag value"), { known: false }),
};

const DEFAULTS = {
  logRetentionDays: 365,
  keyDeletionWindowDays: 30,
  accessLogging: true,
  transitionToInfrequentAccessDays: 30,
  transitionToGlacierDays: 90,
  retentionDays: 2557,
  noncurrentVersionExpirationDays: 90,
  forceDestroy: false,
  insights: false,
  s3DataEvents: false,
  lambdaDataEvents: false,
  isOrganizationTrail: false,
  restrictLogsRoleToTrail: false,
} as const;

/** Arguments that stay optional once defaults are applied (their absence means something). */
type OptionalArg =
  | "bucketName"
  | "kmsKeyArn"
  | "accessLogBucketName"
  | "s3DataEventBucketArns"
  | "organizationId"
  | "configDeliveryPrefix"
  | "tags";

/** The arguments with every default applied: what the constructor works from. */
type Settings = Omit<Required<AuditTrailArgs>, OptionalArg> & Pick<AuditTrailArgs, OptionalArg>;

/** Applies {@link DEFAULTS} (and the defaults derived from the name) once. */
function withDefaults(name: string, args: AuditTrailArgs): Settings {
  const trailName = args.trailName ?? name;
  const defined = Object.fromEntries(
    Object.entries(args).filter(([, value]) => value !== undefined),
  ) as AuditTrailArgs;
  return { ...DEFAULTS, trailName, logGroupName: `/cloudtrail/${trailName}`, ...defined };
}

/** Days after which an incomplete multipart upload is aborted. */
const ABORT_MULTIPART_DAYS = 7;

const TRAIL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|[._-](?=[A-Za-z0-9])){2,127}$/;
const IP_ADDRESS = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const LOG_GROUP_NAME = /^[A-Za-z0-9._\-/#]{1,512}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const S3_BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

function bucketNameProblem(value: string): string | undefined {
  if (!BUCKET_NAME.test(value) || IP_ADDRESS.test(value) || value.includes("..")) {
    return (
      "must be 3-63 lowercase letters, digits, dots or hyphens, start and end with a letter " +
      "or digit, and not look like an IP address"
    );
  }
  return undefined;
}

/** The first problem with the arguments, as a message that says what to change. */
function validate(args: AuditTrailArgs, settings: Settings): string | undefined {
  return (
    namesProblem(args, settings) ??
    keyProblem(args, settings) ??
    bucketProblem(args) ??
    lifecycleProblem(settings) ??
    dataEventsProblem(args, settings) ??
    organizationProblem(args, settings)
  );
}

/** The trail name, the log group name and its retention. */
function namesProblem(args: AuditTrailArgs, settings: Settings): string | undefined {
  const trailName = settings.trailName;
  if (!TRAIL_NAME.test(trailName) || IP_ADDRESS.test(trailName)) {
    return (
      `Invalid [trailName] "${trailName}": a trail name has 3-128 letters, digits, dots, ` +
      "underscores or hyphens, starts and ends with a letter or digit, has no two symbols in a " +
      "row and is not an IP address. Set [trailName]" +
      (args.trailName === undefined ? " (it defaults to the component name)." : ".")
    );
  }
  if (args.logGroupName !== undefined && !LOG_GROUP_NAME.test(args.logGroupName)) {
    return (
      `Invalid [logGroupName] "${args.logGroupName}": use 1-512 letters, digits and ` +
      "the characters . _ - / #."
    );
  }
  const retention = settings.logRetentionDays;
  if (!LOG_RETENTION_DAYS.includes(retention)) {
    return (
      `Invalid [logRetentionDays] ${retention}: CloudWatch Logs accepts only ` +
      `${LOG_RETENTION_DAYS.join(", ")} (0 keeps events forever).`
    );
  }
  return undefined;
}

/** The KMS key: created (deletion window) or brought (ARN). */
function keyProblem(args: AuditTrailArgs, settings: Settings): string | undefined {
  const window = settings.keyDeletionWindowDays;
  if (!Number.isInteger(window) || window < 7 || window > 30) {
    return `Invalid [keyDeletionWindowDays] ${window}: use a whole number of days from 7 to 30.`;
  }
  if (args.kmsKeyArn !== undefined && args.keyDeletionWindowDays !== undefined) {
    return (
      "Only one of [kmsKeyArn] and [keyDeletionWindowDays] can be specified: the deletion " +
      "window applies to the key this component creates."
    );
  }
  if (typeof args.kmsKeyArn === "string" && !KMS_KEY_ARN.test(args.kmsKeyArn)) {
    return (
      `Invalid [kmsKeyArn] "${args.kmsKeyArn}": give the ARN of a key ` +
      "(arn:aws:kms:<region>:<account>:key/<key id>), not an alias or a key id."
    );
  }
  return undefined;
}

/** The bucket names, and what applies only to a bucket created here. */
function bucketProblem(args: AuditTrailArgs): string | undefined {
  if (typeof args.bucketName === "string") {
    const problem = bucketNameProblem(args.bucketName);
    if (problem) return `Invalid [bucketName] "${args.bucketName}": a bucket name ${problem}.`;
  }
  if (typeof args.accessLogBucketName === "string") {
    const problem = bucketNameProblem(args.accessLogBucketName);
    if (problem) {
      return `Invalid [accessLogBucketName] "${args.accessLogBucketName}": a bucket name ${problem}.`;
    }
  }
  if (args.bucketName !== undefined) {
    if (args.accessLogBucketName !== undefined) {
      return (
        "Only one of [bucketName] and [accessLogBucketName] can be specified: access logging is " +
        "configured only on a bucket this component creates; configure it on your own bucket."
      );
    }
    if (args.accessLogging === true) {
      return (
        "Only one of [bucketName] and [accessLogging] can be specified: access logging is " +
        "configured only on a bucket this component creates; configure it on your own bucket."
      );
    }
    for (const field of [
      "transitionToInfrequentAccessDays",
      "transitionToGlacierDays",
      "retentionDays",
      "noncurrentVersionExpirationDays",
      "forceDestroy",
    ] as const) {
      if (args[field] !== undefined) {
        return (
          `Only one of [bucketName] and [${field}] can be specified: [${field}] applies to the ` +
          "bucket this component creates."
        );
      }
    }
  }
  if (args.configDeliveryPrefix !== undefined) {
    if (args.bucketName !== undefined) {
      return (
        "Only one of [bucketName] and [configDeliveryPrefix] can be specified: admit AWS Config " +
        "in your own bucket's policy (see the AWS Config bucket policy documentation)."
      );
    }
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(args.configDeliveryPrefix)) {
      return (
        `Invalid [configDeliveryPrefix] "${args.configDeliveryPrefix}": use letters, digits and ` +
        "!_.*'()- separated by single slashes, without a leading or trailing slash."
      );
    }
  }
  if (args.accessLogging === false && args.accessLogBucketName !== undefined) {
    return (
      "Only one of [accessLogging: false] and [accessLogBucketName] can be specified: remove " +
      "[accessLogBucketName] or turn [accessLogging] on."
    );
  }
  return undefined;
}

/** The lifecycle days of the log buckets. */
function lifecycleProblem(settings: Settings): string | undefined {
  const ia = settings.transitionToInfrequentAccessDays;
  const glacier = settings.transitionToGlacierDays;
  const expiry = settings.retentionDays;
  const noncurrent = settings.noncurrentVersionExpirationDays;
  for (const [field, value] of [
    ["transitionToInfrequentAccessDays", ia],
    ["transitionToGlacierDays", glacier],
    ["retentionDays", expiry],
    ["noncurrentVersionExpirationDays", noncurrent],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      return `Invalid [${field}] ${value}: use a whole number of days, at least 1.`;
    }
  }
  if (ia < 30) {
    return (
      `Invalid [transitionToInfrequentAccessDays] ${ia}: S3 moves objects to Standard-IA ` +
      "no sooner than 30 days after creation."
    );
  }
  if (glacier < ia + 30) {
    return (
      `Invalid [transitionToGlacierDays] ${glacier}: S3 needs it at least 30 days after ` +
      `[transitionToInfrequentAccessDays] (${ia}), so at least ${ia + 30}.`
    );
  }
  if (expiry <= glacier) {
    return (
      `Invalid [retentionDays] ${expiry}: log files must be kept longer than ` +
      `[transitionToGlacierDays] (${glacier}).`
    );
  }
  return undefined;
}

/** The S3 data events. */
function dataEventsProblem(args: AuditTrailArgs, settings: Settings): string | undefined {
  if (args.s3DataEventBucketArns !== undefined) {
    if (!settings.s3DataEvents) {
      return "[s3DataEventBucketArns] needs [s3DataEvents] set to true.";
    }
    if (args.s3DataEventBucketArns.length === 0) {
      return (
        "[s3DataEventBucketArns] is empty: list at least one bucket ARN, or leave it out to " +
        "log the data events of every bucket."
      );
    }
    for (const arn of args.s3DataEventBucketArns) {
      if (typeof arn === "string" && !S3_BUCKET_ARN.test(arn)) {
        return `Invalid bucket ARN "${arn}" in [s3DataEventBucketArns]: use arn:aws:s3:::<bucket>.`;
      }
    }
  }
  return undefined;
}

/** The organization trail and its organization ID. */
function organizationProblem(args: AuditTrailArgs, settings: Settings): string | undefined {
  const organization = settings.isOrganizationTrail;
  if (args.organizationId !== undefined) {
    if (!organization) {
      return (
        "[organizationId] is used only by an organization trail: set [isOrganizationTrail] to " +
        "true or remove [organizationId]."
      );
    }
    if (!ORGANIZATION_ID.test(args.organizationId)) {
      return (
        `Invalid [organizationId] "${args.organizationId}": an organization ID looks like ` +
        "o-a1b2c3d4e5."
      );
    }
  }
  if (organization && args.bucketName === undefined && args.organizationId === undefined) {
    return (
      "[organizationId] is required when [isOrganizationTrail] is true and the bucket is " +
      "created here: CloudTrail writes member accounts' logs under AWSLogs/<organizationId>/."
    );
  }
  return undefined;
}

/** The lifecycle rules of a log bucket: cheaper storage with age, then expiry. */
function lifecycleRules(days: {
  ia: number;
  glacier: number;
  expiry: number;
  noncurrent: number;
}): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [
    {
      id: "archive-then-expire",
      status: "Enabled",
      filter: { prefix: "" },
      transitions: [
        { days: days.ia, storageClass: "STANDARD_IA" },
        { days: days.glacier, storageClass: "GLACIER" },
      ],
      expiration: { days: days.expiry },
      noncurrentVersionExpiration: { noncurrentDays: days.noncurrent },
      abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
    },
  ];
}

/**
 * A secure-by-default audit trail: a multi-Region CloudTrail trail with log file validation,
 * encrypted with a rotating KMS key, delivered to a private, versioned, TLS-only S3 bucket (with
 * lifecycle and server access logging) and to an encrypted CloudWatch Logs group.
 *
 * Passes AWS Security Hub CloudTrail.1, .2, .4, .5, .6 and .7, and CIS AWS Foundations 3.1-3.7
 * (except 3.5, AWS Config, which is not a trail setting) out of the box.
 */
export class AuditTrail extends pulumi.ComponentResource {
  /** The trail. */
  public readonly trail: aws.cloudtrail.Trail;
  /** The trail's ARN. */
  public readonly trailArn: pulumi.Output<string>;
  /** The bucket log files are delivered to (created or brought). */
  public readonly bucketName: pulumi.Output<string>;
  /** The ARN of the bucket log files are delivered to. */
  public readonly bucketArn: pulumi.Output<string>;
  /** The key that encrypts the log files and the log group (created or brought). */
  public readonly kmsKeyArn: pulumi.Output<string>;
  /** The log group the trail delivers to: what CompositeAlarmGroup's metric filters watch. */
  public readonly logGroupName: pulumi.Output<string>;
  /** The ARN of the log group the trail delivers to. */
  public readonly logGroupArn: pulumi.Output<string>;
  /** The bucket receiving the trail bucket's server access logs; undefined when there is none. */
  public readonly accessLogBucketName?: pulumi.Output<string>;

  constructor(name: string, args: AuditTrailArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("aws-security-watch:index:AuditTrail", name, {}, opts);
    const shapeProblems = argsProblems("AuditTrail", name, args, ARGS_SHAPE);
    if (shapeProblems.length > 0) {
      throw new pulumi.ResourceError(shapeProblems.join("\n"), this);
    }

    const settings = withDefaults(name, args);
    const problem = validate(args, settings);
    if (problem) throw new pulumi.ResourceError(problem, this);

    const { trailName, logGroupName, forceDestroy, tags } = settings;
    const createBucket = settings.bucketName === undefined;
    const accessLogging = createBucket && settings.accessLogging;
    const createAccessLogBucket = accessLogging && settings.accessLogBucketName === undefined;
    const lifecycle = {
      ia: settings.transitionToInfrequentAccessDays,
      glacier: settings.transitionToGlacierDays,
      expiry: settings.retentionDays,
      noncurrent: settings.noncurrentVersionExpirationDays,
    };

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const context: pulumi.Output<AccountContext & { dnsSuffix: string }> = pulumi
      .all([partition.partition, region.region, identity.accountId, partition.dnsSuffix])
      .apply(([p, r, accountId, dnsSuffix]) => ({ partition: p, region: r, accountId, dnsSuffix }));
    const thisTrailArn = context.apply((c) => trailArn(c, trailName));
    const thisLogGroupArn = context.apply((c) => logGroupArn(c, logGroupName));

    const kmsKeyArn =
      settings.kmsKeyArn === undefined
        ? createKey(name, settings, context, this)
        : pulumi.output(settings.kmsKeyArn);

    // Access-log bucket (or the caller's), hardened like the trail bucket but with SSE-S3: the
    // only default encryption S3 server access logging supports on its destination bucket.
    let accessLogBucketName: pulumi.Output<string> | undefined;
    let accessLogBucket: aws.s3.Bucket | undefined;
    if (createAccessLogBucket) {
      accessLogBucket = new aws.s3.Bucket(
        `${name}-access-log-bucket`,
        { forceDestroy, tags },
        { parent: this },
      );
      hardenBucket(
        this,
        `${name}-access-log-bucket`,
        accessLogBucket,
        { sseAlgorithm: "AES256" },
        lifecycleRules(lifecycle),
      );
      accessLogBucketName = accessLogBucket.bucket;
    } else if (accessLogging) {
      accessLogBucketName = pulumi.output(settings.accessLogBucketName as pulumi.Input<string>);
    }

    // Trail bucket (or the caller's).
    let bucketName: pulumi.Output<string>;
    let bucketArnOutput: pulumi.Output<string>;
    const trailDependencies: pulumi.Resource[] = [];
    if (createBucket) {
      const created = createTrailBucket(
        name,
        settings,
        { kmsKeyArn, context, lifecycle, accessLogging, accessLogBucketName, accessLogBucket },
        this,
      );
      trailDependencies.push(...created.dependencies);
      bucketName = created.bucket.bucket;
      bucketArnOutput = created.bucket.arn;
    } else {
      bucketName = pulumi.output(settings.bucketName as pulumi.Input<string>);
      bucketArnOutput = pulumi
        .all([partition.partition, bucketName])
        .apply(([p, b]) => bucketArn(p, b));
    }

    // CloudWatch Logs group and the role CloudTrail delivers to it with.
    const { logGroup, role, rolePolicy } = createLogDelivery(
      name,
      settings,
      { kmsKeyArn, thisTrailArn, thisLogGroupArn },
      this,
    );
    trailDependencies.push(rolePolicy);

    // The trail. CloudTrail checks the bucket policy, the key policy and the role on creation.
    const trail = createTrail(
      name,
      settings,
      { bucketName, kmsKeyArn, logGroup, role, partition, trailDependencies },
      this,
    );

    this.trail = trail;
    this.trailArn = trail.arn;
    this.bucketName = bucketName;
    this.bucketArn = bucketArnOutput;
    this.kmsKeyArn = kmsKeyArn;
    this.logGroupName = logGroup.name;
    this.logGroupArn = logGroup.arn;
    this.accessLogBucketName = accessLogBucketName;
    this.registerOutputs({
      trail: this.trail,
      trailArn: this.trailArn,
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      logGroupName: this.logGroupName,
      logGroupArn: this.logGroupArn,
      accessLogBucketName: this.accessLogBucketName,
    });
  }
}

/** The key of the log files and the log group, and its alias; its ARN. */
function createKey(
  name: string,
  settings: Settings,
  context: pulumi.Output<AccountContext & { dnsSuffix: string }>,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const { trailName, logGroupName, tags } = settings;
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `Encrypts the log files and log group of CloudTrail trail ${trailName}`,
      enableKeyRotation: true,
      deletionWindowInDays: settings.keyDeletionWindowDays,
      policy: context.apply((c) =>
        JSON.stringify(
          keyPolicy({
            ...c,
            trailArn: trailArn(c, trailName),
            logGroupArn: logGroupArn(c, logGroupName),
            allowConfig: settings.configDeliveryPrefix !== undefined,
          }),
        ),
      ),
      tags,
    },
    { parent },
  );
  new aws.kms.Alias(
    `${name}-key-alias`,
    { name: `alias/cloudtrail/${trailName.replace(/\./g, "-")}`, targetKeyId: key.keyId },
    { parent },
  );
  return key.arn;
}

/**
 * The trail bucket, hardened, with its policy and (with access logging) its logging to the
 * access-log bucket; what the trail must wait for.
 */
function createTrailBucket(
  name: string,
  settings: Settings,
  p: {
    kmsKeyArn: pulumi.Output<string>;
    context: pulumi.Output<AccountContext & { dnsSuffix: string }>;
    lifecycle: { ia: number; glacier: number; expiry: number; noncurrent: number };
    accessLogging: boolean;
    accessLogBucketName: pulumi.Output<string> | undefined;
    accessLogBucket: aws.s3.Bucket | undefined;
  },
  parent: pulumi.Resource,
): { bucket: aws.s3.Bucket; dependencies: pulumi.Resource[] } {
  const { trailName, forceDestroy, tags } = settings;
  const { kmsKeyArn, context, lifecycle, accessLogging, accessLogBucketName, accessLogBucket } = p;
  const organization = settings.isOrganizationTrail;
  const trailDependencies: pulumi.Resource[] = [];
  let accessLogBucketPolicyResource: aws.s3.BucketPolicy | undefined;
  const bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy, tags }, { parent });
  const hardening = hardenBucket(
    parent,
    `${name}-bucket`,
    bucket,
    { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
    lifecycleRules(lifecycle),
  );
  const policy = new aws.s3.BucketPolicy(
    `${name}-bucket-policy`,
    {
      bucket: bucket.bucket,
      policy: pulumi.all([bucket.arn, context]).apply(([arn, c]) =>
        JSON.stringify(
          trailBucketPolicy({
            bucketArn: arn,
            accountId: c.accountId,
            trailArn: trailArn(c, trailName),
            organizationId: organization ? settings.organizationId : undefined,
            configDeliveryPrefix: settings.configDeliveryPrefix,
          }),
        ),
      ),
    },
    // A policy may be rejected while the public access block is being changed.
    { parent, dependsOn: [hardening.publicAccessBlock] },
  );
  trailDependencies.push(policy, hardening.encryption);
  if (accessLogging && accessLogBucketName) {
    const prefix = `${trailName}/`;
    if (accessLogBucket) {
      accessLogBucketPolicyResource = new aws.s3.BucketPolicy(
        `${name}-access-log-bucket-policy`,
        {
          bucket: accessLogBucket.bucket,
          policy: pulumi
            .all([accessLogBucket.arn, bucket.arn, context])
            .apply(([logArn, sourceArn, c]) =>
              JSON.stringify(
                accessLogBucketPolicy({
                  accessLogBucketArn: logArn,
                  prefix,
                  sourceBucketArn: sourceArn,
                  sourceAccountId: c.accountId,
                }),
              ),
            ),
        },
        { parent },
      );
    }
    new aws.s3.BucketLogging(
      `${name}-bucket-logging`,
      { bucket: bucket.bucket, targetBucket: accessLogBucketName, targetPrefix: prefix },
      {
        parent,
        dependsOn: accessLogBucketPolicyResource ? [accessLogBucketPolicyResource] : [],
      },
    );
  }
  return { bucket, dependencies: trailDependencies };
}

/** The log group the trail delivers to, and the role (and its policy) it delivers with. */
function createLogDelivery(
  name: string,
  settings: Settings,
  p: {
    kmsKeyArn: pulumi.Output<string>;
    thisTrailArn: pulumi.Output<string>;
    thisLogGroupArn: pulumi.Output<string>;
  },
  parent: pulumi.Resource,
): { logGroup: aws.cloudwatch.LogGroup; role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy } {
  const { trailName, logGroupName, tags } = settings;
  const { kmsKeyArn, thisTrailArn, thisLogGroupArn } = p;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-log-group`,
    { name: logGroupName, retentionInDays: settings.logRetentionDays, kmsKeyId: kmsKeyArn, tags },
    { parent },
  );
  const restrictRole = settings.restrictLogsRoleToTrail;
  const role = new aws.iam.Role(
    `${name}-logs-role`,
    {
      description: `Lets CloudTrail trail ${trailName} deliver events to ${logGroupName}`,
      assumeRolePolicy: thisTrailArn.apply((arn) =>
        JSON.stringify(cloudTrailLogsRoleTrustPolicy(restrictRole ? arn : undefined)),
      ),
      tags,
    },
    { parent },
  );
  const rolePolicy = new aws.iam.RolePolicy(
    `${name}-logs-role-policy`,
    {
      role: role.name,
      policy: thisLogGroupArn.apply((arn) => JSON.stringify(cloudTrailLogsRolePolicy(arn))),
    },
    { parent },
  );
  return { logGroup, role, rolePolicy };
}

/** The trail: multi-Region, validated, encrypted, with the data events asked for. */
function createTrail(
  name: string,
  settings: Settings,
  p: {
    bucketName: pulumi.Output<string>;
    kmsKeyArn: pulumi.Output<string>;
    logGroup: aws.cloudwatch.LogGroup;
    role: aws.iam.Role;
    partition: pulumi.Output<aws.GetPartitionResult>;
    trailDependencies: pulumi.Resource[];
  },
  parent: pulumi.Resource,
): aws.cloudtrail.Trail {
  const { trailName, tags } = settings;
  const { bucketName, kmsKeyArn, logGroup, role, partition, trailDependencies } = p;
  const organization = settings.isOrganizationTrail;
  const dataResources: aws.types.input.cloudtrail.TrailEventSelectorDataResource[] = [];
  if (settings.s3DataEvents) {
    dataResources.push({
      type: "AWS::S3::Object",
      values: settings.s3DataEventBucketArns
        ? settings.s3DataEventBucketArns.map((arn) => pulumi.output(arn).apply((a) => `${a}/`))
        : [partition.partition.apply((p) => `arn:${p}:s3`)],
    });
  }
  if (settings.lambdaDataEvents) {
    dataResources.push({
      type: "AWS::Lambda::Function",
      values: [partition.partition.apply((p) => `arn:${p}:lambda`)],
    });
  }
  const trail = new aws.cloudtrail.Trail(
    `${name}-trail`,
    {
      name: trailName,
      s3BucketName: bucketName,
      kmsKeyId: kmsKeyArn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      isOrganizationTrail: organization,
      cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      // Classic selectors: read and write management events, as CIS 3.1 and the AWS Config
      // rule behind Security Hub CloudTrail.1 check them, plus the data events asked for.
      eventSelectors: [
        {
          readWriteType: "All",
          includeManagementEvents: true,
          ...(dataResources.length > 0 ? { dataResources } : {}),
        },
      ],
      insightSelectors: settings.insights
        ? [{ insightType: "ApiCallRateInsight" }, { insightType: "ApiErrorRateInsight" }]
        : undefined,
      tags,
    },
    { parent, dependsOn: trailDependencies },
  );
  return trail;
}
