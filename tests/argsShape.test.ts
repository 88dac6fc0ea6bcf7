/**
 * The first validation pass of every component: the shape of its arguments at run time (what a
 * JavaScript program, or another language through the provider, may get wrong), one line per
 * problem naming the field and what is expected. Exact messages, and nothing created.
 */
import { expect } from "chai";
import * as fc from "fast-check";
import { setup, settle, REGION } from "./helpers/mocks";

const recorder = setup();

import * as lib from "../lib";
import {
  argsProblems,
  describeValue,
  isPending,
  list,
  map,
  obj,
  shapeProblems,
  str,
} from "../core/argsShape";
import * as pulumi from "@pulumi/pulumi";

const TOPICS = {
  critical: "arn:aws:sns:eu-west-1:123456789012:c",
  high: "arn:aws:sns:eu-west-1:123456789012:h",
  medium: "arn:aws:sns:eu-west-1:123456789012:m",
  info: "arn:aws:sns:eu-west-1:123456789012:i",
};
const RESOLUTIONS = "arn:aws:sns:eu-west-1:123456789012:r";
const SLACK = { teamId: "T07EA123LEP", channelId: "C07EZ1ABC23" };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** Builds a component with arguments TypeScript would reject, as JavaScript can. */
const CASES: [string, () => unknown, string][] = [
  [
    "AutoRemediator without resolutionTopicArn",
    () =>
      new lib.AutoRemediator("remediate", {
        failureAlarmTopicArn: TOPICS.high,
      } as Loose),
    'AutoRemediator "remediate": resolutionTopicArn is required (the AlertTopicSet resolutionTopicArn)',
  ],
  [
    "AutoRemediator without failureAlarmTopicArn",
    () => new lib.AutoRemediator("remediate", { resolutionTopicArn: RESOLUTIONS } as Loose),
    'AutoRemediator "remediate": failureAlarmTopicArn is required (an SNS topic ARN, normally the AlertTopicSet alertTopicArns.high)',
  ],
  [
    "AutoRemediator with no arguments at all",
    () => new (lib.AutoRemediator as Loose)("remediate"),
    [
      'AutoRemediator "remediate": resolutionTopicArn is required (the AlertTopicSet resolutionTopicArn)',
      'AutoRemediator "remediate": failureAlarmTopicArn is required (an SNS topic ARN, normally the AlertTopicSet alertTopicArns.high)',
    ].join("\n"),
  ],
  [
    "AutoRemediator with a watcher lacking its rule names",
    () =>
      new lib.AutoRemediator("remediate", {
        resolutionTopicArn: RESOLUTIONS,
        failureAlarmTopicArn: TOPICS.high,
        watcher: { deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:dlq" },
      } as Loose),
    'AutoRemediator "remediate": watcher.ruleNames is required (a map of detection id to rule name (SecurityRuleWatcher ruleNames))',
  ],
  [
    "AutoRemediator with rule names that are an output of a map",
    () =>
      new lib.AutoRemediator("remediate", {
        resolutionTopicArn: RESOLUTIONS,
        failureAlarmTopicArn: TOPICS.high,
        watcher: {
          ruleNames: pulumi.output({ "root-usage": "w-root-usage" }),
          deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:dlq",
        },
      } as Loose),
    'AutoRemediator "remediate": watcher.ruleNames must be known when the component is built (a map of detection id to rule name (SecurityRuleWatcher ruleNames)), got an output: pass the value itself',
  ],
  [
    "AutoRemediator with trusted principals as one string",
    () =>
      new lib.AutoRemediator("remediate", {
        resolutionTopicArn: RESOLUTIONS,
        failureAlarmTopicArn: TOPICS.high,
        trustedPrincipalArns: "arn:aws:iam::123456789012:role/deployer",
      } as Loose),
    'AutoRemediator "remediate": trustedPrincipalArns must be a list of IAM user or role ARNs, got the string "arn:aws:iam::123456789012:role/deployer"',
  ],
  [
    "AutoRemediator with remediations as a list",
    () =>
      new lib.AutoRemediator("remediate", {
        resolutionTopicArn: RESOLUTIONS,
        failureAlarmTopicArn: TOPICS.high,
        remediations: [{ mode: "enforce" }],
      } as Loose),
    'AutoRemediator "remediate": remediations must be a map of remediation id to its settings, got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "AutoRemediator with a detection linked to an unknown remediation",
    () =>
      new lib.AutoRemediator("remediate", {
        resolutionTopicArn: RESOLUTIONS,
        failureAlarmTopicArn: TOPICS.high,
        watcher: {
          ruleNames: { "root-usage": "w-root-usage" },
          detectionRemediations: { "root-usage": "nuke-account" },
          deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:dlq",
        },
      } as Loose),
    'watcher.detectionRemediations.root-usage: "nuke-account" is not a remediation id; known: revoke-world-ingress, quarantine-access-key, restart-audit-logging, block-public-bucket, cancel-key-deletion, restart-config-recorder, unshare-snapshot, remove-lambda-permission, restrict-function-url, restore-bucket-versioning, restore-ebs-encryption, enable-guardduty, block-account-public-access',
  ],
  [
    "SecurityRuleWatcher with disabled detections as an output of a list",
    () =>
      new lib.SecurityRuleWatcher("watch", {
        alertTopicArns: TOPICS,
        homeRegion: REGION,
        disabledDetections: pulumi.output(["vpc-changes"]),
      } as Loose),
    'SecurityRuleWatcher "watch": disabledDetections must be known when the component is built (a list of detection ids), got an output: pass the value itself',
  ],
  [
    "SecurityRuleWatcher with no arguments",
    () => new (lib.SecurityRuleWatcher as Loose)("watch"),
    'SecurityRuleWatcher "watch": alertTopicArns is required (a map of severity (critical, high, medium, info) to SNS topic ARN (AlertTopicSet alertTopicArns))',
  ],
  [
    "SecurityRuleWatcher with disabledDetections as a string",
    () =>
      new lib.SecurityRuleWatcher("watch", {
        alertTopicArns: TOPICS,
        homeRegion: REGION,
        disabledDetections: "vpc-changes",
      } as Loose),
    'SecurityRuleWatcher "watch": disabledDetections must be a list of detection ids, got the string "vpc-changes"',
  ],
  [
    "SecurityRuleWatcher with the alert topics as a list",
    () =>
      new lib.SecurityRuleWatcher("watch", {
        alertTopicArns: Object.values(TOPICS),
        homeRegion: REGION,
      } as Loose),
    'SecurityRuleWatcher "watch": alertTopicArns must be a map of severity (critical, high, medium, info) to SNS topic ARN (AlertTopicSet alertTopicArns), got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "SecurityRuleWatcher with a number where a boolean goes",
    () =>
      new lib.SecurityRuleWatcher("watch", {
        alertTopicArns: TOPICS,
        homeRegion: REGION,
        forwardGlobalEvents: 1,
      } as Loose),
    'SecurityRuleWatcher "watch": forwardGlobalEvents must be true or false, got the number 1',
  ],
  [
    "AlertTopicSet with emails as a list",
    () =>
      new lib.AlertTopicSet("alerts", {
        subscriptions: { emails: ["oncall@example.com", "sec@example.com"] },
      } as Loose),
    'AlertTopicSet "alerts": subscriptions.emails must be a map of label to email address, e.g. { oncall: "oncall@example.com" }, got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "AlertTopicSet with a topic's SMS numbers as a list",
    () =>
      new lib.AlertTopicSet("alerts", {
        topics: { critical: { subscriptions: { smsNumbers: ["+14155550100"] } } },
      } as Loose),
    'AlertTopicSet "alerts": topics.critical.subscriptions.smsNumbers must be a map of label to E.164 phone number, e.g. { oncall: "+14155550100" }, got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "CompositeAlarmGroup without its log group and topics",
    () => new lib.CompositeAlarmGroup("cis", {} as Loose),
    [
      'CompositeAlarmGroup "cis": logGroupName is required (the AuditTrail logGroupName)',
      'CompositeAlarmGroup "cis": alertTopicArns is required (a map of severity (critical, high, medium, info) to SNS topic ARN (AlertTopicSet alertTopicArns))',
      'CompositeAlarmGroup "cis": resolutionTopicArn is required (the AlertTopicSet resolutionTopicArn)',
    ].join("\n"),
  ],
  [
    "CompositeAlarmGroup with disabledControls as a string",
    () =>
      new lib.CompositeAlarmGroup("cis", {
        logGroupName: "/cloudtrail/t",
        alertTopicArns: TOPICS,
        resolutionTopicArn: RESOLUTIONS,
        disabledControls: "vpc-changes",
      } as Loose),
    'CompositeAlarmGroup "cis": disabledControls must be a list of CIS control ids, got the string "vpc-changes"',
  ],
  [
    "AuditTrail with a retention as text",
    () => new lib.AuditTrail("audit", { logRetentionDays: "365" } as Loose),
    'AuditTrail "audit": logRetentionDays must be a number of days, got the string "365"',
  ],
  [
    "AuditTrail with arguments that are not an object",
    () => new lib.AuditTrail("audit", "trail" as Loose),
    'AuditTrail "audit": the arguments must be an object, got the string "trail"',
  ],
  [
    "ComplianceRecorder with no arguments",
    () => new (lib.ComplianceRecorder as Loose)("config"),
    'ComplianceRecorder "config": resolutionTopicArn is required (the AlertTopicSet resolutionTopicArn)',
  ],
  [
    "ComplianceRecorder with disabledRules as a string",
    () =>
      new lib.ComplianceRecorder("config", {
        resolutionTopicArn: RESOLUTIONS,
        disabledRules: "access-keys-rotated",
      } as Loose),
    'ComplianceRecorder "config": disabledRules must be a list of Config rule keys, got the string "access-keys-rotated"',
  ],
  [
    "ComplianceRecorder with a port as text and a daily type as a number",
    () =>
      new lib.ComplianceRecorder("config", {
        resolutionTopicArn: RESOLUTIONS,
        allowedPublicPorts: ["443"],
        dailyResourceTypes: [7],
      } as Loose),
    [
      'ComplianceRecorder "config": dailyResourceTypes[0] must be a resource type, got the number 7',
      'ComplianceRecorder "config": allowedPublicPorts[0] must be a port number, got the string "443"',
    ].join("\n"),
  ],
  [
    "ComplianceRecorder with tags as a list",
    () =>
      new lib.ComplianceRecorder("config", {
        resolutionTopicArn: RESOLUTIONS,
        tags: ["team=sec"],
      } as Loose),
    'ComplianceRecorder "config": tags must be a map of tag key to value, got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "OperationsDashboard with a rule lacking its rule name",
    () =>
      new lib.OperationsDashboard("ops", {
        rules: { "root-usage": { severity: "critical" } },
      } as Loose),
    'OperationsDashboard "ops": rules.root-usage.ruleName is required (a rule name (SecurityRuleWatcher ruleNames[id]))',
  ],
  [
    "OperationsDashboard with the period as text",
    () => new lib.OperationsDashboard("ops", { periodSeconds: "300" } as Loose),
    'OperationsDashboard "ops": periodSeconds must be a multiple of 60 seconds, got the string "300"',
  ],
  [
    "OperationsDashboard with the incident log groups as a list",
    () =>
      new lib.OperationsDashboard("ops", {
        incidentLogGroupNames: ["/aws/lambda/revoke"],
      } as Loose),
    'OperationsDashboard "ops": incidentLogGroupNames must be a map of remediation id to log group name (AutoRemediator logGroupNames), got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "OperationsDashboard with the incident log groups as an output of a map",
    () =>
      new lib.OperationsDashboard("ops", {
        incidentLogGroupNames: pulumi.output({ "revoke-world-ingress": "/aws/lambda/revoke" }),
      } as Loose),
    'OperationsDashboard "ops": incidentLogGroupNames must be known when the component is built (a map of remediation id to log group name (AutoRemediator logGroupNames)), got an output: pass the value itself',
  ],
  [
    "OperationsDashboard with the alarm ARNs as a list",
    () =>
      new lib.OperationsDashboard("ops", {
        alarmArns: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a"],
      } as Loose),
    'OperationsDashboard "ops": alarmArns must be a map of key to alarm ARN, got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "SecurityEventArchive with a missing pattern",
    () =>
      new lib.SecurityEventArchive("archive", {
        eventPatterns: ['{"source":["aws.iam"]}', null],
      } as Loose),
    'SecurityEventArchive "archive": eventPatterns[1] is required (an event pattern as a JSON text)',
  ],
  [
    "SecurityEventArchive with one pattern as a string instead of a list",
    () =>
      new lib.SecurityEventArchive("archive", {
        eventPatterns: '{"source":["aws.iam"]}',
      } as Loose),
    'SecurityEventArchive "archive": eventPatterns must be a list of event patterns, each a JSON text, got the string "{\\"source\\":[\\"aws.iam\\"]}"',
  ],
  [
    "SecurityEventArchive with a pattern as an object instead of its JSON text",
    () =>
      new lib.SecurityEventArchive("archive", {
        eventPatterns: [{ source: ["aws.iam"] }],
        retentionDays: "90",
      } as Loose),
    [
      'SecurityEventArchive "archive": eventPatterns[0] must be an event pattern as a JSON text, got an object',
      'SecurityEventArchive "archive": retentionDays must be a number of days, 0 to keep events indefinitely, got the string "90"',
    ].join("\n"),
  ],
  [
    "SecurityEventArchive with arguments that are a list",
    () => new lib.SecurityEventArchive("archive", ['{"source":["aws.iam"]}'] as Loose),
    'SecurityEventArchive "archive": the arguments must be an object, got a list of 1',
  ],
  [
    "ChatChannels with no arguments",
    () => new (lib.ChatChannels as Loose)("chat"),
    [
      'ChatChannels "chat": topicArn is required (an SNS topic ARN (the AlertTopicSet topic of purpose chat))',
      'ChatChannels "chat": detections is required (a map of detection id to { ruleName, severity })',
    ].join("\n"),
  ],
  [
    "ChatChannels with resolution cards on and no resolution topic",
    () =>
      new lib.ChatChannels("chat", {
        topicArn: TOPICS.info,
        detections: { "root-usage": { ruleName: "w-root-usage" } },
        slack: SLACK,
      }),
    "resolutionTopicArn: required when resolutions is on (the AlertTopicSet resolutionTopicArn); or set resolutions: false",
  ],
  [
    "ChatChannels with the detections as a list",
    () =>
      new lib.ChatChannels("chat", {
        topicArn: TOPICS.info,
        detections: [{ ruleName: "w-root-usage" }],
        slack: SLACK,
      } as Loose),
    'ChatChannels "chat": detections must be a map of detection id to { ruleName, severity }, got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "ChatChannels with the Slack channel as a string and a guardrail as one string",
    () =>
      new lib.ChatChannels("chat", {
        topicArn: TOPICS.info,
        detections: { "root-usage": { ruleName: "w-root-usage" } },
        slack: "C07EZ1ABC23",
        guardrailPolicyArns: "arn:aws:iam::aws:policy/ReadOnlyAccess",
      } as Loose),
    [
      'ChatChannels "chat": slack must be an object { teamId, channelId }, got the string "C07EZ1ABC23"',
      'ChatChannels "chat": guardrailPolicyArns must be a list of IAM policy ARNs, got the string "arn:aws:iam::aws:policy/ReadOnlyAccess"',
    ].join("\n"),
  ],
  [
    "ChatChannels with a Teams channel lacking its tenant",
    () =>
      new lib.ChatChannels("chat", {
        topicArn: TOPICS.info,
        detections: { "root-usage": { ruleName: "w-root-usage" } },
        teams: {
          teamId: "5a3c1d2e-0b4f-4e6a-9c8d-7f1e2a3b4c5d",
          channelId: "19:abc123@thread.tacv2",
        },
      } as Loose),
    'ChatChannels "chat": teams.tenantId is required (a Microsoft Entra tenant id (a UUID))',
  ],
  [
    "ChatChannels with an unknown severity and logging level (values a Python program may misspell)",
    () =>
      new lib.ChatChannels("chat", {
        topicArn: TOPICS.info,
        detections: { "root-usage": { ruleName: "w-root-usage", severity: "urgent" } },
        resolutionTopicArn: RESOLUTIONS,
        slack: SLACK,
        loggingLevel: "DEBUG",
      } as Loose),
    [
      'loggingLevel: "DEBUG" is not one of ERROR, INFO, NONE',
      'detections.root-usage.severity: "urgent" is not one of critical, high, medium, info',
    ].join("\n"),
  ],
  [
    "OrganizationHub with no arguments",
    () => new (lib.OrganizationHub as Loose)("hub"),
    [
      'OrganizationHub "hub": organizationId is required (an organization id (o-...))',
      'OrganizationHub "hub": organizationalUnitIds is required (a list of OU ids (ou-...) or the root id (r-...))',
      'OrganizationHub "hub": regions is required (a list of region names such as eu-west-1)',
      'OrganizationHub "hub": externalId is required (an external id (2-1224 characters))',
    ].join("\n"),
  ],
  [
    "OrganizationHub with regions as one string and tags as a list",
    () =>
      new lib.OrganizationHub("hub", {
        organizationId: "o-a1b2c3d4e5",
        organizationalUnitIds: ["r-a1b2"],
        regions: "eu-west-1",
        externalId: "asw-test",
        tags: ["team=sec"],
      } as Loose),
    [
      'OrganizationHub "hub": regions must be a list of region names such as eu-west-1, got the string "eu-west-1"',
      'OrganizationHub "hub": tags must be a map of tag key to value, got a list: a map is keyed by a stable label or id, not by position',
    ].join("\n"),
  ],
  [
    "OrganizationSpoke with no arguments",
    () => new (lib.OrganizationSpoke as Loose)("spoke"),
    [
      'OrganizationSpoke "spoke": hubEventBusArn is required (an event bus ARN (OrganizationHub eventBusArn))',
      'OrganizationSpoke "spoke": regionalTemplateBody is required (a template body (OrganizationHub regionalTemplateBody))',
      'OrganizationSpoke "spoke": regionProviders is required (a map of region to aws.Provider)',
    ].join("\n"),
  ],
  [
    "OrganizationSpoke with the providers as a list",
    () =>
      new lib.OrganizationSpoke("spoke", {
        hubEventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/asw-hub",
        regionalTemplateBody: "{}",
        regionProviders: [{}],
      } as Loose),
    'OrganizationSpoke "spoke": regionProviders must be a map of region to aws.Provider, got a list: a map is keyed by a stable label or id, not by position',
  ],
  [
    "OrganizationSpoke with a region name where its provider goes",
    () =>
      new lib.OrganizationSpoke("spoke", {
        hubEventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/asw-hub",
        regionalTemplateBody: "{}",
        regionProviders: { "eu-west-1": "eu-west-1" },
      } as Loose),
    'regionProviders.eu-west-1 must be an aws.Provider (a provider resource for that region), got the string "eu-west-1"',
  ],
  [
    "OrganizationSpoke with member roles lacking the external id",
    () =>
      new lib.OrganizationSpoke("spoke", {
        hubEventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/asw-hub",
        regionalTemplateBody: "{}",
        regionProviders: {},
        memberRoles: { hubAccountId: "123456789012", organizationId: "o-a1b2c3d4e5" },
      } as Loose),
    'OrganizationSpoke "spoke": memberRoles.externalId is required (the OrganizationHub externalId)',
  ],
  [
    "ThresholdAlarmGroup with no arguments",
    () => new (lib.ThresholdAlarmGroup as Loose)("thr"),
    [
      'ThresholdAlarmGroup "thr": logGroupName is required (the AuditTrail logGroupName)',
      'ThresholdAlarmGroup "thr": alertTopicArns is required (a map of severity (critical, high, medium, info) to SNS topic ARN (AlertTopicSet alertTopicArns))',
      'ThresholdAlarmGroup "thr": resolutionTopicArn is required (the AlertTopicSet resolutionTopicArn)',
    ].join("\n"),
  ],
  [
    "ThresholdAlarmGroup with a threshold as text",
    () =>
      new lib.ThresholdAlarmGroup("thr", {
        logGroupName: "/cloudtrail/t",
        alertTopicArns: TOPICS,
        resolutionTopicArn: RESOLUTIONS,
        limits: { "denied-calls-per-principal": { threshold: "7" } },
      } as Loose),
    'ThresholdAlarmGroup "thr": limits.denied-calls-per-principal.threshold must be a whole number of at least 1, got the string "7"',
  ],
  [
    "ThresholdAlarmGroup with the limits as a list",
    () =>
      new lib.ThresholdAlarmGroup("thr", {
        logGroupName: "/cloudtrail/t",
        alertTopicArns: TOPICS,
        resolutionTopicArn: RESOLUTIONS,
        limits: [{ threshold: 7 }],
      } as Loose),
    'ThresholdAlarmGroup "thr": limits must be a map of threshold detection id to { threshold, periodSeconds }, got a list: a map is keyed by a stable label or id, not by position',
  ],
];

describe("the shape of every component's arguments, checked at run time", () => {
  beforeEach(() => recorder.reset());

  for (const [label, build, message] of CASES) {
    it(`rejects ${label}, and creates nothing`, async () => {
      let error: Error | undefined;
      try {
        build();
      } catch (e) {
        error = e as Error;
      }
      await settle();
      expect(error, "an error").to.be.instanceOf(Error);
      expect(error!.message).to.equal(message);
      const created = recorder.resources.filter((r) => !r.type.startsWith("aws-security-watch:"));
      expect(created).to.deep.equal([]);
    });
  }
});

describe("arguments typed as a whole Input", () => {
  beforeEach(() => recorder.reset());

  it("ThresholdAlarmGroup takes its tags as one output (its type is pulumi.Input<Record<...>>)", async () => {
    new lib.ThresholdAlarmGroup("thr", {
      logGroupName: "/cloudtrail/t",
      alertTopicArns: TOPICS,
      resolutionTopicArn: RESOLUTIONS,
      tags: pulumi.output({ team: "sec" }),
    });
    await settle();
    const alarms = recorder.resources.filter(
      (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm",
    );
    expect(alarms.length).to.be.above(0);
    for (const alarm of alarms) expect(alarm.inputs.tags).to.deep.equal({ team: "sec" });
  });
});

describe("argsShape (pure)", () => {
  it("names a wrong value in one phrase", () => {
    const table: [unknown, string][] = [
      ["abc", 'the string "abc"'],
      [5, "the number 5"],
      [false, "the boolean false"],
      [null, "null"],
      [[1, 2], "a list of 2"],
      [{ a: 1 }, "an object"],
      [() => 1, "a function"],
    ];
    for (const [value, text] of table) expect(describeValue(value)).to.equal(text);
  });

  it("accepts an Output or a Promise where the value may come later, but not where it must be known", () => {
    expect(isPending(pulumi.output("x"))).to.equal(true);
    expect(isPending(Promise.resolve(1))).to.equal(true);
    expect(isPending({ then: 1 })).to.equal(false);
    expect(
      shapeProblems("a", pulumi.output(["x"]), list("a list", undefined, { known: false })),
    ).to.deep.equal([]);
    expect(shapeProblems("s", pulumi.output("x"), str("a string"))).to.deep.equal([]);
    expect(
      shapeProblems("m", pulumi.output({}), map("a map", undefined, { known: true })),
    ).to.deep.equal([
      "m must be known when the component is built (a map), got an output: pass the value itself",
    ]);
  });

  it("reports every nested problem with its path", () => {
    const shape = obj("x", {
      tags: map("a map of tags", str("a tag value")),
      items: list("a list of names", str("a name", true)),
    });
    expect(shapeProblems("", { tags: { a: 1 }, items: ["ok", 2, null] }, shape)).to.deep.equal([
      "tags.a must be a tag value, got the number 1",
      "items[1] must be a name, got the number 2",
      "items[2] is required (a name)",
    ]);
  });

  it("gives a string where a list is expected exactly one line, whatever the string", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const problems = argsProblems(
          "C",
          "n",
          { ids: text },
          { ids: list("a list of ids", str("an id")) },
        );
        return (
          problems.length === 1 &&
          problems[0].startsWith('C "n": ids must be a list of ids, got the string')
        );
      }),
    );
  });
});
