/**
 * The least-privilege IAM policy of each remediation Lambda: exactly the AWS calls its handler in
 * lambdas/ makes, on the narrowest resources IAM allows, plus its own log group and the
 * resolutions topic (and the topic's KMS key). Plain data, no Pulumi.
 *
 * Resource-level support per action: Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { RemediationId } from "./types";

/** IAM condition block: operator -> condition key -> value(s). */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface RemediationPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: PolicyCondition;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly RemediationPolicyStatement[];
}

export interface RemediationPolicyContext {
  readonly partition: string;
  readonly account: string;
  /** The stack's region (where the functions, the log group and the resolutions topic are). */
  readonly region: string;
  readonly resolutionTopicArn: string;
  /** ARN of the function's log group (without the trailing `:*`). */
  readonly logGroupArn: string;
  /** Customer-managed KMS key of the resolutions topic, if it is encrypted. */
  readonly kmsKeyArn?: string;
  /** The DynamoDB table of idempotency records, if any. */
  readonly idempotencyTableArn?: string;
}

function allow(
  sid: string,
  actions: readonly string[],
  resource: string | readonly string[],
  condition?: PolicyCondition,
): RemediationPolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  };
}

/**
 * The statements specific to one remediation (its AWS calls), in the stack's own account and
 * region: resource ARNs name both where they can, `aws:ResourceAccount` stands in where the ARN
 * has no account (S3 buckets, EBS snapshots, AMIs), `aws:RequestedRegion` where an action has no
 * resource-level permission. What each role can still do is in the README ("What a remediation
 * role can still do").
 */
export function remediationStatements(
  id: RemediationId,
  ctx: Pick<RemediationPolicyContext, "partition" | "account" | "region">,
): RemediationPolicyStatement[] {
  const { partition: p, account: a, region: r } = ctx;
  const inRegion = { StringEquals: { "aws:RequestedRegion": r } };
  // Bucket ARNs carry neither account nor region: both as conditions.
  const inAccountAndRegion = {
    StringEquals: { "aws:ResourceAccount": a, "aws:RequestedRegion": r },
  };
  switch (id) {
    case RemediationId.RevokeWorldIngress:
      return [
        // DescribeSecurityGroups supports no resource-level permission: "*", in this region.
        allow("ReadSecurityGroups", ["ec2:DescribeSecurityGroups"], "*", inRegion),
        // Revoked by IpPermissions on the group (never by rule id): the group ARN is enough.
        allow(
          "RevokeIngress",
          ["ec2:RevokeSecurityGroupIngress"],
          `arn:${p}:ec2:${r}:${a}:security-group/*`,
        ),
      ];
    case RemediationId.QuarantineAccessKey:
      return [
        allow(
          "DeactivateKeys",
          [
            "iam:GetAccessKeyLastUsed",
            "iam:ListAccessKeys",
            "iam:ListUserTags",
            "iam:UpdateAccessKey",
          ],
          `arn:${p}:iam::${a}:user/*`,
        ),
      ];
    case RemediationId.RestartAuditLogging:
      return [
        allow(
          "RestartTrails",
          [
            "cloudtrail:GetTrailStatus",
            "cloudtrail:ListTags",
            "cloudtrail:StartLogging",
            "cloudtrail:GetEventSelectors",
            "cloudtrail:PutEventSelectors",
          ],
          `arn:${p}:cloudtrail:${r}:${a}:trail/*`,
        ),
      ];
    case RemediationId.BlockPublicBucket:
      return [
        // aws:ResourceAccount keeps it to this account's buckets, aws:RequestedRegion to the
        // buckets of this region (the events of other regions' buckets never reach it).
        allow(
          "BlockPublicAccess",
          [
            "s3:GetBucketPublicAccessBlock",
            "s3:GetBucketPolicyStatus",
            "s3:GetBucketTagging",
            "s3:PutBucketPublicAccessBlock",
          ],
          `arn:${p}:s3:::*`,
          inAccountAndRegion,
        ),
      ];
    case RemediationId.CancelKeyDeletion:
      return [
        allow(
          "CancelKeyDeletion",
          ["kms:ListResourceTags", "kms:CancelKeyDeletion", "kms:EnableKey"],
          `arn:${p}:kms:${r}:${a}:key/*`,
        ),
      ];
    case RemediationId.RestartConfigRecorder:
      return [
        // Resource-level permission on configuration recorders is not documented for these
        // actions; each account and region holds one customer recorder: this region's.
        allow(
          "RestartRecorder",
          ["config:DescribeConfigurationRecorderStatus", "config:StartConfigurationRecorder"],
          "*",
          inRegion,
        ),
      ];
    case RemediationId.UnshareSnapshot: {
      const snapshots = `arn:${p}:ec2:${r}::snapshot/*`;
      const images = `arn:${p}:ec2:${r}::image/*`;
      return [
        // EC2 Describe* actions: resource-level permission is not documented for these reads
        // (DescribeTags supports none), so "*", in this region; they change nothing.
        allow(
          "ReadSharingAndTags",
          [
            "ec2:DescribeSnapshotAttribute",
            "ec2:DescribeImageAttribute",
            "ec2:DescribeTags",
            // AWS Config reports public snapshots by account: list the account's own.
            "ec2:DescribeSnapshots",
          ],
          "*",
          inRegion,
        ),
        // Snapshots: only removing the public group `all`, on this account's snapshots.
        allow("UnshareSnapshotsOnly", ["ec2:ModifySnapshotAttribute"], snapshots, {
          StringEquals: { "aws:ResourceAccount": a, "ec2:Remove/group": "all" },
        }),
        // Never adding anyone to a snapshot: an explicit deny, whatever else a call carries.
        ...(["ec2:Add/group", "ec2:Add/userId"] as const).map((key) => ({
          Sid: key === "ec2:Add/group" ? "NeverShareWithGroups" : "NeverShareWithAccounts",
          Effect: "Deny" as const,
          Action: ["ec2:ModifySnapshotAttribute"],
          Resource: snapshots,
          Condition: { Null: { [key]: "false" } },
        })),
        // AMIs: ModifyImageAttribute carries no ec2:Add/* or ec2:Remove/* key (Service
        // Authorization Reference), so a condition on them never matches. `ec2:Public` (the
        // image's launch permissions include `all` when the request arrives) confines the change
        // to AMIs that are public already: making a private AMI public, or sharing it, is denied.
        allow("UnsharePublicImagesOnly", ["ec2:ModifyImageAttribute"], images, {
          StringEquals: { "aws:ResourceAccount": a },
          Bool: { "ec2:Public": "true" },
        }),
      ];
    }
    case RemediationId.RemoveLambdaPermission:
      return [
        allow(
          "RemoveFunctionPermissions",
          ["lambda:GetPolicy", "lambda:ListTags", "lambda:RemovePermission"],
          `arn:${p}:lambda:${r}:${a}:function:*`,
        ),
      ];
    case RemediationId.RestrictFunctionUrl:
      return [
        allow(
          "ReadFunctionUrls",
          ["lambda:GetFunctionUrlConfig", "lambda:ListTags"],
          `arn:${p}:lambda:${r}:${a}:function:*`,
        ),
        // Only ever to AuthType AWS_IAM: the same permission could otherwise make a URL public.
        allow(
          "RestrictFunctionUrlsToIam",
          ["lambda:UpdateFunctionUrlConfig"],
          `arn:${p}:lambda:${r}:${a}:function:*`,
          { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
        ),
      ];
    case RemediationId.RestoreBucketVersioning:
      return [
        // This account's buckets in this region (every call also names this account as the
        // expected bucket owner).
        allow(
          "RestoreVersioning",
          ["s3:GetBucketVersioning", "s3:GetBucketTagging", "s3:PutBucketVersioning"],
          `arn:${p}:s3:::*`,
          inAccountAndRegion,
        ),
      ];
    case RemediationId.RestoreEbsEncryption:
      return [
        // Account-level settings: no resource-level permission; this region's only.
        allow(
          "RestoreEbsEncryption",
          ["ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault"],
          "*",
          inRegion,
        ),
      ];
    case RemediationId.EnableGuardDuty:
      return [
        allow(
          "EnableDetectors",
          ["guardduty:GetDetector", "guardduty:UpdateDetector"],
          `arn:${p}:guardduty:${r}:${a}:detector/*`,
        ),
      ];
    case RemediationId.BlockAccountPublicAccess:
      return [
        // Account-level actions: no resource type in the Service Authorization Reference; the
        // role's credentials reach only this account, and the calls are made in this region.
        allow(
          "BlockAccountPublicAccess",
          ["s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"],
          "*",
          inRegion,
        ),
      ];
  }
}

/**
 * The whole policy of one remediation's role: its calls, its own log group, the resolutions
 * topic, the topic's key only as SNS uses it for that topic (`kms:EncryptionContext` and
 * `kms:ViaService`), and its own records in the idempotency table (`dynamodb:LeadingKeys`).
 */
export function remediationPolicy(
  id: RemediationId,
  ctx: RemediationPolicyContext,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...remediationStatements(id, ctx),
      allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], `${ctx.logGroupArn}:*`),
      allow("PublishResolutions", ["sns:Publish"], ctx.resolutionTopicArn),
      ...(ctx.kmsKeyArn
        ? [
            allow("UseTopicKey", ["kms:GenerateDataKey", "kms:Decrypt"], ctx.kmsKeyArn, {
              StringEquals: {
                "kms:EncryptionContext:aws:sns:topicArn": ctx.resolutionTopicArn,
                "kms:ViaService": `sns.${ctx.resolutionTopicArn.split(":")[3]}.amazonaws.com`,
              },
            }),
          ]
        : []),
      ...(ctx.idempotencyTableArn
        ? [
            allow(
              "OwnIdempotencyRecords",
              ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
              ctx.idempotencyTableArn,
              { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${id}#*`] } },
            ),
          ]
        : []),
    ],
  };
}
