/**
 * Real CloudTrail records for the detection tests: the Panther fixtures
 * (tests/fixtures/cloudtrail/panther, Apache-2.0), and variants of them for the detections
 * that no fixture exercises (GuardDuty, Security Hub, Organizations, ...). A variant keeps the
 * real record (identity, addresses, agent, time) and replaces the call itself. Events that are
 * not CloudTrail records (AWS Health) are hand-made EventBridge events, in EVENT_SAMPLES.
 */
import * as fs from "fs";
import * as path from "path";

import { complianceChangeEvent } from "../../scripts/compliance";
import { PANTHER_DIR } from "./fixtures";

export { PANTHER_DIR };

type Json = Record<string, unknown>;

/** The CloudTrail record of one Panther test, by file (without .json) and test name. */
export function pantherRecord(file: string, name: string): Json {
  const document = JSON.parse(fs.readFileSync(path.join(PANTHER_DIR, `${file}.json`), "utf8"));
  const found = (document.tests as { name: string; event: Json }[]).filter((t) => t.name === name);
  if (found.length !== 1) {
    throw new Error(`${file}: expected one test named "${name}", found ${found.length}`);
  }
  return found[0].event;
}

/** A real record with the call replaced: eventSource, eventName, parameters (and response). */
function variant(base: [string, string], call: Json): Json {
  const record: Json = { ...pantherRecord(...base), ...call };
  delete record.errorCode;
  delete record.errorMessage;
  return record;
}

const STOP_LOGGING: [string, string] = ["aws_cloudtrail_stopped", "CloudTrail Was Stopped"];
const IAM_USER_CALL: [string, string] = ["aws_iam_user_key_created", "user1 create keys for user2"];
const SG_INGRESS: [string, string] = [
  "aws_ec2_manual_security_group_changes",
  "Go Script Authorize Ingress",
];
const RDS_SHARE: [string, string] = [
  "aws_rds_snapshot_shared",
  "Snapshot shared with another account",
];
const S3_DELETE_PAB: [string, string] = [
  "aws_s3_delete_public_access_block",
  "Public Access Block Deleted Successfully",
];

export interface Sample {
  readonly name: string;
  readonly record: Json;
  /** The detection ids that fire, sorted. */
  readonly fires: string[];
}

/** Variants of real records, with the detections that must fire on each (reviewed by hand). */
export const VARIANTS: readonly Sample[] = [
  {
    name: "GuardDuty detector deleted",
    record: variant(STOP_LOGGING, {
      eventSource: "guardduty.amazonaws.com",
      eventName: "DeleteDetector",
      requestParameters: { detectorId: "12abc34d567e8fa901bc2d34e56789f0" },
    }),
    fires: ["guardduty-disabled"],
  },
  {
    name: "GuardDuty detector suspended",
    record: variant(STOP_LOGGING, {
      eventSource: "guardduty.amazonaws.com",
      eventName: "UpdateDetector",
      requestParameters: { detectorId: "12abc34d567e8fa901bc2d34e56789f0", enable: false },
    }),
    fires: ["guardduty-detector-suspended", "guardduty-disabled"],
  },
  {
    name: "GuardDuty detector updated, still enabled",
    record: variant(STOP_LOGGING, {
      eventSource: "guardduty.amazonaws.com",
      eventName: "UpdateDetector",
      requestParameters: { detectorId: "12abc34d567e8fa901bc2d34e56789f0", enable: true },
    }),
    fires: [],
  },
  {
    name: "Security Hub disabled",
    record: variant(STOP_LOGGING, {
      eventSource: "securityhub.amazonaws.com",
      eventName: "DisableSecurityHub",
      requestParameters: null,
    }),
    fires: ["security-hub-disabled"],
  },
  {
    name: "Account leaves the organization",
    record: variant(["aws_cloudtrail_attempt_to_leave_org", "Failed Attempt to Leave Org"], {}),
    fires: ["account-left-organization", "organizations-changes"],
  },
  {
    name: "Config recorder stopped",
    record: variant(STOP_LOGGING, {
      eventSource: "config.amazonaws.com",
      eventName: "StopConfigurationRecorder",
      requestParameters: { configurationRecorderName: "default" },
    }),
    fires: ["config-changes", "config-recorder-stopped"],
  },
  {
    name: "GetFederationToken by an IAM user",
    record: variant(IAM_USER_CALL, {
      eventSource: "sts.amazonaws.com",
      eventName: "GetFederationToken",
      requestParameters: { name: "backdoor", durationSeconds: 129600 },
      responseElements: null,
    }),
    fires: ["federation-token-created"],
  },
  {
    name: "Account public access block deleted",
    record: variant(S3_DELETE_PAB, {
      eventName: "DeleteAccountPublicAccessBlock",
      // The record's own account (recipientAccountId 111111111111).
      requestParameters: { accountId: "111111111111" },
    }),
    fires: ["account-public-access-block-removed"],
  },
  {
    name: "Bucket public access block weakened",
    record: variant(S3_DELETE_PAB, {
      eventName: "PutBucketPublicAccessBlock",
      requestParameters: {
        bucketName: "corporate-documents",
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: true,
        },
      },
    }),
    fires: ["bucket-public-access-block-removed"],
  },
  {
    name: "Bucket public access block fully on",
    record: variant(S3_DELETE_PAB, {
      eventName: "PutBucketPublicAccessBlock",
      requestParameters: {
        bucketName: "corporate-documents",
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      },
    }),
    fires: [],
  },
  {
    name: "Bucket ACL set to public-read",
    record: variant(["aws_s3_bucket_policy_modified", "S3 Bucket Policy Modified"], {
      requestParameters: {
        host: ["bucket.s3.us-west-2.amazonaws.com"],
        bucketName: "bucket",
        acl: [""],
        "x-amz-acl": ["public-read"],
      },
    }),
    fires: ["s3-bucket-made-public", "s3-bucket-policy-changes"],
  },
  {
    name: "Security group ingress opened to ::/0",
    record: variant(SG_INGRESS, {
      requestParameters: {
        groupId: "sg-0d921df5d84f7270a",
        ipPermissions: {
          items: [
            {
              ipProtocol: "tcp",
              fromPort: 3389,
              toPort: 3389,
              groups: {},
              ipRanges: {},
              ipv6Ranges: { items: [{ cidrIpv6: "::/0" }] },
              prefixListIds: {},
            },
          ],
        },
      },
    }),
    fires: ["security-group-changes", "security-group-open-to-world"],
  },
  {
    name: "Security group rule modified to 0.0.0.0/0",
    record: variant(SG_INGRESS, {
      eventName: "ModifySecurityGroupRules",
      requestParameters: {
        ModifySecurityGroupRulesRequest: {
          GroupId: "sg-0d921df5d84f7270a",
          SecurityGroupRule: {
            SecurityGroupRuleId: "sgr-0a1b2c3d4e5f60718",
            SecurityGroupRule: {
              IpProtocol: "tcp",
              FromPort: 22,
              ToPort: 22,
              CidrIpv4: "0.0.0.0/0",
            },
            tag: 1,
          },
        },
      },
    }),
    fires: ["security-group-changes", "security-group-rule-open-to-world"],
  },
  {
    name: "Security group ingress opened to 0.0.0.0/0 for all traffic",
    record: variant(SG_INGRESS, {
      requestParameters: {
        groupId: "sg-0d921df5d84f7270a",
        ipPermissions: {
          items: [
            {
              ipProtocol: "-1",
              groups: {},
              ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
              ipv6Ranges: {},
              prefixListIds: {},
            },
          ],
        },
      },
    }),
    fires: ["security-group-changes", "security-group-open-all-ports"],
  },
  {
    name: "Security group rule modified to ::/0 for all traffic",
    record: variant(SG_INGRESS, {
      eventName: "ModifySecurityGroupRules",
      requestParameters: {
        ModifySecurityGroupRulesRequest: {
          GroupId: "sg-0d921df5d84f7270a",
          SecurityGroupRule: {
            SecurityGroupRuleId: "sgr-0a1b2c3d4e5f60718",
            SecurityGroupRule: { IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv6: "::/0" },
            tag: 1,
          },
        },
      },
    }),
    fires: ["security-group-changes", "security-group-rule-open-all-ports"],
  },
  {
    name: "Security group rule modified to a private range",
    record: variant(SG_INGRESS, {
      eventName: "ModifySecurityGroupRules",
      requestParameters: {
        ModifySecurityGroupRulesRequest: {
          GroupId: "sg-0d921df5d84f7270a",
          SecurityGroupRule: {
            SecurityGroupRuleId: "sgr-0a1b2c3d4e5f60718",
            SecurityGroupRule: {
              IpProtocol: "tcp",
              FromPort: 22,
              ToPort: 22,
              CidrIpv4: "10.0.0.0/8",
            },
            tag: 1,
          },
        },
      },
    }),
    fires: ["security-group-changes"],
  },
  {
    name: "RDS snapshot made public",
    record: variant(RDS_SHARE, {
      requestParameters: {
        dBSnapshotIdentifier: "exfiltration",
        attributeName: "restore",
        valuesToAdd: ["all"],
      },
    }),
    fires: ["rds-snapshot-made-public"],
  },
  {
    name: "RDS cluster snapshot made public",
    record: variant(RDS_SHARE, {
      eventName: "ModifyDBClusterSnapshotAttribute",
      requestParameters: {
        dBClusterSnapshotIdentifier: "cluster-exfiltration",
        attributeName: "restore",
        valuesToAdd: ["all"],
      },
    }),
    fires: ["rds-snapshot-made-public"],
  },
];

/** An EventBridge event that is not a CloudTrail record, with the detections that fire on it. */
export interface EventSample {
  readonly name: string;
  /** The event as EventBridge delivers it (envelope and detail). */
  readonly event: Json;
  /** The detection ids that fire, sorted. */
  readonly fires: string[];
}

/**
 * An AWS Health event, built from the documented example of AWS_RISK_CREDENTIALS_EXPOSED
 * (AWS Health User Guide, "Reference: AWS Health events Amazon EventBridge schema",
 * https://docs.aws.amazon.com/health/latest/ug/aws-health-events-eventbridge-schema.html), with
 * the other fields of the current schema (eventScopeCode, statusCode, eventRegion, ...) and, in
 * place of the example's `ACCESS_KEY_ID_HERE` (which quarantine-access-key rightly rejects: it
 * is not a key id), AWS's documented example access key id. Account-specific global events (IAM)
 * are delivered in us-east-1.
 */
function healthEvent(detail: Json): Json {
  return {
    version: "0",
    id: "121345678-1234-1234-1234-123456789012",
    "detail-type": "AWS Health Event",
    source: "aws.health",
    account: "123456789012",
    time: "2016-06-05T06:27:57Z",
    region: "us-east-1",
    resources: [],
    detail: {
      eventArn:
        "arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/XXXXXXXXXXXXXXXXX",
      service: "RISK",
      eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED",
      eventTypeCategory: "issue",
      eventScopeCode: "ACCOUNT_SPECIFIC",
      communicationId: "01b0993207d81a09dcd552ebd1e633e36cf1f09a-1",
      startTime: "Sat, 05 Jun 2016 15:10:09 GMT",
      lastUpdatedTime: "Sat, 05 Jun 2016 15:10:09 GMT",
      statusCode: "open",
      eventRegion: "us-east-1",
      eventDescription: [
        {
          language: "en_US",
          latestDescription:
            "Your AWS Access Key AKIAIOSFODNN7EXAMPLE belonging to IAM user ci-deployer was found publicly available on GitHub.",
        },
      ],
      affectedEntities: [{ entityValue: "AKIAIOSFODNN7EXAMPLE" }],
      affectedAccount: "123456789012",
      ...detail,
    },
  };
}

/**
 * AWS Config compliance changes, shaped as documented (scripts/compliance.ts builds them): one
 * NON_COMPLIANT result per rule of the package (stack prefix `asw-dev`), as Config reports it
 * (per resource, or on the account for account-level rules).
 */
function configEvent(
  rule: string,
  resourceType: string,
  resourceId: string,
  complianceType: "COMPLIANT" | "NON_COMPLIANT",
  annotation?: string,
): Json {
  return complianceChangeEvent({
    id: `0f1e2d3c-0000-4000-8000-${rule.length.toString().padStart(4, "0")}${resourceId.length.toString().padStart(8, "0")}`,
    time: new Date("2026-11-30T08:00:00Z"),
    account: "123456789012",
    region: "eu-west-1",
    ruleName: rule,
    resourceType,
    resourceId,
    complianceType,
    annotation,
    oldComplianceType: complianceType === "COMPLIANT" ? "NON_COMPLIANT" : undefined,
  });
}

const ACCOUNT = ["AWS::::Account", "123456789012"] as const;

export const CONFIG_SAMPLES: readonly EventSample[] = [
  {
    name: "AWS Config: security group open to the world",
    event: configEvent(
      "asw-dev-sg-open-ports",
      "AWS::EC2::SecurityGroup",
      "sg-0a1b2c3d4e5f60718",
      "NON_COMPLIANT",
    ),
    fires: ["config-sg-open-ports"],
  },
  {
    name: "AWS Config: bucket without public access block",
    event: configEvent(
      "asw-dev-bucket-public-access",
      "AWS::S3::Bucket",
      "legacy-exports",
      "NON_COMPLIANT",
    ),
    fires: ["config-bucket-public-access"],
  },
  {
    name: "AWS Config: account without public access block",
    event: configEvent("asw-dev-account-public-access", ...ACCOUNT, "NON_COMPLIANT"),
    fires: ["config-account-public-access"],
  },
  {
    name: "AWS Config: no trail",
    event: configEvent("asw-dev-trail-enabled", ...ACCOUNT, "NON_COMPLIANT"),
    fires: ["config-trail-enabled"],
  },
  {
    name: "AWS Config: no multi-region trail",
    event: configEvent("asw-dev-multi-region-trail", ...ACCOUNT, "NON_COMPLIANT"),
    fires: ["config-multi-region-trail"],
  },
  {
    name: "AWS Config: key pending deletion",
    event: configEvent(
      "asw-dev-key-pending-deletion",
      "AWS::KMS::Key",
      "1234abcd-12ab-34cd-56ef-1234567890ab",
      "NON_COMPLIANT",
      "The key is scheduled for deletion.",
    ),
    fires: ["config-key-pending-deletion"],
  },
  {
    name: "AWS Config: public EBS snapshot",
    event: configEvent("asw-dev-ebs-public-snapshot", ...ACCOUNT, "NON_COMPLIANT"),
    fires: ["config-ebs-public-snapshot"],
  },
  {
    name: "AWS Config: public RDS snapshot",
    event: configEvent(
      "asw-dev-rds-public-snapshot",
      "AWS::RDS::DBSnapshot",
      "nightly-2026-11-29",
      "NON_COMPLIANT",
    ),
    fires: ["config-rds-public-snapshot"],
  },
  {
    name: "AWS Config: access key not rotated",
    event: configEvent(
      "asw-dev-access-keys-rotated",
      "AWS::IAM::User",
      "AIDAZ3EXAMPLEUSER0001",
      "NON_COMPLIANT",
    ),
    fires: ["config-access-keys-rotated"],
  },
  {
    name: "AWS Config: root access key",
    event: configEvent("asw-dev-root-access-key", ...ACCOUNT, "NON_COMPLIANT"),
    fires: ["config-root-access-key"],
  },
  {
    name: "AWS Config: security group compliant again",
    event: configEvent(
      "asw-dev-sg-open-ports",
      "AWS::EC2::SecurityGroup",
      "sg-0a1b2c3d4e5f60718",
      "COMPLIANT",
    ),
    fires: [],
  },
  {
    name: "AWS Config: another tool's rule",
    event: configEvent(
      "securityhub-restricted-ssh-a1b2c3",
      "AWS::EC2::SecurityGroup",
      "sg-0a1b2c3d4e5f60718",
      "NON_COMPLIANT",
    ),
    fires: [],
  },
];

/** Hand-made EventBridge events that are not CloudTrail records (reviewed by hand). */
export const EVENT_SAMPLES: readonly EventSample[] = [
  {
    name: "AWS Health: access key exposed",
    event: healthEvent({}),
    fires: ["access-key-exposed"],
  },
  {
    name: "AWS Health: EC2 instance retirement scheduled",
    event: healthEvent({
      eventArn:
        "arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED_XXXXXXXX",
      service: "EC2",
      eventTypeCode: "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED",
      eventTypeCategory: "scheduledChange",
      eventRegion: "us-east-1",
      eventDescription: [
        { language: "en_US", latestDescription: "EC2 has detected degradation of the host." },
      ],
      affectedEntities: [{ entityValue: "i-abcd1111" }],
    }),
    fires: [],
  },
  ...CONFIG_SAMPLES,
];
