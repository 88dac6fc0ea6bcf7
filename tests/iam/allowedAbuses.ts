/**
 * What a remediation role can still do that IAM cannot tell apart from the fix: the same action
 * on the same kind of resource, with no condition key that separates the harmful call from the
 * remediation's. The IAM simulator test (tests/iam/simulator.test.ts) evaluates every `example`
 * against every role of the remediation (the dev stack's function role, the org hub's, the
 * member role) and requires it ALLOWED, so a row cannot outlive the permission it describes;
 * `allowedAbuseRows()` is the README's "What a remediation role can still do" table.
 */
import { RemediationId } from "../../core/types";
import type { IamRequest } from "./requests";

export interface AllowedAbuse {
  /** The remediation whose roles can do it, or undefined for every remediation role. */
  readonly remediation?: RemediationId;
  readonly canStill: string;
  readonly why: string;
  /** The IAM request of the abuse, in `account` and `region`. */
  example(account: string, region: string, ctx: { resolutionTopicArn?: string }): IamRequest;
}

const req = (
  label: string,
  action: string,
  resource: string,
  account: string,
  region: string,
  context?: Record<string, string | string[]>,
): IamRequest => ({
  label,
  action,
  resource,
  resourceAccount: account,
  region,
  ...(context ? { context } : {}),
});

export const ALLOWED_ABUSES: readonly AllowedAbuse[] = [
  {
    remediation: RemediationId.RevokeWorldIngress,
    canStill: "revoke any ingress rule of any security group of the account, in its regions",
    why: "`ec2:RevokeSecurityGroupIngress` has no condition key on the rule revoked",
    example: (a, r) =>
      req(
        "revoke a legitimate 10.0.0.0/8 rule",
        "ec2:RevokeSecurityGroupIngress",
        `arn:aws:ec2:${r}:${a}:security-group/sg-0aaaaaaaaaaaaaaaa`,
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.QuarantineAccessKey,
    canStill: "set any IAM user's access key Active **or** Inactive",
    why: "IAM has no condition key on the requested status: the permission that deactivates can reactivate",
    example: (a, r) =>
      req(
        "reactivate a quarantined key",
        "iam:UpdateAccessKey",
        `arn:aws:iam::${a}:user/deploy-bot`,
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.RestartAuditLogging,
    canStill:
      "put any event selectors on the account's trails in its regions (so also weaken them)",
    why: "CloudTrail has no condition key on the selectors put",
    example: (a, r) =>
      req(
        "empty a trail's event selectors",
        "cloudtrail:PutEventSelectors",
        `arn:aws:cloudtrail:${r}:${a}:trail/main`,
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.BlockPublicBucket,
    canStill:
      "put any public access block (also all four off) on any bucket of the account, in its regions",
    why: "S3 has no condition key on the block's settings",
    example: (a, r) =>
      req(
        "turn a bucket's block off",
        "s3:PutBucketPublicAccessBlock",
        "arn:aws:s3:::data-bucket",
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.CancelKeyDeletion,
    canStill: "enable any key of the account in its regions (also one disabled on purpose)",
    why: "`kms:EnableKey` has no condition key that tells the key's purpose; disabling and scheduling deletion are not granted",
    example: (a, r) =>
      req(
        "enable a key disabled on purpose",
        "kms:EnableKey",
        `arn:aws:kms:${r}:${a}:key/0000abcd-12ab-34cd-56ef-1234567890ab`,
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.UnshareSnapshot,
    canStill:
      "change the launch permissions of an AMI of the account while it is public (also add accounts)",
    why: "`ec2:ModifyImageAttribute` carries no `ec2:Add/*` or `ec2:Remove/*` key; `ec2:Public` = true confines it to AMIs that are public already. Snapshots: only removing the group `all` (`ec2:Remove/group`), adding anyone explicitly denied",
    example: (a, r) =>
      req(
        "share a public AMI with another account",
        "ec2:ModifyImageAttribute",
        `arn:aws:ec2:${r}::image/ami-0aaaaaaaaaaaaaaaa`,
        a,
        r,
        { "ec2:Public": "true" },
      ),
  },
  {
    remediation: RemediationId.RemoveLambdaPermission,
    canStill:
      "remove any statement of any function's resource policy in the account, in its regions",
    why: "`lambda:RemovePermission` has no condition key on the statement removed",
    example: (a, r) =>
      req(
        "remove a legitimate S3 invoke grant",
        "lambda:RemovePermission",
        `arn:aws:lambda:${r}:${a}:function:billing`,
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.RestrictFunctionUrl,
    canStill: "change any function URL's CORS and invoke mode, keeping AuthType AWS_IAM",
    why: "`lambda:FunctionUrlAuthType` = AWS_IAM is required (making a URL public is denied); no key covers the other settings",
    example: (a, r) =>
      req(
        "open a URL's CORS to any origin",
        "lambda:UpdateFunctionUrlConfig",
        `arn:aws:lambda:${r}:${a}:function:billing`,
        a,
        r,
        { "lambda:FunctionUrlAuthType": "AWS_IAM" },
      ),
  },
  {
    remediation: RemediationId.RestoreBucketVersioning,
    canStill: "suspend versioning on any bucket of the account, in its regions",
    why: "S3 has no condition key on the versioning status put",
    example: (a, r) =>
      req(
        "suspend a bucket's versioning",
        "s3:PutBucketVersioning",
        "arn:aws:s3:::data-bucket",
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.EnableGuardDuty,
    canStill: "update any GuardDuty detector of the account in its regions (also disable it)",
    why: "GuardDuty has no condition key on the detector's settings",
    example: (a, r) =>
      req(
        "disable the detector",
        "guardduty:UpdateDetector",
        `arn:aws:guardduty:${r}:${a}:detector/12abc34d567e8fa901bc2d34e56789f0`,
        a,
        r,
      ),
  },
  {
    remediation: RemediationId.BlockAccountPublicAccess,
    canStill:
      "put any account-level public access block (also all four off, which is also how it is deleted)",
    why: "S3 has no condition key on the block's settings; `s3:PutAccountPublicAccessBlock` also authorizes its deletion",
    example: (a, r) =>
      req("turn the account's block off", "s3:PutAccountPublicAccessBlock", "*", a, r),
  },
  {
    canStill: 'publish any text to the resolutions topic (a forged "REMEDIATED")',
    why: "SNS has no condition key on the message; subscribers should trust the incident record and the CloudTrail event id, which the message names",
    example: (a, r, ctx) =>
      req(
        "publish a forged resolution",
        "sns:Publish",
        ctx.resolutionTopicArn ?? `arn:aws:sns:${r}:${a}:resolutions`,
        a,
        r,
      ),
  },
];

export interface AllowedAbuseRow {
  readonly role: string;
  readonly canStill: string;
  readonly why: string;
}

/** The rows of the README's "What a remediation role can still do" table. */
export function allowedAbuseRows(): AllowedAbuseRow[] {
  return ALLOWED_ABUSES.map((a) => ({
    role: a.remediation ?? "every role",
    canStill: a.canStill,
    why: a.why,
  }));
}
