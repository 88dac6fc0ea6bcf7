import { expect } from "chai";
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import * as logs from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  StartReplayCommand,
} from "@aws-sdk/client-eventbridge";
import * as events from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { INCIDENT_FIELDS, IncidentRecord } from "../core/incidentRecord";
import {
  buildReport,
  formatReport,
  liveRecords,
  parseArgs,
  readOfflineRecords,
  ReportFormat,
} from "../scripts/incidents";
import { parseReplayArgs, replayName, runReplay } from "../scripts/replay";

const ROOT = path.resolve(__dirname, "..");
const DRILL_RUN = path.join(ROOT, "tests", "fixtures", "incidents", "drill-run.jsonl");
const run = promisify(execFile);

describe("npm run incidents", () => {
  it("parses its options, and says what to change", () => {
    expect(parseArgs([])).to.deep.equal({ since: "7d", format: "table", live: false });
    expect(
      parseArgs(["--since", "12h", "--format", "csv", "--live", "--log-groups", "a,b"]),
    ).to.deep.equal({
      since: "12h",
      format: "csv",
      live: true,
      logGroups: ["a", "b"],
    });
    const table: [string[], string][] = [
      [
        ["--since", "week"],
        '"week" is not a duration: use a whole number and d, h or m (7d, 12h, 30m)',
      ],
      [["--format", "xml"], '--format: "xml" is not one of table, csv, json'],
      [["--since"], "--since needs a value"],
      [["--verbose"], "unknown option --verbose"],
    ];
    for (const [argv, message] of table)
      expect(() => parseArgs(argv), argv.join(" ")).to.throw(message);
  });

  it("offline: the drill's records (written by the serialized handlers), by remediation and outcome, then newest first", () => {
    const records = readOfflineRecords(DRILL_RUN);
    expect(records).to.have.length(10);
    const newest = new Date(Math.max(...records.map((r) => Date.parse(String(r.eventTime)))));
    const report = buildReport(records, "7d", "test", new Date(newest.getTime() + 60_000));
    expect(report.incidents).to.have.length(10);
    expect(report.summary[0]).to.deep.equal({
      remediation: "revoke-world-ingress",
      outcome: "remediated",
      incidents: 3,
    });
    expect(report.summary.reduce((n, s) => n + s.incidents, 0)).to.equal(10);
    const times = report.incidents.map((r) => Date.parse(String(r.eventTime)));
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    // A window that ends before the drill keeps nothing.
    expect(
      buildReport(records, "30m", "test", new Date(newest.getTime() + 3_600_000)).incidents,
    ).to.deep.equal([]);
    const text = formatReport(report, ReportFormat.Table);
    expect(text.split("\n")[0]).to.match(/^Incident report: 10 incident\(s\) since .* \(test\)$/);
    expect(text).to.include("revoke-world-ingress    | remediated | 3");
  });

  it("CSV: every field of the schema, one row per incident, hostile values quoted", () => {
    const hostile: IncidentRecord = {
      type: "incident",
      eventId: "e1",
      userAgent: 'curl "x", y\nz',
      actions: ["A", "B"],
      durationMs: 12,
    };
    const csv = formatReport(buildReport([hostile], "7d", "t"), ReportFormat.Csv).split("\n");
    expect(csv[0]).to.equal(INCIDENT_FIELDS.map((f) => f.name).join(","));
    expect(csv).to.have.length(2);
    const names = INCIDENT_FIELDS.map((f) => f.name);
    const row = csv[1];
    expect(row).to.include('"curl ""x"", y z"');
    expect(row.startsWith("incident,,e1,")).to.equal(true);
    expect(names.indexOf("actions")).to.be.above(0);
    expect(row).to.include(",A; B,");
  });

  it("JSON: the summary and the records as they are", () => {
    const report = buildReport(readOfflineRecords(DRILL_RUN), "3650d", "t");
    const parsed = JSON.parse(formatReport(report, ReportFormat.Json));
    expect(parsed.incidents).to.have.length(10);
    expect(parsed.summary).to.deep.equal(report.summary);
  });

  it("the command: offline without a drill file says to run the drill", async () => {
    const err = await run(
      "npx",
      [
        "ts-node",
        "--transpile-only",
        "scripts/incidents.ts",
        "--file",
        "tests/fixtures/incidents/none.jsonl",
      ],
      { cwd: ROOT },
    ).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).to.equal(1);
    expect((err as { stderr: string }).stderr).to.include(
      "does not exist: run `npm run drill` first",
    );
  });

  it("live: StartQuery over the log groups, GetQueryResults until complete with progress, values typed back", async () => {
    const mock = mockClient(CloudWatchLogsClient);
    mock.on(StartQueryCommand).resolves({ queryId: "q-1" });
    mock
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: "Running", statistics: { recordsScanned: 10, recordsMatched: 1 } })
      .resolves({
        status: "Complete",
        statistics: { recordsScanned: 20, recordsMatched: 1 },
        results: [
          [
            { field: "eventId", value: "e-1" },
            { field: "outcome", value: "remediated" },
            { field: "actions", value: '["RevokeSecurityGroupIngress"]' },
            { field: "durationMs", value: "42" },
            { field: "@ptr", value: "xyz" },
          ],
        ],
      });
    const progress: string[] = [];
    const now = new Date("2026-11-30T12:00:00Z");
    const records = await liveRecords(
      { since: "1d", format: ReportFormat.Table, live: true, logGroups: ["lg-a", "lg-b"] },
      new CloudWatchLogsClient({ region: "eu-west-1" }),
      logs,
      (l) => progress.push(l),
      now,
    );
    expect(records).to.deep.equal([
      {
        eventId: "e-1",
        outcome: "remediated",
        actions: ["RevokeSecurityGroupIngress"],
        durationMs: 42,
      },
    ]);
    const start = mock.commandCalls(StartQueryCommand)[0].args[0].input;
    expect(start.logGroupNames).to.deep.equal(["lg-a", "lg-b"]);
    expect(start.startTime).to.equal(Date.parse("2026-11-29T12:00:00Z") / 1000);
    expect(start.queryString).to.match(/^filter type = "incident"/);
    expect(start.queryString).to.include(`fields ${INCIDENT_FIELDS.map((f) => f.name).join(", ")}`);
    expect(progress[0]).to.equal("Logs Insights over 2 log group(s): the incident records…");
    expect(progress.slice(1).map((l) => l.split(" ")[2])).to.deep.equal(["Running", "Complete"]);
    mock.restore();
  });
});

describe("npm run replay", () => {
  const now = new Date("2026-11-30T12:00:00Z");

  it("parses its options, and says what to change", () => {
    expect(
      parseReplayArgs(
        ["--from", "2026-11-30T10:00:00Z", "--to", "2026-11-30T11:00:00Z", "--rules", "r1,r2"],
        now,
      ),
    ).to.deep.equal({
      from: new Date("2026-11-30T10:00:00Z"),
      to: new Date("2026-11-30T11:00:00Z"),
      archive: undefined,
      rules: ["r1", "r2"],
      region: undefined,
      yes: false,
    });
    expect(() => parseReplayArgs(["--to", "2026-11-30T11:00:00Z"], now)).to.throw(
      '--from: "" is not a time',
    );
    expect(() =>
      parseReplayArgs(["--from", "2026-11-30T11:00:00Z", "--to", "2026-11-30T10:00:00Z"], now),
    ).to.throw("--from must be before --to");
    expect(() =>
      parseReplayArgs(["--from", "2026-11-30T11:00:00Z", "--to", "2026-12-30T10:00:00Z"], now),
    ).to.throw("--to must not be in the future");
    expect(replayName(new Date("2026-11-30T10:00:00Z"), now)).to.equal(
      "asw-replay-20261130100000-20261130120000",
    );
  });

  function eventsMock() {
    const mock = mockClient(EventBridgeClient);
    mock.on(DescribeArchiveCommand).resolves({
      ArchiveArn: "arn:aws:events:eu-west-1:123456789012:archive/asw-dev",
      EventSourceArn: "arn:aws:events:eu-west-1:123456789012:event-bus/default",
      EventCount: 42,
    });
    mock.on(DescribeRuleCommand, { Name: "asw-dev-root-usage" }).resolves({
      Arn: "arn:aws:events:eu-west-1:123456789012:rule/asw-dev-root-usage",
    });
    mock.on(StartReplayCommand).resolves({ State: "STARTING" });
    mock
      .on(DescribeReplayCommand)
      .resolvesOnce({ State: "RUNNING", EventLastReplayedTime: new Date("2026-11-30T10:30:00Z") })
      .resolves({ State: "COMPLETED" });
    return mock;
  }

  it("without --yes: describes the replay and starts nothing", async () => {
    const mock = eventsMock();
    const lines: string[] = [];
    const options = parseReplayArgs(
      ["--from", "2026-11-30T10:00:00Z", "--to", "2026-11-30T11:00:00Z", "--archive", "asw-dev"],
      now,
    );
    const state = await runReplay(
      options,
      new EventBridgeClient({ region: "eu-west-1" }),
      events,
      (l) => lines.push(l),
      1,
      now,
    );
    expect(state).to.equal("NOT_STARTED");
    expect(mock.commandCalls(StartReplayCommand)).to.have.length(0);
    expect(lines[1]).to.include("add --yes");
    mock.restore();
  });

  it("with --yes: StartReplay from the archive to its bus, for the chosen rules, until COMPLETED", async () => {
    const mock = eventsMock();
    const lines: string[] = [];
    const options = parseReplayArgs(
      [
        "--from",
        "2026-11-30T10:00:00Z",
        "--to",
        "2026-11-30T11:00:00Z",
        "--archive",
        "asw-dev",
        "--rules",
        "asw-dev-root-usage",
        "--yes",
      ],
      now,
    );
    const state = await runReplay(
      options,
      new EventBridgeClient({ region: "eu-west-1" }),
      events,
      (l) => lines.push(l),
      1,
      now,
    );
    expect(state).to.equal("COMPLETED");
    expect(mock.commandCalls(StartReplayCommand)[0].args[0].input).to.deep.equal({
      ReplayName: "asw-replay-20261130100000-20261130120000",
      Description: "aws-security-watch: npm run replay",
      EventSourceArn: "arn:aws:events:eu-west-1:123456789012:archive/asw-dev",
      EventStartTime: new Date("2026-11-30T10:00:00Z"),
      EventEndTime: new Date("2026-11-30T11:00:00Z"),
      Destination: {
        Arn: "arn:aws:events:eu-west-1:123456789012:event-bus/default",
        FilterArns: ["arn:aws:events:eu-west-1:123456789012:rule/asw-dev-root-usage"],
      },
    });
    expect(lines.slice(1)).to.deep.equal([
      "  RUNNING, replayed up to 2026-11-30T10:30:00.000Z",
      "  COMPLETED",
    ]);
    mock.restore();
  });
});
