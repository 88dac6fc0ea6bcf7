/**
 * Resource and IAM policies of the audit trail (KMS key, trail bucket, access-log bucket, the
 * CloudTrail -> CloudWatch Logs role), and the ARNs they are built from. Plain data in, plain
 * JSON-ready data out: no Pulumi here.
 *
 * Sources:
 * - KMS key policy for CloudTrail:
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 * - KMS key policy for CloudWatch Logs:
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
 * - S3 bucket policy for CloudTrail:
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * - S3 server access logging permissions:
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * - Role for CloudTrail -> CloudWatch Logs:
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
 */

/** A condition block: operator -> condition key -> value(s). */
export type PolicyCondition = Readonly<
  Record<string, Readonly<Record<string, string | readonly string[]>>>
>;

/** Who a statement applies to: every principal (`"*"`), AWS principals or a service. */
export type PolicyPrincipal =
  | "*"
  | { readonly AWS: string | readonly string[] }
  | { readonly Service: string | readonly string[] };

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  /** Absent in identity-based policies (the role's permissions). */
  readonly Principal?: PolicyPrincipal;
  readonly Action: readonly string[];
  /** Absent in trust policies (the resource is the role itself). */
  readonly Resource?: string | readonly string[];
  readonly Condition?: PolicyCondition;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Where the trail runs: what every ARN below is built from. */
export interface AccountContext {
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

import { configDeliveryStatements, configKeyStatement } from "./compliancePolicies";

const CLOUDTRAIL_SERVICE = "cloudtrail.amazonaws.com";
const S3_LOGGING_SERVICE = "logging.s3.amazonaws.com";

function document(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** ARN of a trail, known before the trail exists (the trail name is chosen by the caller). */
export function trailArn(ctx: AccountContext, trailName: string): string {
  return `arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.accountId}:trail/${trailName}`;
}

/** ARN of a log group without the `:*` suffix, known before the log group exists. */
export function logGroupArn(ctx: AccountContext, logGroupName: string): string {
  return `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${logGroupName}`;
}

/** ARN of an S3 bucket (general purpose buckets have no region or account in their ARN). */
export function bucketArn(partition: string, bucketName: string): string {
  return `arn:${partition}:s3:::${bucketName}`;
}

/** The encryption context value that CloudTrail puts on every log and digest file it writes. */
function cloudTrailEncryptionContext(ctx: AccountContext): string {
  return `arn:${ctx.partition}:cloudtrail:*:${ctx.accountId}:trail/*`;
}

export interface KeyPolicyInput extends AccountContext {
  /** The one trail allowed to encrypt with the key (`aws:SourceArn`). */
  readonly trailArn: string;
  /** The one log group allowed to use the key through CloudWatch Logs. */
  readonly logGroupArn: string;
  /** DNS suffix of the partition (`amazonaws.com`, `amazonaws.com.cn`). @default "amazonaws.com" */
  readonly dnsSuffix?: string;
  /** Let AWS Config of this account encrypt its deliveries to the trail bucket. @default false */
  readonly allowConfig?: boolean;
}

/**
 * Key policy of the trail's KMS key.
 *
 * In a key policy `Resource: "*"` means "this key" (a key policy can only ever apply to the key
 * it is attached to); that is the KMS convention, not a wildcard over keys.
 */
export function keyPolicy(input: KeyPolicyInput): PolicyDocument {
  const context = cloudTrailEncryptionContext(input);
  return document([
    {
      // The KMS default key policy: the account (its IAM policies) administers the key, so the key
      // can never become unmanageable. Grants nothing by itself to any principal.
      Sid: "EnableAccountAdministration",
      Effect: "Allow",
      Principal: { AWS: `arn:${input.partition}:iam::${input.accountId}:root` },
      Action: ["kms:*"],
      Resource: "*",
    },
    {
      // kms:Decrypt is what S3 needs to reuse the bucket key (S3 Bucket Keys) for this trail's
      // deliveries; both are scoped to this trail and to CloudTrail's encryption context.
      Sid: "AllowCloudTrailEncryptLogs",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL_SERVICE },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": input.trailArn },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": context },
      },
    },
    {
      Sid: "AllowCloudTrailDescribeKey",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL_SERVICE },
      Action: ["kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": input.trailArn } },
    },
    {
      Sid: "AllowCloudWatchLogsUseOfTheKey",
      Effect: "Allow",
      Principal: { Service: `logs.${input.region}.${input.dnsSuffix ?? "amazonaws.com"}` },
      Action: [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ],
      Resource: "*",
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": input.logGroupArn } },
    },
    {
      // Auditors: any principal of this account (and only of this account) may read the log
      // files, and only files that CloudTrail encrypted for a trail of this account.
      Sid: "AllowAccountPrincipalsDecryptLogFiles",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": input.accountId },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": context },
      },
    },
    ...(input.allowConfig ? [configKeyStatement(input.accountId)] : []),
  ]);
}

/** Denies every request to the bucket and its objects that does not use TLS. */
function denyInsecureTransport(bucket: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:*"],
    Resource: [bucket, `${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

export interface TrailBucketPolicyInput {
  /** ARN of the trail bucket. */
  readonly bucketArn: string;
  /** The account the trail belongs to: logs land under `AWSLogs/<accountId>/`. */
  readonly accountId: string;
  /** The one trail allowed to write (`aws:SourceArn`). */
  readonly trailArn: string;
  /** For an organization trail: logs of member accounts land under `AWSLogs/<organizationId>/`. */
  readonly organizationId?: string;
  /** Let AWS Config of this account deliver under this key prefix (core/compliancePolicies.ts). */
  readonly configDeliveryPrefix?: string;
}

/** Bucket policy of the trail bucket: TLS only, and only this trail may check the ACL and write. */
export function trailBucketPolicy(input: TrailBucketPolicyInput): PolicyDocument {
  const write = (sid: string, owner: string): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: CLOUDTRAIL_SERVICE },
    Action: ["s3:PutObject"],
    Resource: `${input.bucketArn}/AWSLogs/${owner}/*`,
    Condition: {
      StringEquals: {
        "s3:x-amz-acl": "bucket-owner-full-control",
        "aws:SourceArn": input.trailArn,
      },
    },
  });
  return document([
    denyInsecureTransport(input.bucketArn),
    {
      Sid: "AllowCloudTrailAclCheck",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL_SERVICE },
      Action: ["s3:GetBucketAcl"],
      Resource: input.bucketArn,
      Condition: { StringEquals: { "aws:SourceArn": input.trailArn } },
    },
    write("AllowCloudTrailWrite", input.accountId),
    ...(input.organizationId
      ? [write("AllowCloudTrailOrganizationWrite", input.organizationId)]
      : []),
    ...(input.configDeliveryPrefix !== undefined
      ? configDeliveryStatements({
          bucketArn: input.bucketArn,
          accountId: input.accountId,
          keyPrefix: input.configDeliveryPrefix,
        })
      : []),
  ]);
}

export interface AccessLogBucketPolicyInput {
  /** ARN of the bucket that receives the server access logs. */
  readonly accessLogBucketArn: string;
  /** Key prefix the logs are written under (the BucketLogging `targetPrefix`). */
  readonly prefix: string;
  /** The bucket whose accesses are logged (`aws:SourceArn`). */
  readonly sourceBucketArn: string;
  /** The account that owns the logged bucket (`aws:SourceAccount`). */
  readonly sourceAccountId: string;
}

/** Bucket policy of the access-log bucket: TLS only, and only S3 logging for the trail bucket. */
export function accessLogBucketPolicy(input: AccessLogBucketPolicyInput): PolicyDocument {
  return document([
    denyInsecureTransport(input.accessLogBucketArn),
    {
      Sid: "AllowS3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: S3_LOGGING_SERVICE },
      Action: ["s3:PutObject"],
      Resource: `${input.accessLogBucketArn}/${input.prefix}*`,
      Condition: {
        ArnLike: { "aws:SourceArn": input.sourceBucketArn },
        StringEquals: { "aws:SourceAccount": input.sourceAccountId },
      },
    },
  ]);
}

/**
 * Trust policy of the role CloudTrail assumes to deliver events to CloudWatch Logs.
 *
 * `trailArn` adds an `aws:SourceArn` condition. Leave it out unless you have checked that
 * CloudTrail sends that key when it assumes the role: deliveries to CloudWatch Logs are reported
 * to stop when the trust policy has an `aws:SourceArn` or `aws:SourceAccount` condition
 * (prowler-cloud/prowler#4714), and AWS documents this trust policy without one.
 */
export function cloudTrailLogsRoleTrustPolicy(trailArn?: string): PolicyDocument {
  return document([
    {
      Sid: "AllowCloudTrailAssumeRole",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL_SERVICE },
      Action: ["sts:AssumeRole"],
      ...(trailArn ? { Condition: { StringEquals: { "aws:SourceArn": trailArn } } } : {}),
    },
  ]);
}

/** Permissions of that role: create streams in, and write events to, the one log group. */
export function cloudTrailLogsRolePolicy(logGroupArnValue: string): PolicyDocument {
  const streams = `${logGroupArnValue}:log-stream:*`;
  return document([
    {
      Sid: "AllowCreateLogStream",
      Effect: "Allow",
      Action: ["logs:CreateLogStream"],
      Resource: streams,
    },
    {
      Sid: "AllowPutLogEvents",
      Effect: "Allow",
      Action: ["logs:PutLogEvents"],
      Resource: streams,
    },
  ]);
}
