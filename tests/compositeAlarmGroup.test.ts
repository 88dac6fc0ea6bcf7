import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";

import { Severity } from "../core/types";
import { setup, settle, valueOf } from "./helpers/mocks";

const recorder = setup();

// Record the explicit dependencies of each registration (the recorder keeps inputs and parents).
const dependencies = new Map<string, string[]>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const monitor = pulumi.runtime.getMonitor() as any;
const register = monitor.registerResource.bind(monitor);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
monitor.registerResource = (req: any, callback: any) => {
  dependencies.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList());
  return register(req, callback);
};

type Module = typeof import("../components/compositeAlarmGroup");
type Args = import("../components/compositeAlarmGroup").CompositeAlarmGroupArgs;

const GROUP = "aws-security-watch:index:CompositeAlarmGroup";
const FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const TOPIC = (s: string) => `arn:aws:sns:eu-west-1:123456789012:alerts-${s}`;
const RESOLUTIONS = "arn:aws:sns:eu-west-1:123456789012:resolutions";

const ARGS: Args = {
  logGroupName: "trail-logs",
  alertTopicArns: {
    critical: TOPIC("critical"),
    high: TOPIC("high"),
    medium: TOPIC("medium"),
    info: TOPIC("info"),
  },
  resolutionTopicArn: RESOLUTIONS,
};

/** Every pattern, pinned again here as exact literals (Security Hub compares bytes). */
const PATTERNS: Record<string, string> = {
  "unauthorized-api-calls":
    '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  "console-signin-without-mfa":
    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  "root-usage":
    '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  "iam-policy-changes":
    "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
  "cloudtrail-changes":
    "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
  "console-auth-failures":
    '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  "cmk-disable-or-deletion":
    "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
  "s3-bucket-policy-changes":
    "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
  "config-changes":
    "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
  "security-group-changes":
    "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
  "nacl-changes":
    "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
  "network-gateway-changes":
    "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
  "route-table-changes":
    "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
  "vpc-changes":
    "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
  "organizations-changes":
    '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
};

const SEVERITY: Record<string, string> = {
  "unauthorized-api-calls": "medium",
  "console-signin-without-mfa": "high",
  "root-usage": "critical",
  "iam-policy-changes": "high",
  "cloudtrail-changes": "high",
  "console-auth-failures": "medium",
  "cmk-disable-or-deletion": "high",
  "s3-bucket-policy-changes": "medium",
  "config-changes": "high",
  "security-group-changes": "medium",
  "nacl-changes": "medium",
  "network-gateway-changes": "medium",
  "route-table-changes": "medium",
  "vpc-changes": "medium",
  "organizations-changes": "high",
};

const METRIC: Record<string, string> = {
  "unauthorized-api-calls": "UnauthorizedAPICalls",
  "console-signin-without-mfa": "ConsoleSigninWithoutMFA",
  "root-usage": "RootAccountUsage",
  "iam-policy-changes": "IAMPolicyChanges",
  "cloudtrail-changes": "CloudTrailChanges",
  "console-auth-failures": "ConsoleAuthenticationFailure",
  "cmk-disable-or-deletion": "DisableOrDeleteCMK",
  "s3-bucket-policy-changes": "S3BucketPolicyChanges",
  "config-changes": "AWSConfigChanges",
  "security-group-changes": "SecurityGroupChanges",
  "nacl-changes": "NetworkACLChanges",
  "network-gateway-changes": "NetworkGatewayChanges",
  "route-table-changes": "RouteTableChanges",
  "vpc-changes": "VPCChanges",
  "organizations-changes": "OrganizationsChanges",
};

function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::aws-security-watch::${GROUP}$${type}::${name}`;
}

describe("CompositeAlarmGroup", () => {
  let mod: Module;
  before(async () => {
    mod = await import("../components/compositeAlarmGroup");
  });
  const fresh = (): void => {
    recorder.reset();
    dependencies.clear();
  };
  beforeEach(function () {
    // The "with defaults" suite builds its group once in a before hook; keep its records.
    if (this.currentTest?.parent?.title !== "with defaults") fresh();
  });

  describe("with defaults", () => {
    let group: InstanceType<Module["CompositeAlarmGroup"]>;
    before(async () => {
      fresh();
      group = new mod.CompositeAlarmGroup("sec", ARGS);
      await settle();
    });

    it("creates one filter and one alarm per CIS control, and the default composites, all children of the group", () => {
      expect(recorder.get(GROUP, "sec").parent).to.equal(undefined);
      const children = recorder.childrenOf(GROUP, "sec").map((r) => `${r.type}::${r.name}`);
      const keys = Object.keys(PATTERNS);
      expect(children.sort()).to.deep.equal(
        [
          ...keys.map((k) => `${FILTER}::sec-filter-${k}`),
          ...keys.map((k) => `${ALARM}::sec-alarm-${k}`),
          `${COMPOSITE}::sec-composite-credential-attack`,
          `${COMPOSITE}::sec-composite-defense-evasion`,
          `${COMPOSITE}::sec-composite-network-tampering`,
        ].sort(),
      );
    });

    for (const key of Object.keys(PATTERNS)) {
      it(`puts the exact ${key} filter on the trail's log group`, () => {
        expect(recorder.get(FILTER, `sec-filter-${key}`).inputs).to.deep.equal({
          name: `sec-${key}`,
          logGroupName: "trail-logs",
          pattern: PATTERNS[key],
          metricTransformation: { name: METRIC[key], namespace: "AwsSecurityWatch", value: "1" },
        });
      });

      it(`alarms on ${key} to the ${SEVERITY[key]} topic and resolves to the resolution topic`, () => {
        const inputs = recorder.get(ALARM, `sec-alarm-${key}`).inputs;
        expect(inputs.alarmDescription).to.be.a("string").and.contain(METRIC[key]);
        const rest = { ...inputs };
        delete rest.alarmDescription;
        expect(rest).to.deep.equal({
          name: `sec-${key}`,
          namespace: "AwsSecurityWatch",
          metricName: METRIC[key],
          statistic: "Sum",
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          threshold: 1,
          period: 300,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: "notBreaching",
          actionsEnabled: true,
          alarmActions: [TOPIC(SEVERITY[key])],
          okActions: [RESOLUTIONS],
        });
        expect(dependencies.get(`${ALARM}::sec-alarm-${key}`)).to.deep.equal([
          urnOf(FILTER, `sec-filter-${key}`),
        ]);
      });
    }

    it("describes the root alarm with its CIS and Security Hub ids", () => {
      expect(recorder.get(ALARM, "sec-alarm-root-usage").inputs.alarmDescription).to.equal(
        'Usage of the "root" user (CIS AWS Foundations v1.4 4.3, AWS Security Hub CloudWatch.1): metric filter RootAccountUsage on the CloudTrail log group.',
      );
    });

    it("builds the default composites with exact rules, actions and dependencies", () => {
      const expected: [string, string, string, string[]][] = [
        [
          "credential-attack",
          'ALARM("sec-console-auth-failures") AND ALARM("sec-unauthorized-api-calls")',
          "high",
          ["console-auth-failures", "unauthorized-api-calls"],
        ],
        [
          "defense-evasion",
          'ALARM("sec-cloudtrail-changes") OR ALARM("sec-config-changes") OR ALARM("sec-cmk-disable-or-deletion")',
          "high",
          ["cloudtrail-changes", "config-changes", "cmk-disable-or-deletion"],
        ],
        [
          "network-tampering",
          'ALARM("sec-security-group-changes") OR ALARM("sec-nacl-changes") OR ALARM("sec-network-gateway-changes") OR ALARM("sec-route-table-changes") OR ALARM("sec-vpc-changes")',
          "medium",
          [
            "security-group-changes",
            "nacl-changes",
            "network-gateway-changes",
            "route-table-changes",
            "vpc-changes",
          ],
        ],
      ];
      for (const [key, rule, severity, children] of expected) {
        const inputs = recorder.get(COMPOSITE, `sec-composite-${key}`).inputs;
        expect(inputs.alarmName).to.equal(`sec-${key}`);
        expect(inputs.alarmRule).to.equal(rule);
        expect(inputs.actionsEnabled).to.equal(true);
        expect(inputs.alarmActions).to.deep.equal([TOPIC(severity)]);
        expect(inputs.okActions).to.deep.equal([RESOLUTIONS]);
        expect(inputs.actionsSuppressor).to.equal(undefined);
        expect(dependencies.get(`${COMPOSITE}::sec-composite-${key}`)).to.deep.equal(
          children.map((c) => urnOf(ALARM, `sec-alarm-${c}`)),
        );
      }
    });

    it("exposes the filters, alarms, composites, names and ARNs by key", async () => {
      expect(Object.keys(group.metricFilters)).to.deep.equal(Object.keys(PATTERNS));
      expect(Object.keys(group.alarms)).to.deep.equal(Object.keys(PATTERNS));
      expect(Object.keys(group.compositeAlarms)).to.deep.equal([
        "credential-attack",
        "defense-evasion",
        "network-tampering",
      ]);
      expect(await valueOf(group.alarmNames["root-usage"])).to.equal("sec-root-usage");
      expect(await valueOf(group.alarmNames["credential-attack"])).to.equal(
        "sec-credential-attack",
      );
      expect(await valueOf(group.alarmArns["root-usage"])).to.equal(
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:sec-root-usage",
      );
      expect(await valueOf(group.alarmArns["defense-evasion"])).to.equal(
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:sec-defense-evasion",
      );
    });
  });

  it("applies overrides, disables controls, adds custom filters, prefix, namespace and tags", async () => {
    new mod.CompositeAlarmGroup("sec", {
      ...ARGS,
      alarmNamePrefix: "prod-cis",
      metricNamespace: "CISBenchmark",
      disabledControls: ["vpc-changes"],
      controlOverrides: {
        "unauthorized-api-calls": { threshold: 10 },
        "console-auth-failures": {
          threshold: 5,
          periodSeconds: 600,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          severity: Severity.High,
        },
      },
      customFilters: {
        "stop-logging": {
          pattern: '{ $.eventName = "StopLogging" }',
          severity: Severity.Critical,
          description: "Trail stopped.",
        },
      },
      tags: { team: "security" },
    });
    await settle();
    expect(recorder.ofType(FILTER).map((r) => r.name)).not.to.include("sec-filter-vpc-changes");
    expect(recorder.ofType(ALARM).map((r) => r.name)).not.to.include("sec-alarm-vpc-changes");
    expect(recorder.get(ALARM, "sec-alarm-unauthorized-api-calls").inputs).to.deep.include({
      name: "prod-cis-unauthorized-api-calls",
      namespace: "CISBenchmark",
      threshold: 10,
      period: 300,
      alarmActions: [TOPIC("medium")],
      tags: { team: "security" },
    });
    expect(recorder.get(ALARM, "sec-alarm-console-auth-failures").inputs).to.deep.include({
      threshold: 5,
      period: 600,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      alarmActions: [TOPIC("high")],
    });
    expect(recorder.get(FILTER, "sec-filter-stop-logging").inputs).to.deep.equal({
      name: "prod-cis-stop-logging",
      logGroupName: "trail-logs",
      pattern: '{ $.eventName = "StopLogging" }',
      metricTransformation: { name: "stop-logging", namespace: "CISBenchmark", value: "1" },
    });
    expect(recorder.get(ALARM, "sec-alarm-stop-logging").inputs).to.deep.include({
      name: "prod-cis-stop-logging",
      alarmDescription: "Trail stopped.",
      metricName: "stop-logging",
      alarmActions: [TOPIC("critical")],
      okActions: [RESOLUTIONS],
    });
    expect(recorder.get(COMPOSITE, "sec-composite-network-tampering").inputs).to.deep.include({
      alarmRule:
        'ALARM("prod-cis-security-group-changes") OR ALARM("prod-cis-nacl-changes") OR ALARM("prod-cis-network-gateway-changes") OR ALARM("prod-cis-route-table-changes")',
      tags: { team: "security" },
    });
  });

  it("builds user composites, removes child actions when asked, and sets the actions suppressor", async () => {
    new mod.CompositeAlarmGroup("sec", {
      ...ARGS,
      includeDefaultComposites: false,
      suppressChildActions: true,
      customFilters: {
        "stop-logging": { pattern: '{ $.eventName = "StopLogging" }', severity: Severity.High },
      },
      composites: {
        "root-outside-maintenance": {
          rule: {
            allOf: [
              { alarm: "root-usage" },
              { anyOf: [{ alarm: "iam-policy-changes" }, { alarm: "stop-logging" }] },
            ],
          },
          severity: Severity.Critical,
          description: "Root changed IAM or stopped the trail.",
        },
      },
      actionsSuppressor: { alarm: "maintenance-window", waitPeriodSeconds: 120 },
    });
    await settle();
    expect(recorder.ofType(COMPOSITE).map((r) => r.name)).to.deep.equal([
      "sec-composite-root-outside-maintenance",
    ]);
    expect(recorder.get(COMPOSITE, "sec-composite-root-outside-maintenance").inputs).to.deep.equal({
      alarmName: "sec-root-outside-maintenance",
      alarmDescription: "Root changed IAM or stopped the trail.",
      alarmRule:
        'ALARM("sec-root-usage") AND (ALARM("sec-iam-policy-changes") OR ALARM("sec-stop-logging"))',
      actionsEnabled: true,
      alarmActions: [TOPIC("critical")],
      okActions: [RESOLUTIONS],
      actionsSuppressor: { alarm: "maintenance-window", waitPeriod: 120, extensionPeriod: 60 },
    });
    expect(dependencies.get(`${COMPOSITE}::sec-composite-root-outside-maintenance`)).to.deep.equal([
      urnOf(ALARM, "sec-alarm-root-usage"),
      urnOf(ALARM, "sec-alarm-iam-policy-changes"),
      urnOf(ALARM, "sec-alarm-stop-logging"),
    ]);
    for (const child of ["root-usage", "iam-policy-changes", "stop-logging"]) {
      const inputs = recorder.get(ALARM, `sec-alarm-${child}`).inputs;
      expect(inputs.alarmActions, child).to.deep.equal([]);
      expect(inputs.okActions, child).to.deep.equal([]);
    }
    expect(recorder.get(ALARM, "sec-alarm-cloudtrail-changes").inputs.alarmActions).to.deep.equal([
      TOPIC("high"),
    ]);
  });

  it("works with only the topics it needs", async () => {
    new mod.CompositeAlarmGroup("sec", {
      ...ARGS,
      alertTopicArns: { critical: TOPIC("critical") },
      disabledControls: Object.keys(PATTERNS).filter((k) => k !== "root-usage"),
    });
    await settle();
    expect(recorder.ofType(ALARM).map((r) => r.name)).to.deep.equal(["sec-alarm-root-usage"]);
    expect(recorder.ofType(COMPOSITE)).to.deep.equal([]);
  });

  const invalid: [string, Partial<Args>, string][] = [
    [
      "a missing severity topic",
      { alertTopicArns: { high: TOPIC("high"), medium: TOPIC("medium") } },
      'alertTopicArns has no topic for severity "critical" (used by "root-usage"); add alertTopicArns["critical"] or change the severity',
    ],
    [
      "a user composite over a disabled control",
      { disabledControls: ["root-usage"], composites: { mine: { rule: { alarm: "root-usage" } } } },
      'Composite alarm "mine" references alarm "root-usage", which is disabled by disabledControls; enable it or remove it from the rule',
    ],
    [
      "an unknown reference",
      {
        includeDefaultComposites: false,
        composites: { mine: { rule: { anyOf: [{ alarm: "root-usage" }, { alarm: "rooot" }] } } },
      },
      'Composite alarm "mine" references unknown alarm "rooot" at anyOf[1]; known alarms: unauthorized-api-calls, console-signin-without-mfa, root-usage, iam-policy-changes, cloudtrail-changes, console-auth-failures, cmk-disable-or-deletion, s3-bucket-policy-changes, config-changes, security-group-changes, nacl-changes, network-gateway-changes, route-table-changes, vpc-changes, organizations-changes',
    ],
    [
      "an empty allOf",
      { composites: { mine: { rule: { allOf: [] } } } },
      'Composite alarm "mine": allOf at rule is empty; give it at least one rule',
    ],
    [
      "a malformed custom pattern",
      {
        customFilters: {
          mine: { pattern: '{ $.eventName = "StopLogging"', severity: Severity.High },
        },
      },
      'customFilters["mine"]: Invalid metric filter pattern: unexpected end of pattern, expected && or || or a closing } at position 29 of { $.eventName = "StopLogging"',
    ],
  ];
  for (const [title, patch, message] of invalid) {
    it(`rejects ${title} before creating anything`, async () => {
      expect(() => new mod.CompositeAlarmGroup("sec", { ...ARGS, ...patch })).to.throw(
        pulumi.ResourceError,
        message,
      );
      await settle();
      expect(recorder.ofType(FILTER)).to.deep.equal([]);
      expect(recorder.ofType(ALARM)).to.deep.equal([]);
    });
  }

  it("tells to set alarmNamePrefix when the component name cannot be one", () => {
    expect(() => new mod.CompositeAlarmGroup("my stack", ARGS)).to.throw(
      pulumi.ResourceError,
      'alarmNamePrefix "my stack" must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit (it defaults to the component name; set alarmNamePrefix)',
    );
  });
});
