/**
 * The CIS AWS Foundations Benchmark v1.4 monitoring controls (section 4, 4.1-4.15) as CloudWatch
 * Logs metric filters on the CloudTrail log group. Plain data, no Pulumi.
 *
 * The filter patterns of 4.1-4.14 are byte-exact copies of the ones that the AWS Security Hub
 * user guide prescribes ("Amazon CloudWatch controls", controls CloudWatch.1-CloudWatch.14,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html). Security
 * Hub fails a control when the pattern differs in any way (spacing, quotes, parentheses, extra
 * terms), so never reformat them. 4.15 (AWS Organizations changes) has no Security Hub control:
 * its pattern is the one of the CIS v1.4/v1.5 benchmark remediation.
 */
import { Severity } from "./types";

/** Stable ids of the CIS monitoring controls; they key overrides, alarm names and outputs. */
export enum CisControlId {
  UnauthorizedApiCalls = "unauthorized-api-calls",
  ConsoleSigninWithoutMfa = "console-signin-without-mfa",
  RootUsage = "root-usage",
  IamPolicyChanges = "iam-policy-changes",
  CloudTrailChanges = "cloudtrail-changes",
  ConsoleAuthFailures = "console-auth-failures",
  CmkDisableOrDeletion = "cmk-disable-or-deletion",
  S3BucketPolicyChanges = "s3-bucket-policy-changes",
  ConfigChanges = "config-changes",
  SecurityGroupChanges = "security-group-changes",
  NaclChanges = "nacl-changes",
  NetworkGatewayChanges = "network-gateway-changes",
  RouteTableChanges = "route-table-changes",
  VpcChanges = "vpc-changes",
  OrganizationsChanges = "organizations-changes",
}

export interface CisControl {
  readonly id: CisControlId;
  /** The CIS AWS Foundations Benchmark v1.4 recommendation, e.g. "4.3". */
  readonly cis: string;
  /** The AWS Security Hub control that checks it, e.g. "CloudWatch.1"; none for 4.15. */
  readonly securityHub?: string;
  readonly title: string;
  /** Default severity: which alert topic the alarm notifies. */
  readonly severity: Severity;
  /** The CloudWatch Logs filter pattern, byte-exact (see the file comment). */
  readonly filterPattern: string;
  /** The metric the filter publishes (one per control, unique). */
  readonly metricName: string;
}

export const CIS_CONTROLS: readonly CisControl[] = [
  {
    id: CisControlId.UnauthorizedApiCalls,
    cis: "4.1",
    securityHub: "CloudWatch.2",
    title: "Unauthorized API calls",
    severity: Severity.Medium,
    filterPattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    metricName: "UnauthorizedAPICalls",
  },
  {
    id: CisControlId.ConsoleSigninWithoutMfa,
    cis: "4.2",
    securityHub: "CloudWatch.3",
    title: "Management Console sign-in without MFA",
    severity: Severity.High,
    filterPattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    metricName: "ConsoleSigninWithoutMFA",
  },
  {
    id: CisControlId.RootUsage,
    cis: "4.3",
    securityHub: "CloudWatch.1",
    title: 'Usage of the "root" user',
    severity: Severity.Critical,
    filterPattern:
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    metricName: "RootAccountUsage",
  },
  {
    id: CisControlId.IamPolicyChanges,
    cis: "4.4",
    securityHub: "CloudWatch.4",
    title: "IAM policy changes",
    severity: Severity.High,
    filterPattern:
      "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    metricName: "IAMPolicyChanges",
  },
  {
    id: CisControlId.CloudTrailChanges,
    cis: "4.5",
    securityHub: "CloudWatch.5",
    title: "CloudTrail configuration changes",
    severity: Severity.High,
    filterPattern:
      "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    metricName: "CloudTrailChanges",
  },
  {
    id: CisControlId.ConsoleAuthFailures,
    cis: "4.6",
    securityHub: "CloudWatch.6",
    title: "Management Console authentication failures",
    severity: Severity.Medium,
    filterPattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    metricName: "ConsoleAuthenticationFailure",
  },
  {
    id: CisControlId.CmkDisableOrDeletion,
    cis: "4.7",
    securityHub: "CloudWatch.7",
    title: "Disabling or scheduled deletion of customer managed keys",
    severity: Severity.High,
    filterPattern:
      "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    metricName: "DisableOrDeleteCMK",
  },
  {
    id: CisControlId.S3BucketPolicyChanges,
    cis: "4.8",
    securityHub: "CloudWatch.8",
    title: "S3 bucket policy changes",
    severity: Severity.Medium,
    filterPattern:
      "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    metricName: "S3BucketPolicyChanges",
  },
  {
    id: CisControlId.ConfigChanges,
    cis: "4.9",
    securityHub: "CloudWatch.9",
    title: "AWS Config configuration changes",
    severity: Severity.High,
    filterPattern:
      "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    metricName: "AWSConfigChanges",
  },
  {
    id: CisControlId.SecurityGroupChanges,
    cis: "4.10",
    securityHub: "CloudWatch.10",
    title: "Security group changes",
    severity: Severity.Medium,
    filterPattern:
      "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    metricName: "SecurityGroupChanges",
  },
  {
    id: CisControlId.NaclChanges,
    cis: "4.11",
    securityHub: "CloudWatch.11",
    title: "Network access control list (NACL) changes",
    severity: Severity.Medium,
    filterPattern:
      "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    metricName: "NetworkACLChanges",
  },
  {
    id: CisControlId.NetworkGatewayChanges,
    cis: "4.12",
    securityHub: "CloudWatch.12",
    title: "Network gateway changes",
    severity: Severity.Medium,
    filterPattern:
      "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    metricName: "NetworkGatewayChanges",
  },
  {
    id: CisControlId.RouteTableChanges,
    cis: "4.13",
    securityHub: "CloudWatch.13",
    title: "Route table changes",
    severity: Severity.Medium,
    filterPattern:
      "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    metricName: "RouteTableChanges",
  },
  {
    id: CisControlId.VpcChanges,
    cis: "4.14",
    securityHub: "CloudWatch.14",
    title: "VPC changes",
    severity: Severity.Medium,
    filterPattern:
      "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    metricName: "VPCChanges",
  },
  {
    id: CisControlId.OrganizationsChanges,
    cis: "4.15",
    title: "AWS Organizations changes",
    severity: Severity.High,
    filterPattern:
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
    metricName: "OrganizationsChanges",
  },
];

/** Every control id, in CIS order. */
export const CIS_CONTROL_IDS: readonly CisControlId[] = CIS_CONTROLS.map((c) => c.id);

/** The control with this id; throws on an unknown id. */
export function cisControl(id: string): CisControl {
  const found = CIS_CONTROLS.find((c) => c.id === id);
  if (!found) {
    throw new Error(`Unknown CIS control "${id}"; known controls: ${CIS_CONTROL_IDS.join(", ")}`);
  }
  return found;
}

/** The alarm description of a control: what it watches and where the requirement comes from. */
export function cisAlarmDescription(control: CisControl): string {
  const refs = [`CIS AWS Foundations v1.4 ${control.cis}`];
  if (control.securityHub) refs.push(`AWS Security Hub ${control.securityHub}`);
  return `${control.title} (${refs.join(", ")}): metric filter ${control.metricName} on the CloudTrail log group.`;
}
