/**
 * The catalog of detections: one EventBridge pattern per dangerous change, with its severity,
 * references, alert text and optional remediation. Plain data (the helpers below only spell the
 * repeated parts of the patterns); SecurityRuleWatcher deploys one rule per entry.
 *
 * Conventions:
 * - Change detections require `"errorCode": [{"exists": false}]`: a failed call changed nothing,
 *   and failed calls never reach a remediation. Denied calls are `unauthorized-api-calls`' job.
 * - The first fifteen entries are the CIS AWS Foundations Benchmark v1.4 monitoring controls
 *   4.1-4.15; their ids are those of core/cisControls.ts (the metric-filter side of the same
 *   controls). The CloudWatch Logs path stays the compliance evidence; these rules are the
 *   seconds-fast path that drives remediation.
 * - Where EventBridge cannot express the exact condition (it cannot compare two fields, nor parse
 *   a JSON policy held in a string), the pattern matches the call and the remediation decides;
 *   the description says so.
 * - `global` marks events of IAM, STS, Organizations and console sign-in, which CloudTrail
 *   delivers to EventBridge in us-east-1 only, and AWS Health's global (IAM) events, which AWS
 *   Health delivers in us-east-1
 *   (https://docs.aws.amazon.com/health/latest/ug/choosing-a-region.html).
 * - A detection names a remediation only when that remediation's handler acts on (or knowingly
 *   ignores) every event the pattern lets through: a handler that rejects an event throws, and
 *   each such event pages someone through the remediation-failed alarm
 *   (tests/catalogRemediations.test.ts checks it on every reviewed event). Otherwise the
 *   detection is alert only and its description says so.
 * - Detections of events that are not CloudTrail records (AWS Health) set `origin`: their alert
 *   uses that event's fields (core/detection.ts, commonFieldsOf).
 */
import type { Detection } from "./detection";
import type { EventPattern } from "./eventPattern";
import { type RemediationId, Severity } from "./types";
import { detectionRemediations } from "../remediations/registry";
import { CREDENTIAL_ACCESS } from "./catalog/credentialAccess";
import { DEFENSE_EVASION } from "./catalog/defenseEvasion";
import { DISCOVERY } from "./catalog/discovery";
import { EXECUTION } from "./catalog/execution";
import { EXFILTRATION } from "./catalog/exfiltration";
import { IMPACT } from "./catalog/impact";
import { LATERAL_MOVEMENT } from "./catalog/lateralMovement";
import { PERSISTENCE } from "./catalog/persistence";
import { COMPLIANCE_DETECTIONS } from "./catalog/complianceDetections";

/** The grant headers of PutBucketAcl, as CloudTrail records them in requestParameters. */
const PUBLIC_GRANT_HEADERS = [
  "x-amz-grant-read",
  "x-amz-grant-write",
  "x-amz-grant-read-acp",
  "x-amz-grant-write-acp",
  "x-amz-grant-full-control",
];

/**
 * A grant header value that ends with AllUsers or AuthenticatedUsers (the one grantee, or the
 * last one), quoted or not.
 */
const PUBLIC_GRANT_VALUES = ["AllUsers", "AuthenticatedUsers"].flatMap((g) => [
  { suffix: `global/${g}"` },
  { suffix: `global/${g}` },
]);

/**
 * What kind of event a detection matches, which decides the fields its alert can show
 * (core/detection.ts, commonFieldsOf). Defined here rather than in core/detection.ts, which
 * imports the catalog, so that the catalog can use it without an import cycle; core/detection.ts
 * re-exports it.
 */
export enum EventOrigin {
  /**
   * A CloudTrail record delivered by EventBridge ("AWS API Call via CloudTrail", "AWS Console
   * Sign In via CloudTrail", "AWS Service Event via CloudTrail"): `detail` is the record.
   */
  CloudTrail = "cloudtrail",
  /**
   * An AWS Health event (source `aws.health`, detail-type "AWS Health Event"): `detail` holds
   * eventArn, service, eventTypeCode, startTime, eventDescription and affectedEntities.
   * https://docs.aws.amazon.com/health/latest/ug/aws-health-events-eventbridge-schema.html
   */
  AwsHealth = "aws-health",
  /**
   * An AWS Config compliance change (source `aws.config`, detail-type "Config Rules Compliance
   * Change"): `detail` names the rule, the resource (type and id) and the new and old evaluation
   * results, not the change that caused them.
   * https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
   */
  AwsConfig = "aws-config",
}

const API_CALL = "AWS API Call via CloudTrail";
const CONSOLE_SIGN_IN = "AWS Console Sign In via CloudTrail";
const SUCCEEDED = [{ exists: false }];

/** A pattern for successful API calls of one service (`ec2` for ec2.amazonaws.com / aws.ec2). */
function succeededCall(
  service: string,
  eventNames: readonly string[],
  detail: Record<string, unknown> = {},
): EventPattern {
  return {
    source: [`aws.${service}`],
    "detail-type": [API_CALL],
    detail: {
      eventSource: [`${service}.amazonaws.com`],
      eventName: [...eventNames],
      errorCode: SUCCEEDED,
      ...detail,
    },
  };
}

const CHECK_CALLER =
  "Check that the principal and source IP are expected and that the change was planned; if not, undo it and rotate the principal's credentials.";

/** A public access block configuration with at least one of its four settings off. */
const ANY_PUBLIC_ACCESS_BLOCK_OFF = {
  $or: [
    { BlockPublicAcls: [false] },
    { IgnorePublicAcls: [false] },
    { BlockPublicPolicy: [false] },
    { RestrictPublicBuckets: [false] },
  ],
};

/** The first 40 detections: CIS 4.1-4.15, audit logging, credentials, exposure. */
const FOUNDATION: readonly Detection[] = [
  // ---------------------------------------------------------------- CIS 4.1-4.15
  {
    id: "unauthorized-api-calls",
    title: "Unauthorized API call",
    description:
      "An API call was denied (errorCode AccessDenied* or *UnauthorizedOperation): a principal probing permissions, or a broken deployment. Includes read-only calls. Never remediated.",
    severity: Severity.Info,
    references: { cis: ["CIS 4.1", "CloudWatch.2"], mitre: ["T1078.004", "T1580"] },
    eventPattern: {
      "detail-type": [API_CALL],
      detail: {
        errorCode: [{ prefix: "AccessDenied" }, { suffix: "UnauthorizedOperation" }],
        sourceIPAddress: [{ "anything-but": "delivery.logs.amazonaws.com" }],
        eventName: [{ "anything-but": "HeadBucket" }],
      },
    },
    message: {
      subject: "<errorCode> on <eventName> in <region>",
      resource: "<eventSource>",
      body: "One denied call is usually a misconfiguration; many from one principal are reconnaissance. Look for other denied calls from the same principal and source IP.",
      fields: { errorCode: "detail.errorCode" },
    },
    global: true,
    includeReadOnlyEvents: true,
  },
  {
    id: "console-signin-without-mfa",
    title: "Console sign-in without MFA",
    description:
      "An IAM user or the root user signed in to the console without MFA (SAML federation excluded).",
    severity: Severity.High,
    references: { cis: ["CIS 4.2", "CloudWatch.3"], mitre: ["T1078.004"] },
    eventPattern: {
      source: ["aws.signin"],
      "detail-type": [CONSOLE_SIGN_IN],
      detail: {
        eventName: ["ConsoleLogin"],
        userIdentity: { type: ["IAMUser", "Root"] },
        responseElements: { ConsoleLogin: ["Success"] },
        additionalEventData: {
          MFAUsed: [{ "anything-but": "Yes" }],
          SamlProviderArn: [{ exists: false }],
        },
      },
    },
    message: {
      subject: "Console sign-in without MFA (<principalType> <userName>) from <sourceIp>",
      resource: "<principal>",
      body: "Require MFA for this user (an IAM policy that denies everything without aws:MultiFactorAuthPresent). If the sign-in is not expected, disable the password and rotate the credentials.",
      fields: { userName: "detail.userIdentity.userName" },
    },
    global: true,
  },
  {
    id: "root-usage",
    title: "Root user activity",
    description:
      "The root user made a call or signed in (AWS service events excluded). The root user should hold no access keys and be used only for the few tasks that require it.",
    severity: Severity.Critical,
    references: { cis: ["CIS 4.3", "CloudWatch.1"], mitre: ["T1078.004"] },
    eventPattern: {
      "detail-type": [API_CALL, CONSOLE_SIGN_IN],
      detail: {
        userIdentity: { type: ["Root"] },
        eventType: [{ "anything-but": "AwsServiceEvent" }],
      },
    },
    message: {
      subject: "Root user <eventName> in <region> from <sourceIp>",
      resource: "account <account>",
      body: "Confirm with the holder of the root credentials that this was them. If not, reset the root password, remove any root access key, check the root MFA device, and review what else was done.",
    },
    global: true,
    includeReadOnlyEvents: true,
  },
  {
    id: "iam-policy-changes",
    title: "IAM policy changed",
    description:
      "An IAM policy was created, changed, attached, detached or deleted (the CIS 4.4 list of calls).",
    severity: Severity.Medium,
    references: { cis: ["CIS 4.4", "CloudWatch.4"], mitre: ["T1098", "T1098.003"] },
    eventPattern: succeededCall("iam", [
      "DeleteGroupPolicy",
      "DeleteRolePolicy",
      "DeleteUserPolicy",
      "PutGroupPolicy",
      "PutRolePolicy",
      "PutUserPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "CreatePolicyVersion",
      "DeletePolicyVersion",
      "SetDefaultPolicyVersion",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "AttachUserPolicy",
      "DetachUserPolicy",
      "AttachGroupPolicy",
      "DetachGroupPolicy",
    ]),
    message: {
      subject: "IAM <eventName> by <principalType> in account <account>",
      resource: "<policyArn><policyName> on <userName><roleName><groupName>",
      body: CHECK_CALLER,
      fields: {
        policyArn: "detail.requestParameters.policyArn",
        policyName: "detail.requestParameters.policyName",
        userName: "detail.requestParameters.userName",
        roleName: "detail.requestParameters.roleName",
        groupName: "detail.requestParameters.groupName",
      },
    },
    global: true,
  },
  {
    id: "cloudtrail-changes",
    title: "CloudTrail configuration changed",
    description: "A trail was created, updated or deleted, or its logging started or stopped.",
    severity: Severity.Medium,
    references: { cis: ["CIS 4.5", "CloudWatch.5"], mitre: ["T1562.008"] },
    eventPattern: succeededCall("cloudtrail", [
      "CreateTrail",
      "UpdateTrail",
      "DeleteTrail",
      "StartLogging",
      "StopLogging",
    ]),
    message: {
      subject: "CloudTrail <eventName> in <region>",
      resource: "<trailName>",
      body: "Check that the trail still logs every region, management events read and write, with log file validation. ".concat(
        CHECK_CALLER,
      ),
      fields: { trailName: "detail.requestParameters.name" },
    },
  },
  {
    id: "console-auth-failures",
    title: "Console authentication failure",
    description: "A console sign-in failed (wrong password or MFA code).",
    severity: Severity.Medium,
    references: { cis: ["CIS 4.6", "CloudWatch.6"], mitre: ["T1110"] },
    eventPattern: {
      source: ["aws.signin"],
      "detail-type": [CONSOLE_SIGN_IN],
      detail: {
        eventName: ["ConsoleLogin"],
        responseElements: { ConsoleLogin: ["Failure"] },
      },
    },
    message: {
      subject: "Console sign-in failed for <userName> from <sourceIp>",
      resource: "<principal>",
      body: "A few failures are typos; many for one user or from one IP are password guessing. Check the source IP and whether the user has MFA.",
      fields: { userName: "detail.userIdentity.userName" },
    },
    global: true,
  },
  {
    id: "cmk-disable-or-deletion",
    title: "KMS key disabled or scheduled for deletion",
    description:
      "A customer managed KMS key was disabled or scheduled for deletion: data encrypted with it becomes unreadable (ransom or sabotage).",
    severity: Severity.High,
    references: { cis: ["CIS 4.7", "CloudWatch.7"], mitre: ["T1485", "T1486"] },
    eventPattern: succeededCall("kms", ["DisableKey", "ScheduleKeyDeletion"]),
    message: {
      subject: "KMS <eventName> in <region>, account <account>",
      resource: "<keyId>",
      body: "A scheduled deletion can be cancelled during the waiting period (CancelKeyDeletion) and a disabled key enabled again (EnableKey). Find out why before the window ends.",
      fields: { keyId: "detail.requestParameters.keyId" },
    },
  },
  {
    id: "s3-bucket-policy-changes",
    title: "S3 bucket policy or ACL changed",
    description:
      "A bucket's ACL, policy, CORS, lifecycle or replication was set or deleted (the CIS 4.8 list of calls).",
    severity: Severity.Medium,
    references: { cis: ["CIS 4.8", "CloudWatch.8"], mitre: ["T1530"] },
    eventPattern: succeededCall("s3", [
      "PutBucketAcl",
      "PutBucketPolicy",
      "PutBucketCors",
      "PutBucketLifecycle",
      "PutBucketReplication",
      "DeleteBucketPolicy",
      "DeleteBucketCors",
      "DeleteBucketLifecycle",
      "DeleteBucketReplication",
    ]),
    message: {
      subject: "S3 <eventName> on <bucketName>",
      resource: "<bucketName>",
      body: CHECK_CALLER,
      fields: { bucketName: "detail.requestParameters.bucketName" },
    },
  },
  {
    id: "config-changes",
    title: "AWS Config configuration changed",
    description:
      "The AWS Config recorder or delivery channel was changed, stopped or deleted: configuration history and Config rules may stop.",
    severity: Severity.Medium,
    references: { cis: ["CIS 4.9", "CloudWatch.9"], mitre: ["T1562.001"] },
    eventPattern: succeededCall("config", [
      "StopConfigurationRecorder",
      "DeleteConfigurationRecorder",
      "DeleteDeliveryChannel",
      "PutDeliveryChannel",
      "PutConfigurationRecorder",
    ]),
    message: {
      subject: "AWS Config <eventName> in <region>",
      resource: "account <account>",
      body: "Check that the configuration recorder is recording all resources and that the delivery channel still delivers. ".concat(
        CHECK_CALLER,
      ),
    },
  },
  {
    id: "security-group-changes",
    title: "Security group changed",
    description:
      "A security group or one of its rules was created, modified or deleted. An ingress opened to the internet also raises security-group-open-to-world.",
    severity: Severity.Info,
    references: { cis: ["CIS 4.10", "CloudWatch.10"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", [
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "ModifySecurityGroupRules",
      "CreateSecurityGroup",
      "DeleteSecurityGroup",
    ]),
    message: {
      subject: "<eventName> on <groupId><modifiedGroupId><createdGroupId> in <region>",
      resource: "<groupId><modifiedGroupId><createdGroupId>",
      fields: {
        groupId: "detail.requestParameters.groupId",
        modifiedGroupId: "detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId",
        createdGroupId: "detail.responseElements.groupId",
      },
    },
  },
  {
    id: "nacl-changes",
    title: "Network ACL changed",
    description: "A network ACL, one of its entries or its subnet association was changed.",
    severity: Severity.Info,
    references: { cis: ["CIS 4.11", "CloudWatch.11"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", [
      "CreateNetworkAcl",
      "CreateNetworkAclEntry",
      "DeleteNetworkAcl",
      "DeleteNetworkAclEntry",
      "ReplaceNetworkAclEntry",
      "ReplaceNetworkAclAssociation",
    ]),
    message: {
      subject: "<eventName> on <networkAclId> in <region>",
      resource: "<networkAclId>",
      fields: { networkAclId: "detail.requestParameters.networkAclId" },
    },
  },
  {
    id: "network-gateway-changes",
    title: "Network gateway changed",
    description:
      "An internet or customer gateway was created, attached, detached or deleted: a new path in or out of a VPC.",
    severity: Severity.Medium,
    references: { cis: ["CIS 4.12", "CloudWatch.12"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", [
      "CreateCustomerGateway",
      "DeleteCustomerGateway",
      "AttachInternetGateway",
      "CreateInternetGateway",
      "DeleteInternetGateway",
      "DetachInternetGateway",
    ]),
    message: {
      subject: "<eventName> <internetGatewayId><customerGatewayId> in <region>",
      resource: "<internetGatewayId><customerGatewayId> <vpcId>",
      body: CHECK_CALLER,
      fields: {
        internetGatewayId: "detail.requestParameters.internetGatewayId",
        customerGatewayId: "detail.requestParameters.customerGatewayId",
        vpcId: "detail.requestParameters.vpcId",
      },
    },
  },
  {
    id: "route-table-changes",
    title: "Route table changed",
    description: "A route table, one of its routes or one of its associations was changed.",
    severity: Severity.Info,
    references: { cis: ["CIS 4.13", "CloudWatch.13"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", [
      "CreateRoute",
      "CreateRouteTable",
      "ReplaceRoute",
      "ReplaceRouteTableAssociation",
      "DeleteRouteTable",
      "DeleteRoute",
      "DisassociateRouteTable",
    ]),
    message: {
      subject: "<eventName> on <routeTableId> in <region>",
      resource: "<routeTableId> <destinationCidrBlock>",
      fields: {
        routeTableId: "detail.requestParameters.routeTableId",
        destinationCidrBlock: "detail.requestParameters.destinationCidrBlock",
      },
    },
  },
  {
    id: "vpc-changes",
    title: "VPC changed",
    description: "A VPC, its attributes or a peering connection was created, changed or deleted.",
    severity: Severity.Info,
    references: { cis: ["CIS 4.14", "CloudWatch.14"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", [
      "CreateVpc",
      "DeleteVpc",
      "ModifyVpcAttribute",
      "AcceptVpcPeeringConnection",
      "CreateVpcPeeringConnection",
      "DeleteVpcPeeringConnection",
      "RejectVpcPeeringConnection",
      "AttachClassicLinkVpc",
      "DetachClassicLinkVpc",
      "DisableVpcClassicLink",
      "EnableVpcClassicLink",
    ]),
    message: {
      subject: "<eventName> <vpcId><createdVpcId> in <region>",
      resource: "<vpcId><createdVpcId>",
      fields: {
        vpcId: "detail.requestParameters.vpcId",
        createdVpcId: "detail.responseElements.vpc.vpcId",
      },
    },
  },
  {
    id: "organizations-changes",
    title: "AWS Organizations changed",
    description:
      "The organization, its accounts, units or policies (SCPs) were changed, or an account left or was invited.",
    severity: Severity.Medium,
    references: { cis: ["CIS 4.15"], mitre: ["T1666", "T1484.002"] },
    eventPattern: succeededCall("organizations", [
      "AcceptHandshake",
      "AttachPolicy",
      "CreateAccount",
      "CreateOrganizationalUnit",
      "CreatePolicy",
      "DeclineHandshake",
      "DeleteOrganization",
      "DeleteOrganizationalUnit",
      "DeletePolicy",
      "DetachPolicy",
      "DisablePolicyType",
      "EnablePolicyType",
      "InviteAccountToOrganization",
      "LeaveOrganization",
      "MoveAccount",
      "RemoveAccountFromOrganization",
      "UpdatePolicy",
      "UpdateOrganizationalUnit",
    ]),
    message: {
      subject: "Organizations <eventName> by account <account>",
      body: "Service control policies and account membership are the outer guard rails of every account. ".concat(
        CHECK_CALLER,
      ),
    },
    global: true,
  },

  // ---------------------------------------------------------------- audit logging tampering
  {
    id: "cloudtrail-logging-stopped",
    title: "CloudTrail logging stopped",
    description:
      "StopLogging on a trail: no more API history from now on. Attackers do this first.",
    severity: Severity.Critical,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("cloudtrail", ["StopLogging"]),
    message: {
      subject: "CloudTrail logging stopped in <region>",
      resource: "<trailName>",
      body: "Start logging again (StartLogging) and find out who stopped it and what they did next.",
      fields: { trailName: "detail.requestParameters.name" },
    },
  },
  {
    id: "cloudtrail-deleted",
    title: "CloudTrail trail deleted",
    description:
      "DeleteTrail: the trail and its configuration are gone. It cannot be undone automatically (recreate it from code: pulumi up).",
    severity: Severity.Critical,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("cloudtrail", ["DeleteTrail"]),
    message: {
      subject: "CloudTrail trail deleted in <region>",
      resource: "<trailName>",
      body: "Recreate the trail (pulumi up restores the AuditTrail component) and review the principal's activity since.",
      fields: { trailName: "detail.requestParameters.name" },
    },
  },
  {
    id: "cloudtrail-event-selectors-reduced",
    title: "CloudTrail event selectors reduced",
    description:
      "PutEventSelectors that stops recording management events or keeps only read-only ones: the trail still runs but records less.",
    severity: Severity.High,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("cloudtrail", ["PutEventSelectors"], {
      $or: [
        { requestParameters: { eventSelectors: { includeManagementEvents: [false] } } },
        { requestParameters: { eventSelectors: { readWriteType: ["ReadOnly"] } } },
      ],
    }),
    message: {
      subject: "CloudTrail event selectors reduced in <region>",
      resource: "<trailName>",
      body: "Restore the event selectors: management events, read and write.",
      fields: { trailName: "detail.requestParameters.trailName" },
    },
  },
  {
    id: "s3-short-expiration-lifecycle",
    title: "S3 lifecycle expires objects within 7 days",
    description:
      "PutBucketLifecycle with an enabled rule that expires objects within 7 days: on the trail bucket it silently erases the audit log. EventBridge cannot tell which bucket is the trail's, so every bucket is matched and the alert names it.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.008", "T1485"] },
    eventPattern: succeededCall("s3", ["PutBucketLifecycle"], {
      requestParameters: {
        LifecycleConfiguration: {
          Rule: {
            Status: ["Enabled"],
            Expiration: { Days: [{ numeric: ["<=", 7] }] },
          },
        },
      },
    }),
    message: {
      subject: "Lifecycle on <bucketName> expires objects after <days> days",
      resource: "<bucketName>",
      body: "If this bucket holds CloudTrail logs, remove the rule now and check the trail bucket's retention.",
      fields: {
        bucketName: "detail.requestParameters.bucketName",
        days: "detail.requestParameters.LifecycleConfiguration.Rule.Expiration.Days",
      },
    },
  },
  {
    id: "vpc-flow-logs-deleted",
    title: "VPC flow logs deleted",
    description: "DeleteFlowLogs: network traffic records stop for the VPC, subnet or interface.",
    severity: Severity.High,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("ec2", ["DeleteFlowLogs"]),
    message: {
      subject: "VPC flow logs deleted in <region>",
      resource: "<flowLogId>",
      body: "Recreate the flow logs (pulumi up) and review the principal's activity.",
      fields: { flowLogId: "detail.requestParameters.DeleteFlowLogsRequest.FlowLogId.content" },
    },
  },
  {
    id: "guardduty-disabled",
    title: "GuardDuty disabled",
    description:
      "A GuardDuty detector was deleted or suspended, or this account left its GuardDuty administrator.",
    severity: Severity.Critical,
    references: { mitre: ["T1562.001"] },
    eventPattern: {
      source: ["aws.guardduty"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["guardduty.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          {
            eventName: [
              "DeleteDetector",
              "DisassociateFromAdministratorAccount",
              "DisassociateFromMasterAccount",
              "DeleteMembers",
              "StopMonitoringMembers",
            ],
          },
          { eventName: ["UpdateDetector"], requestParameters: { enable: [false] } },
        ],
      },
    },
    message: {
      subject: "GuardDuty <eventName> in <region>",
      resource: "<detectorId>",
      body: "Re-enable GuardDuty (pulumi up or the console) and review findings up to the change.",
      fields: { detectorId: "detail.requestParameters.detectorId" },
    },
  },
  {
    id: "security-hub-disabled",
    title: "Security Hub disabled",
    description:
      "Security Hub or one of its standards was disabled, or this account left its Security Hub administrator.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("securityhub", [
      "DisableSecurityHub",
      "BatchDisableStandards",
      "DisassociateFromAdministratorAccount",
      "DisassociateFromMasterAccount",
      "DeleteMembers",
    ]),
    message: {
      subject: "Security Hub <eventName> in <region>",
      body: "Enable Security Hub and its standards again and review the principal's activity.",
    },
  },

  // ---------------------------------------------------------------- credentials and privileges
  {
    id: "access-key-created-for-other-user",
    title: "Access key created for another user",
    description:
      "CreateAccessKey naming a user (requestParameters.userName). EventBridge cannot compare two fields, so a user creating a key for themselves with an explicit userName also matches: the remediation compares the caller with the user and acts only when they differ.",
    severity: Severity.High,
    references: { mitre: ["T1098.001"] },
    eventPattern: succeededCall("iam", ["CreateAccessKey"], {
      requestParameters: { userName: [{ exists: true }] },
    }),
    message: {
      subject: "Access key created for user <userName> by <principalType>",
      resource: "<accessKeyId> of user <userName>",
      body: "Persistence technique: a second key on another user. If not expected, deactivate the key (never delete it before the review).",
      fields: {
        userName: "detail.requestParameters.userName",
        accessKeyId: "detail.responseElements.accessKey.accessKeyId",
      },
    },
    global: true,
  },
  {
    id: "access-key-flagged-compromised",
    title: "Access key flagged as compromised by AWS",
    description:
      "AWS attached its AWSCompromisedKeyQuarantine policy to a user: one of its access keys was found exposed (public repository, paste site). Alert only: the event names the user, not the key; access-key-exposed (the AWS Health event for the same exposure) quarantines the key.",
    severity: Severity.Critical,
    references: { mitre: ["T1552.001", "T1078.004"] },
    eventPattern: {
      source: ["aws.iam"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["iam.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          {
            eventName: ["AttachUserPolicy"],
            requestParameters: {
              policyArn: [{ prefix: "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine" }],
            },
          },
          {
            eventName: ["PutUserPolicy"],
            requestParameters: { policyName: [{ prefix: "AWSCompromisedKeyQuarantine" }] },
          },
        ],
      },
    },
    message: {
      subject: "AWS flagged an access key of <userName> as compromised",
      resource: "user <userName>",
      body: "Deactivate the exposed key, create a new one where it is needed, remove the secret from where it leaked, and review the key's activity (CloudTrail, by access key id).",
      fields: { userName: "detail.requestParameters.userName" },
    },
    global: true,
  },
  {
    id: "access-key-exposed",
    title: "Access key exposed publicly (AWS Health)",
    description:
      "AWS Health AWS_RISK_CREDENTIALS_EXPOSED: AWS found an access key of this account in a public place (code repository, paste site). AWS also attaches its AWSCompromisedKeyQuarantine policy to the user (access-key-flagged-compromised). An AWS Health event, not a CloudTrail record.",
    severity: Severity.Critical,
    references: { mitre: ["T1552.001", "T1078.004"] },
    eventPattern: {
      source: ["aws.health"],
      "detail-type": ["AWS Health Event"],
      detail: {
        service: ["RISK"],
        eventTypeCode: ["AWS_RISK_CREDENTIALS_EXPOSED"],
      },
    },
    message: {
      subject: "AWS found access key <accessKeyId> exposed publicly",
      resource: "access key <accessKeyId>",
      body: "Treat the key as in an attacker's hands: deactivate it, create a new one where it is needed, remove the secret from where it leaked, and review what the key did (CloudTrail event history, filter by access key id).",
      fields: { accessKeyId: "detail.affectedEntities[0].entityValue" },
    },
    origin: EventOrigin.AwsHealth,
    global: true,
  },
  {
    id: "login-profile-set-for-other-user",
    title: "Console password set for another user",
    description:
      "CreateLoginProfile or UpdateLoginProfile naming a user: someone gave a user a console password or changed it (users change their own with ChangePassword). EventBridge cannot compare the caller with the user: check it.",
    severity: Severity.High,
    references: { mitre: ["T1098.001", "T1098"] },
    eventPattern: succeededCall("iam", ["CreateLoginProfile", "UpdateLoginProfile"], {
      requestParameters: { userName: [{ exists: true }] },
    }),
    message: {
      subject: "<eventName> for user <userName> by <principalType>",
      resource: "user <userName>",
      body: "If not expected, delete the login profile (DeleteLoginProfile) and check the user's other credentials.",
      fields: { userName: "detail.requestParameters.userName" },
    },
    global: true,
  },
  {
    id: "role-trust-policy-changed",
    title: "Role trust policy changed",
    description:
      "UpdateAssumeRolePolicy: who may assume the role changed. A backdoor adds an outside account or a wildcard principal; EventBridge cannot read the policy text, so every change is reported.",
    severity: Severity.High,
    references: { mitre: ["T1098.003", "T1484.002"] },
    eventPattern: succeededCall("iam", ["UpdateAssumeRolePolicy"], {
      requestParameters: { policyDocument: [{ exists: true }] },
    }),
    message: {
      subject: "Trust policy of role <roleName> changed",
      resource: "role <roleName>",
      body: "Read the new trust policy: a Principal of * or of an unknown account lets outsiders assume the role. Revert it if not planned.",
      fields: { roleName: "detail.requestParameters.roleName" },
    },
    global: true,
  },
  {
    id: "admin-policy-attached",
    title: "AdministratorAccess attached",
    description: "A policy named AdministratorAccess was attached to a user, role or group.",
    severity: Severity.High,
    references: { mitre: ["T1098.003"] },
    eventPattern: succeededCall(
      "iam",
      ["AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy"],
      {
        requestParameters: { policyArn: [{ suffix: "/AdministratorAccess" }] },
      },
    ),
    message: {
      subject: "AdministratorAccess attached to <userName><roleName><groupName>",
      resource: "<userName><roleName><groupName>",
      body: "Full admin should be rare and temporary. If not planned, detach the policy and review the principal that attached it.",
      fields: {
        userName: "detail.requestParameters.userName",
        roleName: "detail.requestParameters.roleName",
        groupName: "detail.requestParameters.groupName",
      },
    },
    global: true,
  },
  {
    id: "federation-token-created",
    title: "Federation token created",
    description:
      "GetFederationToken: an IAM user minted temporary credentials that survive the deletion of its access key (a known persistence trick).",
    severity: Severity.Medium,
    references: { mitre: ["T1550.001", "T1078.004"] },
    eventPattern: succeededCall("sts", ["GetFederationToken"]),
    message: {
      subject: "GetFederationToken by <principalType> from <sourceIp>",
      resource: "federated user <federatedName>",
      body: "Few workloads use this call. If not expected, deny sts:GetFederationToken to the user and revoke its sessions.",
      fields: { federatedName: "detail.requestParameters.name" },
    },
    global: true,
  },

  // ---------------------------------------------------------------- data exposure
  {
    id: "ebs-snapshot-made-public",
    title: "EBS snapshot made public",
    description: "ModifySnapshotAttribute added the group all: anyone can copy the volume's data.",
    severity: Severity.Critical,
    references: { mitre: ["T1537"] },
    eventPattern: succeededCall("ec2", ["ModifySnapshotAttribute"], {
      requestParameters: { createVolumePermission: { add: { items: { group: ["all"] } } } },
    }),
    message: {
      subject: "Snapshot <snapshotId> made public in <region>",
      resource: "<snapshotId>",
      body: "Remove the public permission now (remove group all) and find out what the volume held.",
      fields: { snapshotId: "detail.requestParameters.snapshotId" },
    },
  },
  {
    id: "ami-made-public",
    title: "AMI made public",
    description:
      "ModifyImageAttribute added the group all to the launch permission: anyone can launch it and read its disks.",
    severity: Severity.Critical,
    references: { mitre: ["T1537"] },
    eventPattern: succeededCall("ec2", ["ModifyImageAttribute"], {
      requestParameters: { launchPermission: { add: { items: { group: ["all"] } } } },
    }),
    message: {
      subject: "AMI <imageId> made public in <region>",
      resource: "<imageId>",
      body: "Remove the public launch permission now (remove group all) and check the image for secrets.",
      fields: { imageId: "detail.requestParameters.imageId" },
    },
  },
  {
    id: "rds-snapshot-made-public",
    title: "RDS snapshot made public",
    description:
      "ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute added all to the restore attribute: anyone can restore the database. Alert only: the snapshot remediation undoes public EBS snapshots and AMIs, not RDS snapshots.",
    severity: Severity.Critical,
    references: { mitre: ["T1537"] },
    eventPattern: succeededCall(
      "rds",
      ["ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"],
      { requestParameters: { attributeName: ["restore"], valuesToAdd: ["all"] } },
    ),
    message: {
      subject: "RDS snapshot <dbSnapshot><dbClusterSnapshot> made public in <region>",
      resource: "<dbSnapshot><dbClusterSnapshot>",
      body: "Remove all from the restore attribute now and find out what the database held.",
      fields: {
        dbSnapshot: "detail.requestParameters.dBSnapshotIdentifier",
        dbClusterSnapshot: "detail.requestParameters.dBClusterSnapshotIdentifier",
      },
    },
  },
  {
    id: "snapshot-shared-cross-account",
    title: "EBS snapshot or AMI shared with another account",
    description:
      "ModifySnapshotAttribute or ModifyImageAttribute added an account (userId) to the permissions: a way to copy data out. It may be a planned share.",
    severity: Severity.High,
    references: { mitre: ["T1537"] },
    eventPattern: {
      source: ["aws.ec2"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["ec2.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          {
            eventName: ["ModifySnapshotAttribute"],
            requestParameters: {
              createVolumePermission: { add: { items: { userId: [{ exists: true }] } } },
            },
          },
          {
            eventName: ["ModifyImageAttribute"],
            requestParameters: {
              launchPermission: { add: { items: { userId: [{ exists: true }] } } },
            },
          },
        ],
      },
    },
    message: {
      subject: "<snapshotId><imageId> shared with account <sharedSnapshotWith><sharedImageWith>",
      resource: "<snapshotId><imageId>",
      body: "Check that the account is one of yours or a known partner; if not, remove the permission.",
      fields: {
        snapshotId: "detail.requestParameters.snapshotId",
        imageId: "detail.requestParameters.imageId",
        sharedSnapshotWith: "detail.requestParameters.createVolumePermission.add.items[0].userId",
        sharedImageWith: "detail.requestParameters.launchPermission.add.items[0].userId",
      },
    },
  },
  {
    id: "rds-snapshot-shared-cross-account",
    title: "RDS snapshot shared with another account",
    description:
      "ModifyDBSnapshotAttribute or ModifyDBClusterSnapshotAttribute added an account to the restore attribute. It may be a planned share.",
    severity: Severity.High,
    references: { mitre: ["T1537"] },
    eventPattern: succeededCall(
      "rds",
      ["ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"],
      {
        requestParameters: { attributeName: ["restore"], valuesToAdd: [{ "anything-but": "all" }] },
      },
    ),
    message: {
      subject: "RDS snapshot <dbSnapshot><dbClusterSnapshot> shared with <sharedWith>",
      resource: "<dbSnapshot><dbClusterSnapshot>",
      body: "Check that the account is one of yours or a known partner; if not, remove it from the restore attribute.",
      fields: {
        dbSnapshot: "detail.requestParameters.dBSnapshotIdentifier",
        dbClusterSnapshot: "detail.requestParameters.dBClusterSnapshotIdentifier",
        sharedWith: "detail.requestParameters.valuesToAdd[0]",
      },
    },
  },
  {
    id: "bucket-public-access-block-removed",
    title: "S3 bucket public access block removed",
    description:
      "DeleteBucketPublicAccessBlock, or PutBucketPublicAccessBlock with one of the four settings false: the bucket can now be made public.",
    severity: Severity.High,
    references: { mitre: ["T1530"] },
    eventPattern: {
      source: ["aws.s3"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["s3.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          { eventName: ["DeleteBucketPublicAccessBlock"] },
          {
            eventName: ["PutBucketPublicAccessBlock"],
            requestParameters: {
              PublicAccessBlockConfiguration: ANY_PUBLIC_ACCESS_BLOCK_OFF,
            },
          },
        ],
      },
    },
    message: {
      subject: "Public access block weakened on <bucketName>",
      resource: "<bucketName>",
      body: "Put the four public access block settings back to true unless the bucket is meant to be public (then tag it as exempt).",
      fields: { bucketName: "detail.requestParameters.bucketName" },
    },
  },
  {
    id: "account-public-access-block-removed",
    title: "S3 account public access block removed",
    description:
      "DeleteAccountPublicAccessBlock, or PutAccountPublicAccessBlock with a setting false: every bucket of the account loses the account-level guard. The remediation puts the four settings back.",
    severity: Severity.Critical,
    references: { mitre: ["T1530"] },
    eventPattern: {
      source: ["aws.s3"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["s3.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          { eventName: ["DeleteAccountPublicAccessBlock"] },
          {
            eventName: ["PutAccountPublicAccessBlock"],
            requestParameters: {
              PublicAccessBlockConfiguration: ANY_PUBLIC_ACCESS_BLOCK_OFF,
            },
          },
        ],
      },
    },
    message: {
      subject: "Account public access block removed in account <account>",
      resource: "account <account>",
      body: "Put the account-level public access block back (all four settings true).",
    },
  },
  {
    id: "s3-bucket-made-public",
    title: "S3 bucket made public",
    description:
      "PutBucketAcl with a public canned ACL or a grant to AllUsers or AuthenticatedUsers (in the access control policy or in an x-amz-grant-* header), or PutBucketPolicy with a wildcard principal. Conditions in the policy may still restrict it: the remediation reads the policy before acting.",
    severity: Severity.Critical,
    references: { mitre: ["T1530"] },
    eventPattern: {
      source: ["aws.s3"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["s3.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          {
            eventName: ["PutBucketAcl"],
            requestParameters: {
              "x-amz-acl": ["public-read", "public-read-write", "authenticated-read"],
            },
          },
          {
            eventName: ["PutBucketAcl"],
            requestParameters: {
              AccessControlPolicy: {
                AccessControlList: {
                  Grant: {
                    Grantee: {
                      URI: [
                        "http://acs.amazonaws.com/groups/global/AllUsers",
                        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
                      ],
                    },
                  },
                },
              },
            },
          },
          // The grant headers of PutBucketAcl (x-amz-grant-read: uri="http://acs…/AllUsers"),
          // recorded as request parameters. No wildcard (30 such rules per bus, not adjustable)
          // and the pattern's 2,048 characters: the public grantee alone or last in the header
          // (suffix); one before another grantee is seen by the remediation's own reading of
          // the request and by the AWS Config rule, not by this pattern.
          ...PUBLIC_GRANT_HEADERS.map((header) => ({
            eventName: ["PutBucketAcl"],
            requestParameters: { [header]: PUBLIC_GRANT_VALUES },
          })),
          {
            eventName: ["PutBucketPolicy"],
            requestParameters: {
              bucketPolicy: {
                Statement: { $or: [{ Principal: ["*"] }, { Principal: { AWS: ["*"] } }] },
              },
            },
          },
        ],
      },
    },
    message: {
      subject: "S3 bucket <bucketName> made public by <eventName>",
      resource: "<bucketName>",
      body: "Remove the public grant or statement unless the bucket is meant to be public (then tag it as exempt).",
      fields: { bucketName: "detail.requestParameters.bucketName" },
    },
  },

  // ---------------------------------------------------------------- network exposure
  // An all-traffic permission (protocol -1) has no port: an EventBridge input transformer
  // cannot branch, so it has its own detection and subject ("on all ports"), and the port
  // detection leaves it out.
  {
    id: "security-group-open-to-world",
    title: "Security group ingress opened to the internet",
    description:
      "AuthorizeSecurityGroupIngress with 0.0.0.0/0 or ::/0 on a port range. The remediation revokes exactly the world-open permissions on ports that are not allowed public.",
    severity: Severity.Critical,
    references: { cis: ["CIS 5.2", "CIS 5.3"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", ["AuthorizeSecurityGroupIngress"], {
      requestParameters: {
        $or: [
          {
            ipPermissions: {
              items: {
                ipProtocol: [{ "anything-but": "-1" }],
                $or: [
                  { ipRanges: { items: { cidrIp: ["0.0.0.0/0"] } } },
                  { ipv6Ranges: { items: { cidrIpv6: ["::/0"] } } },
                ],
              },
            },
          },
          // The legacy flat form (CidrIp, IpProtocol, FromPort, ToPort at the top level).
          { ipProtocol: [{ "anything-but": "-1" }], cidrIp: ["0.0.0.0/0"] },
        ],
      },
    }),
    message: {
      // One of each pair is empty: the ipPermissions form or the legacy flat form.
      subject: "<groupId> opened to the internet on port <fromPort><flatFromPort> in <region>",
      resource: "<groupId> <protocol><flatProtocol> <fromPort><flatFromPort>-<toPort><flatToPort>",
      body: "Anyone on the internet can now reach this port. Allow only the addresses that need it.",
      fields: {
        groupId: "detail.requestParameters.groupId",
        protocol: "detail.requestParameters.ipPermissions.items[0].ipProtocol",
        fromPort: "detail.requestParameters.ipPermissions.items[0].fromPort",
        toPort: "detail.requestParameters.ipPermissions.items[0].toPort",
        flatProtocol: "detail.requestParameters.ipProtocol",
        flatFromPort: "detail.requestParameters.fromPort",
        flatToPort: "detail.requestParameters.toPort",
      },
    },
  },
  {
    id: "security-group-open-all-ports",
    title: "Security group ingress opened to the internet on all ports",
    description:
      "AuthorizeSecurityGroupIngress with 0.0.0.0/0 or ::/0 for all traffic (protocol -1). The remediation revokes exactly the world-open permissions.",
    severity: Severity.Critical,
    references: { cis: ["CIS 5.2", "CIS 5.3"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", ["AuthorizeSecurityGroupIngress"], {
      requestParameters: {
        $or: [
          {
            ipPermissions: {
              items: {
                ipProtocol: ["-1"],
                $or: [
                  { ipRanges: { items: { cidrIp: ["0.0.0.0/0"] } } },
                  { ipv6Ranges: { items: { cidrIpv6: ["::/0"] } } },
                ],
              },
            },
          },
          // The legacy flat form (CidrIp and IpProtocol at the top level).
          { ipProtocol: ["-1"], cidrIp: ["0.0.0.0/0"] },
        ],
      },
    }),
    message: {
      subject: "<groupId> opened to the internet on all ports in <region>",
      resource: "<groupId> all traffic",
      body: "Anyone on the internet can now reach every port. Allow only the addresses and ports that need it.",
      fields: { groupId: "detail.requestParameters.groupId" },
    },
  },
  {
    id: "security-group-rule-open-to-world",
    title: "Security group rule modified to allow the internet",
    description:
      "ModifySecurityGroupRules setting a rule's source to 0.0.0.0/0 or ::/0 on a port range (ingress or egress: the remediation checks the direction).",
    severity: Severity.Critical,
    references: { cis: ["CIS 5.2", "CIS 5.3"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", ["ModifySecurityGroupRules"], {
      requestParameters: {
        ModifySecurityGroupRulesRequest: {
          SecurityGroupRule: {
            SecurityGroupRule: {
              IpProtocol: [{ "anything-but": "-1" }],
              $or: [{ CidrIpv4: ["0.0.0.0/0"] }, { CidrIpv6: ["::/0"] }],
            },
          },
        },
      },
    }),
    message: {
      subject: "<groupId> rule opened to the internet on port <fromPort> in <region>",
      resource: "<groupId> <ruleId>",
      body: "Anyone on the internet can now reach this port. Allow only the addresses that need it.",
      fields: {
        groupId: "detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId",
        ruleId:
          "detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRuleId",
        fromPort:
          "detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.FromPort",
      },
    },
  },
  {
    id: "security-group-rule-open-all-ports",
    title: "Security group rule modified to allow the internet on all ports",
    description:
      "ModifySecurityGroupRules setting a rule's source to 0.0.0.0/0 or ::/0 for all traffic (protocol -1; ingress or egress: the remediation checks the direction).",
    severity: Severity.Critical,
    references: { cis: ["CIS 5.2", "CIS 5.3"], mitre: ["T1562.007"] },
    eventPattern: succeededCall("ec2", ["ModifySecurityGroupRules"], {
      requestParameters: {
        ModifySecurityGroupRulesRequest: {
          SecurityGroupRule: {
            SecurityGroupRule: {
              IpProtocol: ["-1"],
              $or: [{ CidrIpv4: ["0.0.0.0/0"] }, { CidrIpv6: ["::/0"] }],
            },
          },
        },
      },
    }),
    message: {
      subject: "<groupId> rule opened to the internet on all ports in <region>",
      resource: "<groupId> <ruleId>",
      body: "Anyone on the internet can now reach every port. Allow only the addresses and ports that need it.",
      fields: {
        groupId: "detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId",
        ruleId:
          "detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRuleId",
      },
    },
  },
  {
    id: "config-recorder-stopped",
    title: "AWS Config recorder stopped",
    description: "StopConfigurationRecorder: resource configuration history and Config rules stop.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("config", ["StopConfigurationRecorder"]),
    message: {
      subject: "AWS Config recorder stopped in <region>",
      resource: "<recorderName>",
      body: "Start the recorder again (StartConfigurationRecorder) and review the principal's activity.",
      fields: { recorderName: "detail.requestParameters.configurationRecorderName" },
    },
  },
];

/**
 * Every detection: the foundation above, then one file per MITRE ATT&CK tactic under
 * core/catalog/, then the AWS Config compliance detections (ids are unique across all of them;
 * tests/catalog.test.ts checks it).
 */
export const CATALOG: readonly Detection[] = withRemediations([
  ...FOUNDATION,
  ...CREDENTIAL_ACCESS,
  ...EXECUTION,
  ...PERSISTENCE,
  ...LATERAL_MOVEMENT,
  ...DEFENSE_EVASION,
  ...EXFILTRATION,
  ...IMPACT,
  ...DISCOVERY,
  // AWS Config compliance changes (core/catalog/complianceDetections.ts)
  ...COMPLIANCE_DETECTIONS,
]);

/**
 * Each detection with the remediation that names it in the registry (a remediation's spec
 * lists its detections: remediations/<id>/spec.ts `detections`); the compliance detections
 * carry their Config rule's link already.
 */
function withRemediations(detections: readonly Detection[]): readonly Detection[] {
  const links = detectionRemediations();
  return detections.map((d) =>
    links[d.id] ? { ...d, remediation: links[d.id] as RemediationId } : d,
  );
}
