/**
 * Defense evasion (MITRE ATT&CK TA0005): the logs, detectors, findings and guard rails that
 * would show the attack, switched off, filtered or deleted.
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { API_CALL, CHECK_CALLER, SUCCEEDED, succeededCall } from "./common";

const TURN_BACK_ON =
  "Turn it back on (pulumi up restores what this package deploys) and review the principal's activity since.";

export const DEFENSE_EVASION: readonly Detection[] = [
  {
    id: "dns-query-logging-removed",
    title: "Route 53 Resolver query logging removed",
    description:
      "A Resolver query logging configuration was deleted or detached from a VPC: DNS lookups (and DNS exfiltration) go unrecorded.",
    severity: Severity.High,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("route53resolver", [
      "DeleteResolverQueryLogConfig",
      "DisassociateResolverQueryLogConfig",
    ]),
    message: {
      subject: "DNS query logging <eventName> in <region>",
      resource: "<configId> <vpcId>",
      body: TURN_BACK_ON,
      fields: {
        configId: "detail.requestParameters.resolverQueryLogConfigId",
        vpcId: "detail.requestParameters.resourceId",
      },
    },
  },
  {
    id: "guardduty-detector-suspended",
    title: "GuardDuty detector suspended",
    description:
      "UpdateDetector with enable false, or a protection plan turned off while the detector stays enabled (features or the legacy dataSources: S3, EKS audit logs, malware scans, runtime monitoring...): GuardDuty stops analysing this region or that part of it. The remediation enables the detector and the plans again.",
    severity: Severity.Critical,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("guardduty", ["UpdateDetector"], {
      requestParameters: {
        $or: [
          { enable: [false] },
          { features: { status: ["DISABLED"] } },
          { features: { additionalConfiguration: { status: ["DISABLED"] } } },
          { dataSources: { s3Logs: { enable: [false] } } },
          { dataSources: { kubernetes: { auditLogs: { enable: [false] } } } },
          {
            dataSources: {
              malwareProtection: { scanEc2InstanceWithFindings: { ebsVolumes: [false] } },
            },
          },
        ],
      },
    }),
    message: {
      subject: "GuardDuty detector <detectorId> suspended in <region>",
      resource: "<detectorId>",
      body: "Enable the detector again and review findings up to the change.",
      fields: { detectorId: "detail.requestParameters.detectorId" },
    },
  },
  {
    id: "guardduty-suppression-rule",
    title: "GuardDuty findings auto-archived",
    description:
      "CreateFilter or UpdateFilter with action ARCHIVE: the findings the filter matches are archived as they arrive, and nobody sees them.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("guardduty", ["CreateFilter", "UpdateFilter"], {
      requestParameters: { action: ["ARCHIVE"] },
    }),
    message: {
      subject: "GuardDuty findings auto-archived in <region>",
      resource: "<detectorId> filter <filterName>",
      body: "Read the filter's criteria; delete it unless it suppresses a known false positive.",
      fields: {
        detectorId: "detail.requestParameters.detectorId",
        filterName: "detail.requestParameters.name",
      },
    },
  },
  {
    id: "guardduty-trusted-ip-list-changed",
    title: "GuardDuty trusted IP or threat list changed",
    description:
      "A trusted IP list (no findings for its addresses) was created or updated, or a threat list deleted or changed.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("guardduty", [
      "CreateIPSet",
      "UpdateIPSet",
      "DeleteThreatIntelSet",
      "UpdateThreatIntelSet",
    ]),
    message: {
      subject: "GuardDuty <eventName> in <region>",
      resource: "<detectorId> <name><ipSetId><threatIntelSetId>",
      body: "Check the list's location and the addresses it holds. ".concat(CHECK_CALLER),
      fields: {
        detectorId: "detail.requestParameters.detectorId",
        name: "detail.requestParameters.name",
        ipSetId: "detail.requestParameters.ipSetId",
        threatIntelSetId: "detail.requestParameters.threatIntelSetId",
      },
    },
  },
  {
    id: "guardduty-publishing-changed",
    title: "GuardDuty findings export changed",
    description:
      "A publishing destination (findings exported to S3) was deleted or updated: the long-term record of findings stops or goes elsewhere.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("guardduty", [
      "DeletePublishingDestination",
      "UpdatePublishingDestination",
    ]),
    message: {
      subject: "GuardDuty <eventName> in <region>",
      resource: "<detectorId> <destinationId>",
      body: TURN_BACK_ON,
      fields: {
        detectorId: "detail.requestParameters.detectorId",
        destinationId: "detail.requestParameters.destinationId",
      },
    },
  },
  {
    id: "security-hub-findings-suppressed",
    title: "Security Hub findings suppressed or archived",
    description:
      "BatchUpdateFindings setting the workflow status SUPPRESSED, or UpdateFindings archiving findings: they leave every dashboard.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: {
      source: ["aws.securityhub"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["securityhub.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          {
            eventName: ["BatchUpdateFindings"],
            requestParameters: { Workflow: { Status: ["SUPPRESSED"] } },
          },
          { eventName: ["UpdateFindings"], requestParameters: { RecordState: ["ARCHIVED"] } },
        ],
      },
    },
    message: {
      subject: "Security Hub findings <eventName> by <principalType> in <region>",
      resource: "<firstFinding>",
      body: "Check which findings were hidden and why; reopen them (workflow status NEW) if nobody can explain it.",
      fields: { firstFinding: "detail.requestParameters.FindingIdentifiers[0].Id" },
    },
  },
  {
    id: "security-hub-automation-rule-changed",
    title: "Security Hub automation rule changed",
    description:
      "An automation rule was created or updated: it can suppress or downgrade every matching finding from now on.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("securityhub", [
      "CreateAutomationRule",
      "BatchUpdateAutomationRules",
    ]),
    message: {
      subject: "Security Hub <eventName> in <region>",
      resource: "<ruleName>",
      body: "Read the rule's criteria and actions. ".concat(CHECK_CALLER),
      fields: { ruleName: "detail.requestParameters.RuleName" },
    },
  },
  {
    id: "macie-disabled",
    title: "Macie disabled or paused",
    description:
      "DisableMacie, UpdateMacieSession with status PAUSED, or this account left its Macie administrator: sensitive data discovery stops.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: {
      source: ["aws.macie2"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["macie2.amazonaws.com"],
        errorCode: SUCCEEDED,
        $or: [
          {
            eventName: [
              "DisableMacie",
              "DisassociateFromAdministratorAccount",
              "DisassociateFromMasterAccount",
            ],
          },
          { eventName: ["UpdateMacieSession"], requestParameters: { status: ["PAUSED"] } },
        ],
      },
    },
    message: {
      subject: "Macie <eventName> in <region>",
      resource: "account <account>",
      body: TURN_BACK_ON,
    },
  },
  {
    id: "inspector-disabled",
    title: "Inspector disabled",
    description:
      "Inspector scanning was disabled for some resource types, or the account left its Inspector administrator: vulnerability findings stop.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("inspector2", ["Disable", "DisassociateMember"]),
    message: {
      subject: "Inspector <eventName> in <region>",
      resource: "<resourceTypes>",
      body: TURN_BACK_ON,
      fields: { resourceTypes: "detail.requestParameters.resourceTypes" },
    },
  },
  {
    id: "access-analyzer-deleted",
    title: "IAM Access Analyzer deleted",
    description:
      "DeleteAnalyzer: findings about resources shared outside the account or organization stop.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("access-analyzer", ["DeleteAnalyzer"]),
    message: {
      subject: "IAM Access Analyzer deleted in <region>",
      resource: "<analyzerName>",
      body: TURN_BACK_ON,
      fields: { analyzerName: "detail.requestParameters.analyzerName" },
    },
  },
  {
    id: "access-analyzer-archive-rule-changed",
    title: "IAM Access Analyzer archive rule changed",
    description:
      "CreateArchiveRule or UpdateArchiveRule: external-access findings that match are archived automatically.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("access-analyzer", ["CreateArchiveRule", "UpdateArchiveRule"]),
    message: {
      subject: "Access Analyzer archive rule set in <region>",
      resource: "<analyzerName> rule <ruleName>",
      body: "Read the rule's filter: it must not hide sharing with accounts you do not know.",
      fields: {
        analyzerName: "detail.requestParameters.analyzerName",
        ruleName: "detail.requestParameters.ruleName",
      },
    },
  },
  {
    id: "detective-disabled",
    title: "Detective disabled",
    description:
      "DeleteGraph, DeleteMembers or DisassociateMembership: the behaviour graph investigators rely on is gone or stops receiving this account.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("detective", [
      "DeleteGraph",
      "DeleteMembers",
      "DisassociateMembership",
    ]),
    message: {
      subject: "Detective <eventName> in <region>",
      resource: "<graphArn>",
      body: TURN_BACK_ON,
      fields: { graphArn: "detail.requestParameters.GraphArn" },
    },
  },
  {
    id: "ebs-default-encryption-disabled",
    title: "EBS encryption by default disabled",
    description:
      "DisableEbsEncryptionByDefault: new volumes and snapshot copies in this region may be unencrypted. The remediation turns it back on.",
    severity: Severity.High,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("ec2", ["DisableEbsEncryptionByDefault"]),
    message: {
      subject: "EBS encryption by default disabled in <region>",
      resource: "account <account>",
      body: "Enable it again (EnableEbsEncryptionByDefault) and look for unencrypted volumes created since.",
    },
  },
  {
    id: "s3-versioning-suspended",
    title: "S3 versioning suspended",
    description:
      "PutBucketVersioning with status Suspended: overwritten and deleted objects can no longer be recovered, the first step of S3 ransomware. The remediation enables versioning again.",
    severity: Severity.High,
    references: { mitre: ["T1490", "T1485"] },
    eventPattern: succeededCall("s3", ["PutBucketVersioning"], {
      requestParameters: { VersioningConfiguration: { Status: ["Suspended"] } },
    }),
    message: {
      subject: "Versioning suspended on <bucketName>",
      resource: "<bucketName>",
      body: "Enable versioning again unless the bucket is meant to be unversioned (then tag it as exempt).",
      fields: { bucketName: "detail.requestParameters.bucketName" },
    },
  },
  {
    id: "s3-mfa-delete-disabled",
    title: "S3 MFA delete disabled",
    description:
      "PutBucketVersioning with MfaDelete Disabled: deleting object versions no longer needs the root user's MFA. Alert only: only the root user with its MFA device can turn it back on.",
    severity: Severity.High,
    references: { mitre: ["T1490"] },
    eventPattern: succeededCall("s3", ["PutBucketVersioning"], {
      requestParameters: { VersioningConfiguration: { MfaDelete: ["Disabled"] } },
    }),
    message: {
      subject: "MFA delete disabled on <bucketName>",
      resource: "<bucketName>",
      body: "Ask the holder of the root MFA device to enable MFA delete again, and check for deleted versions since.",
      fields: { bucketName: "detail.requestParameters.bucketName" },
    },
  },
  {
    id: "s3-access-logging-disabled",
    title: "S3 server access logging disabled",
    description:
      "PutBucketLogging without a LoggingEnabled element: requests to the bucket are no longer logged.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("s3", ["PutBucketLogging"], {
      requestParameters: {
        // exists matches leaves only: LoggingEnabled is an object, its TargetBucket a leaf.
        BucketLoggingStatus: {
          xmlns: [{ exists: true }],
          LoggingEnabled: { TargetBucket: [{ exists: false }] },
        },
      },
    }),
    message: {
      subject: "Access logging disabled on <bucketName>",
      resource: "<bucketName>",
      body: TURN_BACK_ON,
      fields: { bucketName: "detail.requestParameters.bucketName" },
    },
  },
  {
    id: "log-group-deleted",
    title: "CloudWatch log group deleted",
    description:
      "DeleteLogGroup: the group's logs are gone, and the trail (if it wrote there) can no longer deliver.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.008", "T1070"] },
    eventPattern: succeededCall("logs", ["DeleteLogGroup"]),
    message: {
      subject: "CloudWatch log group deleted in <region>",
      resource: "<logGroupName>",
      body: TURN_BACK_ON,
      fields: { logGroupName: "detail.requestParameters.logGroupName" },
    },
  },
  {
    id: "log-subscription-removed",
    title: "CloudWatch log subscription filter deleted",
    description:
      "DeleteSubscriptionFilter: logs stop flowing to the SIEM, archive or stream that received them.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("logs", ["DeleteSubscriptionFilter"]),
    message: {
      subject: "CloudWatch log subscription filter deleted in <region>",
      resource: "<logGroupName> <filterName>",
      body: TURN_BACK_ON,
      fields: {
        logGroupName: "detail.requestParameters.logGroupName",
        filterName: "detail.requestParameters.filterName",
      },
    },
  },
  {
    id: "log-retention-shortened",
    title: "CloudWatch log retention set to a week or less",
    description:
      "PutRetentionPolicy of 7 days or fewer: the group's history disappears within a week.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.008", "T1070"] },
    eventPattern: succeededCall("logs", ["PutRetentionPolicy"], {
      requestParameters: { retentionInDays: [{ numeric: ["<=", 7] }] },
    }),
    message: {
      subject: "Log retention set to <days> days in <region>",
      resource: "<logGroupName>",
      body: "If the group holds audit logs, set its retention back (365 days or more).",
      fields: {
        logGroupName: "detail.requestParameters.logGroupName",
        days: "detail.requestParameters.retentionInDays",
      },
    },
  },
  {
    id: "config-rule-deleted",
    title: "AWS Config rule or conformance pack deleted",
    description:
      "DeleteConfigRule, DeleteConformancePack or DeleteRemediationConfiguration: a compliance check (or its automatic fix) is gone.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("config", [
      "DeleteConfigRule",
      "DeleteConformancePack",
      "DeleteRemediationConfiguration",
    ]),
    message: {
      subject: "AWS Config <eventName> in <region>",
      resource: "<ruleName><packName>",
      body: TURN_BACK_ON,
      fields: {
        ruleName: "detail.requestParameters.configRuleName",
        packName: "detail.requestParameters.conformancePackName",
      },
    },
  },
  {
    id: "alarm-deleted-or-muted",
    title: "CloudWatch alarms deleted or muted",
    description:
      "DeleteAlarms or DisableAlarmActions: the alarms (the CIS ones of this package included) no longer notify anyone.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: {
      source: ["aws.cloudwatch", "aws.monitoring"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["monitoring.amazonaws.com"],
        eventName: ["DeleteAlarms", "DisableAlarmActions"],
        errorCode: SUCCEEDED,
      },
    },
    message: {
      subject: "CloudWatch <eventName> in <region>",
      resource: "<firstAlarm> and others named in the request",
      body: TURN_BACK_ON,
      fields: { firstAlarm: "detail.requestParameters.alarmNames[0]" },
    },
  },
  {
    id: "event-rule-disabled-or-deleted",
    title: "EventBridge rule disabled or deleted",
    description:
      "DisableRule, DeleteRule or RemoveTargets: events stop reaching their targets (the detections of this package are EventBridge rules).",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("events", ["DisableRule", "DeleteRule", "RemoveTargets"]),
    message: {
      subject: "EventBridge <eventName> in <region>",
      resource: "<ruleName>",
      body: TURN_BACK_ON,
      fields: { ruleName: "detail.requestParameters.name" },
    },
  },
  {
    id: "waf-acl-disassociated",
    title: "WAF web ACL detached",
    description:
      "DisassociateWebACL: the load balancer, API or distribution is no longer filtered by its web ACL.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.007"] },
    eventPattern: succeededCall("wafv2", ["DisassociateWebACL"]),
    message: {
      subject: "WAF web ACL detached in <region>",
      resource: "<resourceArn>",
      body: TURN_BACK_ON,
      fields: { resourceArn: "detail.requestParameters.resourceArn" },
    },
  },
  {
    id: "bedrock-guardrail-changed",
    title: "Bedrock guardrail changed or deleted",
    description:
      "UpdateGuardrail or DeleteGuardrail: the content filters of the model applications that use it change or disappear.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.001"] },
    eventPattern: succeededCall("bedrock", ["UpdateGuardrail", "DeleteGuardrail"]),
    message: {
      subject: "Bedrock <eventName> in <region>",
      resource: "<guardrailId>",
      body: CHECK_CALLER,
      fields: { guardrailId: "detail.requestParameters.guardrailIdentifier" },
    },
  },
  {
    id: "bedrock-invocation-logging-changed",
    title: "Bedrock model invocation logging changed",
    description:
      "DeleteModelInvocationLoggingConfiguration or PutModelInvocationLoggingConfiguration: prompts and responses stop being logged, or are logged elsewhere.",
    severity: Severity.High,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("bedrock", [
      "DeleteModelInvocationLoggingConfiguration",
      "PutModelInvocationLoggingConfiguration",
    ]),
    message: {
      subject: "Bedrock <eventName> in <region>",
      resource: "account <account>",
      body: TURN_BACK_ON,
    },
  },
  {
    id: "account-left-organization",
    title: "Account left the organization",
    description:
      "LeaveOrganization succeeded: the service control policies, the organization trail and the delegated security services no longer apply to this account.",
    severity: Severity.Critical,
    references: { mitre: ["T1666", "T1562.008"] },
    eventPattern: succeededCall("organizations", ["LeaveOrganization"]),
    message: {
      subject: "Account <account> left its organization",
      resource: "account <account>",
      body: "Invite the account back and review everything done by the principal since; SCPs no longer protected it.",
    },
    global: true,
  },
  {
    id: "region-opt-in-changed",
    title: "AWS region enabled or disabled",
    description:
      "EnableRegion or DisableRegion: attackers run workloads in regions nobody watches (this stack's detections cover the regions it is deployed to).",
    severity: Severity.Medium,
    references: { mitre: ["T1535"] },
    eventPattern: succeededCall("account", ["EnableRegion", "DisableRegion"]),
    message: {
      subject: "Region <regionName> <eventName> in account <account>",
      resource: "<regionName>",
      body: "Deploy the detections to the new region too, or disable it again if nobody needs it.",
      fields: { regionName: "detail.requestParameters.RegionName" },
    },
    global: true,
  },
  {
    id: "mfa-device-removed",
    title: "MFA device deactivated or deleted",
    description:
      "DeactivateMFADevice or DeleteVirtualMFADevice: the user signs in with the password alone.",
    severity: Severity.Medium,
    references: { mitre: ["T1556.006"] },
    eventPattern: succeededCall("iam", ["DeactivateMFADevice", "DeleteVirtualMFADevice"]),
    message: {
      subject: "MFA device removed from a user in account <account>",
      resource: "<userName> <serialNumber>",
      body: "Ask the user; if they did not lose their device, treat the account as compromised.",
      fields: {
        userName: "detail.requestParameters.userName",
        serialNumber: "detail.requestParameters.serialNumber",
      },
    },
    global: true,
  },
  {
    id: "password-policy-deleted",
    title: "IAM password policy deleted",
    description:
      "DeleteAccountPasswordPolicy: IAM users may set any password, of any age (CIS 1.8 and 1.9 fail).",
    severity: Severity.Medium,
    references: { mitre: ["T1556"] },
    eventPattern: succeededCall("iam", ["DeleteAccountPasswordPolicy"]),
    message: {
      subject: "IAM password policy deleted in account <account>",
      resource: "account <account>",
      body: TURN_BACK_ON,
    },
    global: true,
  },
];
