import { expect } from "chai";

import {
  CIS_CONTROLS,
  CIS_CONTROL_IDS,
  CisControlId,
  cisAlarmDescription,
  cisControl,
} from "../core/cisControls";
import { parseFilterPattern } from "../core/metricFilterPattern";
import { Severity } from "../core/types";

/**
 * Each pattern copied by hand from the AWS Security Hub user guide, "Amazon CloudWatch controls"
 * (CloudWatch.1-14), and for 4.15 from the CIS AWS Foundations Benchmark v1.4/v1.5 remediation.
 * Literal strings on purpose: Security Hub fails a control on any byte of difference.
 */
const PINNED: [CisControlId, string, string | undefined, Severity, string, string][] = [
  [
    CisControlId.UnauthorizedApiCalls,
    "4.1",
    "CloudWatch.2",
    Severity.Medium,
    "UnauthorizedAPICalls",
    '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  ],
  [
    CisControlId.ConsoleSigninWithoutMfa,
    "4.2",
    "CloudWatch.3",
    Severity.High,
    "ConsoleSigninWithoutMFA",
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  ],
  [
    CisControlId.RootUsage,
    "4.3",
    "CloudWatch.1",
    Severity.Critical,
    "RootAccountUsage",
    '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  ],
  [
    CisControlId.IamPolicyChanges,
    "4.4",
    "CloudWatch.4",
    Severity.High,
    "IAMPolicyChanges",
    "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
  ],
  [
    CisControlId.CloudTrailChanges,
    "4.5",
    "CloudWatch.5",
    Severity.High,
    "CloudTrailChanges",
    "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
  ],
  [
    CisControlId.ConsoleAuthFailures,
    "4.6",
    "CloudWatch.6",
    Severity.Medium,
    "ConsoleAuthenticationFailure",
    '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  ],
  [
    CisControlId.CmkDisableOrDeletion,
    "4.7",
    "CloudWatch.7",
    Severity.High,
    "DisableOrDeleteCMK",
    "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
  ],
  [
    CisControlId.S3BucketPolicyChanges,
    "4.8",
    "CloudWatch.8",
    Severity.Medium,
    "S3BucketPolicyChanges",
    "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
  ],
  [
    CisControlId.ConfigChanges,
    "4.9",
    "CloudWatch.9",
    Severity.High,
    "AWSConfigChanges",
    "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
  ],
  [
    CisControlId.SecurityGroupChanges,
    "4.10",
    "CloudWatch.10",
    Severity.Medium,
    "SecurityGroupChanges",
    "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
  ],
  [
    CisControlId.NaclChanges,
    "4.11",
    "CloudWatch.11",
    Severity.Medium,
    "NetworkACLChanges",
    "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
  ],
  [
    CisControlId.NetworkGatewayChanges,
    "4.12",
    "CloudWatch.12",
    Severity.Medium,
    "NetworkGatewayChanges",
    "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
  ],
  [
    CisControlId.RouteTableChanges,
    "4.13",
    "CloudWatch.13",
    Severity.Medium,
    "RouteTableChanges",
    "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
  ],
  [
    CisControlId.VpcChanges,
    "4.14",
    "CloudWatch.14",
    Severity.Medium,
    "VPCChanges",
    "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
  ],
  [
    CisControlId.OrganizationsChanges,
    "4.15",
    undefined,
    Severity.High,
    "OrganizationsChanges",
    '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
  ],
];

describe("cisControls", () => {
  it("has the 15 controls of CIS v1.4 section 4, in order", () => {
    expect(CIS_CONTROLS.map((c) => c.cis)).to.deep.equal(PINNED.map((p) => p[1]));
    expect(CIS_CONTROL_IDS).to.deep.equal(PINNED.map((p) => p[0]));
  });

  for (const [id, cis, securityHub, severity, metricName, pattern] of PINNED) {
    it(`pins ${cis} (${securityHub ?? "no Security Hub control"}) byte for byte`, () => {
      const control = cisControl(id);
      expect(control.cis).to.equal(cis);
      expect(control.securityHub).to.equal(securityHub);
      expect(control.severity).to.equal(severity);
      expect(control.metricName).to.equal(metricName);
      expect(control.filterPattern).to.equal(pattern);
      expect(Buffer.from(control.filterPattern).equals(Buffer.from(pattern))).to.equal(true);
    });
  }

  it("maps each Security Hub control CloudWatch.1-14 to exactly one CIS control", () => {
    const hub = CIS_CONTROLS.filter((c) => c.securityHub).map((c) => c.securityHub);
    expect([...hub].sort()).to.deep.equal(
      Array.from({ length: 14 }, (_, i) => `CloudWatch.${i + 1}`).sort(),
    );
  });

  it("has unique ids and metric names, and patterns that parse and fit CloudWatch Logs", () => {
    expect(new Set(CIS_CONTROLS.map((c) => c.id)).size).to.equal(15);
    expect(new Set(CIS_CONTROLS.map((c) => c.metricName)).size).to.equal(15);
    for (const c of CIS_CONTROLS) {
      expect(() => parseFilterPattern(c.filterPattern), c.cis).not.to.throw();
      expect(c.metricName).to.match(/^[A-Za-z0-9]{1,255}$/);
    }
  });

  it("throws on an unknown control id, listing the known ones", () => {
    expect(() => cisControl("root")).to.throw(
      `Unknown CIS control "root"; known controls: ${PINNED.map((p) => p[0]).join(", ")}`,
    );
  });

  it("describes an alarm with its CIS and Security Hub references", () => {
    expect(cisAlarmDescription(cisControl(CisControlId.RootUsage))).to.equal(
      'Usage of the "root" user (CIS AWS Foundations v1.4 4.3, AWS Security Hub CloudWatch.1): metric filter RootAccountUsage on the CloudTrail log group.',
    );
    expect(cisAlarmDescription(cisControl(CisControlId.OrganizationsChanges))).to.equal(
      "AWS Organizations changes (CIS AWS Foundations v1.4 4.15): metric filter OrganizationsChanges on the CloudTrail log group.",
    );
  });
});
