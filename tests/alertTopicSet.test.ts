import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, setup, settle, valueOf } from "./helpers/mocks";
import type { AlertTopicSetArgs } from "../components/alertTopicSet";

const recorder = setup();

const COMPONENT = "aws-security-watch:index:AlertTopicSet";
const TOPIC = "aws:sns/topic:Topic";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const PERMISSION = "aws:lambda/permission:Permission";
const KEY = "aws:kms/key:Key";
const ALIAS = "aws:kms/alias:Alias";

const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;
const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/remediator`;
const FUNCTION = `arn:aws:lambda:eu-west-1:${ACCOUNT_ID}:function:notify`;
const QUEUE = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:alert-archive`;
const DEFAULT_PURPOSES = ["critical", "high", "medium", "info", "resolutions"];

function topicArn(name: string, purpose: string): string {
  return `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:${name}-${purpose}`;
}

async function build(name: string, args?: AlertTopicSetArgs) {
  const { AlertTopicSet } = await import("../components/alertTopicSet");
  const set = new AlertTopicSet(name, args);
  await settle();
  return set;
}

async function buildError(name: string, args: AlertTopicSetArgs): Promise<string> {
  const { AlertTopicSet } = await import("../components/alertTopicSet");
  try {
    new AlertTopicSet(name, args);
  } catch (e) {
    await settle();
    expect(e).to.be.instanceOf(pulumi.ResourceError);
    return (e as Error).message;
  }
  throw new Error("expected a ResourceError");
}

function policyOf(type: string, name: string) {
  return JSON.parse(recorder.get(type, name).inputs.policy);
}

describe("AlertTopicSet", () => {
  beforeEach(() => recorder.reset());

  describe("with default arguments", () => {
    it("creates exactly the key, its alias, five topics and their policies, all parented to the component", async () => {
      await build("alerts");
      const children = recorder.childrenOf(COMPONENT, "alerts").map((r) => `${r.type}::${r.name}`);
      expect(children).to.have.members([
        `${KEY}::alerts-key`,
        `${ALIAS}::alerts-key-alias`,
        ...DEFAULT_PURPOSES.map((p) => `${TOPIC}::alerts-${p}`),
        ...DEFAULT_PURPOSES.map((p) => `${TOPIC_POLICY}::alerts-${p}-policy`),
      ]);
      expect(children).to.have.length(12);
      expect(recorder.resources.filter((r) => r.type.startsWith("aws:"))).to.have.length(12);
    });

    it("the key rotates, waits 30 days before deletion, and has an alias prefixed by the name", async () => {
      await build("alerts");
      const key = recorder.get(KEY, "alerts-key").inputs;
      expect(key.enableKeyRotation).to.equal(true);
      expect(key.deletionWindowInDays).to.equal(30);
      const alias = recorder.get(ALIAS, "alerts-key-alias").inputs;
      expect(alias.namePrefix).to.equal("alias/alerts-");
      expect(alias.targetKeyId).to.equal("key-alerts-key");
    });

    it("the key policy, statement by statement", async () => {
      await build("alerts");
      const statements = policyOf(KEY, "alerts-key").Statement;
      expect(statements.map((s: { Sid: string }) => s.Sid)).to.deep.equal([
        "KeyAdministration",
        "EventBridgeUseOfKey",
        "CloudWatchUseOfKey",
        "SnsUseOfKey",
        "AccountPublishersUseOfKey",
      ]);
      expect(statements[0].Principal).to.deep.equal({ AWS: ROOT });
      expect(statements[0].Action).to.not.include("kms:*");
      expect(statements[1]).to.deep.equal({
        Sid: "EventBridgeUseOfKey",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
      });
      expect(statements[2]).to.deep.equal({
        Sid: "CloudWatchUseOfKey",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
      });
      expect(statements[3]).to.deep.equal({
        Sid: "SnsUseOfKey",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
      });
      expect(statements[4]).to.deep.equal({
        Sid: "AccountPublishersUseOfKey",
        Effect: "Allow",
        Principal: { AWS: ROOT },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: {
            "kms:CallerAccount": ACCOUNT_ID,
            "kms:ViaService": "sns.eu-west-1.amazonaws.com",
          },
        },
      });
    });

    it("every topic is encrypted with the key and has its display name", async () => {
      await build("alerts");
      const names: Record<string, string> = {
        critical: "Security alerts (critical)",
        high: "Security alerts (high)",
        medium: "Security alerts (medium)",
        info: "Security alerts (info)",
        resolutions: "Security resolutions",
      };
      for (const purpose of DEFAULT_PURPOSES) {
        const topic = recorder.get(TOPIC, `alerts-${purpose}`);
        expect(topic.parent).to.equal(`${COMPONENT}::alerts`);
        expect(topic.inputs.kmsMasterKeyId).to.equal(
          `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/key-alerts-key`,
        );
        expect(topic.inputs.displayName).to.equal(names[purpose]);
      }
    });

    it("an alert topic policy admits EventBridge and CloudWatch of this account, and denies non-TLS", async () => {
      await build("alerts");
      const arn = topicArn("alerts", "critical");
      expect(recorder.get(TOPIC_POLICY, "alerts-critical-policy").inputs.arn).to.equal(arn);
      expect(policyOf(TOPIC_POLICY, "alerts-critical-policy")).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountManagesTopic",
            Effect: "Allow",
            Principal: { AWS: ROOT },
            Action: [
              "sns:GetTopicAttributes",
              "sns:SetTopicAttributes",
              "sns:AddPermission",
              "sns:RemovePermission",
              "sns:DeleteTopic",
              "sns:Subscribe",
              "sns:ListSubscriptionsByTopic",
            ],
            Resource: arn,
          },
          {
            Sid: "EventBridgePublishes",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["sns:Publish"],
            Resource: arn,
            Condition: {
              StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
              ArnLike: { "aws:SourceArn": `arn:aws:events:*:${ACCOUNT_ID}:rule/*` },
            },
          },
          {
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["sns:Publish"],
            Resource: arn,
            Condition: {
              StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
              ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:*:${ACCOUNT_ID}:alarm:*` },
            },
          },
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: [
              "sns:Publish",
              "sns:GetTopicAttributes",
              "sns:SetTopicAttributes",
              "sns:AddPermission",
              "sns:RemovePermission",
              "sns:DeleteTopic",
              "sns:Subscribe",
              "sns:ListSubscriptionsByTopic",
            ],
            Resource: arn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      });
      for (const severity of ["high", "medium", "info"]) {
        const sids = policyOf(TOPIC_POLICY, `alerts-${severity}-policy`).Statement.map(
          (s: { Sid: string }) => s.Sid,
        );
        expect(sids, severity).to.deep.equal([
          "AccountManagesTopic",
          "EventBridgePublishes",
          "CloudWatchAlarmsPublish",
          "DenyInsecureTransport",
        ]);
      }
    });

    it("exposes topics, ARNs by purpose and severity, the resolution topic and the key", async () => {
      const set = await build("alerts");
      expect(Object.keys(set.topics)).to.deep.equal(DEFAULT_PURPOSES);
      for (const purpose of DEFAULT_PURPOSES) {
        expect(await valueOf(set.topicArns[purpose])).to.equal(topicArn("alerts", purpose));
      }
      expect(Object.keys(set.alertTopicArns)).to.deep.equal(["critical", "high", "medium", "info"]);
      expect(await valueOf(set.alertTopicArns.critical)).to.equal(topicArn("alerts", "critical"));
      expect(await valueOf(set.resolutionTopicArn)).to.equal(topicArn("alerts", "resolutions"));
      expect(await valueOf(set.kmsKeyArn)).to.equal(
        `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/key-alerts-key`,
      );
    });
  });

  describe("publishers", () => {
    it("remediator roles go into the key policy and the resolutions topic policy only", async () => {
      await build("alerts", { publisherRoleArns: [ROLE, pulumi.output(ROLE)] });
      const key = policyOf(KEY, "alerts-key").Statement;
      expect(key.find((s: { Sid: string }) => s.Sid === "PublisherRolesUseOfKey")).to.deep.equal({
        Sid: "PublisherRolesUseOfKey",
        Effect: "Allow",
        Principal: { AWS: [ROLE] },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } },
      });
      const resolutions = policyOf(TOPIC_POLICY, "alerts-resolutions-policy").Statement;
      expect(resolutions.map((s: { Sid: string }) => s.Sid)).to.deep.equal([
        "AccountManagesTopic",
        "CloudWatchAlarmsPublish",
        "PublisherRolesPublish",
        "DenyInsecureTransport",
      ]);
      expect(resolutions[2]).to.deep.equal({
        Sid: "PublisherRolesPublish",
        Effect: "Allow",
        Principal: { AWS: [ROLE] },
        Action: ["sns:Publish"],
        Resource: topicArn("alerts", "resolutions"),
      });
      const critical = policyOf(TOPIC_POLICY, "alerts-critical-policy").Statement;
      expect(critical.map((s: { Sid: string }) => s.Sid)).to.not.include("PublisherRolesPublish");
    });

    it("per-topic publishers override the defaults field by field", async () => {
      await build("alerts", {
        publisherRoleArns: [ROLE],
        topics: {
          critical: { publishers: { publisherRoles: true } },
          info: { publishers: { eventBridge: false } },
        },
      });
      const sids = (purpose: string) =>
        policyOf(TOPIC_POLICY, `alerts-${purpose}-policy`).Statement.map(
          (s: { Sid: string }) => s.Sid,
        );
      expect(sids("critical")).to.deep.equal([
        "AccountManagesTopic",
        "EventBridgePublishes",
        "CloudWatchAlarmsPublish",
        "PublisherRolesPublish",
        "DenyInsecureTransport",
      ]);
      expect(sids("info")).to.deep.equal([
        "AccountManagesTopic",
        "CloudWatchAlarmsPublish",
        "DenyInsecureTransport",
      ]);
    });

    it("no EventBridge grant in the key policy when no topic admits EventBridge; no IAM grant when disabled", async () => {
      await build("alerts", {
        allowIamPublishers: false,
        topics: Object.fromEntries(
          ["critical", "high", "medium", "info"].map((s) => [
            s,
            { publishers: { eventBridge: false } },
          ]),
        ),
      });
      expect(
        policyOf(KEY, "alerts-key").Statement.map((s: { Sid: string }) => s.Sid),
      ).to.deep.equal(["KeyAdministration", "CloudWatchUseOfKey", "SnsUseOfKey"]);
    });
  });

  describe("subscriptions", () => {
    it("shared subscriptions go to every topic, named by topic, kind and label", async () => {
      await build("alerts", {
        subscriptions: {
          emails: { oncall: "oncall@example.com" },
          smsNumbers: { ciso: "+14155550100" },
        },
      });
      const subs = recorder.ofType(SUBSCRIPTION);
      expect(subs.map((s) => s.name)).to.have.members(
        DEFAULT_PURPOSES.flatMap((p) => [`alerts-${p}-email-oncall`, `alerts-${p}-sms-ciso`]),
      );
      expect(subs).to.have.length(10);
      for (const purpose of DEFAULT_PURPOSES) {
        const email = recorder.get(SUBSCRIPTION, `alerts-${purpose}-email-oncall`);
        expect(email.parent).to.equal(`${COMPONENT}::alerts`);
        expect(email.inputs).to.deep.equal({
          topic: topicArn("alerts", purpose),
          protocol: "email",
          endpoint: "oncall@example.com",
        });
        expect(recorder.get(SUBSCRIPTION, `alerts-${purpose}-sms-ciso`).inputs).to.deep.equal({
          topic: topicArn("alerts", purpose),
          protocol: "sms",
          endpoint: "+14155550100",
        });
      }
    });

    it("HTTPS and SQS subscriptions carry raw message delivery (default false)", async () => {
      await build("alerts", {
        topics: {
          critical: {
            subscriptions: {
              httpsEndpoints: {
                pager: { url: "https://pager.example.com/hook", rawMessageDelivery: true },
                chat: { url: "https://chat.example.com/hook" },
              },
              sqsQueues: { archive: { queueArn: QUEUE, rawMessageDelivery: true } },
            },
          },
        },
      });
      const arn = topicArn("alerts", "critical");
      expect(recorder.get(SUBSCRIPTION, "alerts-critical-https-pager").inputs).to.deep.equal({
        topic: arn,
        protocol: "https",
        endpoint: "https://pager.example.com/hook",
        rawMessageDelivery: true,
      });
      expect(recorder.get(SUBSCRIPTION, "alerts-critical-https-chat").inputs).to.deep.equal({
        topic: arn,
        protocol: "https",
        endpoint: "https://chat.example.com/hook",
        rawMessageDelivery: false,
      });
      expect(recorder.get(SUBSCRIPTION, "alerts-critical-sqs-archive").inputs).to.deep.equal({
        topic: arn,
        protocol: "sqs",
        endpoint: QUEUE,
        rawMessageDelivery: true,
      });
      expect(recorder.ofType(SUBSCRIPTION)).to.have.length(3);
    });

    it("a Lambda subscription comes with the permission for SNS to invoke it from that topic", async () => {
      await build("alerts", {
        topics: {
          resolutions: {
            subscriptions: { lambdaFunctions: { ticketing: { functionArn: FUNCTION } } },
          },
        },
      });
      const arn = topicArn("alerts", "resolutions");
      expect(
        recorder.get(SUBSCRIPTION, "alerts-resolutions-lambda-ticketing").inputs,
      ).to.deep.equal({
        topic: arn,
        protocol: "lambda",
        endpoint: FUNCTION,
      });
      const permission = recorder.get(PERMISSION, "alerts-resolutions-lambda-ticketing-permission");
      expect(permission.parent).to.equal(`${COMPONENT}::alerts`);
      expect(permission.inputs).to.deep.equal({
        action: "lambda:InvokeFunction",
        function: FUNCTION,
        principal: "sns.amazonaws.com",
        sourceArn: arn,
      });
      expect(recorder.ofType(PERMISSION)).to.have.length(1);
    });

    it("a topic's own entry replaces the shared one with the same label; inheritSubscriptions: false drops the shared ones", async () => {
      await build("alerts", {
        subscriptions: { emails: { oncall: "oncall@example.com", team: "team@example.com" } },
        topics: {
          critical: { subscriptions: { emails: { oncall: "pager@example.com" } } },
          info: {
            inheritSubscriptions: false,
            subscriptions: { emails: { digest: "digest@example.com" } },
          },
        },
      });
      expect(recorder.get(SUBSCRIPTION, "alerts-critical-email-oncall").inputs.endpoint).to.equal(
        "pager@example.com",
      );
      expect(recorder.get(SUBSCRIPTION, "alerts-critical-email-team").inputs.endpoint).to.equal(
        "team@example.com",
      );
      expect(recorder.get(SUBSCRIPTION, "alerts-high-email-oncall").inputs.endpoint).to.equal(
        "oncall@example.com",
      );
      expect(
        recorder
          .ofType(SUBSCRIPTION)
          .filter((s) => s.name.startsWith("alerts-info-"))
          .map((s) => s.name),
      ).to.deep.equal(["alerts-info-email-digest"]);
    });

    it("the chat topic does not inherit the shared subscriptions (no raw JSON cards by email), unless asked", async () => {
      await build("alerts", {
        subscriptions: { emails: { team: "team@example.com" } },
        topics: { chat: {}, digest: {} },
      });
      const of = (purpose: string) =>
        recorder
          .ofType(SUBSCRIPTION)
          .filter((s) => s.name.startsWith(`alerts-${purpose}-`))
          .map((s) => s.name);
      expect(of("chat")).to.deep.equal([]);
      expect(of("digest")).to.deep.equal(["alerts-digest-email-team"]);
      recorder.reset();
      await build("alerts", {
        subscriptions: { emails: { team: "team@example.com" } },
        topics: { chat: { inheritSubscriptions: true } },
      });
      expect(of("chat")).to.deep.equal(["alerts-chat-email-team"]);
    });

    it("values that are Outputs are not validated and are passed through", async () => {
      await build("alerts", {
        topics: {
          critical: { subscriptions: { emails: { secret: pulumi.output("not-checked") } } },
        },
      });
      expect(recorder.get(SUBSCRIPTION, "alerts-critical-email-secret").inputs.endpoint).to.equal(
        "not-checked",
      );
    });
  });

  describe("custom topics", () => {
    it("adds a topic with its policy, default publishers and shared subscriptions", async () => {
      const set = await build("alerts", {
        subscriptions: { emails: { oncall: "oncall@example.com" } },
        topics: { "compliance-digest": { displayName: "Compliance" } },
        tags: { team: "security" },
      });
      const topic = recorder.get(TOPIC, "alerts-compliance-digest");
      expect(topic.inputs.displayName).to.equal("Compliance");
      expect(topic.inputs.tags).to.deep.equal({ team: "security" });
      expect(recorder.get(KEY, "alerts-key").inputs.tags).to.deep.equal({ team: "security" });
      expect(
        policyOf(TOPIC_POLICY, "alerts-compliance-digest-policy").Statement.map(
          (s: { Sid: string }) => s.Sid,
        ),
      ).to.deep.equal([
        "AccountManagesTopic",
        "EventBridgePublishes",
        "CloudWatchAlarmsPublish",
        "DenyInsecureTransport",
      ]);
      recorder.get(SUBSCRIPTION, "alerts-compliance-digest-email-oncall");
      expect(Object.keys(set.topics)).to.deep.equal([...DEFAULT_PURPOSES, "compliance-digest"]);
      expect(await valueOf(set.topicArns["compliance-digest"])).to.equal(
        topicArn("alerts", "compliance-digest"),
      );
    });
  });

  describe("validation (before any resource)", () => {
    const cases: [string, string, AlertTopicSetArgs, string][] = [
      [
        "malformed email of a topic",
        "alerts",
        { topics: { critical: { subscriptions: { emails: { oncall: "foo@" } } } } },
        'alerts.topics.critical.subscriptions.emails.oncall: "foo@" is not a valid email address',
      ],
      [
        "malformed shared email",
        "alerts",
        { subscriptions: { emails: { team: "team.example.com" } } },
        'alerts.subscriptions.emails.team: "team.example.com" is not a valid email address',
      ],
      [
        "phone number not in E.164",
        "alerts",
        { subscriptions: { smsNumbers: { ciso: "415-555-0100" } } },
        'alerts.subscriptions.smsNumbers.ciso: "415-555-0100" is not an E.164 phone number ("+", country code and number, digits only, e.g. "+14155550100")',
      ],
      [
        "http:// URL",
        "alerts",
        { subscriptions: { httpsEndpoints: { pager: { url: "http://pager.example.com" } } } },
        'alerts.subscriptions.httpsEndpoints.pager.url: "http://pager.example.com" is not an absolute https:// URL (e.g. "https://hooks.example.com/alerts")',
      ],
      [
        "a Slack incoming webhook as an HTTPS subscription",
        "alerts",
        {
          subscriptions: {
            httpsEndpoints: { slack: { url: "https://hooks.slack.com/services/T0/B0/XYZ" } },
          },
        },
        "alerts.subscriptions.httpsEndpoints.slack.url is a Slack or Microsoft Teams incoming webhook: SNS cannot deliver to it (it never confirms the subscription, so nothing arrives); keep the URL in a Secrets Manager secret and post with WebhookNotifier (secretArn, channels)",
      ],
      [
        "a Teams incoming webhook on one topic",
        "alerts",
        {
          topics: {
            critical: {
              subscriptions: {
                httpsEndpoints: {
                  teams: {
                    url: "https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d",
                  },
                },
              },
            },
          },
        },
        "alerts.topics.critical.subscriptions.httpsEndpoints.teams.url is a Slack or Microsoft Teams incoming webhook: SNS cannot deliver to it (it never confirms the subscription, so nothing arrives); keep the URL in a Secrets Manager secret and post with WebhookNotifier (secretArn, channels)",
      ],
      [
        "an Office 365 connector webhook",
        "alerts",
        {
          subscriptions: {
            httpsEndpoints: {
              o365: { url: "https://outlook.office.com/webhook/a@b/IncomingWebhook/c/d" },
            },
          },
        },
        "alerts.subscriptions.httpsEndpoints.o365.url is a Slack or Microsoft Teams incoming webhook: SNS cannot deliver to it (it never confirms the subscription, so nothing arrives); keep the URL in a Secrets Manager secret and post with WebhookNotifier (secretArn, channels)",
      ],
      [
        "Lambda name instead of ARN",
        "alerts",
        {
          topics: {
            high: { subscriptions: { lambdaFunctions: { ticketing: { functionArn: "notify" } } } },
          },
        },
        'alerts.topics.high.subscriptions.lambdaFunctions.ticketing.functionArn: "notify" is not a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)',
      ],
      [
        "queue URL instead of ARN",
        "alerts",
        {
          subscriptions: {
            sqsQueues: {
              archive: { queueArn: "https://sqs.eu-west-1.amazonaws.com/123456789012/q" },
            },
          },
        },
        'alerts.subscriptions.sqsQueues.archive.queueArn: "https://sqs.eu-west-1.amazonaws.com/123456789012/q" is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue name>)',
      ],
      [
        "user ARN as publisher role",
        "alerts",
        { publisherRoleArns: [ROLE, `arn:aws:iam::${ACCOUNT_ID}:user/alice`] },
        `alerts.publisherRoleArns[1]: "arn:aws:iam::${ACCOUNT_ID}:user/alice" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
      ],
      [
        "label not kebab-case",
        "alerts",
        { subscriptions: { emails: { OnCall: "oncall@example.com" } } },
        'alerts.subscriptions.emails.OnCall: the label "OnCall" is not a kebab-case label (lower-case letters and digits, single hyphens between words, at most 64 characters)',
      ],
      [
        "topic purpose not kebab-case",
        "alerts",
        { topics: { "Compliance Digest": {} } },
        'alerts.topics["Compliance Digest"]: the topic purpose "Compliance Digest" is not a kebab-case label (lower-case letters and digits, single hyphens between words, at most 64 characters)',
      ],
      [
        "display name too long",
        "alerts",
        { topics: { critical: { displayName: "x".repeat(101) } } },
        `alerts.topics.critical.displayName: "${"x".repeat(101)}" must be 1 to 100 characters`,
      ],
      [
        "deletion window out of range",
        "alerts",
        { keyDeletionWindowInDays: 3 },
        "alerts.keyDeletionWindowInDays: 3 must be a whole number of days from 7 to 30",
      ],
      [
        "component name unusable in topic names",
        "security.alerts",
        {},
        'security.alerts: the component name "security.alerts" must be 1 to 100 letters, digits, "-" or "_" (it prefixes the SNS topic names and the KMS alias)',
      ],
      [
        "two subscriptions with one child name",
        "alerts",
        {
          topics: {
            "team-email": { subscriptions: { emails: { x: "a@example.com" } } },
            team: { subscriptions: { emails: { "email-x": "b@example.com" } } },
          },
        },
        'alerts: two subscriptions would both be named "alerts-team-email-email-x" (topic purposes and labels are joined with "-"); rename one of the topics or labels',
      ],
    ];
    for (const [title, name, args, message] of cases) {
      it(`${title}: ${message}`, async () => {
        expect(await buildError(name, args)).to.equal(message);
        expect(recorder.resources.filter((r) => r.type.startsWith("aws:"))).to.deep.equal([]);
      });
    }

    it("reports every problem at once, one per line", async () => {
      expect(
        await buildError("alerts", {
          subscriptions: { emails: { a: "foo@" }, smsNumbers: { b: "123" } },
        }),
      ).to.equal(
        [
          'alerts.subscriptions.emails.a: "foo@" is not a valid email address',
          'alerts.subscriptions.smsNumbers.b: "123" is not an E.164 phone number ("+", country code and number, digits only, e.g. "+14155550100")',
        ].join("\n"),
      );
    });
  });
});
