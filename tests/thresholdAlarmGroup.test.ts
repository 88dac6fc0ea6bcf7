import { expect } from "chai";

import { insightRuleBody, THRESHOLD_CATALOG } from "../core/thresholds";
import { archiveEntries, handlerOf } from "../scripts/lambdaCode";
import { setup, settle, valueOf } from "./helpers/mocks";

const recorder = setup();

type Module = typeof import("../components/thresholdAlarmGroup");
type Args = import("../components/thresholdAlarmGroup").ThresholdAlarmGroupArgs;

const GROUP = "aws-security-watch:index:ThresholdAlarmGroup";
const RULE = "aws:cloudwatch/contributorInsightRule:ContributorInsightRule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FUNCTION = "aws:lambda/function:Function";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
const REPORTER_CHILDREN = [
  "aws:cloudwatch/logGroup:LogGroup::thr-reporter-logs",
  "aws:sqs/queue:Queue::thr-reporter-failures",
  "aws:sqs/queuePolicy:QueuePolicy::thr-reporter-failures-policy",
  "aws:dynamodb/table:Table::thr-reporter-claims",
  `${EVENT_RULE}::thr-reporter-rule`,
  "aws:iam/role:Role::thr-reporter-role",
  `${ROLE_POLICY}::thr-reporter-role-policy`,
  `${FUNCTION}::thr-reporter-fn`,
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::thr-reporter-invoke-config",
  "aws:lambda/permission:Permission::thr-reporter-invoke",
  "aws:cloudwatch/eventTarget:EventTarget::thr-reporter-target",
  `${ALARM}::thr-reporter-failures-alarm`,
];
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

describe("ThresholdAlarmGroup", () => {
  let mod: Module;
  before(async () => {
    mod = await import("../components/thresholdAlarmGroup");
  });
  beforeEach(() => recorder.reset());

  it("creates one Contributor Insights rule and one alarm per threshold detection, children of the group", async () => {
    new mod.ThresholdAlarmGroup("thr", { ...ARGS, namePrefix: "watch-dev" });
    await settle();
    const children = recorder.childrenOf(GROUP, "thr").map((r) => `${r.type}::${r.name}`);
    expect(children.sort()).to.deep.equal(
      [
        ...THRESHOLD_CATALOG.flatMap((d) => [
          `${RULE}::thr-rule-${d.id}`,
          `${ALARM}::thr-alarm-${d.id}`,
        ]),
        ...REPORTER_CHILDREN,
      ].sort(),
    );
    for (const d of THRESHOLD_CATALOG) {
      const rule = recorder.get(RULE, `thr-rule-${d.id}`).inputs;
      expect(rule.ruleName).to.equal(`watch-dev-${d.id}`);
      expect(rule.ruleState).to.equal("ENABLED");
      expect(JSON.parse(await valueOf(rule.ruleDefinition))).to.deep.equal(
        insightRuleBody(d, "trail-logs"),
      );
      const alarm = recorder.get(ALARM, `thr-alarm-${d.id}`).inputs;
      expect(alarm.name).to.equal(`watch-dev-${d.id}`);
      expect(alarm.metricQueries).to.deep.equal([
        {
          id: "top",
          expression: `INSIGHT_RULE_METRIC("watch-dev-${d.id}", "MaxContributorValue")`,
          label: `${d.id} (busiest contributor)`,
          period: d.periodSeconds,
          returnData: true,
        },
      ]);
      expect(alarm).to.deep.include({
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: d.threshold,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        actionsEnabled: true,
        alarmActions: [TOPIC(d.severity)],
        okActions: [RESOLUTIONS],
      });
      expect(alarm.alarmDescription).to.contain(`Contributor Insights rule watch-dev-${d.id}`);
    }
  });

  it("takes limits and disabled ids from its arguments", async () => {
    new mod.ThresholdAlarmGroup("thr", {
      ...ARGS,
      disabled: ["bedrock-invocations-per-principal"],
      limits: { "denied-calls-per-principal": { threshold: 7, periodSeconds: 120 } },
    });
    await settle();
    expect(recorder.ofType(RULE).map((r) => r.name)).not.to.include(
      "thr-rule-bedrock-invocations-per-principal",
    );
    const alarm = recorder.get(ALARM, "thr-alarm-denied-calls-per-principal").inputs;
    expect(alarm.threshold).to.equal(7);
    expect(alarm.metricQueries[0].period).to.equal(120);
    expect(alarm.name).to.equal("thr-denied-calls-per-principal");
  });

  it("rejects unknown ids and bad limits before creating anything, with what to change", () => {
    expect(
      () => new mod.ThresholdAlarmGroup("thr", { ...ARGS, limits: { nope: { threshold: 1 } } }),
    ).to.throw('thresholds.overrides: unknown threshold detection "nope"');
    expect(
      () =>
        new mod.ThresholdAlarmGroup("thr", {
          ...ARGS,
          alertTopicArns: { critical: TOPIC("critical") },
        }),
    ).to.throw(
      "alertTopicArns: no topic for severity high, medium; add one or disable the threshold detections of that severity",
    );
    expect(recorder.ofType(RULE)).to.deep.equal([]);
  });

  it("checks the shape of plain-JSON arguments first, naming the field", () => {
    expect(
      () =>
        new mod.ThresholdAlarmGroup("thr", {
          ...ARGS,
          disabled: "enumeration-per-principal" as unknown as string[],
        }),
    ).to.throw('ThresholdAlarmGroup "thr": disabled must be a list of threshold detection ids');
  });

  describe("the reporter", () => {
    const ARN = (service: string, rest: string) =>
      `arn:aws:${service}:eu-west-1:123456789012:${rest}`;

    it("is off on request: no function, no rule, nothing but rules and alarms", async () => {
      new mod.ThresholdAlarmGroup("thr", { ...ARGS, reporter: { enabled: false } });
      await settle();
      expect(recorder.ofType(FUNCTION)).to.deep.equal([]);
      expect(recorder.ofType(EVENT_RULE)).to.deep.equal([]);
      expect(recorder.childrenOf(GROUP, "thr")).to.have.length(2 * THRESHOLD_CATALOG.length);
    });

    it("listens to exactly the group's alarms going to ALARM", async () => {
      new mod.ThresholdAlarmGroup("thr", {
        ...ARGS,
        namePrefix: "watch-dev",
        disabled: ["bedrock-invocations-per-principal"],
      });
      await settle();
      const rule = recorder.get(EVENT_RULE, "thr-reporter-rule").inputs;
      expect(JSON.parse(rule.eventPattern)).to.deep.equal({
        source: ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        detail: {
          alarmName: [
            "watch-dev-console-signin-failures-per-ip",
            "watch-dev-denied-calls-per-principal",
            "watch-dev-enumeration-per-principal",
            "watch-dev-secret-reads-per-principal",
          ],
          state: { value: ["ALARM"] },
        },
      });
      const permission = recorder.get("aws:lambda/permission:Permission", "thr-reporter-invoke");
      expect(permission.inputs).to.deep.include({
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: ARN("events", "rule/thr-reporter-rule"),
        function: "thr-reporter-fn",
      });
      const target = recorder.get(
        "aws:cloudwatch/eventTarget:EventTarget",
        "thr-reporter-target",
      ).inputs;
      expect(target).to.deep.include({
        rule: "thr-reporter-rule",
        arn: ARN("lambda", "function:thr-reporter-fn"),
        deadLetterConfig: { arn: ARN("sqs", "thr-reporter-failures") },
      });
      // The alarms keep their own actions: the raw alarm notification still arrives.
      const alarm = recorder.get(ALARM, "thr-alarm-denied-calls-per-principal").inputs;
      expect(alarm.alarmActions).to.deep.equal([TOPIC("medium")]);
      expect(alarm.okActions).to.deep.equal([RESOLUTIONS]);
    });

    it("has a least-privilege role: statement by statement", async () => {
      new mod.ThresholdAlarmGroup("thr", {
        ...ARGS,
        namePrefix: "watch-dev",
        disabled: ["console-signin-failures-per-ip", "secret-reads-per-principal"],
        reporter: { topicKmsKeyArn: ARN("kms", "key/k-1") },
      });
      await settle();
      const policy = JSON.parse(
        await valueOf(recorder.get(ROLE_POLICY, "thr-reporter-role-policy").inputs.policy),
      );
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "ReadRuleReports",
          Effect: "Allow",
          Action: ["cloudwatch:GetInsightRuleReport"],
          Resource: [
            ARN("cloudwatch", "insight-rule/watch-dev-bedrock-invocations-per-principal"),
            ARN("cloudwatch", "insight-rule/watch-dev-denied-calls-per-principal"),
            ARN("cloudwatch", "insight-rule/watch-dev-enumeration-per-principal"),
          ],
        },
        // Only the medium topic: every remaining detection is medium.
        {
          Sid: "PublishReports",
          Effect: "Allow",
          Action: ["sns:Publish"],
          Resource: [TOPIC("medium")],
        },
        {
          Sid: "WriteOwnLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${ARN("logs", "log-group:thr-reporter-logs")}:*`,
        },
        {
          Sid: "OnFailureDestination",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: ARN("sqs", "thr-reporter-failures"),
        },
        {
          Sid: "ClaimReports",
          Effect: "Allow",
          Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
          Resource: ARN("dynamodb", "table/thr-reporter-claims"),
        },
        {
          Sid: "UseTopicKey",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: ARN("kms", "key/k-1"),
          Condition: {
            StringEquals: {
              "kms:ViaService": "sns.eu-west-1.amazonaws.com",
              "kms:EncryptionContext:aws:sns:topicArn": [TOPIC("medium")],
            },
          },
        },
      ]);
    });

    it("grants no key without a topic key", async () => {
      new mod.ThresholdAlarmGroup("thr", ARGS);
      await settle();
      const policy = JSON.parse(
        await valueOf(recorder.get(ROLE_POLICY, "thr-reporter-role-policy").inputs.policy),
      );
      expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal([
        "ReadRuleReports",
        "PublishReports",
        "WriteOwnLogs",
        "OnFailureDestination",
        "ClaimReports",
      ]);
      expect(policy.Statement[1].Resource).to.deep.equal([TOPIC("high"), TOPIC("medium")]);
    });

    it("deploys the function with its log group, timeout, on-failure queue (SSE, TLS-only)", async () => {
      new mod.ThresholdAlarmGroup("thr", ARGS);
      await settle();
      const fn = recorder.get(FUNCTION, "thr-reporter-fn").inputs;
      expect(fn).to.deep.include({ timeout: 30, runtime: "nodejs22.x" });
      expect(fn.loggingConfig).to.deep.include({ logGroup: "thr-reporter-logs" });
      expect(fn.role).to.equal("arn:aws:iam::123456789012:role/thr-reporter-role");
      expect(
        recorder.get("aws:cloudwatch/logGroup:LogGroup", "thr-reporter-logs").inputs
          .retentionInDays,
      ).to.equal(365);
      const invoke = recorder.get(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        "thr-reporter-invoke-config",
      ).inputs;
      expect(invoke).to.deep.include({
        functionName: "thr-reporter-fn",
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 3600,
      });
      expect(invoke.destinationConfig).to.deep.equal({
        onFailure: { destination: ARN("sqs", "thr-reporter-failures") },
      });
      const queue = recorder.get("aws:sqs/queue:Queue", "thr-reporter-failures").inputs;
      expect(queue.sqsManagedSseEnabled).to.equal(true);
      const queuePolicy = JSON.parse(
        await valueOf(
          recorder.get("aws:sqs/queuePolicy:QueuePolicy", "thr-reporter-failures-policy").inputs
            .policy,
        ),
      );
      expect(queuePolicy.Statement).to.deep.equal([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: ARN("sqs", "thr-reporter-failures"),
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "EventBridgeDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: ARN("sqs", "thr-reporter-failures"),
          Condition: { ArnEquals: { "aws:SourceArn": ARN("events", "rule/thr-reporter-rule") } },
        },
      ]);
      // Nothing waits in that queue unnoticed: an alarm on its depth pages the high topic.
      const alarm = recorder.get(ALARM, "thr-reporter-failures-alarm").inputs;
      expect(alarm).to.deep.include({
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        statistic: "Maximum",
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      });
      expect(alarm.dimensions).to.deep.equal({ QueueName: "thr-reporter-failures" });
      expect(alarm.alarmActions).to.deep.equal([TOPIC("high")]);
      expect(alarm.okActions).to.deep.equal([RESOLUTIONS]);
    });

    it("ships a handler that rejects another group's alarm and knows its topics from the environment", async () => {
      new mod.ThresholdAlarmGroup("thr", { ...ARGS, namePrefix: "watch-dev" });
      await settle();
      const fn = recorder.get(FUNCTION, "thr-reporter-fn").inputs;
      const env = await valueOf(fn.environment);
      const deployed = JSON.parse(env.variables.REPORTER_SETTINGS);
      expect(deployed).to.deep.equal({
        topicArns: { high: TOPIC("high"), medium: TOPIC("medium") },
        account: "123456789012",
        region: "eu-west-1",
        partition: "aws",
        claimTableName: "thr-reporter-claims",
      });
      const entries = await archiveEntries(fn.code);
      const handler = handlerOf(entries["__index.js"], env.variables);
      const lines: string[] = [];
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string) => {
        lines.push(String(chunk));
        return true;
      }) as typeof process.stdout.write;
      let error: Error | undefined;
      try {
        await handler({
          id: "e-1",
          source: "aws.cloudwatch",
          "detail-type": "CloudWatch Alarm State Change",
          account: "123456789012",
          region: "eu-west-1",
          resources: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:other-alarm"],
          detail: { alarmName: "other-alarm", state: { value: "ALARM" } },
        });
      } catch (e) {
        error = e as Error;
      } finally {
        process.stdout.write = write;
      }
      expect(error?.message).to.equal(
        "threshold-reporter: rejected event: the alarm is not one of this group's",
      );
      expect(JSON.parse(lines.join(""))).to.deep.include({
        type: "rejected",
        alarmName: "other-alarm",
      });
    });

    it("rejects a contributor count out of range before creating anything", () => {
      expect(
        () => new mod.ThresholdAlarmGroup("thr", { ...ARGS, reporter: { topContributors: 50 } }),
      ).to.throw("reporter.topContributors: 50 must be a whole number from 1 to 20");
      expect(recorder.ofType(RULE)).to.deep.equal([]);
    });
  });
});
