import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ACCOUNT_ID, REGION, setup, settle } from "./helpers/mocks";

const recorder = setup();

import type * as StackModule from "../stack";
import { archivePattern } from "../core/archivePattern";
import { buildAlertCardTransformer } from "../core/chatCard";
import { LATEST_INCIDENTS_QUERY, SAVED_QUERIES } from "../core/queries";
import { REMEDIATION_IDS, SEVERITIES, Severity } from "../core/types";

const ROOT = path.resolve(__dirname, "..");
const devConfig = (
  yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  }
).config;
const dev = (key: string) => devConfig[`aws-security-watch:${key}`];

const SLACK = { teamId: "T07EA123LEP", channelId: "C07EZ1ABC23" };
const TEAMS = {
  teamId: "5f1b1a3e-2c4d-4e6f-8a9b-0c1d2e3f4a5b",
  tenantId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
  channelId: "19:a1b2c3d4e5f6@thread.tacv2",
};
const DEFAULT_BUS = `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/default`;
/** The mocks' ARN of an AlertTopicSet topic. */
const topicArn = (name: string) =>
  `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${recorder.get("aws:sns/topic:Topic", name).inputs.name ?? name}`;
const RENDERER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:chat-renderer-fn`;

async function build(overrides: Record<string, unknown> = {}) {
  const stackModule: typeof StackModule = await import("../stack");
  recorder.reset();
  const stack = stackModule.buildStack(
    (k) => (k in overrides ? overrides[k] : dev(k)),
    devConfig["aws:region"] as string,
  );
  await settle();
  return stack;
}

describe("operations in the dev stack (Pulumi.dev.yaml under mocks)", () => {
  let stack: Awaited<ReturnType<typeof build>>;
  before(async () => {
    stack = await build();
  });

  it("deploys the dashboard, the five saved queries and the archive, and no chat", () => {
    const ops = recorder.childrenOf("aws-security-watch:index:OperationsDashboard", "ops");
    expect(ops.map((r) => `${r.type}::${r.name}`).sort()).to.deep.equal([
      "aws:cloudwatch/dashboard:Dashboard::ops-dashboard",
      ...SAVED_QUERIES.map(
        (q) => `aws:cloudwatch/queryDefinition:QueryDefinition::ops-query-${q.id}`,
      ).sort(),
    ]);
    expect(recorder.ofType("aws:cloudwatch/eventArchive:EventArchive")).to.have.length(1);
    expect(
      recorder.ofType("aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"),
    ).to.deep.equal([]);
    expect(recorder.ofType("aws-security-watch:index:ChatChannels")).to.deep.equal([]);
    expect(stack.chat).to.equal(undefined);
    // Without chat, the functions keep their on-failure destination only.
    const invoke = recorder.get(
      "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
      "remediate-revoke-world-ingress-invoke-config",
    );
    expect(invoke.inputs.destinationConfig.onSuccess).to.equal(undefined);
  });

  it("the dashboard body: every rule by its severity, every remediation, every queue, every alarm (CIS, threshold, composite), the incident log groups", () => {
    const dashboard = recorder.get("aws:cloudwatch/dashboard:Dashboard", "ops-dashboard").inputs;
    expect(dashboard.dashboardName).to.equal("asw-test");
    const body = JSON.parse(dashboard.dashboardBody);
    const widget = (title: string) =>
      body.widgets.find((w: { properties: { title?: string } }) => w.properties.title === title)
        .properties;
    const alerts = widget("Alerts by severity (events matched by the detection rules)");
    const ruleMetrics = alerts.metrics.filter((m: unknown[]) => m[0] === "AWS/Events");
    expect(ruleMetrics.map((m: string[]) => m[3])).to.deep.equal(
      stack.watcher.detections.map((d) => `asw-test-${d.id}`),
    );
    const remediations = widget("Remediations by outcome (handlers' metric)");
    const remediationNames = new Set(
      remediations.metrics
        .filter((m: unknown[]) => m[0] === "AwsSecurityWatch")
        .map((m: string[]) => m[3]),
    );
    expect([...remediationNames]).to.deep.equal([...REMEDIATION_IDS]);
    const queues = widget("Events waiting for a human (on-failure and dead-letter queues)");
    expect(queues.metrics.map((m: unknown[]) => (m[4] as { label: string }).label)).to.deep.equal([
      "remediation on-failure",
      "alert dead letters",
      "threshold reporter on-failure",
    ]);
    const alarms: string[] = widget("Alarms").alarms;
    const composites = Object.keys(stack.alarms!.compositeAlarms);
    expect(alarms.slice(0, composites.length).map((a) => a.split(":alarm:")[1])).to.deep.equal(
      composites.map((k) => `asw-test-${k}`),
    );
    const thresholdIds = Object.keys(stack.thresholds!.alarmArns);
    expect(thresholdIds.length).to.be.greaterThan(0);
    expect(alarms).to.have.length(
      Object.keys(stack.alarms!.alarmArns).length + 1 + thresholdIds.length,
    );
    expect(alarms.some((a) => a.includes("remediate-failures-alarm"))).to.equal(true);
    for (const id of thresholdIds) {
      expect(
        alarms.some((a) => a.endsWith(`:alarm:asw-test-${id}`)),
        id,
      ).to.equal(true);
    }
    const log = widget("Latest incident records");
    const groups = REMEDIATION_IDS.map(
      (id) =>
        recorder.get("aws:cloudwatch/logGroup:LogGroup", `remediate-${id}-logs`).inputs.name ??
        `remediate-${id}-logs`,
    );
    expect(log.query).to.equal(
      `${groups.map((g) => `SOURCE '${g}'`).join(" | ")} | ${LATEST_INCIDENTS_QUERY}`,
    );
  });

  it("saved queries: named in the stack's folder, over the incident and trail log groups", () => {
    const trail = recorder.get("aws:cloudwatch/logGroup:LogGroup", "audit-log-group").inputs.name;
    for (const query of SAVED_QUERIES) {
      const def = recorder.get(
        "aws:cloudwatch/queryDefinition:QueryDefinition",
        `ops-query-${query.id}`,
      ).inputs;
      expect(def.name).to.equal(`aws-security-watch/asw-test/${query.title}`);
      expect(def.queryString).to.equal(query.queryString);
      const incidents = def.logGroupNames.filter((g: string) => g.startsWith("remediate-"));
      const trails = def.logGroupNames.filter((g: string) => !g.startsWith("remediate-"));
      expect(incidents.length, query.id).to.equal(
        query.logGroups === "trail" ? 0 : REMEDIATION_IDS.length,
      );
      expect(trails.length, query.id).to.equal(query.logGroups === "incidents" ? 0 : 1);
      if (trails.length) expect(trails[0]).to.equal(trail);
    }
  });

  it("the archive: the union of the deployed detections' patterns, 90 days, on the default bus", () => {
    const archive = recorder.get(
      "aws:cloudwatch/eventArchive:EventArchive",
      "archive-archive",
    ).inputs;
    expect(archive.name).to.equal("asw-test");
    expect(archive.retentionDays).to.equal(90);
    expect(archive.eventSourceArn).to.equal(DEFAULT_BUS);
    expect(JSON.parse(archive.eventPattern)).to.deep.equal(
      archivePattern(stack.watcher.detections.map((d) => d.eventPattern)).pattern,
    );
  });
});

describe("chat channels (Slack and Teams configured)", () => {
  let stack: Awaited<ReturnType<typeof build>>;
  before(async () => {
    stack = await build({ chat: { slack: SLACK, teams: TEAMS, minimumSeverity: "high" } });
  });

  it("a chat topic, and a card target on every rule of high or critical severity, none below", () => {
    expect(recorder.get("aws:sns/topic:Topic", "alerts-chat").inputs.displayName).to.equal(
      "Security chat cards",
    );
    // Chatbot subscribes itself: the stack's emails and webhooks would receive raw JSON.
    const chatSubscriptions = recorder
      .ofType("aws:sns/topicSubscription:TopicSubscription")
      .filter((s) => s.name.startsWith("alerts-chat-"));
    expect(chatSubscriptions).to.deep.equal([]);
    const targets = recorder
      .ofType("aws:cloudwatch/eventTarget:EventTarget")
      .filter((t) => t.inputs.targetId === "chat");
    const expected = stack.watcher.detections.filter((d) =>
      [Severity.Critical, Severity.High].includes(d.severity),
    );
    expect(expected.length).to.be.above(0);
    expect(expected.length).to.be.below(stack.watcher.detections.length);
    expect(targets.map((t) => t.name).sort()).to.deep.equal(
      expected.map((d) => `chat-${d.id}-chat`).sort(),
    );
    for (const d of expected) {
      const t = recorder.get("aws:cloudwatch/eventTarget:EventTarget", `chat-${d.id}-chat`).inputs;
      expect(t.rule).to.equal(`asw-test-${d.id}`);
      // The renderer, not the topic: a template cannot neutralise the hostile values (D7).
      expect(t.arn).to.equal(RENDERER_ARN);
      expect(t.inputTransformer).to.deep.equal(buildAlertCardTransformer(d));
      expect(t.deadLetterConfig.arn).to.match(/^arn:aws:sqs:/);
    }
  });

  it("D1: resolution cards come from the resolution topic only: no rule on the default bus, no on-success destination there", () => {
    const rules = recorder.ofType("aws:cloudwatch/eventRule:EventRule");
    expect(rules.filter((r) => r.name === "chat-resolutions")).to.deep.equal([]);
    for (const r of rules) {
      const pattern = JSON.parse(r.inputs.eventPattern ?? "{}");
      expect(pattern.source ?? [], r.name).to.not.include("lambda");
    }
    const subscription = recorder.get(
      "aws:sns/topicSubscription:TopicSubscription",
      "chat-renderer-resolutions",
    ).inputs;
    expect(subscription).to.deep.include({
      topic: topicArn("alerts-resolutions"),
      protocol: "lambda",
      endpoint: RENDERER_ARN,
    });
    const snsInvoke = recorder.get(
      "aws:lambda/permission:Permission",
      "chat-renderer-invoke-resolutions",
    ).inputs;
    expect(snsInvoke).to.deep.include({
      principal: "sns.amazonaws.com",
      sourceArn: subscription.topic,
    });
    const rulesInvoke = recorder.get(
      "aws:lambda/permission:Permission",
      "chat-renderer-invoke-rules",
    ).inputs;
    expect(rulesInvoke).to.deep.include({
      principal: "events.amazonaws.com",
      sourceAccount: ACCOUNT_ID,
      sourceArn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/*`,
    });
    for (const id of REMEDIATION_IDS) {
      const invoke = recorder.get(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        `remediate-${id}-invoke-config`,
      ).inputs;
      expect(invoke.destinationConfig?.onSuccess).to.equal(undefined);
    }
  });

  it("the renderer's role publishes to the chat topic only and uses the key for that topic only", () => {
    const chatTopic = topicArn("alerts-chat");
    const policy = JSON.parse(
      recorder.get("aws:iam/rolePolicy:RolePolicy", "chat-renderer-role-policy").inputs.policy,
    );
    const publish = policy.Statement.filter((st: { Action: string[] }) =>
      st.Action.some((a) => a.startsWith("sns:")),
    );
    expect(publish).to.deep.equal([
      { Sid: "PublishCards", Effect: "Allow", Action: ["sns:Publish"], Resource: chatTopic },
    ]);
    const key = policy.Statement.find((st: { Sid: string }) => st.Sid === "UseTopicKey");
    expect(key.Condition.StringEquals["kms:EncryptionContext:aws:sns:topicArn"]).to.equal(
      chatTopic,
    );
  });

  it("the channels' role: assumed by Chatbot of this account only, read-only, with the ReadOnlyAccess guardrail", () => {
    const role = recorder.get("aws:iam/role:Role", "chat-role").inputs;
    expect(JSON.parse(role.assumeRolePolicy).Statement).to.deep.equal([
      {
        Effect: "Allow",
        Principal: { Service: "chatbot.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
      },
    ]);
    const policy = JSON.parse(
      recorder.get("aws:iam/rolePolicy:RolePolicy", "chat-role-policy").inputs.policy,
    );
    expect(policy.Statement).to.deep.equal([
      {
        Sid: "NotificationsReadOnly",
        Effect: "Allow",
        Action: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"],
        Resource: "*",
      },
    ]);
    const slack = recorder.get(
      "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration",
      "chat-slack",
    ).inputs;
    const teams = recorder.get(
      "aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration",
      "chat-teams",
    ).inputs;
    expect([slack.slackTeamId, slack.slackChannelId]).to.deep.equal([
      SLACK.teamId,
      SLACK.channelId,
    ]);
    expect([teams.teamId, teams.tenantId, teams.channelId]).to.deep.equal([
      TEAMS.teamId,
      TEAMS.tenantId,
      TEAMS.channelId,
    ]);
    for (const config of [slack, teams]) {
      expect(config.guardrailPolicyArns).to.deep.equal(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
      expect(config.userAuthorizationRequired).to.equal(true);
      expect(config.loggingLevel).to.equal("ERROR");
      expect(config.snsTopicArns).to.have.length(1);
      expect(config.snsTopicArns[0]).to.match(/^arn:aws:sns:.*alerts-chat/);
    }
  });
});

describe("operations configuration", () => {
  it("switches: no dashboard, no queries, no archive", async () => {
    const stack = await build({
      operations: { dashboard: false, savedQueries: false, archive: false },
    });
    expect(stack.operations).to.equal(undefined);
    expect(stack.archive).to.equal(undefined);
    expect(recorder.ofType("aws:cloudwatch/dashboard:Dashboard")).to.deep.equal([]);
    expect(recorder.ofType("aws:cloudwatch/eventArchive:EventArchive")).to.deep.equal([]);
  });

  it("defaults without the key: queries and archive, no dashboard ($3 a month) unless asked for", async () => {
    const stack = await build({ operations: undefined });
    expect(recorder.ofType("aws:cloudwatch/dashboard:Dashboard")).to.deep.equal([]);
    expect(stack.operations!.dashboardUrl).to.equal(undefined);
    expect(recorder.ofType("aws:cloudwatch/queryDefinition:QueryDefinition")).to.have.length(5);
    expect(
      recorder.get("aws:cloudwatch/eventArchive:EventArchive", "archive-archive").inputs
        .retentionDays,
    ).to.equal(90);
  });

  it("queries without the dashboard, and a retention of 0 (indefinitely)", async () => {
    await build({ operations: { dashboard: false, archiveRetentionDays: 0 } });
    expect(recorder.ofType("aws:cloudwatch/dashboard:Dashboard")).to.deep.equal([]);
    expect(recorder.ofType("aws:cloudwatch/queryDefinition:QueryDefinition")).to.have.length(5);
    expect(
      recorder.get("aws:cloudwatch/eventArchive:EventArchive", "archive-archive").inputs
        .retentionDays,
    ).to.equal(0);
  });

  it("rejects bad chat and operations settings, each with its path", async () => {
    let message = "";
    try {
      await build({
        operations: { archiveRetentionDays: -1, graphs: true },
        chat: {
          slack: { teamId: "workspace", channelId: "C07EZ1ABC23" },
          teams: { teamId: "x", tenantId: TEAMS.tenantId, channelId: "general" },
          minimumSeverity: "urgent",
        },
      });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const line of [
      "aws-security-watch:operations.graphs: unknown setting; known: dashboard, savedQueries, archive, archiveRetentionDays",
      "aws-security-watch:operations.archiveRetentionDays: -1 is not a whole number from 0 to 36500",
      'aws-security-watch:chat.slack.teamId: "workspace" is not a Slack workspace id (T0123ABCD)',
      'aws-security-watch:chat.teams.teamId: "x" is not a Teams team id (a UUID)',
      'aws-security-watch:chat.teams.channelId: "general" is not a Teams channel id (19:...@thread.tacv2)',
      `aws-security-watch:chat.minimumSeverity: expected one of ${SEVERITIES.join(", ")}, got the string "urgent"`,
    ]) {
      expect(message).to.include(line);
    }
  });
});
