/**
 * A positive and a negative record for every detection of the tactic files (core/catalog/*.ts).
 * Each is a real record (tests/fixtures/cloudtrail/panther, Apache-2.0) or a variant of one: the
 * real identity, addresses, agent and time are kept and the call itself replaced by the request
 * AWS documents for it (the API reference of each service names the fields CloudTrail records in
 * requestParameters). The negative is the nearest thing that must not fire: the same call with a
 * harmless parameter, the undo call, a read of the same resource, or a failed call.
 */
import { pantherRecord } from "./detectionSamples";

type Json = Record<string, unknown>;

/** A real record with the call replaced (errorCode removed unless given). */
function variant(base: [string, string], call: Json): Json {
  const record: Json = { ...pantherRecord(...base) };
  delete record.errorCode;
  delete record.errorMessage;
  return { ...record, responseElements: null, ...call };
}

/** The same record as a denied call (nothing changed). */
function denied(record: Json): Json {
  return { ...record, errorCode: "AccessDenied", errorMessage: "not authorized" };
}

const panther = (file: string, name: string): Json => pantherRecord(file, name);

/** An assumed-role session from a public address (aws-cli). */
const ROLE: [string, string] = ["aws_rds_instance_made_public", "RDS Instance Made Public"];
/** An IAM user with access keys, recorded in us-east-1 (IAM is global). */
const USER: [string, string] = ["aws_iam_user_key_created", "user1 create keys for user2"];

const call = (base: [string, string], eventSource: string, eventName: string, req: unknown) =>
  variant(base, { eventSource, eventName, requestParameters: req });

const FN = "arn:aws:lambda:us-east-1:123456789012:function:production-api";
const DETECTOR = "12abc34d567e8fa901bc2d34e56789f0";
const INSTANCE = "i-0a1b2c3d4e5f60718";
const SSO_INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef";
const PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-0123456789abcdef";

export interface TacticSample {
  /** The detection id. */
  readonly id: string;
  /** A record it must fire on. */
  readonly positive: Json;
  /** A record of the same service it must not fire on. */
  readonly negative: Json;
}

const lambdaPermission = (principal: string) =>
  call(ROLE, "lambda.amazonaws.com", "AddPermission20150331v2", {
    functionName: FN,
    statementId: "invoke",
    action: "lambda:InvokeFunction",
    principal,
  });

export const TACTIC_SAMPLES: readonly TacticSample[] = [
  // credential access
  {
    id: "secrets-batch-retrieved",
    positive: panther(
      "aws_secretsmanager_retrieve_secrets_catchall",
      "BatchGetSecretValue Catch-All",
    ),
    negative: panther(
      "aws_secretsmanager_retrieve_secrets_multiregion",
      "Non-batch GetSecretValue event - no match",
    ),
  },
  {
    id: "ssm-parameters-decrypted-by-path",
    positive: call(ROLE, "ssm.amazonaws.com", "GetParametersByPath", {
      path: "/prod/",
      recursive: true,
      withDecryption: true,
    }),
    negative: call(ROLE, "ssm.amazonaws.com", "GetParametersByPath", {
      path: "/prod/feature-flags/",
      recursive: false,
      withDecryption: false,
    }),
  },
  {
    id: "ec2-password-data-retrieved",
    positive: panther("aws_ec2_many_passwors_read_attempts", "Successful Attempt"),
    negative: panther("aws_ec2_many_passwors_read_attempts", "Unsuccessful Attempt"),
  },
  {
    id: "console-signin-token-from-keys",
    positive: panther("aws_console_getsignintoken", "Suspicious GetSigninToken"),
    negative: panther("aws_console_getsignintoken", "Legitimate SSO Portal GetSigninToken"),
  },
  // execution
  {
    id: "ssm-command-sent",
    positive: panther("aws_ssm_distributed_command", "Send Command to Many Instances at Once"),
    negative: call(ROLE, "ssm.amazonaws.com", "GetCommandInvocation", {
      commandId: "f49a1fe5-d12b-4ac0-98bc-0e4bd83d70c0",
      instanceId: INSTANCE,
    }),
  },
  {
    id: "ssm-session-opened",
    positive: call(ROLE, "ssm.amazonaws.com", "StartSession", { target: INSTANCE }),
    negative: call(ROLE, "ssm.amazonaws.com", "TerminateSession", { sessionId: "alice-0a1b2c3d" }),
  },
  {
    id: "instance-user-data-modified",
    positive: panther("aws_ec2_startup_script_change", "ModifyInstanceAttributeUserdata"),
    negative: call(ROLE, "ec2.amazonaws.com", "ModifyInstanceAttribute", {
      instanceId: INSTANCE,
      instanceType: { value: "t3.large" },
    }),
  },
  {
    id: "gpu-or-large-instance-launched",
    positive: panther("aws_ec2_launch_unusual_ec2_instances", "Successful Unusual EC2"),
    negative: panther("aws_ec2_monitoring", "RunInstance"),
  },
  {
    id: "many-instances-launched",
    positive: (() => {
      const record = panther("aws_ec2_monitoring", "RunInstance");
      const req = JSON.parse(JSON.stringify(record.requestParameters));
      req.instancesSet.items[0].maxCount = 40;
      return { ...record, requestParameters: req };
    })(),
    negative: panther("aws_ec2_monitoring", "RunInstance"),
  },
  // persistence
  {
    id: "lambda-permission-public",
    positive: lambdaPermission("*"),
    negative: panther("aws_backdoor_lambda_function", "Lambda Add Permission Event"),
  },
  {
    id: "lambda-permission-external",
    positive: lambdaPermission("210987654321"),
    negative: lambdaPermission("s3.amazonaws.com"),
  },
  {
    id: "lambda-function-url-public",
    positive: call(ROLE, "lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", {
      functionName: FN,
      authType: "NONE",
    }),
    negative: call(ROLE, "lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", {
      functionName: FN,
      authType: "AWS_IAM",
    }),
  },
  {
    id: "lambda-code-updated-by-person",
    positive: panther("aws_overwrite_lambda_code", "IAM User Updates Lambda Code"),
    negative: panther(
      "aws_overwrite_lambda_code",
      "AssumedRole Updates Lambda Code (Normal CI/CD)",
    ),
  },
  {
    id: "lambda-layer-added-by-person",
    positive: variant(
      ["aws_add_malicious_lambda_extension", "IAM User Updates Lambda Configuration with Layers"],
      {
        requestParameters: {
          functionName: "production-api",
          layers: ["arn:aws:lambda:us-west-2:210987654321:layer:telemetry:3"],
        },
      },
    ),
    negative: variant(
      [
        "aws_add_malicious_lambda_extension",
        "AssumedRole Updates Lambda Configuration with Layers (Normal CI/CD)",
      ],
      {
        requestParameters: {
          functionName: "my-lambda-function",
          layers: ["arn:aws:lambda:us-west-2:123456789012:layer:shared:12"],
        },
      },
    ),
  },
  {
    id: "roles-anywhere-trust-changed",
    positive: call(ROLE, "rolesanywhere.amazonaws.com", "CreateTrustAnchor", {
      name: "partner-ca",
      enabled: true,
      source: { sourceType: "CERTIFICATE_BUNDLE" },
    }),
    negative: call(ROLE, "rolesanywhere.amazonaws.com", "DisableTrustAnchor", {
      trustAnchorId: "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
    }),
  },
  {
    id: "saml-provider-changed",
    positive: panther("aws_saml_activity", "CreateSAMLProvider"),
    negative: panther("aws_saml_activity", "Activity from AWSSSO Service Managed Role"),
  },
  {
    id: "oidc-provider-changed",
    positive: call(USER, "iam.amazonaws.com", "CreateOpenIDConnectProvider", {
      url: "https://token.actions.githubusercontent.com",
      clientIDList: ["sts.amazonaws.com"],
    }),
    negative: call(USER, "iam.amazonaws.com", "GetOpenIDConnectProvider", {
      openIDConnectProviderArn:
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
    }),
  },
  {
    id: "sso-permission-set-changed",
    positive: call(ROLE, "sso.amazonaws.com", "AttachManagedPolicyToPermissionSet", {
      instanceArn: SSO_INSTANCE,
      permissionSetArn: PERMISSION_SET,
      managedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
    negative: call(ROLE, "sso.amazonaws.com", "DescribePermissionSet", {
      instanceArn: SSO_INSTANCE,
      permissionSetArn: PERMISSION_SET,
    }),
  },
  {
    id: "identity-center-assignment-changed",
    positive: call(ROLE, "sso.amazonaws.com", "CreateAccountAssignment", {
      instanceArn: SSO_INSTANCE,
      targetId: "123456789012",
      targetType: "AWS_ACCOUNT",
      permissionSetArn: PERMISSION_SET,
      principalType: "USER",
      principalId: "906744f8-0091-7055-2d4b-5e6b6b8d7a01",
    }),
    negative: call(ROLE, "sso.amazonaws.com", "ListAccountAssignments", {
      instanceArn: SSO_INSTANCE,
      accountId: "123456789012",
      permissionSetArn: PERMISSION_SET,
    }),
  },
  {
    id: "ec2-key-pair-imported",
    positive: call(ROLE, "ec2.amazonaws.com", "ImportKeyPair", {
      keyName: "maintenance",
      publicKeyMaterial: "<sensitiveDataRemoved>",
    }),
    negative: call(ROLE, "ec2.amazonaws.com", "CreateKeyPair", { keyName: "ops-2024" }),
  },
  {
    id: "iam-user-created",
    positive: panther("aws_iam_create_user", "IAM User Created"),
    negative: panther("aws_iam_create_user", "IAM User Not Created"),
  },
  {
    id: "secret-resource-policy-changed",
    positive: panther(
      "aws_resource_made_public",
      "Secrets Manager Restricted Access (Should Not Alert)",
    ),
    negative: call(ROLE, "secretsmanager.amazonaws.com", "GetResourcePolicy", {
      secretId: "prod/db",
    }),
  },
  {
    id: "iam-permissions-boundary-removed",
    positive: call(USER, "iam.amazonaws.com", "DeleteRolePermissionsBoundary", { roleName: "app" }),
    negative: call(USER, "iam.amazonaws.com", "PutRolePermissionsBoundary", {
      roleName: "app",
      permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
    }),
  },
  {
    id: "instance-profile-changed",
    positive: call(ROLE, "ec2.amazonaws.com", "AssociateIamInstanceProfile", {
      AssociateIamInstanceProfileRequest: {
        InstanceId: INSTANCE,
        IamInstanceProfile: { Arn: "arn:aws:iam::123456789012:instance-profile/admin" },
      },
    }),
    negative: call(ROLE, "ec2.amazonaws.com", "DescribeIamInstanceProfileAssociations", {
      DescribeIamInstanceProfileAssociationsRequest: {},
    }),
  },
  // lateral movement
  {
    id: "ec2-instance-connect-key-sent",
    positive: call(ROLE, "ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", {
      instanceId: INSTANCE,
      instanceOSUser: "ec2-user",
      availabilityZone: "us-west-2a",
      sSHPublicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLE",
    }),
    negative: denied(
      call(ROLE, "ec2-instance-connect.amazonaws.com", "SendSSHPublicKey", {
        instanceId: INSTANCE,
        instanceOSUser: "root",
      }),
    ),
  },
  {
    id: "serial-console-key-sent",
    positive: call(ROLE, "ec2-instance-connect.amazonaws.com", "SendSerialConsoleSSHPublicKey", {
      instanceId: INSTANCE,
      serialPort: 0,
    }),
    negative: denied(
      call(ROLE, "ec2-instance-connect.amazonaws.com", "SendSerialConsoleSSHPublicKey", {
        instanceId: INSTANCE,
        serialPort: 0,
      }),
    ),
  },
  {
    id: "serial-console-access-enabled",
    positive: call(ROLE, "ec2.amazonaws.com", "EnableSerialConsoleAccess", {
      EnableSerialConsoleAccessRequest: "",
    }),
    negative: call(ROLE, "ec2.amazonaws.com", "DisableSerialConsoleAccess", {
      DisableSerialConsoleAccessRequest: "",
    }),
  },
  // defense evasion
  {
    id: "dns-query-logging-removed",
    positive: call(ROLE, "route53resolver.amazonaws.com", "DisassociateResolverQueryLogConfig", {
      resolverQueryLogConfigId: "rqlc-0a1b2c3d4e5f6071",
      resourceId: "vpc-0a1b2c3d",
    }),
    negative: call(ROLE, "route53resolver.amazonaws.com", "AssociateResolverQueryLogConfig", {
      resolverQueryLogConfigId: "rqlc-0a1b2c3d4e5f6071",
      resourceId: "vpc-0a1b2c3d",
    }),
  },
  {
    id: "guardduty-detector-suspended",
    positive: call(ROLE, "guardduty.amazonaws.com", "UpdateDetector", {
      detectorId: DETECTOR,
      enable: false,
    }),
    negative: call(ROLE, "guardduty.amazonaws.com", "UpdateDetector", {
      detectorId: DETECTOR,
      enable: true,
      findingPublishingFrequency: "FIFTEEN_MINUTES",
    }),
  },
  {
    id: "guardduty-suppression-rule",
    positive: call(ROLE, "guardduty.amazonaws.com", "CreateFilter", {
      detectorId: DETECTOR,
      name: "quiet",
      action: "ARCHIVE",
      findingCriteria: { criterion: { severity: { gte: 1 } } },
    }),
    negative: call(ROLE, "guardduty.amazonaws.com", "CreateFilter", {
      detectorId: DETECTOR,
      name: "high-only-view",
      action: "NOOP",
      findingCriteria: { criterion: { severity: { gte: 7 } } },
    }),
  },
  {
    id: "guardduty-trusted-ip-list-changed",
    positive: call(ROLE, "guardduty.amazonaws.com", "CreateIPSet", {
      detectorId: DETECTOR,
      name: "office",
      format: "TXT",
      location: "https://s3.amazonaws.com/lists/ips.txt",
      activate: true,
    }),
    negative: call(ROLE, "guardduty.amazonaws.com", "ListIPSets", { detectorId: DETECTOR }),
  },
  {
    id: "guardduty-publishing-changed",
    positive: call(ROLE, "guardduty.amazonaws.com", "DeletePublishingDestination", {
      detectorId: DETECTOR,
      destinationId: "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5",
    }),
    negative: call(ROLE, "guardduty.amazonaws.com", "CreatePublishingDestination", {
      detectorId: DETECTOR,
      destinationType: "S3",
    }),
  },
  {
    id: "security-hub-findings-suppressed",
    positive: call(ROLE, "securityhub.amazonaws.com", "BatchUpdateFindings", {
      FindingIdentifiers: [
        {
          Id: "arn:aws:securityhub:us-west-2:123456789012:finding/0a1b2c3d",
          ProductArn: "arn:aws:securityhub:us-west-2::product/aws/guardduty",
        },
      ],
      Workflow: { Status: "SUPPRESSED" },
    }),
    negative: panther("aws_securityhub_finding_evasion", "UpdateFindings"),
  },
  {
    id: "security-hub-automation-rule-changed",
    positive: call(ROLE, "securityhub.amazonaws.com", "CreateAutomationRule", {
      RuleName: "suppress-all",
      RuleStatus: "ENABLED",
    }),
    negative: panther("aws_securityhub_finding_evasion", "CreateInsight"),
  },
  {
    id: "macie-disabled",
    positive: variant(["aws_macie_evasion", "UpdateSession"], {
      requestParameters: { status: "PAUSED" },
    }),
    negative: panther("aws_macie_evasion", "UpdateSession"),
  },
  {
    id: "inspector-disabled",
    positive: call(ROLE, "inspector2.amazonaws.com", "Disable", { resourceTypes: ["EC2", "ECR"] }),
    negative: call(ROLE, "inspector2.amazonaws.com", "Enable", { resourceTypes: ["EC2", "ECR"] }),
  },
  {
    id: "access-analyzer-deleted",
    positive: call(ROLE, "access-analyzer.amazonaws.com", "DeleteAnalyzer", {
      analyzerName: "org-analyzer",
    }),
    negative: call(ROLE, "access-analyzer.amazonaws.com", "CreateAnalyzer", {
      analyzerName: "org-analyzer",
      type: "ORGANIZATION",
    }),
  },
  {
    id: "access-analyzer-archive-rule-changed",
    positive: call(ROLE, "access-analyzer.amazonaws.com", "CreateArchiveRule", {
      analyzerName: "org-analyzer",
      ruleName: "hide-everything",
    }),
    negative: call(ROLE, "access-analyzer.amazonaws.com", "DeleteArchiveRule", {
      analyzerName: "org-analyzer",
      ruleName: "hide-everything",
    }),
  },
  {
    id: "detective-disabled",
    positive: call(ROLE, "detective.amazonaws.com", "DeleteGraph", {
      GraphArn: "arn:aws:detective:us-west-2:123456789012:graph:0a1b2c3d",
    }),
    negative: call(ROLE, "detective.amazonaws.com", "CreateGraph", {}),
  },
  {
    id: "ebs-default-encryption-disabled",
    // Panther's record of this call has no eventID nor userIdentity: the real shape, a variant.
    positive: call(ROLE, "ec2.amazonaws.com", "DisableEbsEncryptionByDefault", {
      DisableEbsEncryptionByDefaultRequest: {},
    }),
    negative: panther("aws_ec2_ebs_encryption_disabled", "Non Matching Event"),
  },
  {
    id: "s3-versioning-suspended",
    positive: panther("aws_s3_suspend_versioning", "Versioning Suspended Successfully"),
    negative: panther("aws_s3_suspend_versioning", "Versioning Enabled"),
  },
  {
    id: "s3-mfa-delete-disabled",
    positive: panther("aws_s3_disable_mfa_delete", "MFA Delete Disabled Successfully"),
    negative: panther("aws_s3_disable_mfa_delete", "MFA Delete Enabled"),
  },
  {
    id: "s3-access-logging-disabled",
    positive: panther("aws_s3_disable_bucket_logging", "Bucket Logging Disabled Successfully"),
    negative: panther("aws_s3_disable_bucket_logging", "Bucket Logging Enabled"),
  },
  {
    id: "log-group-deleted",
    positive: call(ROLE, "logs.amazonaws.com", "DeleteLogGroup", {
      logGroupName: "aws-cloudtrail",
    }),
    negative: call(ROLE, "logs.amazonaws.com", "CreateLogGroup", { logGroupName: "app" }),
  },
  {
    id: "log-subscription-removed",
    positive: call(ROLE, "logs.amazonaws.com", "DeleteSubscriptionFilter", {
      logGroupName: "aws-cloudtrail",
      filterName: "to-siem",
    }),
    negative: call(ROLE, "logs.amazonaws.com", "PutSubscriptionFilter", {
      logGroupName: "aws-cloudtrail",
      filterName: "to-siem",
      filterPattern: "",
    }),
  },
  {
    id: "log-retention-shortened",
    positive: call(ROLE, "logs.amazonaws.com", "PutRetentionPolicy", {
      logGroupName: "aws-cloudtrail",
      retentionInDays: 1,
    }),
    negative: call(ROLE, "logs.amazonaws.com", "PutRetentionPolicy", {
      logGroupName: "aws-cloudtrail",
      retentionInDays: 365,
    }),
  },
  {
    id: "config-rule-deleted",
    positive: call(ROLE, "config.amazonaws.com", "DeleteConfigRule", {
      configRuleName: "s3-bucket-public-read-prohibited",
    }),
    negative: call(ROLE, "config.amazonaws.com", "PutConfigRule", {
      configRule: { configRuleName: "s3-bucket-public-read-prohibited" },
    }),
  },
  {
    id: "alarm-deleted-or-muted",
    positive: call(ROLE, "monitoring.amazonaws.com", "DisableAlarmActions", {
      alarmNames: ["watch-root-usage"],
    }),
    negative: call(ROLE, "monitoring.amazonaws.com", "EnableAlarmActions", {
      alarmNames: ["watch-root-usage"],
    }),
  },
  {
    id: "event-rule-disabled-or-deleted",
    positive: call(ROLE, "events.amazonaws.com", "DisableRule", { name: "watch-root-usage" }),
    negative: call(ROLE, "events.amazonaws.com", "EnableRule", { name: "watch-root-usage" }),
  },
  {
    id: "waf-acl-disassociated",
    positive: panther("aws_waf_disassociation", "WAF-Disassociate"),
    negative: panther("aws_waf_disassociation", "WAF - List WebACLs"),
  },
  {
    id: "bedrock-guardrail-changed",
    positive: panther("aws_bedrock_guardrail_update_delete", "Guardrail Deleted"),
    negative: panther("aws_bedrock_guardrail_update_delete", "List Guardrails"),
  },
  {
    id: "bedrock-invocation-logging-changed",
    positive: panther(
      "aws_bedrock_deletemodelinvocationloggingconfiguration",
      "Model Invocation Logging Configuration Deleted",
    ),
    negative: panther("aws_bedrock_deletemodelinvocationloggingconfiguration", "List Guardrails"),
  },
  {
    id: "account-left-organization",
    positive: variant(["aws_cloudtrail_attempt_to_leave_org", "Failed Attempt to Leave Org"], {}),
    negative: panther("aws_cloudtrail_attempt_to_leave_org", "Failed Attempt to Leave Org"),
  },
  {
    id: "region-opt-in-changed",
    positive: variant(["aws_cloudtrail_region_enabled", "EnableRegion"], {
      eventSource: "account.amazonaws.com",
    }),
    negative: variant(["aws_cloudtrail_region_enabled", "EnableRegion"], {
      eventSource: "account.amazonaws.com",
      eventName: "GetRegionOptStatus",
    }),
  },
  {
    id: "mfa-device-removed",
    positive: call(USER, "iam.amazonaws.com", "DeactivateMFADevice", {
      userName: "user2",
      serialNumber: "arn:aws:iam::123456789012:mfa/user2",
    }),
    negative: panther("aws_update_credentials", "MFA Device Was Created"),
  },
  {
    id: "password-policy-deleted",
    positive: call(USER, "iam.amazonaws.com", "DeleteAccountPasswordPolicy", null),
    negative: call(USER, "iam.amazonaws.com", "UpdateAccountPasswordPolicy", {
      minimumPasswordLength: 14,
    }),
  },
  // exfiltration and collection
  {
    id: "ec2-instance-export-task",
    positive: call(ROLE, "ec2.amazonaws.com", "CreateInstanceExportTask", {
      instanceId: INSTANCE,
      targetEnvironment: "vmware",
      exportToS3: { diskImageFormat: "VMDK", s3Bucket: "exports-0a1b" },
    }),
    negative: call(ROLE, "ec2.amazonaws.com", "DescribeExportTasks", {}),
  },
  {
    id: "rds-restored-public",
    positive: panther("aws_rds_publicrestore", "RDS-Restore-Public"),
    negative: panther("aws_rds_publicrestore", "RDS-Restore-Not-Public"),
  },
  {
    id: "rds-made-public",
    positive: panther("aws_rds_instance_made_public", "RDS Instance Made Public"),
    negative: panther("aws_rds_instance_made_public", "RDS Instance Made Private - No Alert"),
  },
  {
    id: "rds-master-password-changed",
    positive: panther("aws_rds_master_pass_updated", "Master pass modified"),
    negative: panther("aws_rds_master_pass_updated", "Allocated storage modified"),
  },
  {
    id: "rds-snapshot-exported",
    positive: panther("aws_rds_snapshot_export", "RDS Snapshot Export Started"),
    negative: panther("aws_rds_snapshot_export", "RDS Snapshot Export Failed"),
  },
  {
    id: "s3-replication-to-another-account",
    positive: call(ROLE, "s3.amazonaws.com", "PutBucketReplication", {
      bucketName: "customer-data",
      replication: "",
      ReplicationConfiguration: {
        Role: "arn:aws:iam::123456789012:role/replication",
        Rule: {
          ID: "backup",
          Status: "Enabled",
          Destination: {
            Bucket: "arn:aws:s3:::collector-bucket",
            Account: "210987654321",
            AccessControlTranslation: { Owner: "Destination" },
          },
        },
      },
    }),
    negative: call(ROLE, "s3.amazonaws.com", "PutBucketReplication", {
      bucketName: "customer-data",
      replication: "",
      ReplicationConfiguration: {
        Role: "arn:aws:iam::123456789012:role/replication",
        Rule: {
          ID: "dr",
          Status: "Enabled",
          Destination: { Bucket: "arn:aws:s3:::customer-data-dr" },
        },
      },
    }),
  },
  {
    id: "codebuild-project-made-public",
    positive: panther("aws_codebuild_made_public", "CodeBuild Project Made Public"),
    negative: panther("aws_codebuild_made_public", "CodeBuild Project Made Private"),
  },
  {
    id: "traffic-mirroring-set-up",
    positive: panther("aws_ec2_traffic_mirroring", "CreateTrafficMirrorTarget"),
    negative: panther("aws_ec2_traffic_mirroring", "DescribeTrafficMirrorTargets"),
  },
  {
    id: "efs-policy-changed",
    positive: call(ROLE, "elasticfilesystem.amazonaws.com", "PutFileSystemPolicy", {
      fileSystemId: "fs-0a1b2c3d",
      bypassPolicyLockoutSafetyCheck: false,
    }),
    negative: call(ROLE, "elasticfilesystem.amazonaws.com", "DescribeFileSystemPolicy", {
      fileSystemId: "fs-0a1b2c3d",
    }),
  },
  {
    id: "eks-endpoint-made-public",
    positive: call(ROLE, "eks.amazonaws.com", "UpdateClusterConfig", {
      name: "prod",
      resourcesVpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
    }),
    negative: call(ROLE, "eks.amazonaws.com", "UpdateClusterConfig", {
      name: "prod",
      resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
    }),
  },
  {
    id: "eks-access-entry-changed",
    positive: call(ROLE, "eks.amazonaws.com", "CreateAccessEntry", {
      name: "prod",
      principalArn: "arn:aws:iam::210987654321:role/ops",
    }),
    negative: call(ROLE, "eks.amazonaws.com", "ListAccessEntries", { name: "prod" }),
  },
  {
    id: "elasticache-auth-changed",
    positive: call(ROLE, "elasticache.amazonaws.com", "ModifyReplicationGroup", {
      replicationGroupId: "sessions",
      authToken: "****",
      authTokenUpdateStrategy: "SET",
      applyImmediately: true,
    }),
    negative: call(ROLE, "elasticache.amazonaws.com", "ModifyReplicationGroup", {
      replicationGroupId: "sessions",
      cacheNodeType: "cache.r7g.large",
    }),
  },
  // impact
  {
    id: "kms-key-material-imported",
    positive: call(ROLE, "kms.amazonaws.com", "ImportKeyMaterial", {
      keyId: "arn:aws:kms:us-west-2:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
      expirationModel: "KEY_MATERIAL_EXPIRES",
    }),
    negative: panther("aws_kms_cmk_loss", "KMS Key Non Deletion Event"),
  },
  {
    id: "kms-imported-material-deleted",
    positive: call(ROLE, "kms.amazonaws.com", "DeleteImportedKeyMaterial", {
      keyId: "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
    }),
    negative: call(ROLE, "kms.amazonaws.com", "GetParametersForImport", {
      keyId: "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
      wrappingAlgorithm: "RSAES_OAEP_SHA_256",
    }),
  },
  {
    id: "rds-deleted-without-final-snapshot",
    positive: panther(
      "aws_rds_instance_deletion",
      "RDS Instance Deleted Without Final Snapshot - Critical",
    ),
    negative: panther("aws_rds_instance_deletion", "RDS Instance Deleted With Final Snapshot"),
  },
  {
    id: "rds-deletion-protection-disabled",
    positive: panther(
      "aws_rds_deletion_protection_disabled",
      "RDS Instance Deletion Protection Disabled",
    ),
    negative: panther(
      "aws_rds_deletion_protection_disabled",
      "RDS Deletion Protection Enabled - No Alert",
    ),
  },
  {
    id: "rds-backups-deleted",
    positive: panther("aws_rds_automated_backup_deleted", "Automated Backup Deleted"),
    negative: panther("aws_rds_automated_backup_deleted", "Different RDS Event"),
  },
  {
    id: "rds-activity-stream-stopped",
    positive: panther("aws_rds_activity_stream_stopped", "Activity Stream Stopped Successfully"),
    negative: panther("aws_rds_activity_stream_stopped", "Different RDS Event"),
  },
  {
    id: "backup-or-recovery-point-deleted",
    positive: call(ROLE, "backup.amazonaws.com", "DeleteRecoveryPoint", {
      backupVaultName: "prod",
      recoveryPointArn: "arn:aws:ec2:us-west-2::snapshot/snap-0a1b2c3d4e5f60718",
    }),
    negative: call(ROLE, "backup.amazonaws.com", "StartBackupJob", {
      backupVaultName: "prod",
      resourceArn: "arn:aws:ec2:us-west-2:123456789012:volume/vol-0a1b2c3d",
    }),
  },
  {
    id: "s3-bucket-encryption-removed",
    positive: panther("aws_s3_delete_bucket_encryption", "Bucket Encryption Deleted Successfully"),
    negative: panther("aws_s3_delete_bucket_encryption", "Different S3 Event"),
  },
  {
    id: "efs-file-system-deleted",
    positive: call(ROLE, "elasticfilesystem.amazonaws.com", "DeleteFileSystem", {
      fileSystemId: "fs-0a1b2c3d",
    }),
    negative: call(ROLE, "elasticfilesystem.amazonaws.com", "CreateFileSystem", {
      creationToken: "shared",
      encrypted: true,
    }),
  },
  {
    id: "eks-cluster-deleted",
    positive: call(ROLE, "eks.amazonaws.com", "DeleteCluster", { name: "prod" }),
    negative: call(ROLE, "eks.amazonaws.com", "DescribeCluster", { name: "prod" }),
  },
  {
    id: "elasticache-deleted",
    positive: call(ROLE, "elasticache.amazonaws.com", "DeleteReplicationGroup", {
      replicationGroupId: "sessions",
      retainPrimaryCluster: false,
    }),
    negative: call(ROLE, "elasticache.amazonaws.com", "CreateReplicationGroup", {
      replicationGroupId: "sessions",
    }),
  },
  // discovery
  {
    id: "key-tested-by-secret-scanner",
    positive: panther("aws_sts_getcalleridentity_trufflehog", "TruffleHog User Agent Variant"),
    negative: panther("aws_sts_getcalleridentity_trufflehog", "Normal GetCallerIdentity"),
  },
  {
    id: "ses-sending-recon",
    positive: panther("aws_cloudtrail_ses_check_send_quota", "GetSendQuota Event"),
    negative: panther(
      "aws_cloudtrail_ses_check_send_quota",
      "GetSendQuota from Trusted Advisor (Should Not Alert)",
    ),
  },
];
