import { expect } from "chai";
import * as fc from "fast-check";
import {
  contributorCounts,
  insightAlarmExpression,
  insightRuleBody,
  planThresholds,
  THRESHOLD_CATALOG,
  ThresholdDetection,
  thresholdProblems,
} from "../core/thresholds";
import { Severity } from "../core/types";
import { pantherRecord } from "./helpers/detectionSamples";

type Json = Record<string, unknown>;

const byId = (id: string): ThresholdDetection => {
  const found = THRESHOLD_CATALOG.find((d) => d.id === id);
  if (!found) throw new Error(`no threshold detection ${id}`);
  return found;
};
const body = (id: string) => insightRuleBody(byId(id), "trail-logs");
const count = (id: string, records: Json[]) => contributorCounts(body(id), records);

/** A real record, from another address or principal. */
const from = (record: Json, sourceIPAddress: string): Json => ({ ...record, sourceIPAddress });
const as = (record: Json, arn: string): Json => ({
  ...record,
  userIdentity: { ...(record.userIdentity as Json), arn },
});

const FAILED_LOGIN = pantherRecord("aws_console_login_without_mfa", "No MFA - Login Failed");
const GOOD_LOGIN = pantherRecord("aws_console_login_without_mfa", "MFA Login");
const DENIED = pantherRecord("aws_iam_user_recon_denied", "Unauthorized API Call");
const ALLOWED = pantherRecord("aws_iam_user_recon_denied", "Authorized API Call");
const SECRET_READ = pantherRecord(
  "aws_secretsmanager_retrieve_secrets_catchall",
  "BatchGetSecretValue Catch-All",
);
const DESCRIBE = pantherRecord("aws_software_discovery", "Discovery Event Names");
const WRITE = pantherRecord("aws_ec2_security_group_modified", "Security Group Modified");
const GUARDRAIL_LIST = pantherRecord("aws_bedrock_guardrail_update_delete", "List Guardrails");
const INVOKE: Json = {
  ...GUARDRAIL_LIST,
  eventName: "InvokeModel",
  requestParameters: { modelId: "x" },
};

describe("threshold detections (core/thresholds.ts)", () => {
  it("ships the five counts the issue asks for, each valid and with an ATT&CK id", () => {
    expect(THRESHOLD_CATALOG.map((d) => [d.id, d.per])).to.deep.equal([
      ["console-signin-failures-per-ip", "source address"],
      ["denied-calls-per-principal", "principal"],
      ["secret-reads-per-principal", "principal"],
      ["enumeration-per-principal", "principal"],
      ["bedrock-invocations-per-principal", "principal"],
    ]);
    expect(THRESHOLD_CATALOG.flatMap((d) => thresholdProblems(d, d.id))).to.deep.equal([]);
  });

  it("builds the documented rule body: schema, JSON log format, keys, filters, count", () => {
    expect(body("console-signin-failures-per-ip")).to.deep.equal({
      Schema: { Name: "CloudWatchLogRule", Version: 1 },
      LogGroupNames: ["trail-logs"],
      LogFormat: "JSON",
      Contribution: {
        Keys: ["$.sourceIPAddress"],
        Filters: [
          { Match: "$.eventName", In: ["ConsoleLogin"] },
          { Match: "$.responseElements.ConsoleLogin", In: ["Failure"] },
        ],
      },
      AggregateOn: "Count",
    });
    expect(insightAlarmExpression("watch-x")).to.equal(
      'INSIGHT_RULE_METRIC("watch-x", "MaxContributorValue")',
    );
  });

  // Real records: each rule counts its positive and skips its negative.
  const cases: [string, Json, Json, string][] = [
    [
      "console-signin-failures-per-ip",
      FAILED_LOGIN,
      GOOD_LOGIN,
      String(FAILED_LOGIN.sourceIPAddress),
    ],
    ["denied-calls-per-principal", DENIED, ALLOWED, String((DENIED.userIdentity as Json).arn)],
    [
      "secret-reads-per-principal",
      as(SECRET_READ, "arn:aws:iam::123456789012:user/ci"),
      WRITE,
      "arn:aws:iam::123456789012:user/ci",
    ],
    ["enumeration-per-principal", DESCRIBE, WRITE, String((DESCRIBE.userIdentity as Json).arn)],
    [
      "bedrock-invocations-per-principal",
      INVOKE,
      GUARDRAIL_LIST,
      String((INVOKE.userIdentity as Json).arn),
    ],
  ];
  for (const [id, positive, negative, contributor] of cases) {
    it(`${id}: counts the real positive record under its contributor, not the negative`, () => {
      expect(count(id, [positive])).to.deep.equal([[contributor, 1]]);
      expect(count(id, [negative])).to.deep.equal([]);
    });
  }

  it("names the busiest address: 6 failures from one IP, 2 from another, successes ignored", () => {
    const records = [
      ...Array.from({ length: 6 }, () => from(FAILED_LOGIN, "203.0.113.9")),
      ...Array.from({ length: 2 }, () => from(FAILED_LOGIN, "198.51.100.4")),
      ...Array.from({ length: 9 }, () => from(GOOD_LOGIN, "203.0.113.9")),
    ];
    const counts = count("console-signin-failures-per-ip", records);
    expect(counts).to.deep.equal([
      ["203.0.113.9", 6],
      ["198.51.100.4", 2],
    ]);
    // MaxContributorValue is the first count: 6 >= 5 raises the alarm.
    expect(counts[0][1]).to.be.at.least(byId("console-signin-failures-per-ip").threshold);
  });

  it("counts every contributor exactly once per matching record (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 40 }), (who) => {
        const records = who.map((w) => as(DENIED, `arn:aws:iam::123456789012:user/${w}`));
        const counts = count("denied-calls-per-principal", records);
        return (
          counts.reduce((n, [, c]) => n + c, 0) === who.length &&
          counts.every(([, c], i) => i === 0 || counts[i - 1][1] >= c) &&
          new Set(counts.map(([k]) => k)).size === counts.length
        );
      }),
    );
  });
});

describe("planThresholds", () => {
  it("plans a rule and an alarm per detection, named <prefix>-<id>, with the catalog's limits", () => {
    const plan = planThresholds({ namePrefix: "watch-dev", logGroupName: "trail-logs" });
    expect(plan.map((p) => [p.ruleName, p.alarmName, p.threshold, p.periodSeconds])).to.deep.equal(
      THRESHOLD_CATALOG.map((d) => [
        `watch-dev-${d.id}`,
        `watch-dev-${d.id}`,
        d.threshold,
        d.periodSeconds,
      ]),
    );
    const first = plan[0];
    expect(first.expression).to.equal(
      'INSIGHT_RULE_METRIC("watch-dev-console-signin-failures-per-ip", "MaxContributorValue")',
    );
    expect(first.severity).to.equal(Severity.High);
    expect(first.description).to.match(
      /^\[HIGH\] Console sign-in failures from one address: one source address reached 5 in 5 minutes\./,
    );
    expect(first.description).to.contain("MITRE ATT&CK T1110.001, T1110.003.");
    for (const p of plan) expect(p.description.length).to.be.at.most(1024);
  });

  it("applies limits from configuration and drops disabled detections", () => {
    const plan = planThresholds({
      namePrefix: "w",
      logGroupName: "g",
      disabled: ["bedrock-invocations-per-principal"],
      overrides: { "enumeration-per-principal": { threshold: 2000, periodSeconds: 600 } },
    });
    expect(plan.map((p) => p.id)).not.to.include("bedrock-invocations-per-principal");
    const enumeration = plan.find((p) => p.id === "enumeration-per-principal")!;
    expect([enumeration.threshold, enumeration.periodSeconds]).to.deep.equal([2000, 600]);
    expect(enumeration.description).to.contain("reached 2000 in 10 minutes");
  });

  it("lists every problem of the stack's choices at once", () => {
    expect(() =>
      planThresholds({
        namePrefix: "bad prefix",
        logGroupName: "g",
        disabled: ["nope"],
        overrides: {
          "denied-calls-per-principal": { threshold: 0, periodSeconds: 90 },
          other: { threshold: 3 },
        },
      }),
    ).to.throw(
      [
        'thresholds.disabled: unknown threshold detection "nope"',
        "thresholds.overrides.denied-calls-per-principal.threshold: 0 must be a whole number of at least 1",
        "thresholds.overrides.denied-calls-per-principal.periodSeconds: 90 must be 60 or a multiple of 60, at most 86400",
        'thresholds.overrides: unknown threshold detection "other"',
        'namePrefix: "bad prefix" may only contain letters, digits, ".", "-" and "_"',
      ].join("\n"),
    );
  });

  it("reports a malformed custom detection (filters, keys, technique ids)", () => {
    const bad: ThresholdDetection = {
      ...byId("denied-calls-per-principal"),
      id: "Bad",
      mitre: ["1078"],
      keys: [],
      filters: [{ Match: "errorCode", In: [], NotIn: ["x"] }],
    };
    expect(thresholdProblems(bad, "t")).to.deep.equal([
      "t.id: must be kebab-case",
      't.mitre: "1078" is not a technique id',
      "t.keys: 1 to 4 keys",
      "t.filters[0]: exactly one of In, NotIn, StartsWith, EqualTo, NotEqualTo, GreaterThan, LessThan, IsPresent",
      "t.filters[0].In: 1 to 10 values",
      't: "errorCode" is not a JSON path',
    ]);
  });
});
