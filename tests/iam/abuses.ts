/**
 * What an attacker who controls a role (a compromised function, a forged event steering it)
 * would try with it, as IAM requests: each must be DENIED. Written by hand from the attacks the
 * package defends against: the role's own actions elsewhere (another account, a region the
 * stack or the spokes do not cover), the changes the detections exist for (keys for other users,
 * ingress authorisation, bucket policies, key deletion and decrypt, trail/recorder/detector
 * deletion), sharing snapshots and AMIs, other functions' idempotency records, other topics,
 * escalation through IAM and STS.
 */
import { RemediationId } from "../../core/types";
import type { IamRequest } from "./requests";

export interface AbuseContext {
  readonly account: string;
  /** The region the role acts in (the stack's, or a spoke region for a member role). */
  readonly region: string;
  /** A region outside the stack's (or the spokes') regions. */
  readonly otherRegion: string;
  /** An account outside the organization. */
  readonly otherAccount: string;
  /** The remediation the role belongs to, if any. */
  readonly remediation?: RemediationId;
  /** The idempotency table, the resolutions topic, an alert topic and their key (function roles). */
  readonly idempotencyTableArn?: string;
  readonly resolutionTopicArn?: string;
  readonly alertTopicArn?: string;
  readonly topicKeyArn?: string;
}

export interface Abuse {
  readonly id: string;
  readonly request: IamRequest;
}

type Req = Omit<IamRequest, "label" | "region" | "resourceAccount"> & {
  region?: string;
  resourceAccount?: string;
};

/** The remediation's own mutating calls, on a resource of `account` in `region`. */
export function ownMutations(id: RemediationId, account: string, region: string): Req[] {
  const ec2 = `arn:aws:ec2:${region}`;
  switch (id) {
    case RemediationId.RevokeWorldIngress:
      return [
        {
          action: "ec2:RevokeSecurityGroupIngress",
          resource: `${ec2}:${account}:security-group/sg-0123456789abcdef0`,
        },
      ];
    case RemediationId.QuarantineAccessKey:
      return [{ action: "iam:UpdateAccessKey", resource: `arn:aws:iam::${account}:user/alice` }];
    case RemediationId.RestartAuditLogging:
      return [
        {
          action: "cloudtrail:StartLogging",
          resource: `arn:aws:cloudtrail:${region}:${account}:trail/main`,
        },
      ];
    case RemediationId.BlockPublicBucket:
      return [{ action: "s3:PutBucketPublicAccessBlock", resource: "arn:aws:s3:::some-bucket" }];
    case RemediationId.CancelKeyDeletion:
      return [
        {
          action: "kms:CancelKeyDeletion",
          resource: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        },
      ];
    case RemediationId.RestartConfigRecorder:
      return [{ action: "config:StartConfigurationRecorder", resource: "*" }];
    case RemediationId.UnshareSnapshot:
      return [
        {
          action: "ec2:ModifySnapshotAttribute",
          resource: `${ec2}::snapshot/snap-0123456789abcdef0`,
          context: { "ec2:Remove/group": ["all"] },
        },
        {
          action: "ec2:ModifyImageAttribute",
          resource: `${ec2}::image/ami-0123456789abcdef0`,
          context: { "ec2:Public": "true" },
        },
      ];
    case RemediationId.RemoveLambdaPermission:
      return [
        {
          action: "lambda:RemovePermission",
          resource: `arn:aws:lambda:${region}:${account}:function:billing`,
        },
      ];
    case RemediationId.RestrictFunctionUrl:
      return [
        {
          action: "lambda:UpdateFunctionUrlConfig",
          resource: `arn:aws:lambda:${region}:${account}:function:billing`,
          context: { "lambda:FunctionUrlAuthType": "AWS_IAM" },
        },
      ];
    case RemediationId.RestoreBucketVersioning:
      return [{ action: "s3:PutBucketVersioning", resource: "arn:aws:s3:::some-bucket" }];
    case RemediationId.RestoreEbsEncryption:
      return [{ action: "ec2:EnableEbsEncryptionByDefault", resource: "*" }];
    case RemediationId.EnableGuardDuty:
      return [
        {
          action: "guardduty:UpdateDetector",
          resource: `arn:aws:guardduty:${region}:${account}:detector/12abc34d567e8fa901bc2d34e56789f0`,
        },
      ];
    case RemediationId.BlockAccountPublicAccess:
      return [{ action: "s3:PutAccountPublicAccessBlock", resource: "*" }];
  }
}

/** The abuse calls of a role: every one must be denied. */
export function abusesFor(ctx: AbuseContext): Abuse[] {
  const { account: a, region: r } = ctx;
  const ec2 = `arn:aws:ec2:${r}`;
  const key = `arn:aws:kms:${r}:${a}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const list: [string, Req][] = [
    [
      "access key for another user",
      { action: "iam:CreateAccessKey", resource: `arn:aws:iam::${a}:user/admin` },
    ],
    [
      "delete a user's access key",
      { action: "iam:DeleteAccessKey", resource: `arn:aws:iam::${a}:user/admin` },
    ],
    [
      "login profile for another user",
      { action: "iam:CreateLoginProfile", resource: `arn:aws:iam::${a}:user/admin` },
    ],
    [
      "attach an admin policy",
      { action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${a}:role/any` },
    ],
    [
      "backdoor a trust policy",
      { action: "iam:UpdateAssumeRolePolicy", resource: `arn:aws:iam::${a}:role/any` },
    ],
    ["pass a role", { action: "iam:PassRole", resource: `arn:aws:iam::${a}:role/any` }],
    [
      "assume another role",
      {
        action: "sts:AssumeRole",
        resource: `arn:aws:iam::${a}:role/OrganizationAccountAccessRole`,
      },
    ],
    [
      "federation token",
      { action: "sts:GetFederationToken", resource: `arn:aws:sts::${a}:federated-user/x` },
    ],
    [
      "authorize ingress",
      {
        action: "ec2:AuthorizeSecurityGroupIngress",
        resource: `${ec2}:${a}:security-group/sg-0123456789abcdef0`,
      },
    ],
    [
      "revoke egress",
      {
        action: "ec2:RevokeSecurityGroupEgress",
        resource: `${ec2}:${a}:security-group/sg-0123456789abcdef0`,
      },
    ],
    [
      "delete a security group",
      {
        action: "ec2:DeleteSecurityGroup",
        resource: `${ec2}:${a}:security-group/sg-0123456789abcdef0`,
      },
    ],
    [
      "share a snapshot publicly",
      {
        action: "ec2:ModifySnapshotAttribute",
        resource: `${ec2}::snapshot/snap-0123456789abcdef0`,
        context: { "ec2:Add/group": ["all"] },
      },
    ],
    [
      "share a snapshot with another account",
      {
        action: "ec2:ModifySnapshotAttribute",
        resource: `${ec2}::snapshot/snap-0123456789abcdef0`,
        context: { "ec2:Add/userId": [ctx.otherAccount] },
      },
    ],
    [
      "make a private AMI public",
      {
        action: "ec2:ModifyImageAttribute",
        resource: `${ec2}::image/ami-0123456789abcdef0`,
        context: { "ec2:Public": "false" },
      },
    ],
    [
      "turn EBS default encryption off",
      { action: "ec2:DisableEbsEncryptionByDefault", resource: "*" },
    ],
    ["run an instance", { action: "ec2:RunInstances", resource: `${ec2}:${a}:instance/*` }],
    ["put a bucket policy", { action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::some-bucket" }],
    ["public bucket ACL", { action: "s3:PutBucketAcl", resource: "arn:aws:s3:::some-bucket" }],
    [
      "read the trail's log files",
      { action: "s3:GetObject", resource: "arn:aws:s3:::trail-bucket/AWSLogs/x.json.gz" },
    ],
    ["delete a bucket", { action: "s3:DeleteBucket", resource: "arn:aws:s3:::some-bucket" }],
    ["schedule a key's deletion", { action: "kms:ScheduleKeyDeletion", resource: key }],
    ["disable a key", { action: "kms:DisableKey", resource: key }],
    ["decrypt with a key", { action: "kms:Decrypt", resource: key }],
    ["replace a key policy", { action: "kms:PutKeyPolicy", resource: key }],
    [
      "stop logging",
      { action: "cloudtrail:StopLogging", resource: `arn:aws:cloudtrail:${r}:${a}:trail/main` },
    ],
    [
      "delete a trail",
      { action: "cloudtrail:DeleteTrail", resource: `arn:aws:cloudtrail:${r}:${a}:trail/main` },
    ],
    [
      "update a trail",
      { action: "cloudtrail:UpdateTrail", resource: `arn:aws:cloudtrail:${r}:${a}:trail/main` },
    ],
    ["stop the recorder", { action: "config:StopConfigurationRecorder", resource: "*" }],
    ["delete the recorder", { action: "config:DeleteConfigurationRecorder", resource: "*" }],
    ["delete the delivery channel", { action: "config:DeleteDeliveryChannel", resource: "*" }],
    [
      "delete the GuardDuty detector",
      {
        action: "guardduty:DeleteDetector",
        resource: `arn:aws:guardduty:${r}:${a}:detector/12abc34d567e8fa901bc2d34e56789f0`,
      },
    ],
    [
      "disable Security Hub",
      {
        action: "securityhub:DisableSecurityHub",
        resource: `arn:aws:securityhub:${r}:${a}:hub/default`,
      },
    ],
    [
      "grant a function to anyone",
      { action: "lambda:AddPermission", resource: `arn:aws:lambda:${r}:${a}:function:billing` },
    ],
    [
      "replace a function's code",
      {
        action: "lambda:UpdateFunctionCode",
        resource: `arn:aws:lambda:${r}:${a}:function:billing`,
      },
    ],
    [
      "invoke a function",
      { action: "lambda:InvokeFunction", resource: `arn:aws:lambda:${r}:${a}:function:billing` },
    ],
    [
      "make a function URL public",
      {
        action: "lambda:UpdateFunctionUrlConfig",
        resource: `arn:aws:lambda:${r}:${a}:function:billing`,
        context: { "lambda:FunctionUrlAuthType": "NONE" },
      },
    ],
    [
      "delete a log group",
      {
        action: "logs:DeleteLogGroup",
        resource: `arn:aws:logs:${r}:${a}:log-group:/cloudtrail/main`,
      },
    ],
    [
      "write into the trail's log group",
      {
        action: "logs:PutLogEvents",
        resource: `arn:aws:logs:${r}:${a}:log-group:/cloudtrail/main:log-stream:x`,
      },
    ],
    [
      "delete an EventBridge rule",
      { action: "events:DeleteRule", resource: `arn:aws:events:${r}:${a}:rule/asw-root-usage` },
    ],
    [
      "put events on another account's bus",
      {
        action: "events:PutEvents",
        resource: `arn:aws:events:${r}:${ctx.otherAccount}:event-bus/default`,
        resourceAccount: ctx.otherAccount,
      },
    ],
    [
      "read a secret",
      {
        action: "secretsmanager:GetSecretValue",
        resource: `arn:aws:secretsmanager:${r}:${a}:secret:db-AbCdEf`,
      },
    ],
    ["leave the organization", { action: "organizations:LeaveOrganization", resource: "*" }],
  ];
  if (ctx.remediation) {
    // IAM is global (its one endpoint signs for us-east-1): no other region to act in.
    const regional = ownMutations(ctx.remediation, a, ctx.otherRegion).filter(
      (m) => !m.action.startsWith("iam:"),
    );
    for (const m of regional) {
      list.push([`its own ${m.action} in ${ctx.otherRegion}`, { ...m, region: ctx.otherRegion }]);
    }
    for (const m of ownMutations(ctx.remediation, ctx.otherAccount, r)) {
      list.push([
        `its own ${m.action} in account ${ctx.otherAccount}`,
        { ...m, resourceAccount: ctx.otherAccount },
      ]);
    }
  }
  if (ctx.idempotencyTableArn) {
    const other =
      ctx.remediation === RemediationId.RevokeWorldIngress
        ? "quarantine-access-key"
        : "revoke-world-ingress";
    for (const action of [
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:GetItem",
      "dynamodb:DeleteItem",
    ]) {
      list.push([
        `${action} on another function's idempotency record`,
        {
          action,
          resource: ctx.idempotencyTableArn,
          context: { "dynamodb:LeadingKeys": [`${other}#${a}#event`] },
        },
      ]);
    }
    list.push([
      "scan the idempotency table",
      { action: "dynamodb:Scan", resource: ctx.idempotencyTableArn },
    ]);
    list.push([
      "delete the idempotency table",
      { action: "dynamodb:DeleteTable", resource: ctx.idempotencyTableArn },
    ]);
  }
  if (ctx.alertTopicArn) {
    list.push(["publish a forged alert", { action: "sns:Publish", resource: ctx.alertTopicArn }]);
  }
  if (ctx.resolutionTopicArn) {
    list.push([
      "subscribe to the resolutions",
      { action: "sns:Subscribe", resource: ctx.resolutionTopicArn },
    ]);
    list.push([
      "change the resolutions topic's policy",
      { action: "sns:SetTopicAttributes", resource: ctx.resolutionTopicArn },
    ]);
  }
  if (ctx.topicKeyArn && ctx.resolutionTopicArn) {
    list.push([
      "decrypt with the topic key outside SNS",
      { action: "kms:Decrypt", resource: ctx.topicKeyArn },
    ]);
    list.push([
      "use the topic key for another topic",
      {
        action: "kms:GenerateDataKey",
        resource: ctx.topicKeyArn,
        context: {
          "kms:ViaService": `sns.${r}.amazonaws.com`,
          "kms:EncryptionContext:aws:sns:topicArn":
            ctx.alertTopicArn ?? `${ctx.resolutionTopicArn}-other`,
        },
      },
    ]);
  }
  return list.map(([id, req]) => ({
    id,
    request: {
      label: id,
      region: req.region ?? r,
      resourceAccount: req.resourceAccount ?? a,
      action: req.action,
      resource: req.resource,
      ...(req.context ? { context: req.context } : {}),
    },
  }));
}
