import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, REGION, setup, settle, valueOf } from "./helpers/mocks";

const recorder = setup();

import type * as WatcherModule from "../components/securityRuleWatcher";
import { buildInputTransformer } from "../core/alertMessage";
import { CATALOG } from "../core/catalog";
import { Detection } from "../core/detection";
import { Severity } from "../core/types";

const TYPE = "aws-security-watch:index:SecurityRuleWatcher";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const QUEUE = "aws:sqs/queue:Queue";
const QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
const PROVIDER = "pulumi:providers:aws";

const TOPICS = {
  critical: "arn:aws:sns:eu-west-1:123456789012:alerts-critical",
  high: "arn:aws:sns:eu-west-1:123456789012:alerts-high",
  medium: "arn:aws:sns:eu-west-1:123456789012:alerts-medium",
  info: "arn:aws:sns:eu-west-1:123456789012:alerts-info",
};
const GLOBAL = CATALOG.filter((d) => d.global);

const custom: Detection = {
  id: "ssm-session-started",
  title: "SSM session started",
  description: "Someone opened a shell on an instance through Session Manager.",
  severity: Severity.Info,
  references: { mitre: ["T1021"] },
  eventPattern: {
    source: ["aws.ssm"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: { eventName: ["StartSession"], errorCode: [{ exists: false }] },
  },
  message: { subject: "SSM session in <region>" },
};

let mod: typeof WatcherModule;

function watcher(
  name: string,
  args: Partial<WatcherModule.SecurityRuleWatcherArgs> = {},
  opts?: pulumi.ComponentResourceOptions,
) {
  return new mod.SecurityRuleWatcher(
    name,
    { alertTopicArns: TOPICS, homeRegion: REGION, ...args },
    opts,
  );
}

function dlqPolicy(queueArn: string, sourceArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowEventBridgeRulesOfThisWatcher",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: {
          ArnLike: { "aws:SourceArn": sourceArn },
          StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
        },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

describe("SecurityRuleWatcher", () => {
  before(async () => {
    mod = await import("../components/securityRuleWatcher");
  });
  describe("in eu-west-1 with defaults", () => {
    let component: WatcherModule.SecurityRuleWatcher;
    before(async () => {
      recorder.reset();
      component = watcher("sw");
      await settle();
    });

    it("creates one rule per detection, named <prefix>-<id>, with the catalog pattern", () => {
      const rules = recorder.ofType(RULE).filter((r) => !r.provider?.includes("sw-us-east-1"));
      expect(rules.map((r) => r.name)).to.deep.equal(CATALOG.map((d) => `sw-${d.id}`));
      for (const detection of CATALOG) {
        const rule = recorder.get(RULE, `sw-${detection.id}`);
        expect(rule.parent).to.equal(`${TYPE}::sw`);
        expect(rule.inputs.name).to.equal(`sw-${detection.id}`);
        expect(rule.inputs.description).to.equal(detection.title);
        expect(JSON.parse(rule.inputs.eventPattern)).to.deep.equal(detection.eventPattern);
        expect(rule.inputs.state).to.equal(
          detection.includeReadOnlyEvents
            ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
            : "ENABLED",
        );
      }
      expect(recorder.get(RULE, "sw-unauthorized-api-calls").inputs.state).to.equal(
        "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
      );
    });

    it("targets the topic of each detection's severity with its transformer, retries and DLQ", () => {
      for (const detection of CATALOG) {
        const target = recorder.get(TARGET, `sw-${detection.id}-alert`);
        expect(target.parent).to.equal(`${TYPE}::sw`);
        expect(target.inputs.rule).to.equal(`sw-${detection.id}`);
        expect(target.inputs.targetId).to.equal("alert");
        expect(target.inputs.arn).to.equal(TOPICS[detection.severity]);
        expect(target.inputs.inputTransformer).to.deep.equal(buildInputTransformer(detection));
        expect(target.inputs.retryPolicy).to.deep.equal({
          maximumEventAgeInSeconds: 86400,
          maximumRetryAttempts: 185,
        });
        expect(target.inputs.deadLetterConfig).to.deep.equal({
          arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:sw-dlq`,
        });
      }
    });

    it("keeps failed deliveries 14 days in an SQS-encrypted queue that only its rules may write", () => {
      const queue = recorder.get(QUEUE, "sw-dlq");
      expect(queue.parent).to.equal(`${TYPE}::sw`);
      expect(queue.inputs.sqsManagedSseEnabled).to.equal(true);
      expect(queue.inputs.messageRetentionSeconds).to.equal(1209600);
      const policy = recorder.get(QUEUE_POLICY, "sw-dlq-policy");
      expect(policy.parent).to.equal(`${TYPE}::sw`);
      expect(policy.inputs.queueUrl).to.equal(
        `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/sw-dlq`,
      );
      expect(JSON.parse(policy.inputs.policy)).to.deep.equal(
        dlqPolicy(
          `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:sw-dlq`,
          `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/sw-*`,
        ),
      );
    });

    it("forwards the global detections from us-east-1 through an explicit provider", async () => {
      const provider = recorder.get(PROVIDER, "sw-us-east-1");
      expect(provider.parent).to.equal(`${TYPE}::sw`);
      expect(provider.inputs.region).to.equal("us-east-1");
      const forwarded = recorder.ofType(RULE).filter((r) => r.name.startsWith("sw-fwd-"));
      expect(forwarded.map((r) => r.name)).to.deep.equal(GLOBAL.map((d) => `sw-fwd-${d.id}`));
      expect(Object.keys(component.forwardingRules)).to.deep.equal(GLOBAL.map((d) => d.id));
      for (const detection of GLOBAL) {
        const rule = recorder.get(RULE, `sw-fwd-${detection.id}`);
        expect(rule.provider).to.contain("sw-us-east-1");
        expect(rule.parent).to.equal(`${TYPE}::sw`);
        expect(rule.inputs.name).to.equal(`sw-fwd-${detection.id}`);
        expect(JSON.parse(rule.inputs.eventPattern)).to.deep.equal(detection.eventPattern);
        const target = recorder.get(TARGET, `sw-fwd-${detection.id}-target`);
        expect(target.provider).to.contain("sw-us-east-1");
        expect(target.inputs.rule).to.equal(`sw-fwd-${detection.id}`);
        expect(target.inputs.arn).to.equal(
          `arn:aws:events:eu-west-1:${ACCOUNT_ID}:event-bus/default`,
        );
        expect(target.inputs.roleArn).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/sw-forwarder-role`);
        expect(target.inputs.deadLetterConfig).to.deep.equal({
          arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:sw-us-east-1-dlq`,
        });
      }
      // Regional detections are not forwarded.
      expect(recorder.ofType(RULE).map((r) => r.name)).not.to.include("sw-fwd-vpc-changes");
    });

    it("gives the forwarder a role limited to PutEvents on the home bus, for its rules only", () => {
      const role = recorder.get("aws:iam/role:Role", "sw-forwarder-role");
      expect(role.provider ?? "").not.to.contain("sw-us-east-1");
      expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EventBridgeForwardingRules",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
              ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/sw-fwd-*` },
            },
          },
        ],
      });
      const policy = recorder.get("aws:iam/rolePolicy:RolePolicy", "sw-forwarder-policy");
      expect(JSON.parse(policy.inputs.policy)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "PutEventsOnHomeBus",
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: `arn:aws:events:eu-west-1:${ACCOUNT_ID}:event-bus/default`,
          },
        ],
      });
    });

    it("puts the forwarding rules' dead-letter queue in us-east-1", () => {
      const queue = recorder.get(QUEUE, "sw-us-east-1-dlq");
      expect(queue.provider).to.contain("sw-us-east-1");
      expect(queue.inputs.sqsManagedSseEnabled).to.equal(true);
      const policy = recorder.get(QUEUE_POLICY, "sw-us-east-1-dlq-policy");
      expect(policy.provider).to.contain("sw-us-east-1");
      expect(JSON.parse(policy.inputs.policy)).to.deep.equal(
        dlqPolicy(
          `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:sw-us-east-1-dlq`,
          `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/sw-fwd-*`,
        ),
      );
    });

    it("exposes the rules by detection id, the detections and the dead-letter queue", async () => {
      expect(Object.keys(component.rules)).to.deep.equal(CATALOG.map((d) => d.id));
      expect(await valueOf(component.ruleArns["root-usage"])).to.equal(
        `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/sw-root-usage`,
      );
      expect(await valueOf(component.rules["root-usage"].name)).to.equal("sw-root-usage");
      expect(component.detections).to.deep.equal(CATALOG);
      expect(await valueOf(component.deadLetterQueueArn)).to.equal(
        `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:sw-dlq`,
      );
      expect(await valueOf(component.deadLetterQueueUrl)).to.equal(
        `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/sw-dlq`,
      );
    });
  });

  describe("options and validation", () => {
    beforeEach(() => recorder.reset());

    it("does not forward when the home region is us-east-1", async () => {
      const provider = new aws.Provider("east-provider", { region: "us-east-1" });
      watcher("east", { homeRegion: "us-east-1" }, { provider });
      await settle();
      expect(recorder.ofType(PROVIDER).filter((p) => p.name === "east-us-east-1")).to.deep.equal(
        [],
      );
      expect(recorder.ofType(RULE).filter((r) => r.name.startsWith("east-fwd-"))).to.deep.equal([]);
      expect(recorder.ofType(RULE).length).to.equal(CATALOG.length);
      expect(recorder.ofType(QUEUE).map((q) => q.name)).to.deep.equal(["east-dlq"]);
    });

    it("does not forward when forwardGlobalEvents is false", async () => {
      watcher("nofwd", { forwardGlobalEvents: false });
      await settle();
      expect(recorder.ofType(PROVIDER).filter((p) => p.name === "nofwd-us-east-1")).to.deep.equal(
        [],
      );
      expect(recorder.ofType(RULE).length).to.equal(CATALOG.length);
    });

    it("applies disabled detections, severity overrides, custom detections and settings", async () => {
      const component = watcher("tuned", {
        ruleNamePrefix: "prod-watch",
        disabledDetections: ["vpc-changes", "root-usage"],
        severityOverrides: { "nacl-changes": Severity.High },
        customDetections: [custom],
        maximumEventAgeSeconds: 3600,
        maximumRetryAttempts: 10,
        deadLetterRetentionSeconds: 345600,
        tags: { team: "security" },
      });
      await settle();
      const names = recorder
        .ofType(RULE)
        .filter((r) => !r.name.startsWith("tuned-fwd-"))
        .map((r) => r.inputs.name);
      expect(names).to.include("prod-watch-ssm-session-started");
      expect(names).not.to.include("prod-watch-vpc-changes");
      expect(names).not.to.include("prod-watch-root-usage");
      expect(names.length).to.equal(CATALOG.length - 2 + 1);
      expect(recorder.get(RULE, "tuned-nacl-changes").inputs.tags).to.deep.equal({
        team: "security",
      });
      const nacl = recorder.get(TARGET, "tuned-nacl-changes-alert");
      expect(nacl.inputs.arn).to.equal(TOPICS.high);
      expect(nacl.inputs.inputTransformer.inputTemplate.split("\n")[0]).to.equal(
        '"[HIGH] <eventName> on <networkAclId> in <region>"',
      );
      expect(nacl.inputs.retryPolicy).to.deep.equal({
        maximumEventAgeInSeconds: 3600,
        maximumRetryAttempts: 10,
      });
      expect(recorder.get(QUEUE, "tuned-dlq").inputs.messageRetentionSeconds).to.equal(345600);
      expect(
        JSON.parse(recorder.get(QUEUE_POLICY, "tuned-dlq-policy").inputs.policy).Statement[0]
          .Condition,
      ).to.deep.equal({
        ArnLike: { "aws:SourceArn": `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/prod-watch-*` },
        StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
      });
      expect(recorder.get(RULE, "tuned-fwd-console-signin-without-mfa").inputs.name).to.equal(
        "prod-watch-fwd-console-signin-without-mfa",
      );
      expect(component.detections.map((d) => d.id)).to.include("ssm-session-started");
    });

    it("needs only the topics of the severities in use", async () => {
      const onlyInfo = CATALOG.filter((d) => d.severity !== Severity.Info).map((d) => d.id);
      watcher("info-only", {
        alertTopicArns: { info: TOPICS.info },
        disabledDetections: onlyInfo,
        forwardGlobalEvents: false,
      });
      await settle();
      expect(recorder.ofType(TARGET).every((t) => t.inputs.arn === TOPICS.info)).to.equal(true);
    });

    const invalid: [string, Partial<WatcherModule.SecurityRuleWatcherArgs>, string][] = [
      [
        "a missing home region",
        { homeRegion: undefined },
        "homeRegion is required: set homeRegion, or aws:region in the stack configuration",
      ],
      [
        "a missing topic",
        { alertTopicArns: { critical: TOPICS.critical, high: TOPICS.high, medium: TOPICS.medium } },
        "alertTopicArns.info is required: detections unauthorized-api-calls, security-group-changes, nacl-changes, route-table-changes, vpc-changes, ssm-command-sent, ssm-session-opened, iam-user-created, ec2-instance-connect-key-sent have severity info",
      ],
      [
        "an unknown topic key",
        { alertTopicArns: { ...TOPICS, urgent: TOPICS.critical } },
        'alertTopicArns.urgent: "urgent" is not a severity (critical, high, medium, info)',
      ],
      [
        "an unknown disabled id",
        { disabledDetections: ["root-usag"] },
        'disabledDetections: unknown detection id "root-usag"; use an id of the catalog or of customDetections',
      ],
      [
        "a custom id of the catalog",
        { customDetections: [{ ...custom, id: "root-usage" }] },
        'customDetections: id "root-usage" is already in the catalog; choose another id',
      ],
      [
        "too many retries",
        { maximumRetryAttempts: 200 },
        "maximumRetryAttempts must be an integer from 0 to 185, got 200",
      ],
      [
        "a too short event age",
        { maximumEventAgeSeconds: 10 },
        "maximumEventAgeSeconds must be an integer from 60 to 86400, got 10",
      ],
      [
        "a too long retention",
        { deadLetterRetentionSeconds: 1209601 },
        "deadLetterRetentionSeconds must be an integer from 60 to 1209600, got 1209601",
      ],
    ];
    invalid.forEach(([label, args, message], i) => {
      it(`rejects ${label} before creating anything`, async () => {
        expect(() => watcher(`bad-${i}`, args)).to.throw(message);
        await settle();
        expect(recorder.ofType(RULE)).to.deep.equal([]);
        expect(recorder.ofType(QUEUE)).to.deep.equal([]);
      });
    });
  });
});
