/**
 * The least-privilege IAM policy of each remediation Lambda: exactly the AWS calls its handler in
 * lambdas/ makes, on the narrowest resources IAM allows, plus its own log group and the
 * resolutions topic (and the topic's KMS key). Plain data, no Pulumi.
 *
 * Resource-level support per action: Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { RemediationId } from "./types";

export interface RemediationPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly RemediationPolicyStatement[];
}

export interface RemediationPolicyContext {
  readonly partition: string;
  readonly account: string;
  /** The stack's region (where the log group and the resolutions topic are). */
  readonly region: string;
  readonly resolutionTopicArn: string;
  /** ARN of the function's log group (without the trailing `:*`). */
  readonly logGroupArn: string;
  /** Customer-managed KMS key of the resolutions topic, if it is encrypted. */
  readonly kmsKeyArn?: string;
}

function allow(sid: string, actions: readonly string[], resource: string | readonly string[]) {
  return { Sid: sid, Effect: "Allow" as const, Action: actions, Resource: resource };
}

/** The statements specific to one remediation (its AWS calls). */
export function remediationStatements(
  id: RemediationId,
  ctx: Pick<RemediationPolicyContext, "partition" | "account">,
): RemediationPolicyStatement[] {
  const { partition: p, account: a } = ctx;
  switch (id) {
    case RemediationId.RevokeWorldIngress:
      return [
        // DescribeSecurityGroups supports no resource-level permission: "*" is the only option.
        allow("ReadSecurityGroups", ["ec2:DescribeSecurityGroups"], "*"),
        allow(
          "RevokeIngress",
          ["ec2:RevokeSecurityGroupIngress"],
          [`arn:${p}:ec2:*:${a}:security-group/*`, `arn:${p}:ec2:*:${a}:security-group-rule/*`],
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
          `arn:${p}:cloudtrail:*:${a}:trail/*`,
        ),
      ];
    case RemediationId.BlockPublicBucket:
      return [
        // Bucket ARNs carry no account: `arn:aws:s3:::*` is as narrow as IAM allows.
        allow(
          "BlockPublicAccess",
          [
            "s3:GetBucketPublicAccessBlock",
            "s3:GetBucketPolicyStatus",
            "s3:GetBucketTagging",
            "s3:PutBucketPublicAccessBlock",
          ],
          `arn:${p}:s3:::*`,
        ),
      ];
    case RemediationId.CancelKeyDeletion:
      return [
        allow(
          "CancelKeyDeletion",
          ["kms:ListResourceTags", "kms:CancelKeyDeletion", "kms:EnableKey"],
          `arn:${p}:kms:*:${a}:key/*`,
        ),
      ];
    case RemediationId.RestartConfigRecorder:
      return [
        // Resource-level permission on configuration recorders is not documented for these
        // actions; each account and region holds one customer recorder.
        allow(
          "RestartRecorder",
          ["config:DescribeConfigurationRecorderStatus", "config:StartConfigurationRecorder"],
          "*",
        ),
      ];
    case RemediationId.UnshareSnapshot:
      return [
        // EC2 Describe* actions: resource-level permission is not documented for these reads
        // (DescribeTags supports none), so "*"; they change nothing.
        allow(
          "ReadSharingAndTags",
          ["ec2:DescribeSnapshotAttribute", "ec2:DescribeImageAttribute", "ec2:DescribeTags"],
          "*",
        ),
        // Snapshot and image ARNs carry no account.
        allow("UnshareSnapshots", ["ec2:ModifySnapshotAttribute"], `arn:${p}:ec2:*::snapshot/*`),
        allow("UnshareImages", ["ec2:ModifyImageAttribute"], `arn:${p}:ec2:*::image/*`),
      ];
    case RemediationId.RemoveLambdaPermission:
      return [
        allow(
          "RemoveFunctionPermissions",
          ["lambda:GetPolicy", "lambda:ListTags", "lambda:RemovePermission"],
          `arn:${p}:lambda:*:${a}:function:*`,
        ),
      ];
    case RemediationId.RestrictFunctionUrl:
      return [
        allow(
          "RestrictFunctionUrls",
          ["lambda:GetFunctionUrlConfig", "lambda:ListTags", "lambda:UpdateFunctionUrlConfig"],
          `arn:${p}:lambda:*:${a}:function:*`,
        ),
      ];
    case RemediationId.RestoreBucketVersioning:
      return [
        // Bucket ARNs carry no account; every call names this account as the expected owner.
        allow(
          "RestoreVersioning",
          ["s3:GetBucketVersioning", "s3:GetBucketTagging", "s3:PutBucketVersioning"],
          `arn:${p}:s3:::*`,
        ),
      ];
    case RemediationId.RestoreEbsEncryption:
      return [
        // Account-level settings: these actions support no resource-level permission.
        allow(
          "RestoreEbsEncryption",
          ["ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault"],
          "*",
        ),
      ];
    case RemediationId.EnableGuardDuty:
      return [
        allow(
          "EnableDetectors",
          ["guardduty:GetDetector", "guardduty:UpdateDetector"],
          `arn:${p}:guardduty:*:${a}:detector/*`,
        ),
      ];
    case RemediationId.BlockAccountPublicAccess:
      return [
        // Account-level actions: no resource type in the Service Authorization Reference.
        allow(
          "BlockAccountPublicAccess",
          ["s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"],
          "*",
        ),
      ];
  }
}

/** The whole policy of one remediation's role. */
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
        ? [allow("UseTopicKey", ["kms:GenerateDataKey", "kms:Decrypt"], ctx.kmsKeyArn)]
        : []),
    ],
  };
}
