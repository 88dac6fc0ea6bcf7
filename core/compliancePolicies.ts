/**
 * What AWS Config needs from the package's resources, and the routing of its compliance
 * results: bucket-policy and key-policy statements for Config's delivery channel, the ARN of its
 * service-linked role, and the resolution rule (COMPLIANT after NON_COMPLIANT -> resolutions
 * topic) with its message. Plain data, no Pulumi.
 *
 * Sources:
 * - Permissions for the Amazon S3 bucket for the AWS Config delivery channel:
 *   https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
 * - Permissions for the KMS key (delivery with the service-linked role):
 *   https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
 * - Service-linked role AWSServiceRoleForConfig:
 *   https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html
 */
import type { PolicyDocument, PolicyStatement } from "./auditTrailPolicies";
import type { InputTransformer } from "./alertMessage";
import { COMPLIANCE_CHANGE, CONFIG_SOURCE } from "./catalog/configRules";
import type { EventPattern } from "./eventPattern";

export const CONFIG_SERVICE = "config.amazonaws.com";

/** ARN of AWS Config's service-linked role (the recorder's role; Security Hub Config.1). */
export function configServiceLinkedRoleArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:role/aws-service-role/${CONFIG_SERVICE}/AWSServiceRoleForConfig`;
}

/** The key prefix Config writes under: `<prefix>/AWSLogs/<account>/Config/`. */
export function configObjectPrefix(keyPrefix: string, accountId: string): string {
  return `${keyPrefix ? `${keyPrefix}/` : ""}AWSLogs/${accountId}/Config/`;
}

export interface ConfigDeliveryInput {
  readonly bucketArn: string;
  readonly accountId: string;
  /** The delivery channel's `s3KeyPrefix` ("" for none). */
  readonly keyPrefix: string;
}

/**
 * Bucket-policy statements that let AWS Config (of `accountId` only, `aws:SourceAccount`) check
 * the bucket and write its snapshots and history files under its prefix, and nowhere else.
 */
export function configDeliveryStatements(input: ConfigDeliveryInput): PolicyStatement[] {
  const source = { "aws:SourceAccount": input.accountId };
  return [
    {
      Sid: "AllowConfigBucketCheck",
      Effect: "Allow",
      Principal: { Service: CONFIG_SERVICE },
      Action: ["s3:GetBucketAcl", "s3:ListBucket"],
      Resource: input.bucketArn,
      Condition: { StringEquals: source },
    },
    {
      Sid: "AllowConfigDelivery",
      Effect: "Allow",
      Principal: { Service: CONFIG_SERVICE },
      Action: ["s3:PutObject"],
      Resource: `${input.bucketArn}/${configObjectPrefix(input.keyPrefix, input.accountId)}*`,
      Condition: {
        StringEquals: { ...source, "s3:x-amz-acl": "bucket-owner-full-control" },
      },
    },
  ];
}

/** The policy of a bucket of Config's own: TLS only, and Config's delivery statements. */
export function configBucketPolicy(input: ConfigDeliveryInput): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [input.bucketArn, `${input.bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      ...configDeliveryStatements(input),
    ],
  };
}

/**
 * Key-policy statement that lets AWS Config of `accountId` encrypt what it delivers (and S3
 * reuse the bucket key). In a key policy `Resource: "*"` means this key.
 */
export function configKeyStatement(accountId: string): PolicyStatement {
  return {
    Sid: "AllowConfigEncryptDeliveries",
    Effect: "Allow",
    Principal: { Service: CONFIG_SERVICE },
    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
    Resource: "*",
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/**
 * The pattern of the resolution rule: a rule named `<rulePrefix>-...` finds a resource COMPLIANT
 * that it had found NON_COMPLIANT.
 */
export function complianceResolvedPattern(rulePrefix: string): EventPattern {
  return {
    source: [CONFIG_SOURCE],
    "detail-type": [COMPLIANCE_CHANGE],
    detail: {
      messageType: ["ComplianceChangeNotification"],
      configRuleName: [{ prefix: `${rulePrefix}-` }],
      newEvaluationResult: { complianceType: ["COMPLIANT"] },
      oldEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
    },
  };
}

/**
 * The resolution message of a resource that passes a rule again (input transformer of the
 * resolutions-topic target; the same quoting rules as core/alertMessage.ts).
 */
export function complianceResolvedTransformer(
  consoleDomain = "console.aws.amazon.com",
): InputTransformer {
  const lines = [
    "[RESOLVED] <resourceId> passes <configRuleName> again in <region>",
    "AWS Config found <resourceType> <resourceId> COMPLIANT at <recordedTime>; it was NON_COMPLIANT since <oldRecordedTime>.",
    "Resolves the AWS Config alert (pre-existing or drifted) on <resourceId> under rule <configRuleName>.",
    "Where: account <account>, region <region>",
    "EventBridge event id: <eventId>",
    `Console: https://<region>.${consoleDomain}/config/home?region=<region>#/rules/details?configRuleName=<configRuleName>`,
  ];
  return {
    inputPaths: {
      resourceId: "$.detail.resourceId",
      resourceType: "$.detail.resourceType",
      configRuleName: "$.detail.configRuleName",
      recordedTime: "$.detail.newEvaluationResult.resultRecordedTime",
      oldRecordedTime: "$.detail.oldEvaluationResult.resultRecordedTime",
      account: "$.account",
      region: "$.region",
      eventId: "$.id",
    },
    inputTemplate: lines.map((line) => `"${line}"`).join("\n"),
  };
}
