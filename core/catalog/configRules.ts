/**
 * The AWS Config managed rules the package deploys (ComplianceRecorder), as data: each names its
 * managed rule identifier, the parameters it takes from the same settings as the remediations
 * (allowed public ports, maximum access key age), the resource types it evaluates, and what it
 * is linked to in the catalog: the live (CloudTrail) detections of the same problem, the
 * remediation that undoes it, and the compliance-change detection (`config-<key>`, built from
 * this list in core/catalog/complianceDetections.ts) that alerts on its NON_COMPLIANT results.
 *
 * Identifiers and parameter names: AWS Config Developer Guide, "List of AWS Config Managed Rules"
 * (https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html);
 * tests/configRules.test.ts checks each against the managed-rule list moto ships.
 *
 * A Config rule is named `<prefix>-<key>` (ComplianceRecorder `ruleNamePrefix`), and its
 * compliance-change detection matches `configRuleName` by the suffix `-<key>`, so that the
 * catalog's patterns do not depend on the stack's prefix. No key ends with `-<another key>`
 * (tests check it), so a suffix names exactly one rule of the package.
 *
 * Plain data, no Pulumi.
 */
import type { RemediationId } from "../types";
import { Severity } from "../types";
import { configRuleRemediations } from "../../remediations/registry";

/** The compliance-change event of AWS Config on EventBridge. */
export const CONFIG_SOURCE = "aws.config";
export const COMPLIANCE_CHANGE = "Config Rules Compliance Change";

/** What a rule's parameters are derived from: the stack's remediation settings. */
export interface ConfigRuleSettings {
  /** Ports that may be open to the world (RemediationOptions `allowedPublicPorts`). */
  readonly allowedPublicPorts: readonly number[];
  /** Days after which an access key counts as not rotated. @default 90 */
  readonly maxAccessKeyAgeDays?: number;
}

/** How AWS Config triggers a rule. */
export enum ConfigRuleTrigger {
  /** On every recorded configuration change of a resource in scope (and periodically where the rule allows). */
  ConfigurationChange = "configuration-change",
  /** On a schedule (`maximumExecutionFrequency`) only. */
  Periodic = "periodic",
}

export interface ConfigRuleDefinition {
  /** Stable kebab-case key: the rule name suffix and the detection id `config-<key>`. */
  readonly key: string;
  /** The managed rule identifier (`Source.SourceIdentifier`). */
  readonly identifier: string;
  readonly title: string;
  /** What a NON_COMPLIANT result means, in words. */
  readonly description: string;
  readonly severity: Severity;
  /** CIS / Security Hub controls the rule backs. */
  readonly controls: readonly string[];
  readonly mitre: readonly string[];
  readonly trigger: ConfigRuleTrigger;
  /** `Scope.ComplianceResourceTypes` (empty: the rule has no scope, e.g. account-level rules). */
  readonly resourceTypes: readonly string[];
  /**
   * The rule evaluates IAM (global) resources: deployed only where the recorder records global
   * resource types (the home region), so that it is not evaluated, and billed, in every region.
   */
  readonly global: boolean;
  /** Catalog detections that see the same problem live, from CloudTrail. */
  readonly liveDetections: readonly string[];
  /**
   * The remediation that undoes the problem (the one whose spec lists the rule:
   * remediations/<id>/spec.ts `configRules`): AutoRemediator wires it to the rule's
   * compliance-change detection. Undefined: alert only (the description says why).
   */
  readonly remediation?: RemediationId;
  /** The rule's input parameters (values are strings, as Config takes them). */
  parameters(settings: ConfigRuleSettings): Record<string, string>;
}

/** Config's `maximumExecutionFrequency` for the periodic rules. */
export const PERIODIC_FREQUENCY = "TwentyFour_Hours";

/** `443,8080-8081`: ports as Config's port-list parameters take them (ranges collapsed). */
export function portList(ports: readonly number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

const none = (): Record<string, string> => ({});

const RULES: readonly ConfigRuleDefinition[] = [
  {
    key: "sg-open-ports",
    identifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
    title: "Security group open to the world on a port that is not allowed",
    description:
      "A security group allows 0.0.0.0/0 or ::/0 ingress on a TCP or UDP port outside the allowed public ports (remediation.allowedPublicPorts), or on all traffic. The remediation revokes every such permission of the group and nothing else.",
    severity: Severity.High,
    controls: ["EC2.18", "CIS 5.2"],
    mitre: ["T1190"],
    trigger: ConfigRuleTrigger.ConfigurationChange,
    resourceTypes: ["AWS::EC2::SecurityGroup"],
    global: false,
    liveDetections: ["security-group-open-to-world", "security-group-rule-open-to-world"],
    parameters: (s): Record<string, string> => {
      const ports = portList(s.allowedPublicPorts);
      return ports ? { authorizedTcpPorts: ports, authorizedUdpPorts: ports } : {};
    },
  },
  {
    key: "bucket-public-access",
    identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
    title: "Bucket without a full public access block",
    description:
      "A bucket's public access block is missing or has one of its four settings off. The remediation turns all four on.",
    severity: Severity.High,
    controls: ["S3.8", "CIS 2.1.4"],
    mitre: ["T1530"],
    trigger: ConfigRuleTrigger.ConfigurationChange,
    resourceTypes: ["AWS::S3::Bucket"],
    global: false,
    liveDetections: ["bucket-public-access-block-removed", "s3-bucket-made-public"],
    parameters: none,
  },
  {
    key: "account-public-access",
    identifier: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
    title: "Account without a full S3 public access block",
    description:
      "The account-level S3 public access block is missing or has one of its four settings off. Alert only: an account-wide change can break buckets that are public on purpose.",
    severity: Severity.High,
    controls: ["S3.1", "CIS 2.1.4"],
    mitre: ["T1530"],
    trigger: ConfigRuleTrigger.Periodic,
    resourceTypes: [],
    global: false,
    liveDetections: ["account-public-access-block-removed"],
    parameters: () => ({
      BlockPublicAcls: "True",
      IgnorePublicAcls: "True",
      BlockPublicPolicy: "True",
      RestrictPublicBuckets: "True",
    }),
  },
  {
    key: "trail-enabled",
    identifier: "CLOUD_TRAIL_ENABLED",
    title: "No CloudTrail trail",
    description:
      "The account has no trail in this region. Alert only: a deleted trail is recreated by redeploying the stack.",
    severity: Severity.Critical,
    controls: ["CloudTrail.1", "CIS 3.1"],
    mitre: ["T1562.008"],
    trigger: ConfigRuleTrigger.Periodic,
    resourceTypes: [],
    global: false,
    liveDetections: ["cloudtrail-deleted", "cloudtrail-logging-stopped"],
    parameters: none,
  },
  {
    key: "multi-region-trail",
    identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED",
    title: "No multi-region trail recording all management events",
    description:
      "No trail is multi-region and records read and write management events. Alert only: the stack's trail is restored by redeploying it.",
    severity: Severity.High,
    controls: ["CloudTrail.1", "CIS 3.1"],
    mitre: ["T1562.008"],
    trigger: ConfigRuleTrigger.Periodic,
    resourceTypes: [],
    global: false,
    liveDetections: ["cloudtrail-event-selectors-reduced", "cloudtrail-logging-stopped"],
    parameters: () => ({ readWriteType: "ALL", includeManagementEvents: "true" }),
  },
  {
    key: "key-pending-deletion",
    identifier: "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
    title: "KMS key pending deletion",
    description:
      "A customer managed key is scheduled for deletion. The remediation cancels the deletion (for every key, as it does for the live event) and enables the key again.",
    severity: Severity.Critical,
    controls: ["KMS.3"],
    mitre: ["T1485"],
    trigger: ConfigRuleTrigger.Periodic,
    resourceTypes: ["AWS::KMS::Key"],
    global: false,
    liveDetections: ["cmk-disable-or-deletion"],
    // No kmsKeyIds: the remediation undoes scheduled deletion of every key, so the rule
    // evaluates every key (protectedKeyArns only protects keys from being left disabled).
    parameters: none,
  },
  {
    key: "ebs-public-snapshot",
    identifier: "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
    title: "EBS snapshot restorable by anyone",
    description:
      "A snapshot of this account is restorable by all AWS accounts. The rule reports the account; the remediation lists the account's public snapshots and removes the group all from each.",
    severity: Severity.Critical,
    controls: ["EC2.1"],
    mitre: ["T1537"],
    trigger: ConfigRuleTrigger.Periodic,
    resourceTypes: [],
    global: false,
    liveDetections: ["ebs-snapshot-made-public"],
    parameters: none,
  },
  {
    key: "rds-public-snapshot",
    identifier: "RDS_SNAPSHOTS_PUBLIC_PROHIBITED",
    title: "RDS snapshot public",
    description:
      "An RDS DB or cluster snapshot is shared with all AWS accounts. Alert only: no remediation of the package acts on RDS snapshots.",
    severity: Severity.Critical,
    controls: ["RDS.1"],
    mitre: ["T1537"],
    trigger: ConfigRuleTrigger.ConfigurationChange,
    resourceTypes: ["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
    global: false,
    liveDetections: ["rds-snapshot-made-public"],
    parameters: none,
  },
  {
    key: "access-keys-rotated",
    identifier: "ACCESS_KEYS_ROTATED",
    title: "Access key not rotated",
    description:
      "An IAM user holds an active access key older than the maximum age. Alert only: deactivating a working key without its owner breaks workloads.",
    severity: Severity.Medium,
    controls: ["IAM.3", "CIS 1.14"],
    mitre: ["T1078.004"],
    trigger: ConfigRuleTrigger.Periodic,
    resourceTypes: [],
    global: true,
    liveDetections: [],
    parameters: (s) => ({ maxAccessKeyAge: String(s.maxAccessKeyAgeDays ?? 90) }),
  },
  {
    key: "root-access-key",
    identifier: "IAM_ROOT_ACCESS_KEY_CHECK",
    title: "Root user has an access key",
    description:
      "The root user holds an access key. Alert only: only the root user can delete it (Security credentials page).",
    severity: Severity.Critical,
    controls: ["IAM.4", "CIS 1.4"],
    mitre: ["T1078.004"],
    trigger: ConfigRuleTrigger.Periodic,
    resourceTypes: [],
    global: true,
    liveDetections: ["root-usage"],
    parameters: none,
  },
];

/** Every rule, each with the remediation whose spec links it (remediations/registry.ts). */
export const CONFIG_RULES: readonly ConfigRuleDefinition[] = (() => {
  const links = configRuleRemediations();
  return RULES.map((r) =>
    links[r.key] ? { ...r, remediation: links[r.key] as RemediationId } : r,
  );
})();

/** The detection id of a rule's compliance-change detection. */
export function complianceDetectionId(key: string): string {
  return `config-${key}`;
}

/** The AWS Config rule name of a rule: `<prefix>-<key>` (at most 128 characters). */
export function configRuleName(prefix: string, key: string): string {
  return `${prefix}-${key}`;
}

export const MAX_CONFIG_RULE_NAME_LENGTH = 128;

/** The rule whose compliance-change detection id is `detectionId`, if any. */
export function configRuleOfDetection(detectionId: string): ConfigRuleDefinition | undefined {
  return CONFIG_RULES.find((r) => complianceDetectionId(r.key) === detectionId);
}

/** The rule of a deployed Config rule name (`<prefix>-<key>`), if it is one of the package's. */
export function configRuleOfName(name: string): ConfigRuleDefinition | undefined {
  return CONFIG_RULES.find((r) => name.endsWith(`-${r.key}`));
}
