/**
 * What each remediation undoes, for the remediations whose own folder does not say it yet
 * (what its role can still do is tests/iam/allowedAbuses.ts, proven by the IAM simulator): read by `remediationDocs()` (scripts/docSources.ts) only when the
 * remediation registry (remediations/registry.ts, each spec's `docs`) is absent. The text of the
 * README before the docs were generated; tests/docs.test.ts checks that every remediation the
 * code has is described, here or in its spec.
 */
export interface RemediationNote {
  readonly trigger: string;
  readonly action: string;
  readonly stateReadFirst: string;
}

export const REMEDIATION_NOTES: Readonly<Record<string, RemediationNote>> = {
  "revoke-world-ingress": {
    trigger:
      "AuthorizeSecurityGroupIngress / ModifySecurityGroupRules with 0.0.0.0/0 or ::/0 on a port not allowed",
    action:
      "revoke exactly the offending permissions (IPv4, IPv6, protocol -1, port ranges), nothing else",
    stateReadFirst: "DescribeSecurityGroups (tags and current rules)",
  },
  "quarantine-access-key": {
    trigger: "CreateAccessKey for another user; AWS Health AWS_RISK_CREDENTIALS_EXPOSED",
    action: "deactivate the key (never delete)",
    stateReadFirst: "the user's tags and keys",
  },
  "restart-audit-logging": {
    trigger: "StopLogging; PutEventSelectors that stops logging write management events",
    action: "StartLogging / restore a management selector",
    stateReadFirst: "trail tags and status",
  },
  "block-public-bucket": {
    trigger: "DeleteBucketPublicAccessBlock, a weakened block, a public ACL or policy",
    action: "PutPublicAccessBlock, all four true",
    stateReadFirst: "bucket tags and block",
  },
  "cancel-key-deletion": {
    trigger: "ScheduleKeyDeletion; DisableKey of a protected key",
    action: "CancelKeyDeletion (+ EnableKey) / EnableKey",
    stateReadFirst: "key tags",
  },
  "restart-config-recorder": {
    trigger: "StopConfigurationRecorder",
    action: "StartConfigurationRecorder",
    stateReadFirst: "recorder status",
  },
  "unshare-snapshot": {
    trigger: "EBS snapshot / AMI made public",
    action: "remove the `all` group permission",
    stateReadFirst: "tags and current permissions",
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
