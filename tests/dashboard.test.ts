import { expect } from "chai";
import {
  dashboardBody,
  DashboardInput,
  dashboardProblems,
  dashboardUrl,
  MAX_ALARMS_PER_WIDGET,
  Widget,
} from "../core/dashboard";
import { METRIC_OUTCOMES } from "../core/incidentRecord";
import { LATEST_INCIDENTS_QUERY } from "../core/queries";

const INPUT: DashboardInput = {
  title: "aws-security-watch (dev)",
  region: "eu-west-1",
  rules: [
    { ruleName: "asw-dev-root-usage", severity: "critical" },
    { ruleName: "asw-dev-cloudtrail-changes", severity: "critical" },
    { ruleName: "asw-dev-vpc-changes", severity: "medium" },
  ],
  remediations: ["revoke-world-ingress", "restart-audit-logging"],
  queues: [
    { label: "remediation on-failure", queueName: "remediate-failures-1" },
    { label: "dead letters us-east-1", queueName: "watch-us-east-1-dlq-2", region: "us-east-1" },
  ],
  alarmArns: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:asw-dev-root-usage"],
  compositeAlarmArns: ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:asw-dev-credential-attack"],
  incidentLogGroups: [
    "remediate-revoke-world-ingress-logs-1",
    "remediate-restart-audit-logging-logs-2",
  ],
};

const byTitle = (widgets: Widget[], title: string) =>
  widgets.find((w) => w.properties.title === title)!.properties as Record<string, unknown> & {
    metrics: unknown[][];
  };

describe("dashboard body", () => {
  const body = dashboardBody(INPUT);

  it("alerts by severity: every rule's MatchedEvents, hidden, summed per severity that has rules", () => {
    const w = byTitle(body.widgets, "Alerts by severity (events matched by the detection rules)");
    expect(w.metrics.slice(0, 2)).to.deep.equal([
      [{ expression: "SUM([r0,r1])", label: "critical", id: "sev0", color: "#d62728" }],
      [{ expression: "r2", label: "medium", id: "sev1", color: "#bcbd22" }],
    ]);
    expect(w.metrics.slice(2)).to.deep.equal(
      INPUT.rules.map((r, i) => [
        "AWS/Events",
        "MatchedEvents",
        "RuleName",
        r.ruleName,
        { id: `r${i}`, visible: false, stat: "Sum" },
      ]),
    );
  });

  it("remediations by outcome: the handlers' EMF metric per remediation and outcome, summed by outcome", () => {
    const w = byTitle(body.widgets, "Remediations by outcome (handlers' metric)");
    const sums = w.metrics.slice(0, METRIC_OUTCOMES.length).map((m) => m[0]) as {
      label: string;
      expression: string;
    }[];
    expect(sums.map((s) => s.label)).to.deep.equal([...METRIC_OUTCOMES]);
    const hidden = w.metrics.slice(METRIC_OUTCOMES.length);
    expect(hidden).to.have.length(INPUT.remediations.length * METRIC_OUTCOMES.length);
    expect(hidden[0]).to.deep.equal([
      "AwsSecurityWatch",
      "Remediations",
      "remediation",
      "revoke-world-ingress",
      "outcome",
      "remediated",
      { id: "m0", visible: false, stat: "Sum" },
    ]);
    // "failed" sums the failed metric of both remediations
    const failed = sums.find((s) => s.label === "failed")!;
    const ids = hidden.filter((m) => m[5] === "failed").map((m) => (m[6] as { id: string }).id);
    expect(failed.expression).to.equal(`SUM([${ids.join(",")}])`);
  });

  it("queue depths, in the queue's own region when it is another", () => {
    const w = byTitle(
      body.widgets,
      "Events waiting for a human (on-failure and dead-letter queues)",
    );
    expect(w.metrics).to.deep.equal([
      [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        "remediate-failures-1",
        { label: "remediation on-failure" },
      ],
      [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        "watch-us-east-1-dlq-2",
        { label: "dead letters us-east-1", region: "us-east-1" },
      ],
    ]);
  });

  it("alarm states, composites first, in widgets of at most 100 alarms", () => {
    expect(byTitle(body.widgets, "Alarms").alarms).to.deep.equal([
      ...INPUT.compositeAlarmArns,
      ...INPUT.alarmArns,
    ]);
    const many = Array.from(
      { length: 150 },
      (_, i) => `arn:aws:cloudwatch:eu-west-1:1:alarm:a${i}`,
    );
    const big = dashboardBody({ ...INPUT, alarmArns: many });
    const alarmWidgets = big.widgets.filter((w) => w.type === "alarm");
    expect(alarmWidgets.map((w) => (w.properties.alarms as string[]).length)).to.deep.equal([
      MAX_ALARMS_PER_WIDGET,
      51,
    ]);
  });

  it("the latest incident records, a Logs Insights widget over the incident log groups", () => {
    const w = byTitle(body.widgets, "Latest incident records");
    expect(w.query).to.equal(
      `SOURCE 'remediate-revoke-world-ingress-logs-1' | SOURCE 'remediate-restart-audit-logging-logs-2' | ${LATEST_INCIDENTS_QUERY}`,
    );
    expect(body.widgets.find((x) => x.properties === w)!.type).to.equal("log");
  });

  it("widgets fit the 24-column grid and do not overlap", () => {
    const cells = new Set<string>();
    for (const w of body.widgets) {
      expect(w.x + w.width).to.be.at.most(24);
      for (let x = w.x; x < w.x + w.width; x++) {
        for (let y = w.y; y < w.y + w.height; y++) {
          const key = `${x},${y}`;
          expect(cells.has(key), `${w.properties.title} overlaps at ${key}`).to.equal(false);
          cells.add(key);
        }
      }
    }
  });

  it("rejects what CloudWatch would not take, saying what to change", () => {
    expect(
      dashboardProblems({
        ...INPUT,
        rules: [{ ruleName: "x", severity: "urgent" }],
        periodSeconds: 90,
      }),
    ).to.deep.equal([
      'rules.x: "urgent" is not one of critical, high, medium, info',
      "periodSeconds: 90 must be a multiple of 60",
    ]);
    const rules = Array.from({ length: 497 }, (_, i) => ({ ruleName: `r${i}`, severity: "high" }));
    expect(() => dashboardBody({ ...INPUT, rules })).to.throw(
      "rules: 497 rules need 501 metrics in one graph, the maximum is 500",
    );
    expect(() => dashboardBody({ ...INPUT, incidentLogGroups: ["bad name'"] })).to.throw(
      `"bad name'" is not a CloudWatch Logs log group name`,
    );
  });

  it("URL of the dashboard in the console", () => {
    expect(dashboardUrl("eu-west-1", "asw-dev")).to.equal(
      "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/asw-dev",
    );
    expect(() => dashboardUrl("eu-west-1", "a b")).to.throw("is not a dashboard name");
  });
});
