import { expect } from "chai";
import * as fc from "fast-check";
import { buildInputTransformer, MAX_INPUT_TEMPLATE_LENGTH } from "../core/alertMessage";
import { CATALOG } from "../core/catalog";
import { CIS_CONTROLS } from "../core/cisControls";
import {
  COMMON_FIELDS,
  Detection,
  detectionProblems,
  excludesFailedCalls,
  forwardingRuleName,
  MAX_INPUT_PATHS,
  MAX_RULE_NAME_LENGTH,
  resolveDetections,
  ruleName,
} from "../core/detection";
import { MAX_PATTERN_LENGTH, validatePattern } from "../core/eventPattern";
import { RemediationId, Severity } from "../core/types";

const byId = (id: string): Detection => {
  const found = CATALOG.find((d) => d.id === id);
  if (!found) throw new Error(`no detection ${id}`);
  return found;
};

/** A valid custom detection, for the resolveDetections tests. */
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
  message: {
    subject: "SSM session to <target> in <region>",
    fields: { target: "detail.requestParameters.target" },
  },
};

const GLOBAL_SOURCES = ["aws.iam", "aws.sts", "aws.organizations", "aws.signin"];

describe("detection catalog", () => {
  it("has at least 25 detections with unique kebab-case ids", () => {
    expect(CATALOG.length).to.be.at.least(25);
    const ids = CATALOG.map((d) => d.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("has no problem in any detection (pattern, texts, placeholders, references)", () => {
    expect(CATALOG.flatMap((d) => detectionProblems(d, d.id))).to.deep.equal([]);
  });

  for (const detection of CATALOG) {
    it(`${detection.id}: valid EventBridge pattern within ${MAX_PATTERN_LENGTH} characters`, () => {
      expect(validatePattern(detection.eventPattern)).to.deep.equal([]);
      const text = JSON.stringify(detection.eventPattern);
      expect(text.length).to.be.at.most(MAX_PATTERN_LENGTH);
      expect(JSON.parse(text)).to.deep.equal(detection.eventPattern);
      expect(detection.eventPattern["detail-type"]).to.be.an("array");
      expect(detection.eventPattern.detail).to.be.an("object");
    });

    it(`${detection.id}: has a CIS or MITRE ATT&CK reference of the right form`, () => {
      const { cis = [], mitre = [] } = detection.references;
      expect(cis.length + mitre.length).to.be.greaterThan(0);
      for (const ref of cis) expect(ref).to.match(/^(CIS \d+\.\d+|CloudWatch\.\d+)$/);
      for (const ref of mitre) expect(ref).to.match(/^T\d{4}(\.\d{3})?$/);
    });

    it(`${detection.id}: its alert fits an EventBridge input transformer`, () => {
      const { inputPaths, inputTemplate } = buildInputTransformer(detection);
      expect(Object.keys(inputPaths).length).to.be.at.most(MAX_INPUT_PATHS);
      expect(inputTemplate.length).to.be.at.most(MAX_INPUT_TEMPLATE_LENGTH);
      for (const [name, path] of Object.entries(inputPaths)) {
        expect(name).to.match(/^[A-Za-z0-9_-]+$/);
        expect(path).to.match(/^\$\.[A-Za-z0-9_-]+(\[\d+\])?(\.[A-Za-z0-9_-]+(\[\d+\])?)*$/);
      }
    });
  }

  it("covers the 15 CIS monitoring controls 4.1-4.15 with the ids and references of core/cisControls", () => {
    for (const control of CIS_CONTROLS) {
      const detection = byId(control.id);
      const expected = [
        `CIS ${control.cis}`,
        ...(control.securityHub ? [control.securityHub] : []),
      ];
      expect(detection.references.cis, control.id).to.deep.equal(expected);
    }
    const cisRefs = CATALOG.flatMap((d) => d.references.cis ?? []).filter((r) =>
      /^CIS 4\./.test(r),
    );
    expect([...new Set(cisRefs)].sort()).to.deep.equal(
      Array.from({ length: 15 }, (_, i) => `CIS 4.${i + 1}`).sort(),
    );
  });

  it("never remediates unauthorized calls, and reports them at info", () => {
    const detection = byId("unauthorized-api-calls");
    expect(detection.remediation).to.equal(undefined);
    expect(detection.severity).to.equal(Severity.Info);
    expect(detection.includeReadOnlyEvents).to.equal(true);
  });

  it("requires errorCode to be absent in every remediating detection", () => {
    const remediating = CATALOG.filter((d) => d.remediation);
    expect(remediating.length).to.be.at.least(10);
    for (const detection of remediating) {
      expect(excludesFailedCalls(detection.eventPattern), detection.id).to.equal(true);
    }
  });

  it("links every shipped remediation to at least one detection", () => {
    const linked = new Set(CATALOG.map((d) => d.remediation).filter(Boolean));
    expect([...linked].sort()).to.deep.equal(Object.values(RemediationId).sort());
  });

  it("links the expected detections to each remediation", () => {
    const table: Record<string, string[]> = {};
    for (const d of CATALOG) {
      if (d.remediation) (table[d.remediation] ??= []).push(d.id);
    }
    expect(table).to.deep.equal({
      [RemediationId.CancelKeyDeletion]: ["cmk-disable-or-deletion"],
      [RemediationId.RestartAuditLogging]: [
        "cloudtrail-logging-stopped",
        "cloudtrail-event-selectors-reduced",
      ],
      [RemediationId.QuarantineAccessKey]: [
        "access-key-created-for-other-user",
        "access-key-flagged-compromised",
      ],
      [RemediationId.UnshareSnapshot]: [
        "ebs-snapshot-made-public",
        "ami-made-public",
        "rds-snapshot-made-public",
      ],
      [RemediationId.BlockPublicBucket]: [
        "bucket-public-access-block-removed",
        "account-public-access-block-removed",
        "s3-bucket-made-public",
      ],
      [RemediationId.RevokeWorldIngress]: [
        "security-group-open-to-world",
        "security-group-rule-open-to-world",
      ],
      [RemediationId.RestartConfigRecorder]: ["config-recorder-stopped"],
    });
  });

  it("marks as global exactly the detections that can match a global service's events", () => {
    for (const detection of CATALOG) {
      const sources = detection.eventPattern.source as string[] | undefined;
      const global = sources === undefined || sources.some((s) => GLOBAL_SOURCES.includes(s));
      expect(detection.global === true, detection.id).to.equal(global);
    }
  });

  it("does not use wildcard patterns (EventBridge allows only 30 such rules per bus)", () => {
    for (const detection of CATALOG) {
      expect(JSON.stringify(detection.eventPattern), detection.id).not.to.contain('"wildcard"');
    }
  });

  it("keeps every rule name within 64 characters for any prefix up to 20 characters", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,19}$/), (prefix) => {
        const names = CATALOG.flatMap((d) => [
          ruleName(prefix, d.id),
          ...(d.global ? [forwardingRuleName(prefix, d.id)] : []),
        ]);
        return (
          names.every((n) => n.length <= MAX_RULE_NAME_LENGTH && /^[.\-_A-Za-z0-9]+$/.test(n)) &&
          new Set(names).size === names.length
        );
      }),
    );
  });

  it("declares the common message fields at stable event paths", () => {
    expect(COMMON_FIELDS).to.deep.equal({
      eventName: "detail.eventName",
      eventSource: "detail.eventSource",
      eventTime: "detail.eventTime",
      eventId: "detail.eventID",
      principal: "detail.userIdentity.arn",
      principalType: "detail.userIdentity.type",
      sourceIp: "detail.sourceIPAddress",
      userAgent: "detail.userAgent",
      account: "account",
      region: "region",
    });
  });
});

describe("resolveDetections", () => {
  it("returns the whole catalog by default", () => {
    expect(resolveDetections()).to.deep.equal(CATALOG);
  });

  it("drops disabled ids, applies overrides and appends custom detections", () => {
    const resolved = resolveDetections({
      disabled: ["vpc-changes", "nacl-changes"],
      severityOverrides: { "root-usage": Severity.High, "ssm-session-started": Severity.Medium },
      custom: [custom],
    });
    const ids = resolved.map((d) => d.id);
    expect(ids).not.to.include("vpc-changes");
    expect(ids).not.to.include("nacl-changes");
    expect(ids.length).to.equal(CATALOG.length - 2 + 1);
    expect(ids[ids.length - 1]).to.equal("ssm-session-started");
    expect(resolved.find((d) => d.id === "root-usage")!.severity).to.equal(Severity.High);
    expect(resolved.find((d) => d.id === "ssm-session-started")!.severity).to.equal(
      Severity.Medium,
    );
    expect(byId("root-usage").severity).to.equal(Severity.Critical);
  });

  it("may disable a custom detection", () => {
    const ids = resolveDetections({ custom: [custom], disabled: ["ssm-session-started"] }).map(
      (d) => d.id,
    );
    expect(ids).to.deep.equal(CATALOG.map((d) => d.id));
  });

  const cases: [string, Parameters<typeof resolveDetections>[0], string][] = [
    [
      "unknown disabled id",
      { disabled: ["no-such-detection"] },
      'disabledDetections: unknown detection id "no-such-detection"; use an id of the catalog or of customDetections',
    ],
    [
      "unknown override id",
      { severityOverrides: { "root-usag": Severity.High } },
      'severityOverrides: unknown detection id "root-usag"; use an id of the catalog or of customDetections',
    ],
    [
      "invalid severity",
      { severityOverrides: { "root-usage": "urgent" as Severity } },
      'severityOverrides.root-usage: "urgent" is not one of critical, high, medium, info',
    ],
    [
      "custom id of the catalog",
      { custom: [{ ...custom, id: "root-usage" }] },
      'customDetections: id "root-usage" is already in the catalog; choose another id',
    ],
    [
      "duplicate custom id",
      { custom: [custom, custom] },
      'customDetections: id "ssm-session-started" is used twice; ids must be unique',
    ],
    [
      "custom id not kebab-case",
      { custom: [{ ...custom, id: "SsmSession" }] },
      'customDetections.SsmSession.id: "SsmSession" must be kebab-case (a-z, 0-9, single hyphens)',
    ],
    [
      "invalid custom pattern",
      { custom: [{ ...custom, eventPattern: { source: "aws.ssm" } }] },
      `customDetections.ssm-session-started.eventPattern: ${validatePattern({ source: "aws.ssm" })[0]}`,
    ],
    [
      "unknown placeholder",
      { custom: [{ ...custom, message: { subject: "session to <instance>" } }] },
      "customDetections.ssm-session-started.message: unknown placeholder <instance> (use a common field or declare it in fields)",
    ],
    [
      "quote in a message",
      { custom: [{ ...custom, message: { subject: 'session "opened"' } }] },
      'customDetections.ssm-session-started.message: the text must not contain ", \\, < or > outside placeholders, nor control characters',
    ],
    [
      "no reference",
      { custom: [{ ...custom, references: {} }] },
      "customDetections.ssm-session-started.references: name at least one CIS or MITRE reference",
    ],
    [
      "invalid prefix",
      { ruleNamePrefix: "watch/prod" },
      'ruleNamePrefix: "watch/prod" may only contain letters, digits, ".", "-" and "_"',
    ],
  ];
  for (const [label, options, message] of cases) {
    it(`rejects ${label}`, () => {
      expect(() => resolveDetections(options)).to.throw(message);
    });
  }

  it("reports the longest rule name that does not fit, and the prefix length that would", () => {
    const prefix = "p".repeat(64 - "-fwd-".length - "access-key-created-for-other-user".length + 1);
    expect(() => resolveDetections({ ruleNamePrefix: prefix })).to.throw(
      `ruleNamePrefix: rule name "${prefix}-fwd-access-key-created-for-other-user" is 65 characters, the maximum is 64; use a prefix of at most ${prefix.length - 1} characters or a shorter detection id`,
    );
    expect(() => resolveDetections({ ruleNamePrefix: prefix.slice(1) })).not.to.throw();
  });

  it("lists every problem at once", () => {
    let message = "";
    try {
      resolveDetections({ disabled: ["x-1"], severityOverrides: { "x-2": Severity.Info } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n")).to.deep.equal([
      'disabledDetections: unknown detection id "x-1"; use an id of the catalog or of customDetections',
      'severityOverrides: unknown detection id "x-2"; use an id of the catalog or of customDetections',
    ]);
  });
});
