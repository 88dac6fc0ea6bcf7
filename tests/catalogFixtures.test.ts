import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../core/catalog";
import { toEventBridgeEvent } from "../core/cloudtrailEvent";
import { matchesPattern } from "../core/eventPattern";
import { EVENT_SAMPLES, PANTHER_DIR, pantherRecord, VARIANTS } from "./helpers/detectionSamples";
import { TACTIC_SAMPLES } from "./helpers/tacticSamples";

/** The ids of the catalog detections whose pattern matches the EventBridge event, sorted. */
function firingOn(event: unknown): string[] {
  return CATALOG.filter((d) => matchesPattern(d.eventPattern, event))
    .map((d) => d.id)
    .sort();
}

/** The ids of the catalog detections whose pattern matches the wrapped record, sorted. */
function firing(record: Record<string, unknown>): string[] {
  return firingOn(toEventBridgeEvent(record));
}

/**
 * Reviewed by hand, record by record: Panther file, test name, and exactly the detections that
 * must fire (sorted). Panther's own verdict (`pantherExpected`) is about its rule, not ours: for
 * example Panther ignores a user creating a key for itself, which EventBridge cannot tell apart
 * (access-key-created-for-other-user fires and the remediation compares the two names), and it
 * alerts on a failed PutBucketAcl, which for us is only unauthorized-api-calls.
 */
const REVIEWED: readonly [string, string, string[]][] = [
  ["aws_ami_modified_for_public_access", "AMI Made Public", ["ami-made-public"]],
  ["aws_ami_modified_for_public_access", "AMI Not Made Public", []],
  ["aws_ami_modified_for_public_access", "AMI Launch Permissions Not Modified", []],
  ["aws_ami_modified_for_public_access", "AMI Added to User", ["snapshot-shared-cross-account"]],
  ["aws_ami_modified_for_public_access", "Error Making AMI Public", ["unauthorized-api-calls"]],
  [
    "aws_ami_modified_for_public_access",
    "Access Granted To Unknown User",
    ["snapshot-shared-cross-account"],
  ],
  [
    "aws_cloudtrail_attempt_to_leave_org",
    "Failed Attempt to Leave Org",
    ["unauthorized-api-calls"],
  ],
  ["aws_cloudtrail_created", "CloudTrail Was Created", ["cloudtrail-changes"]],
  ["aws_cloudtrail_created", "KMS Decrypt Event", []],
  ["aws_cloudtrail_created", "Error Creating CloudTrail", []],
  [
    "aws_cloudtrail_event_selectors_disabled",
    "Event Selector Disabled",
    ["cloudtrail-event-selectors-reduced"],
  ],
  ["aws_cloudtrail_event_selectors_disabled", "Event Selector Enabled", []],
  [
    "aws_cloudtrail_loginprofilecreatedormodified",
    "ChangeOwnPassword",
    ["login-profile-set-for-other-user"],
  ],
  [
    "aws_cloudtrail_loginprofilecreatedormodified",
    "User changed password for other",
    ["login-profile-set-for-other-user"],
  ],
  ["aws_cloudtrail_password_spraying", "Failed Console Login", ["console-auth-failures"]],
  [
    "aws_cloudtrail_password_spraying",
    "Failed Console Login - Root User",
    ["console-auth-failures", "root-usage"],
  ],
  [
    "aws_cloudtrail_short_lifecycle",
    "1-Day Lifecycle Rule on Known CT Bucket",
    ["s3-bucket-policy-changes", "s3-short-expiration-lifecycle"],
  ],
  [
    "aws_cloudtrail_short_lifecycle",
    "1-Day Lifecycle Rule on Assumed CT Bucket",
    ["s3-bucket-policy-changes", "s3-short-expiration-lifecycle"],
  ],
  [
    "aws_cloudtrail_short_lifecycle",
    "Disabled 1-Day Lifecycle Rule on Known CT Bucket",
    ["s3-bucket-policy-changes"],
  ],
  [
    "aws_cloudtrail_short_lifecycle",
    "730-Day Lifecycle Rule on Known CT Bucket",
    ["s3-bucket-policy-changes"],
  ],
  ["aws_cloudtrail_short_lifecycle", "Completely Unrelated Event", []],
  [
    "aws_cloudtrail_stopped",
    "CloudTrail Was Stopped",
    ["cloudtrail-changes", "cloudtrail-logging-stopped"],
  ],
  ["aws_cloudtrail_stopped", "CloudTrail Was Started", ["cloudtrail-changes"]],
  ["aws_cloudtrail_stopped", "Error Stopping CloudTrail", []],
  ["aws_cloudtrail_unsuccessful_mfa_attempt", "Successful Login w/ MFA", []],
  [
    "aws_cloudtrail_unsuccessful_mfa_attempt",
    "Unsuccessful Login w/ MFA",
    ["console-auth-failures"],
  ],
  ["aws_cloudtrail_useraccesskeyauth", "Access Key Action Failed", ["unauthorized-api-calls"]],
  ["aws_cloudtrail_useraccesskeyauth", "Console Login", []],
  ["aws_config_service_created", "Config Recorder Delivery Channel Created", ["config-changes"]],
  ["aws_config_service_created", "Config Recorder Deleted", ["config-changes"]],
  [
    "aws_config_service_disabled_deleted",
    "Config Recorder Delivery Channel Created",
    ["config-changes"],
  ],
  ["aws_config_service_disabled_deleted", "Config Recorder Deleted", ["config-changes"]],
  ["aws_config_service_disabled_deleted", "Error Deleting Config Recorder", []],
  ["aws_console_login_without_mfa", "No MFA Login - IAM User", ["console-signin-without-mfa"]],
  [
    "aws_console_login_without_mfa",
    "No MFA Login - IAM User Unknown Account",
    ["console-signin-without-mfa"],
  ],
  [
    "aws_console_login_without_mfa",
    "No MFA Login - Root User",
    ["console-signin-without-mfa", "root-usage"],
  ],
  ["aws_console_login_without_mfa", "MFA Login - SAML", []],
  ["aws_console_login_without_mfa", "MFA Login", []],
  ["aws_console_login_without_mfa", "No MFA - Login Failed", ["console-auth-failures"]],
  ["aws_console_login_without_mfa", "No MFA - authenticated from session with MFA", []],
  ["aws_console_login_without_mfa", "No MFA Login - New User", ["console-signin-without-mfa"]],
  ["aws_console_login_without_mfa", "AWS SSOv2 Login", []],
  ["aws_console_login_without_mfa", "No MFA - IAM Role and External IDP", []],
  ["aws_console_root_login", "Successful Root Login", ["console-signin-without-mfa", "root-usage"]],
  ["aws_console_root_login_failed", "Failed Root Login", ["console-auth-failures", "root-usage"]],
  [
    "aws_console_root_login_failed",
    "Successful Login",
    ["console-signin-without-mfa", "root-usage"],
  ],
  ["aws_ec2_download_instance_user_data", "Unsuccessful Attempt", ["unauthorized-api-calls"]],
  ["aws_ec2_gateway_modified", "Network Gateway Modified", ["network-gateway-changes"]],
  ["aws_ec2_gateway_modified", "Network Gateway Not Modified", []],
  ["aws_ec2_gateway_modified", "Error Modifying Network Gateway", []],
  [
    "aws_ec2_manual_security_group_changes",
    "AWS Console - Ingress SG Authorization",
    ["security-group-changes"],
  ],
  [
    "aws_ec2_manual_security_group_changes",
    "Terraform Security Group Creation",
    ["security-group-changes"],
  ],
  [
    "aws_ec2_manual_security_group_changes",
    "Terraform Security Group Authorize Egress",
    ["security-group-changes"],
  ],
  [
    "aws_ec2_manual_security_group_changes",
    "Go Script Authorize Ingress",
    ["security-group-changes", "security-group-open-to-world"],
  ],
  [
    "aws_ec2_manual_security_group_changes",
    "AWS Console - Ingress SG Authorization Error",
    ["unauthorized-api-calls"],
  ],
  ["aws_ec2_many_passwors_read_attempts", "Unsuccessful Attempt", ["unauthorized-api-calls"]],
  ["aws_ec2_multi_instance_connect", "Unrelated Event", ["nacl-changes"]],
  ["aws_ec2_network_acl_modified", "Network ACL Modified", ["nacl-changes"]],
  ["aws_ec2_network_acl_modified", "Error Modifying Network ACL", []],
  ["aws_ec2_route_table_modified", "Route Table Modified", ["route-table-changes"]],
  ["aws_ec2_route_table_modified", "Route Table Not Modified", []],
  ["aws_ec2_route_table_modified", "Error Modifying Route Table", []],
  ["aws_ec2_security_group_modified", "Security Group Modified", ["security-group-changes"]],
  ["aws_ec2_security_group_modified", "Security Group Not Modified", []],
  ["aws_ec2_security_group_modified", "Error Mofidying Security Group", []],
  ["aws_ec2_stopinstances", "CloudTrail Instances Were Stopped", []],
  ["aws_ec2_vpc_modified", "VPC Modified", ["vpc-changes"]],
  ["aws_ec2_vpc_modified", "Error Modifying VPC", []],
  ["aws_iam_anything_changed", "IAM Change", ["iam-policy-changes"]],
  ["aws_iam_anything_changed", "IAM Read Only Activity", []],
  ["aws_iam_anything_changed", "Error Making IAM Change", []],
  [
    "aws_iam_attach_admin_role_policy",
    "IAM Role Policy Attached with Administrator Access",
    ["admin-policy-attached", "iam-policy-changes"],
  ],
  [
    "aws_iam_attach_admin_role_policy",
    "IAM Role Policy Attached without Administrator Access",
    ["iam-policy-changes"],
  ],
  [
    "aws_iam_attach_admin_user_policy",
    "IAM User Policy Attached with Administrator Access",
    ["admin-policy-attached", "iam-policy-changes"],
  ],
  [
    "aws_iam_attach_admin_user_policy",
    "IAM User Policy Attached without Administrator Access",
    ["iam-policy-changes"],
  ],
  [
    "aws_iam_backdoor_role",
    "IAM Role Policy Updated to Allow Internet Access",
    ["role-trust-policy-changed"],
  ],
  [
    "aws_iam_backdoor_role",
    "IAM Role Policy Updated Without Internet Access",
    ["role-trust-policy-changed"],
  ],
  ["aws_iam_backdoor_role", "IAM Role Policy Updated With No Policy Document", []],
  [
    "aws_iam_compromised_key_quarantine",
    "AttachUserPolicy AWSCompromisedKeyQuarantineV2-true",
    ["access-key-flagged-compromised", "iam-policy-changes"],
  ],
  ["aws_iam_compromised_key_quarantine", "PutUserPolicy-false", ["iam-policy-changes"]],
  ["aws_iam_create_role", "IAM Role Not Created", ["admin-policy-attached", "iam-policy-changes"]],
  ["aws_iam_create_user", "IAM User Created", ["iam-user-created"]],
  ["aws_iam_create_user", "IAM User Not Created", ["admin-policy-attached", "iam-policy-changes"]],
  ["aws_iam_policy_modified", "IAM Policy Change", ["iam-policy-changes"]],
  ["aws_iam_policy_modified", "IAM Policy Change Error", []],
  [
    "aws_iam_user_key_created",
    "user1 create keys for user1",
    ["access-key-created-for-other-user"],
  ],
  [
    "aws_iam_user_key_created",
    "user1 create keys for user2",
    ["access-key-created-for-other-user"],
  ],
  [
    "aws_iam_user_key_created",
    "jackson create keys for jack",
    ["access-key-created-for-other-user"],
  ],
  [
    "aws_iam_user_key_created",
    "jack create keys for jackson",
    ["access-key-created-for-other-user"],
  ],
  ["aws_iam_user_key_created", "CreateKey returns error code", []],
  ["aws_iam_user_recon_denied", "Unauthorized API Call", ["unauthorized-api-calls"]],
  [
    "aws_iam_user_recon_denied",
    "Unauthorized API Call from Within AWS (FQDN)",
    ["unauthorized-api-calls"],
  ],
  [
    "aws_iam_user_recon_denied",
    "Unauthorized API Call - From AWS console",
    ["unauthorized-api-calls"],
  ],
  [
    "aws_key_compromised",
    "An AWS IAM Access Key was Compromised",
    ["access-key-flagged-compromised", "iam-policy-changes"],
  ],
  ["aws_key_compromised", "Request Param is null", ["iam-policy-changes"]],
  ["aws_kms_cmk_loss", "KMS Key Disabled", ["cmk-disable-or-deletion"]],
  ["aws_kms_cmk_loss", "KMS Key Scheduled For Deletion", ["cmk-disable-or-deletion"]],
  ["aws_kms_cmk_loss", "KMS Key Non Deletion Event", []],
  [
    "aws_kms_cmk_loss",
    "KMS Key Scheduled For Deletion - missing resources",
    ["cmk-disable-or-deletion"],
  ],
  ["aws_kms_cmk_loss", "KMS Disable Key Error", []],
  ["aws_network_acl_permissive_entry", "Overly Permissive Entry Added", ["nacl-changes"]],
  ["aws_network_acl_permissive_entry", "Not Overly Permissive Entry Added", ["nacl-changes"]],
  ["aws_rds_activity_stream_stopped", "Activity Stream Stop Failed", ["unauthorized-api-calls"]],
  [
    "aws_rds_automated_backup_deleted",
    "Automated Backup Deletion Failed",
    ["unauthorized-api-calls"],
  ],
  ["aws_rds_cluster_failover", "Failover Failed", ["unauthorized-api-calls"]],
  ["aws_rds_deletion_protection_disabled", "RDS Modification Failed", ["unauthorized-api-calls"]],
  ["aws_rds_iam_role_added", "Role Addition Failed", ["unauthorized-api-calls"]],
  ["aws_rds_instance_deletion", "RDS Deletion Failed - Access Denied", ["unauthorized-api-calls"]],
  ["aws_rds_instance_made_public", "RDS Modification Failed", ["unauthorized-api-calls"]],
  ["aws_rds_log_file_downloaded", "Download Failed", ["unauthorized-api-calls"]],
  ["aws_rds_security_group_ingress_authorized", "Authorization Failed", ["unauthorized-api-calls"]],
  ["aws_rds_snapshot_copied_cross_region", "Copy Failed", ["unauthorized-api-calls"]],
  ["aws_rds_snapshot_enumeration", "Query Failed", ["unauthorized-api-calls"]],
  ["aws_rds_snapshot_export", "RDS Snapshot Export Failed", ["unauthorized-api-calls"]],
  [
    "aws_rds_snapshot_shared",
    "Snapshot shared with another account",
    ["rds-snapshot-shared-cross-account"],
  ],
  ["aws_rds_snapshot_shared", "Snapshot shared with no accounts", []],
  [
    "aws_resource_made_public",
    "S3 Made Publicly Accessible",
    ["s3-bucket-made-public", "s3-bucket-policy-changes"],
  ],
  ["aws_resource_made_public", "S3 Not Made Publicly Accessible", ["s3-bucket-policy-changes"]],
  ["aws_resource_made_public", "Null Request Parameters", ["s3-bucket-policy-changes"]],
  ["aws_resource_made_public", "S3 Failed to make Publicly Accessible", ["unauthorized-api-calls"]],
  [
    "aws_resource_made_public",
    "Invalid JSON Policy (Should Not Alert)",
    ["s3-bucket-policy-changes"],
  ],
  [
    "aws_resource_made_public",
    "All Restrictive Conditions Types (Should Not Alert)",
    ["s3-bucket-made-public", "s3-bucket-policy-changes"],
  ],
  ["aws_root_access_key_created", "Root Access Key Created", ["root-usage"]],
  [
    "aws_root_access_key_created",
    "Root Created Access Key For User",
    ["access-key-created-for-other-user", "root-usage"],
  ],
  ["aws_root_activity", "Root Activity - CreateServiceLinkedRole", ["root-usage"]],
  ["aws_root_activity", "Root Activity", ["root-usage"]],
  ["aws_root_activity", "IAMUser Activity", []],
  ["aws_root_activity", "Root User Failed Activity", ["root-usage"]],
  ["aws_root_activity", "Successful Root Login", ["console-signin-without-mfa", "root-usage"]],
  ["aws_root_activity", "Root Read-Only Enumeration", ["root-usage"]],
  ["aws_root_password_changed", "Root Password Changed", ["root-usage"]],
  ["aws_root_password_changed", "Root Password Change Failed", ["root-usage"]],
  ["aws_s3_bucket_policy_modified", "S3 Bucket Policy Modified", ["s3-bucket-policy-changes"]],
  [
    "aws_s3_bucket_policy_modified",
    "S3 Bucket Policy Modified Error Response",
    ["unauthorized-api-calls"],
  ],
  [
    "aws_s3_delete_bucket_encryption",
    "Bucket Encryption Deletion Failed",
    ["unauthorized-api-calls"],
  ],
  [
    "aws_s3_delete_bucket_replication",
    "Bucket Replication Deleted Successfully",
    ["s3-bucket-policy-changes"],
  ],
  [
    "aws_s3_delete_bucket_replication",
    "Bucket Replication Deletion Failed",
    ["unauthorized-api-calls"],
  ],
  ["aws_s3_delete_bucket_replication", "Different S3 Event", ["s3-bucket-policy-changes"]],
  [
    "aws_s3_delete_public_access_block",
    "Public Access Block Deleted Successfully",
    ["bucket-public-access-block-removed"],
  ],
  [
    "aws_s3_delete_public_access_block",
    "Public Access Block Deletion Failed",
    ["unauthorized-api-calls"],
  ],
  ["aws_s3_delete_public_access_block", "Different S3 Event", []],
  ["aws_s3_delete_public_access_block", "Non-S3 Event", []],
  [
    "aws_s3_disable_bucket_logging",
    "Bucket Logging Disabled Successfully",
    ["s3-access-logging-disabled"],
  ],
  ["aws_s3_disable_bucket_logging", "Bucket Logging Disabled - Failed", ["unauthorized-api-calls"]],
  ["aws_s3_disable_mfa_delete", "MFA Delete Disabled - Failed", ["unauthorized-api-calls"]],
  [
    "aws_s3_security_control_disabling",
    "No Match - Failed API Call (Access Denied)",
    ["unauthorized-api-calls"],
  ],
  ["aws_s3_suspend_versioning", "Versioning Change Failed", ["unauthorized-api-calls"]],
  [
    "aws_security_configuration_change",
    "Security Configuration Changed",
    ["cloudtrail-changes", "cloudtrail-deleted"],
  ],
  ["aws_security_configuration_change", "Security Configuration Not Changed - Error", []],
  ["aws_security_configuration_change", "Security Configuration Changed - Allowlisted User", []],
  ["aws_securityhub_finding_evasion", "DeleteInsight", []],
  ["aws_snapshot_made_public", "Snapshot Made Publicly Accessible", ["ebs-snapshot-made-public"]],
  ["aws_snapshot_made_public", "Snapshot Not Made Publicly Accessible", []],
  ["aws_snapshot_made_public", "Error Making Snapshot Publicly Accessible", []],
  [
    "aws_snapshot_made_public",
    "Snapshot Mader Available to Single Person",
    ["snapshot-shared-cross-account"],
  ],
  ["aws_sts_getsessiontoken_misuse", "GetSessionToken by IAM User", []],
  ["aws_sts_getsessiontoken_misuse", "GetSessionToken Failed", ["unauthorized-api-calls"]],
  [
    "aws_unauthorized_api_call",
    "Unauthorized API Call from Within AWS (IP)",
    ["unauthorized-api-calls"],
  ],
  [
    "aws_unauthorized_api_call",
    "Unauthorized API Call from Within AWS (FQDN)",
    ["unauthorized-api-calls"],
  ],
  ["aws_unauthorized_api_call", "Authorized API Call", []],
  ["aws_user_login_profile_modified", "ChangeOwnPassword", ["login-profile-set-for-other-user"]],
  [
    "aws_user_login_profile_modified",
    "User changed password for other",
    ["login-profile-set-for-other-user"],
  ],
  [
    "aws_user_login_profile_modified",
    "User changed password for other reset required",
    ["login-profile-set-for-other-user"],
  ],
  ["aws_vpc_flow_logs_deleted", "Logs Deleted", ["vpc-flow-logs-deleted"]],
  // Records of the tactic files' detections beyond their samples (tests/helpers/tacticSamples.ts).
  ["aws_bedrock_guardrail_update_delete", "Guardrail Updated", ["bedrock-guardrail-changed"]],
  [
    "aws_cloudtrail_ses_check_identity_verifications",
    "GetIdentityVerificationStatus Event",
    ["ses-sending-recon"],
  ],
  [
    "aws_cloudtrail_ses_check_ses_sending_enabled",
    "CheckSendingEnabled Event",
    ["ses-sending-recon"],
  ],
  ["aws_cloudtrail_ses_list_identities", "ListIdentities Event", ["ses-sending-recon"]],
  ["aws_ec2_traffic_mirroring", "ModifyTrafficMirrorSession", ["traffic-mirroring-set-up"]],
  ["aws_rds_automated_backup_deleted", "Cluster Automated Backup Deleted", ["rds-backups-deleted"]],
  [
    "aws_rds_deletion_protection_disabled",
    "RDS Cluster Deletion Protection Disabled with Backup Changes - Critical",
    ["rds-deletion-protection-disabled"],
  ],
  ["aws_saml_activity", "DeleteSAMLProvider", ["saml-provider-changed"]],
  ["aws_saml_activity", "UpdateSAMLProvider", ["saml-provider-changed"]],
  ["aws_vpce_access_denied", "VPC Endpoint Access Denied", []],
  ["aws_vpce_access_denied", "Not VPC Endpoint Event", ["unauthorized-api-calls"]],
  ["aws_vpce_sensitive_api_calls", "CloudTrail API Call Via VPC Endpoint", ["cloudtrail-changes"]],
];

describe("catalog on real CloudTrail records (Panther fixtures)", () => {
  it("reviews at least 60 records, and at least 30 that fire nothing", () => {
    expect(REVIEWED.length).to.be.at.least(60);
    expect(REVIEWED.filter(([, , ids]) => ids.length === 0).length).to.be.at.least(30);
  });

  for (const [file, name, expected] of REVIEWED) {
    it(`${file} / ${name} -> ${expected.length ? expected.join(", ") : "none"}`, () => {
      expect(firing(pantherRecord(file, name))).to.deep.equal(expected);
    });
  }

  it("every fixture record not in the table fires nothing but, at most, the reviewed kinds", () => {
    // Records outside the table are out of scope (Lambda, RDS, SES, ...): whatever fires on them
    // must be a detection that the table already shows firing on a record of the same call.
    const reviewed = new Set(REVIEWED.map(([file, name]) => `${file}/${name}`));
    const firingByCall = new Map<string, Set<string>>();
    for (const [file, name, ids] of REVIEWED) {
      const record = pantherRecord(file, name);
      const call = `${record.eventSource}:${record.eventName}:${record.errorCode ? "failed" : "ok"}`;
      const set = firingByCall.get(call) ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      firingByCall.set(call, set);
    }
    // The tactic samples are reviewed too (tests/catalogTactics.test.ts): each positive record
    // shows its detection firing on that call.
    for (const { id, positive } of TACTIC_SAMPLES) {
      const call = `${positive.eventSource}:${positive.eventName}:${positive.errorCode ? "failed" : "ok"}`;
      firingByCall.set(call, new Set([...(firingByCall.get(call) ?? []), id]));
    }
    const unexpected: string[] = [];
    for (const file of fs.readdirSync(PANTHER_DIR).filter((f) => f.endsWith(".json"))) {
      const document = JSON.parse(fs.readFileSync(path.join(PANTHER_DIR, file), "utf8"));
      for (const test of document.tests as { name: string; event: Record<string, unknown> }[]) {
        const key = `${file.replace(/\.json$/, "")}/${test.name}`;
        if (reviewed.has(key) || typeof test.event.eventSource !== "string") continue;
        const ids = firing(test.event);
        const call = `${test.event.eventSource}:${test.event.eventName}:${test.event.errorCode ? "failed" : "ok"}`;
        const allowed = firingByCall.get(call) ?? new Set<string>(["unauthorized-api-calls"]);
        for (const id of ids) {
          if (!allowed.has(id)) unexpected.push(`${key}: ${id}`);
        }
      }
    }
    expect(unexpected).to.deep.equal([]);
  });

  for (const sample of VARIANTS) {
    it(`variant: ${sample.name} -> ${sample.fires.length ? sample.fires.join(", ") : "none"}`, () => {
      expect(firing(sample.record)).to.deep.equal(sample.fires);
    });
  }

  for (const sample of EVENT_SAMPLES) {
    it(`event: ${sample.name} -> ${sample.fires.length ? sample.fires.join(", ") : "none"}`, () => {
      expect(firingOn(sample.event)).to.deep.equal(sample.fires);
    });
  }

  it("every detection fires on at least one real record, variant or non-CloudTrail event", () => {
    const fired = new Set([
      ...REVIEWED.flatMap(([, , ids]) => ids),
      ...VARIANTS.flatMap((s) => s.fires),
      ...EVENT_SAMPLES.flatMap((s) => s.fires),
      ...TACTIC_SAMPLES.map((s) => s.id),
    ]);
    expect(CATALOG.map((d) => d.id).filter((id) => !fired.has(id))).to.deep.equal([]);
  });

  it("failed calls never fire a remediating detection", () => {
    const failed = REVIEWED.map(([file, name]) => pantherRecord(file, name)).filter(
      (r) => r.errorCode,
    );
    expect(failed.length).to.be.at.least(20);
    const remediating = new Set(CATALOG.filter((d) => d.remediation).map((d) => d.id));
    for (const record of failed) {
      expect(firing(record).filter((id) => remediating.has(id))).to.deep.equal([]);
    }
  });
});
