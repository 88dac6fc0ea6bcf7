/**
 * What each remediation undoes and what its role can still do, for the remediations whose own
 * folder does not say it yet: read by `remediationDocs()` (scripts/docSources.ts) only when the
 * remediation registry (remediations/registry.ts, each spec's `docs`) is absent. The text of the
 * README before the docs were generated; tests/docs.test.ts checks that every remediation the
 * code has is described, here or in its spec.
 */
export interface RemediationNote {
  readonly trigger: string;
  readonly action: string;
  readonly stateReadFirst: string;
  /** What a compromised function could still do with its role, and why it is not narrower. */
  readonly roleCanStill?: string;
}

export const REMEDIATION_NOTES: Readonly<Record<string, RemediationNote>> = {
  "revoke-world-ingress": {
    trigger:
      "AuthorizeSecurityGroupIngress / ModifySecurityGroupRules with 0.0.0.0/0 or ::/0 on a port not allowed",
    action:
      "revoke exactly the offending permissions (IPv4, IPv6, protocol -1, port ranges), nothing else",
    stateReadFirst: "DescribeSecurityGroups (tags and current rules)",
    roleCanStill:
      "revoke any ingress rule of any security group of the account in the stack's region; read all security groups there: `RevokeSecurityGroupIngress` has no condition key on the rule revoked; `DescribeSecurityGroups` has no resource-level permission",
  },
  "quarantine-access-key": {
    trigger: "CreateAccessKey for another user; AWS Health AWS_RISK_CREDENTIALS_EXPOSED",
    action: "deactivate the key (never delete)",
    stateReadFirst: "the user's tags and keys",
    roleCanStill:
      "set any IAM user's access key Active **or** Inactive; list users' keys and tags: IAM has no condition key on the requested status: the same permission that deactivates can reactivate",
  },
  "restart-audit-logging": {
    trigger: "StopLogging; PutEventSelectors that stops logging write management events",
    action: "StartLogging / restore a management selector",
    stateReadFirst: "trail tags and status",
    roleCanStill:
      "start logging and put any event selectors on the region's trails (so also weaken them): CloudTrail has no condition key on the selectors put",
  },
  "block-public-bucket": {
    trigger: "DeleteBucketPublicAccessBlock, a weakened block, a public ACL or policy",
    action: "PutPublicAccessBlock, all four true",
    stateReadFirst: "bucket tags and block",
    roleCanStill:
      "put any public access block (also all four off) on any bucket of the account: S3 has no condition key on the block's settings",
  },
  "cancel-key-deletion": {
    trigger: "ScheduleKeyDeletion; DisableKey of a protected key",
    action: "CancelKeyDeletion (+ EnableKey) / EnableKey",
    stateReadFirst: "key tags",
    roleCanStill:
      "cancel the deletion of, and enable, any key of the account in the region: the actions have no condition key that tells the key's purpose; disabling and scheduling deletion are not granted",
  },
  "restart-config-recorder": {
    trigger: "StopConfigurationRecorder",
    action: "StartConfigurationRecorder",
    stateReadFirst: "recorder status",
    roleCanStill:
      "start the region's configuration recorder: resource-level permission is not documented for the action",
  },
  "unshare-snapshot": {
    trigger: "EBS snapshot / AMI made public",
    action: "remove the `all` group permission",
    stateReadFirst: "tags and current permissions",
    roleCanStill:
      "remove the public group from any snapshot or AMI of the account in the region: `ec2:Remove/group` = `all` is required, and an explicit deny on `ec2:Add/group` and `ec2:Add/userId` forbids sharing with anyone",
  },
  "remove-lambda-permission": {
    trigger:
      "AddPermission to `*` (not limited to an organization) or to an account that is neither this one nor in `partnerAccountIds`",
    action: "RemovePermission of that statement; AWS-service and own-account grants stay",
    stateReadFirst: "GetPolicy (the statement still there), function tags",
  },
  "restrict-function-url": {
    trigger: "CreateFunctionUrlConfig / UpdateFunctionUrlConfig with AuthType NONE",
    action: "UpdateFunctionUrlConfig AuthType AWS_IAM",
    stateReadFirst: "GetFunctionUrlConfig, function tags",
  },
  "restore-bucket-versioning": {
    trigger: "PutBucketVersioning Suspended",
    action:
      "PutBucketVersioning Enabled (every call names this account as the expected bucket owner)",
    stateReadFirst: "GetBucketVersioning, bucket tags",
  },
  "restore-ebs-encryption": {
    trigger: "DisableEbsEncryptionByDefault",
    action: "EnableEbsEncryptionByDefault in the event's region",
    stateReadFirst: "GetEbsEncryptionByDefault",
  },
  "enable-guardduty": {
    trigger: "UpdateDetector enable false",
    action: "UpdateDetector Enable true",
    stateReadFirst: "GetDetector (status and tags)",
  },
  "block-account-public-access": {
    trigger:
      "DeleteAccountPublicAccessBlock, or PutAccountPublicAccessBlock with a setting off, for this account",
    action: "PutPublicAccessBlock (S3 Control), all four true",
    stateReadFirst: "GetPublicAccessBlock",
  },
};
