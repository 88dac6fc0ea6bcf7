import { expect } from "chai";
import { CloudWatchClient, GetInsightRuleReportCommand } from "@aws-sdk/client-cloudwatch";
import { planThresholds, reportedAlarms } from "../../core/thresholds";
import {
  bodyText,
  type Contributor,
  MAX_SUBJECT_LENGTH,
  readAlarmEvent,
  renderReport,
  reportWindow,
  thresholdReporterFactory,
  topContributors,
} from "../../lambdas/thresholdReporter";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import { serializeHandler, type SerializedHandler } from "../helpers/serialize";
import { awsError, captureLogs, type Json, mocked, sent } from "./harness";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const TOPIC = (s: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:alerts-${s}`;
const ALARMS = reportedAlarms(
  planThresholds({
    namePrefix: "watch-dev",
    logGroupName: "trail",
    overrides: { "denied-calls-per-principal": { threshold: 20, periodSeconds: 300 } },
  }),
);
const DENIED = "watch-dev-denied-calls-per-principal";
const SETTINGS = { alarms: ALARMS, account: ACCOUNT, region: REGION, partition: "aws" };
const TOPICS = { high: TOPIC("high"), medium: TOPIC("medium") };

/** A state change as EventBridge delivers it (CloudWatch's own shape), at `timestamp`. */
function stateChange(
  alarmName: string,
  value: string,
  timestamp: string,
  over: Record<string, unknown> = {},
): Json {
  return {
    version: "0",
    id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: ACCOUNT,
    time: timestamp.replace(/\.\d+\+0000$/, "Z"),
    region: REGION,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value, reason: "Threshold Crossed", timestamp },
      previousState: { value: value === "ALARM" ? "OK" : "ALARM", timestamp },
      configuration: { metrics: [{ id: "top", expression: "INSIGHT_RULE_METRIC(...)" }] },
    },
    ...over,
  };
}

/** CloudWatch's timestamp format (`2019-10-02T17:04:40.985+0000`), minutes ago. */
function cwTime(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString().replace("Z", "+0000");
}

const REPORT = {
  KeyLabels: ["$.userIdentity.arn"],
  AggregationStatistic: "Sum",
  Contributors: [
    {
      Keys: ["arn:aws:iam::111111111111:user/x"],
      ApproximateAggregateValue: 80,
      Datapoints: [
        { Timestamp: new Date(0), ApproximateValue: 23 },
        { Timestamp: new Date(300000), ApproximateValue: 57 },
      ],
    },
    {
      Keys: ["arn:aws:sts::111111111111:assumed-role/ci/build"],
      ApproximateAggregateValue: 12,
      Datapoints: [{ Timestamp: new Date(0), ApproximateValue: 12 }],
    },
  ],
};

describe("threshold reporter: reading the event (table)", () => {
  const now = Date.parse("2026-12-01T01:00:00Z");
  const at = "2026-12-01T00:58:12.345+0000";
  const cases: [string, unknown, string][] = [
    ["ALARM of a group alarm", stateChange(DENIED, "ALARM", at), "report"],
    ["OK of a group alarm", stateChange(DENIED, "OK", at), "ignore:state OK"],
    [
      "INSUFFICIENT_DATA",
      stateChange(DENIED, "INSUFFICIENT_DATA", at),
      "ignore:state INSUFFICIENT_DATA",
    ],
    ["null", null, "reject:the event is not an object"],
    ["a string", "ALARM", "reject:the event is not an object"],
    ["a list", [stateChange(DENIED, "ALARM", at)], "reject:the event is not an object"],
    [
      "no id",
      stateChange(DENIED, "ALARM", at, { id: undefined }),
      "reject:the event id is not 1-128 letters, digits, - or _",
    ],
    [
      "another source",
      stateChange(DENIED, "ALARM", at, { source: "aws.events" }),
      "reject:not a CloudWatch Alarm State Change event of aws.cloudwatch",
    ],
    [
      "another detail type",
      stateChange(DENIED, "ALARM", at, { "detail-type": "AWS API Call via CloudTrail" }),
      "reject:not a CloudWatch Alarm State Change event of aws.cloudwatch",
    ],
    [
      "another account",
      stateChange(DENIED, "ALARM", at, { account: "210987654321" }),
      "reject:the event is from another account",
    ],
    [
      "another region",
      stateChange(DENIED, "ALARM", at, { region: "us-east-1" }),
      "reject:the event is from another region",
    ],
    [
      "an alarm not of the group",
      stateChange("someone-elses-alarm", "ALARM", at),
      "reject:the alarm is not one of this group's",
    ],
    [
      "__proto__ as alarm name",
      stateChange("__proto__", "ALARM", at),
      "reject:the alarm is not one of this group's",
    ],
    [
      "constructor as alarm name",
      stateChange("constructor", "ALARM", at),
      "reject:the alarm is not one of this group's",
    ],
    [
      "an alarm name that is not a string",
      { ...stateChange(DENIED, "ALARM", at), detail: { alarmName: [DENIED] } },
      "reject:the alarm is not one of this group's",
    ],
    [
      "resources naming another alarm",
      stateChange(DENIED, "ALARM", at, {
        resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:other`],
      }),
      "reject:resources is not the alarm's ARN",
    ],
    [
      "an unknown state",
      stateChange(DENIED, "alarm", at),
      "reject:state.value is not ALARM, OK or INSUFFICIENT_DATA",
    ],
    [
      "a timestamp that is no time",
      stateChange(DENIED, "ALARM", "yesterday"),
      "reject:state.timestamp is not a time",
    ],
    [
      "a timestamp in the future",
      stateChange(DENIED, "ALARM", "2026-12-02T00:00:00.000+0000"),
      "reject:state.timestamp is more than 14 days old or in the future",
    ],
    [
      "a timestamp a month old",
      stateChange(DENIED, "ALARM", "2026-11-01T00:00:00.000+0000"),
      "reject:state.timestamp is more than 14 days old or in the future",
    ],
  ];
  for (const [what, event, expected] of cases) {
    it(`${what}: ${expected}`, () => {
      const plan = readAlarmEvent(event, SETTINGS, now);
      const got = plan.kind === "report" ? "report" : `${plan.kind}:${plan.reason}`;
      expect(got).to.equal(expected);
      if (plan.kind === "report") {
        expect(plan.alarm).to.equal(ALARMS[DENIED]);
        expect(plan.timestamp).to.equal(Date.parse("2026-12-01T00:58:12.345Z"));
      }
    });
  }

  it("maps every group alarm to its own rule, and only those", () => {
    expect(Object.keys(ALARMS).sort()).to.deep.equal([
      "watch-dev-bedrock-invocations-per-principal",
      "watch-dev-console-signin-failures-per-ip",
      "watch-dev-denied-calls-per-principal",
      "watch-dev-enumeration-per-principal",
      "watch-dev-secret-reads-per-principal",
    ]);
    for (const [name, alarm] of Object.entries(ALARMS)) {
      expect(alarm.ruleName).to.equal(name);
    }
  });
});

describe("threshold reporter: window and contributors", () => {
  it("the window is the alarm's period and the one before, aligned to the period", () => {
    const w = reportWindow(Date.parse("2026-12-01T00:58:12Z"), 300);
    expect([w.start.toISOString(), w.end.toISOString()]).to.deep.equal([
      "2026-12-01T00:50:00.000Z",
      "2026-12-01T01:00:00.000Z",
    ]);
    const exact = reportWindow(Date.parse("2026-12-01T01:00:00Z"), 60);
    expect([exact.start.toISOString(), exact.end.toISOString()]).to.deep.equal([
      "2026-12-01T00:58:00.000Z",
      "2026-12-01T01:00:00.000Z",
    ]);
  });

  it("ranks contributors by their highest count in one period, skipping malformed entries", () => {
    const report = {
      Contributors: [
        ...REPORT.Contributors,
        null,
        { Keys: "not a list", Datapoints: [] },
        { Keys: [], ApproximateAggregateValue: 3 },
        { Keys: ["198.51.100.7"], ApproximateAggregateValue: 70 },
        { Keys: ["no-count"], Datapoints: [{ ApproximateValue: "9" }] },
      ],
    };
    expect(topContributors(report, 5)).to.deep.equal([
      { key: "198.51.100.7", count: 70 },
      { key: "arn:aws:iam::111111111111:user/x", count: 57 },
      { key: "arn:aws:sts::111111111111:assumed-role/ci/build", count: 12 },
    ]);
    expect(topContributors(report, 1)).to.have.length(1);
    expect(topContributors({}, 5)).to.deep.equal([]);
    expect(topContributors("nonsense", 5)).to.deep.equal([]);
  });
});

describe("threshold reporter: the message (hostile contributor keys)", () => {
  const alarm = ALARMS[DENIED];
  const ctx = {
    alarmName: DENIED,
    account: ACCOUNT,
    region: REGION,
    window: reportWindow(Date.parse("2026-12-01T00:58:12Z"), 300),
  };
  const long = `arn:aws:iam::111111111111:user/${"a".repeat(500)}`;
  const subjects: [string, Contributor[], string][] = [
    [
      "a principal",
      [{ key: "arn:aws:iam::1111:user/x", count: 57 }],
      "[MEDIUM] 57 denied calls by arn:aws:iam::1111:user/x in 5 min (eu-west-1)",
    ],
    [
      "a very long key, clipped so the subject stays under 100",
      [{ key: long, count: 57 }],
      `[MEDIUM] 57 denied calls by ${long.slice(0, 99 - 28 - 21 - 3)}... in 5 min (eu-west-1)`,
    ],
    [
      "non-ASCII and control characters become ?",
      [{ key: "arn:aws:iam::1111:user/jos\u00e9\r\nBcc: x\u202e", count: 3 }],
      "[MEDIUM] 3 denied calls by arn:aws:iam::1111:user/jos???Bcc: x? in 5 min (eu-west-1)",
    ],
    ["no contributor yet", [], "[MEDIUM] denied calls >= 20 by one principal in 5 min (eu-west-1)"],
  ];
  for (const [what, contributors, subject] of subjects) {
    it(`subject: ${what}`, () => {
      const out = renderReport(alarm, contributors, ctx);
      expect(out.subject).to.equal(subject);
      expect(out.subject.length).to.be.at.most(MAX_SUBJECT_LENGTH);
      expect(out.subject).to.match(/^[\x20-\x7e]+$/);
    });
  }

  it("the body names every contributor with its count, the limit, account, ATT&CK, advice and links", () => {
    const hostile = "evil\u0000\u001b[31m\u202egnp.exe\u2028line";
    const { message } = renderReport(
      alarm,
      [
        { key: "arn:aws:iam::1111:user/x", count: 57 },
        { key: "arn:aws:iam::1111:user/jos\u00e9", count: 12 },
        { key: hostile, count: 3 },
        { key: long, count: 2 },
      ],
      ctx,
    );
    const lines = message.split("\n");
    expect(lines[0]).to.equal("[MEDIUM] Denied API calls by one principal");
    expect(message).to.contain(alarm.description);
    expect(lines).to.include.members([
      "  57  arn:aws:iam::1111:user/x",
      "  12  arn:aws:iam::1111:user/jos\u00e9",
      "   3  evil\\u{0}\\u{1b}\uff3b31m\\u{202e}gnp.exe\\u{2028}line",
      `   2  ${long.slice(0, 512)}... (${long.length - 512} more characters)`,
      "Threshold: 20 denied calls by one principal in 5 minutes (alarm watch-dev-denied-calls-per-principal).",
      "Window: 2026-12-01T00:50:00.000Z to 2026-12-01T01:00:00.000Z.",
      `Account ${ACCOUNT}, region ${REGION}.`,
      `MITRE ATT&CK: ${alarm.mitre.join(", ")}.`,
      `What to do: ${alarm.advice}`,
      "Contributor Insights rule: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#contributorinsights:rules/watch-dev-denied-calls-per-principal",
      "Alarm: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/watch-dev-denied-calls-per-principal",
    ]);
    // No raw control, bidi or separator character reaches the message.
    const raw = [...message].filter((ch) => {
      const c = ch.codePointAt(0)!;
      return (c < 0x20 && ch !== "\n") || c === 0x7f || [0x202e, 0x2028, 0x2029].includes(c);
    });
    expect(raw).to.deep.equal([]);
  });

  it("bodyText escapes what a mail client would interpret and keeps letters", () => {
    const table: [string, string][] = [
      ["plain", "plain"],
      ["caf\u00e9 \u65e5\u672c", "caf\u00e9 \u65e5\u672c"],
      ["a\tb", "a\\u{9}b"],
      ["zero\u200bwidth", "zero\\u{200b}width"],
      ["lone \ud800 surrogate", "lone \\u{d800} surrogate"],
    ];
    for (const [input, output] of table) expect(bodyText(input)).to.equal(output);
    expect(bodyText("x".repeat(20), 5)).to.equal("xxxxx... (15 more characters)");
  });
});

describe("threshold reporter: the serialized handler (SDK mocks)", () => {
  const mocks = mocked({ cw: CloudWatchClient });
  let fn: SerializedHandler;
  let saved: string | undefined;

  before(async () => {
    saved = process.env.REPORTER_SETTINGS;
    process.env.REPORTER_SETTINGS = JSON.stringify({
      topicArns: TOPICS,
      account: ACCOUNT,
      region: REGION,
      partition: "aws",
    });
    fn = await serializeHandler(thresholdReporterFactory({ alarms: ALARMS, topContributors: 5 }));
  });
  after(() => {
    if (saved === undefined) delete process.env.REPORTER_SETTINGS;
    else process.env.REPORTER_SETTINGS = saved;
  });
  beforeEach(() => {
    mocks.cw.on(GetInsightRuleReportCommand).resolves(REPORT);
  });

  it("is self-contained and small (no SDK or Pulumi inside)", () => {
    expect(fn.text).not.to.match(/@pulumi\/pulumi/);
    expect(Buffer.byteLength(fn.text)).to.be.below(32 * 1024);
  });

  it("ALARM: one report of the alarm's rule over its period and the one before, one message", async () => {
    const at = cwTime(60_000);
    const out = await captureLogs(() => fn.handler(stateChange(DENIED, "ALARM", at)));
    expect(out.error).to.equal(undefined);
    const end = Math.ceil(Date.parse(at.replace("+0000", "Z")) / 300_000) * 300_000;
    expect(sent(mocks.cw)).to.deep.equal([
      {
        name: "GetInsightRuleReport",
        input: {
          RuleName: DENIED,
          StartTime: new Date(end - 600_000),
          EndTime: new Date(end),
          Period: 300,
          MaxContributorCount: 5,
          Metrics: ["MaxContributorValue"],
          OrderBy: "Maximum",
        },
      },
    ]);
    const published = sent(mocks.sns);
    expect(published).to.have.length(1);
    expect(published[0].input.TopicArn).to.equal(TOPIC("medium"));
    expect(published[0].input.Subject).to.equal(
      "[MEDIUM] 57 denied calls by arn:aws:iam::111111111111:user/x in 5 min (eu-west-1)",
    );
    expect(published[0].input.Message).to.contain(
      "  12  arn:aws:sts::111111111111:assumed-role/ci/build",
    );
    expect(out.result).to.deep.include({ outcome: "reported", messageId: "msg-1" });
    expect(out.lines.map((l: Json) => l.type)).to.deep.equal(["reported"]);
  });

  it("a second delivery of the same event publishes nothing more", async () => {
    const event = stateChange("watch-dev-console-signin-failures-per-ip", "ALARM", cwTime(30_000), {
      id: "d1e2a3b4-0000-4000-8000-00000000beef",
    });
    await captureLogs(() => fn.handler(event));
    const again = await captureLogs(() => fn.handler(event));
    expect(again.result).to.deep.include({ outcome: "duplicate" });
    expect(sent(mocks.cw)).to.have.length(1);
    expect(sent(mocks.sns).map((c) => c.input.TopicArn)).to.deep.equal([TOPIC("high")]);
  });

  it("OK: no AWS call", async () => {
    const out = await captureLogs(() => fn.handler(stateChange(DENIED, "OK", cwTime(1000))));
    expect(out.result).to.deep.include({ outcome: "ignored" });
    expect(sent(mocks.cw)).to.deep.equal([]);
    expect(sent(mocks.sns)).to.deep.equal([]);
  });

  const rejected: [string, () => Json][] = [
    ["an unknown alarm", () => stateChange("not-ours", "ALARM", cwTime(1000))],
    [
      "another account",
      () => stateChange(DENIED, "ALARM", cwTime(1000), { account: "999999999999" }),
    ],
    ["a malformed event", () => ({ source: "aws.cloudwatch", detail: "ALARM" })],
    ["no event at all", () => undefined],
  ];
  for (const [what, event] of rejected) {
    it(`${what}: no AWS call, one rejected line, a throw`, async () => {
      const out = await captureLogs(() => fn.handler(event()));
      expect(out.error?.message).to.match(/^threshold-reporter: rejected event: /);
      expect(out.lines.filter((l: Json) => l.type === "rejected")).to.have.length(1);
      expect(out.lines).to.have.length(1);
      expect(sent(mocks.cw)).to.deep.equal([]);
      expect(sent(mocks.sns)).to.deep.equal([]);
    });
  }

  it("a failed report: one log line, a throw, no message", async () => {
    mocks.cw.on(GetInsightRuleReportCommand).rejects(awsError("ResourceNotFoundException"));
    const out = await captureLogs(() =>
      fn.handler(
        stateChange(DENIED, "ALARM", cwTime(1000), { id: "a0a0a0a0-0000-4000-8000-0000000000f1" }),
      ),
    );
    expect(out.error?.message).to.equal(
      `threshold-reporter: GetInsightRuleReport ${DENIED} failed: ResourceNotFoundException`,
    );
    expect(out.lines).to.have.length(1);
    expect(out.lines[0]).to.deep.include({
      type: "report-failed",
      rule: DENIED,
      error: "ResourceNotFoundException",
    });
    expect(sent(mocks.sns)).to.deep.equal([]);
  });

  it("fails at cold start without its deployed settings", async () => {
    delete process.env.REPORTER_SETTINGS;
    const factory = thresholdReporterFactory({ alarms: ALARMS });
    expect(factory).to.throw("invalid settings: REPORTER_SETTINGS is not a JSON object");
    process.env.REPORTER_SETTINGS = JSON.stringify({ topicArns: {}, account: "1", region: "x" });
    expect(factory).to.throw(/invalid settings: account: not a 12-digit id; region: invalid/);
  });
});

describe("threshold reporter: exactly one report across containers (claims in DynamoDB against the emulator; issue 18, D10)", function () {
  this.timeout(60_000);
  const mocks = mocked({ cw: CloudWatchClient });
  let moto: MotoServer | undefined;
  let restore: (() => void) | undefined;
  const TABLE = "reporter-claims";
  let saved: string | undefined;

  before(async () => {
    moto = await startMoto();
    restore = useMotoEnvironment(moto.endpoint, REGION);
    await new DynamoDBClient({ region: REGION }).send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      }),
    );
    saved = process.env.REPORTER_SETTINGS;
    process.env.REPORTER_SETTINGS = JSON.stringify({
      topicArns: TOPICS,
      account: ACCOUNT,
      region: REGION,
      partition: "aws",
      claimTableName: TABLE,
    });
  });
  after(async () => {
    if (saved === undefined) delete process.env.REPORTER_SETTINGS;
    else process.env.REPORTER_SETTINGS = saved;
    restore?.();
    await moto?.stop();
  });
  beforeEach(() => {
    mocks.cw.on(GetInsightRuleReportCommand).resolves(REPORT);
  });

  /** `n` containers: each its own serialized function instance (its own memory). */
  const containers = (n: number) =>
    Promise.all(
      Array.from({ length: n }, () =>
        serializeHandler(thresholdReporterFactory({ alarms: ALARMS, topContributors: 5 })),
      ),
    );

  it("one ALARM delivered to 3 containers at once: one report, two duplicates", async () => {
    const fns = await containers(3);
    const event = stateChange(DENIED, "ALARM", cwTime(10_000));
    const out = await captureLogs(() => Promise.all(fns.map((f) => f.handler(event))));
    const outcomes = (out.result as Json[]).map((r) => r.outcome).sort();
    expect(outcomes).to.deep.equal(["duplicate", "duplicate", "reported"]);
    expect(sent(mocks.sns)).to.have.length(1);
    expect(sent(mocks.cw)).to.have.length(1);
  });

  it("the same state change replayed with another event id, to another container: a duplicate", async () => {
    const [a, b] = await containers(2);
    const at = cwTime(20_000);
    await captureLogs(() => a.handler(stateChange(DENIED, "ALARM", at)));
    const again = await captureLogs(() =>
      b.handler(stateChange(DENIED, "ALARM", at, { id: "0b0b0b0b-0000-4000-8000-00000000c0de" })),
    );
    expect(again.result).to.deep.include({ outcome: "duplicate" });
    expect(sent(mocks.sns)).to.have.length(1);
  });

  it("a failed report gives its claim back: the retry, in another container, reports", async () => {
    const [a, b] = await containers(2);
    const event = stateChange(DENIED, "ALARM", cwTime(30_000));
    mocks.cw.on(GetInsightRuleReportCommand).rejectsOnce(awsError("ThrottlingException"));
    const failed = await captureLogs(() => a.handler(event));
    expect(failed.error?.message).to.match(/GetInsightRuleReport .* failed: ThrottlingException/);
    const retry = await captureLogs(() => b.handler(event));
    expect(retry.result).to.deep.include({ outcome: "reported" });
    expect(sent(mocks.sns)).to.have.length(1);
  });

  it("contributor keys with mentions reach neither the subject nor the body as they are", async () => {
    const [fn] = await containers(1);
    mocks.cw.on(GetInsightRuleReportCommand).resolves({
      Contributors: [
        {
          Keys: ["arn:aws:sts::111111111111:assumed-role/ci/@here"],
          ApproximateAggregateValue: 90,
          Datapoints: [{ Timestamp: new Date(0), ApproximateValue: 90 }],
        },
        {
          Keys: ["<!channel> [Approve](https://evil.example)"],
          ApproximateAggregateValue: 30,
          Datapoints: [{ Timestamp: new Date(0), ApproximateValue: 30 }],
        },
      ],
    });
    await captureLogs(() => fn.handler(stateChange(DENIED, "ALARM", cwTime(40_000))));
    const [published] = sent(mocks.sns);
    for (const text of [published.input.Subject, published.input.Message]) {
      for (const bad of ["@here", "<!channel>", "](https://"]) expect(text).to.not.include(bad);
    }
  });
});
