import { expect } from "chai";

import { insightRuleBody, THRESHOLD_CATALOG } from "../core/thresholds";
import { setup, settle, valueOf } from "./helpers/mocks";

const recorder = setup();

type Module = typeof import("../components/thresholdAlarmGroup");
type Args = import("../components/thresholdAlarmGroup").ThresholdAlarmGroupArgs;

const GROUP = "aws-security-watch:index:ThresholdAlarmGroup";
const RULE = "aws:cloudwatch/contributorInsightRule:ContributorInsightRule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
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
      THRESHOLD_CATALOG.flatMap((d) => [
        `${RULE}::thr-rule-${d.id}`,
        `${ALARM}::thr-alarm-${d.id}`,
      ]).sort(),
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
});
