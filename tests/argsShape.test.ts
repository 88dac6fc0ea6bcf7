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
