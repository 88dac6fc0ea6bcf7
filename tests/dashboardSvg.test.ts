import { expect } from "chai";
import * as path from "path";
import { dashboardBody } from "../core/dashboard";
import { readOfflineRecords } from "../scripts/incidents";
import { queryColumns, renderDashboardSvg, visibleSeries } from "../scripts/dashboardSvg";
import { dataFromIncidents } from "../scripts/renderDashboard";

const RECORDS = readOfflineRecords(
  path.resolve(__dirname, "fixtures", "incidents", "drill-run.jsonl"),
);
const BODY = dashboardBody({
  title: "aws-security-watch: asw-dev",
  region: "eu-west-1",
  rules: [
    { ruleName: "asw-dev-security-group-open-to-world", severity: "critical" },
    { ruleName: "asw-dev-vpc-changes", severity: "medium" },
  ],
  remediations: ["revoke-world-ingress"],
  queues: [{ label: "remediation on-failure", queueName: "q" }],
  alarmArns: ["arn:aws:cloudwatch:eu-west-1:1:alarm:asw-dev-root-usage"],
  compositeAlarmArns: [],
  incidentLogGroups: ["lg"],
});

describe("the dashboard picture (SVG drawn from the body)", () => {
  const svg = renderDashboardSvg(BODY, dataFromIncidents(RECORDS), "asw-dev");

  it("draws every widget of the body, with its title, series labels, alarm names and query columns", () => {
    expect(
      svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" rx="4"/g),
    ).to.have.length(BODY.widgets.length);
    for (const w of BODY.widgets) {
      if (w.type !== "text") expect(svg).to.include(`>${String(w.properties.title).slice(0, 30)}`);
      if (w.type === "metric") {
        for (const s of visibleSeries(w.properties)) expect(svg).to.include(`>${s.label}<`);
      }
    }
    expect(svg).to.include(">asw-dev-root-usage<");
    expect(
      queryColumns(String(BODY.widgets.find((w) => w.type === "log")!.properties.query)),
    ).to.include("remediation");
    expect(svg).to.include(">remediation<");
  });

  it("hidden per-rule metrics are not series; the sums by severity and outcome are", () => {
    const alerts = BODY.widgets.find((w) => String(w.properties.title).startsWith("Alerts"))!;
    expect(visibleSeries(alerts.properties).map((s) => s.label)).to.deep.equal([
      "critical",
      "medium",
    ]);
  });

  it("values come from the records: the drill's ten remediations are one spike of 10 'remediated'", () => {
    const data = dataFromIncidents(RECORDS);
    const remediated = data.series("Remediations by outcome (handlers' metric)", "remediated");
    expect(remediated.reduce((a, b) => a + b, 0)).to.equal(10);
    expect(
      data.series("Remediations by outcome (handlers' metric)", "failed").every((v) => v === 0),
    ).to.equal(true);
    const alerts = ["critical", "high", "medium", "info"].map((s) =>
      data
        .series("Alerts by severity (events matched by the detection rules)", s)
        .reduce((a, b) => a + b, 0),
    );
    expect(alerts.reduce((a, b) => a + b, 0)).to.equal(10);
    expect(data.logRows("Latest incident records")).to.have.length(10);
  });
});
