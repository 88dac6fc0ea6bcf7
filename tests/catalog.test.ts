import { expect } from "chai";
import * as fc from "fast-check";
import {
  buildInputTransformer,
  MAX_INPUT_TEMPLATE_LENGTH,
  renderAlert,
} from "../core/alertMessage";
import { CATALOG, EventOrigin } from "../core/catalog";
import { CIS_CONTROLS } from "../core/cisControls";
import {
  COMMON_FIELDS,
  commonFieldsOf,
  Detection,
  detectionProblems,
  excludesFailedCalls,
  forwardingRuleName,
  HEALTH_COMMON_FIELDS,
  MAX_INPUT_PATHS,
  MAX_RULE_NAME_LENGTH,
  resolveDetections,
  ruleName,
} from "../core/detection";
import { MAX_PATTERN_LENGTH, validatePattern } from "../core/eventPattern";
import { RemediationId, Severity } from "../core/types";
import { EVENT_SAMPLES } from "./helpers/detectionSamples";

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

/**
 * Sources whose events EventBridge receives in us-east-1 only: CloudTrail's global services, and
 * AWS Health, whose only catalog detection is about IAM credentials (a global event).
 */
const GLOBAL_SOURCES = [
  "aws.iam",
  "aws.sts",
  "aws.organizations",
  "aws.signin",
  "aws.health",
  "aws.account",
];

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
      // CIS recommendations (4.1, 2.1.4) and Security Hub controls (CloudWatch.1, EC2.18).
      for (const ref of cis) expect(ref).to.match(/^(CIS \d+(\.\d+){1,2}|[A-Za-z0-9]+\.\d+)$/);
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

  it("requires errorCode to be absent in every remediating CloudTrail detection", () => {
    const remediating = CATALOG.filter((d) => d.remediation && d.origin === undefined);
    expect(remediating.length).to.be.at.least(10);
    for (const detection of remediating) {
      expect(excludesFailedCalls(detection.eventPattern), detection.id).to.equal(true);
    }
  });

  it("declares the origin of exactly the detections that match non-CloudTrail events", () => {
    // AWS Config detections: tests/configRules.test.ts.
    const byOrigin = CATALOG.filter(
      (d) => d.origin !== undefined && d.origin !== EventOrigin.AwsConfig,
    ).map((d) => [d.id, d.origin]);
    expect(byOrigin).to.deep.equal([["access-key-exposed", EventOrigin.AwsHealth]]);
    for (const detection of CATALOG) {
      const sources = (detection.eventPattern.source as string[] | undefined) ?? [];
      expect(sources.includes("aws.health"), detection.id).to.equal(
        detection.origin === EventOrigin.AwsHealth,
      );
    }
  });

  it("links every shipped remediation to at least one detection", () => {
    const linked = new Set(CATALOG.map((d) => d.remediation).filter(Boolean));
    expect([...linked].sort()).to.deep.equal(Object.values(RemediationId).sort());
  });

  it("links the expected detections to each remediation", () => {
    const table: Record<string, string[]> = {};
    // AWS Config detections: tests/configRules.test.ts.
    for (const d of CATALOG.filter((x) => x.origin !== EventOrigin.AwsConfig)) {
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
        "access-key-exposed",
      ],
      [RemediationId.UnshareSnapshot]: ["ebs-snapshot-made-public", "ami-made-public"],
      [RemediationId.BlockPublicBucket]: [
        "bucket-public-access-block-removed",
        "s3-bucket-made-public",
      ],
      [RemediationId.RevokeWorldIngress]: [
        "security-group-open-to-world",
        "security-group-open-all-ports",
        "security-group-rule-open-to-world",
        "security-group-rule-open-all-ports",
      ],
      [RemediationId.RestartConfigRecorder]: ["config-recorder-stopped"],
      [RemediationId.BlockAccountPublicAccess]: ["account-public-access-block-removed"],
      [RemediationId.RemoveLambdaPermission]: ["lambda-permission-external"],
      [RemediationId.RestrictFunctionUrl]: ["lambda-function-url-public"],
      [RemediationId.EnableGuardDuty]: ["guardduty-detector-suspended"],
      [RemediationId.RestoreEbsEncryption]: ["ebs-default-encryption-disabled"],
      [RemediationId.RestoreBucketVersioning]: ["s3-versioning-suspended"],
    });
  });

  it("says alert only in the description of every detection left without its remediation", () => {
    const alertOnly = CATALOG.filter(
      (d) => /Alert only/.test(d.description) && d.origin !== EventOrigin.AwsConfig,
    );
    expect(alertOnly.map((d) => [d.id, d.remediation])).to.deep.equal([
      ["access-key-flagged-compromised", undefined],
      ["rds-snapshot-made-public", undefined],
      ["s3-mfa-delete-disabled", undefined],
    ]);
  });

  it("marks as global exactly the detections that can match a global service's events", () => {
    for (const detection of CATALOG) {
      const sources = detection.eventPattern.source as string[] | undefined;
      const global = sources === undefined || sources.some((s) => GLOBAL_SOURCES.includes(s));
      expect(detection.global === true, detection.id).to.equal(global);
    }
    expect(CATALOG.filter((d) => d.global).map((d) => d.id)).to.deep.equal([
      "unauthorized-api-calls",
      "console-signin-without-mfa",
      "root-usage",
      "iam-policy-changes",
      "console-auth-failures",
      "organizations-changes",
      "access-key-created-for-other-user",
      "access-key-flagged-compromised",
      "access-key-exposed",
      "login-profile-set-for-other-user",
      "role-trust-policy-changed",
      "admin-policy-attached",
      "federation-token-created",
      "console-signin-token-from-keys",
      "saml-provider-changed",
      "oidc-provider-changed",
      "iam-user-created",
      "iam-permissions-boundary-removed",
      "account-left-organization",
      "region-opt-in-changed",
      "mfa-device-removed",
      "password-policy-deleted",
      "key-tested-by-secret-scanner",
    ]);
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
    expect(HEALTH_COMMON_FIELDS).to.deep.equal({
      eventTypeCode: "detail.eventTypeCode",
      service: "detail.service",
      eventArn: "detail.eventArn",
      startTime: "detail.startTime",
      healthDescription: "detail.eventDescription[0].latestDescription",
      eventId: "id",
      account: "account",
      region: "region",
    });
    expect(commonFieldsOf({})).to.equal(COMMON_FIELDS);
    expect(commonFieldsOf({ origin: EventOrigin.CloudTrail })).to.equal(COMMON_FIELDS);
    expect(commonFieldsOf({ origin: EventOrigin.AwsHealth })).to.equal(HEALTH_COMMON_FIELDS);
  });
});

describe("access-key-exposed (AWS Health)", () => {
  const detection = byId("access-key-exposed");
  const sample = EVENT_SAMPLES.find((s) => s.name === "AWS Health: access key exposed")!;

  it("matches AWS_RISK_CREDENTIALS_EXPOSED, is critical, global and quarantines the key", () => {
    expect(detection.eventPattern).to.deep.equal({
      source: ["aws.health"],
      "detail-type": ["AWS Health Event"],
      detail: { service: ["RISK"], eventTypeCode: ["AWS_RISK_CREDENTIALS_EXPOSED"] },
    });
    expect(detection.severity).to.equal(Severity.Critical);
    expect(detection.global).to.equal(true);
    expect(detection.origin).to.equal(EventOrigin.AwsHealth);
    expect(detection.remediation).to.equal(RemediationId.QuarantineAccessKey);
  });

  it("renders the alert from the Health event's fields, none of CloudTrail's", () => {
    const alert = renderAlert(detection, sample.event);
    expect(alert.subject).to.equal(
      "[CRITICAL] AWS found access key AKIAIOSFODNN7EXAMPLE exposed publicly",
    );
    expect(alert.body.split("\n")).to.deep.equal([
      `Access key exposed publicly (AWS Health): ${detection.description}`,
      "Resource: access key AKIAIOSFODNN7EXAMPLE",
      "Event: AWS Health AWS_RISK_CREDENTIALS_EXPOSED (service RISK) since Sat, 05 Jun 2016 15:10:09 GMT",
      "AWS Health says: Your AWS Access Key AKIAIOSFODNN7EXAMPLE belonging to IAM user ci-deployer was found publicly available on GitHub.",
      "Where: account 123456789012, delivered in region us-east-1",
      "AWS Health event: arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/XXXXXXXXXXXXXXXXX",
      "EventBridge event id: 121345678-1234-1234-1234-123456789012",
      "What to do: Treat the key as in an attacker's hands: deactivate it, create a new one where it is needed, remove the secret from where it leaked, and review what the key did (CloudTrail event history, filter by access key id).",
      "Automatic remediation: quarantine-access-key is wired to this detection when the stack enables it (dry-run or enforce); a resolution message follows when it acts.",
      "Console: https://console.aws.amazon.com/health/home#/account/event-log?eventID=arn:aws:health:us-east-1::event/RISK/AWS_RISK_CREDENTIALS_EXPOSED/XXXXXXXXXXXXXXXXX",
      "Detection: access-key-exposed. References: MITRE ATT&CK T1552.001, T1078.004",
    ]);
    expect(Object.values(alert.fields)).not.to.include("");
  });

  it("maps only Health event paths in its input transformer", () => {
    expect(buildInputTransformer(detection).inputPaths).to.deep.equal({
      accessKeyId: "$.detail.affectedEntities[0].entityValue",
      eventTypeCode: "$.detail.eventTypeCode",
      service: "$.detail.service",
      startTime: "$.detail.startTime",
      healthDescription: "$.detail.eventDescription[0].latestDescription",
      account: "$.account",
      region: "$.region",
      eventArn: "$.detail.eventArn",
      eventId: "$.id",
    });
  });

  it("uses the console domain it is given for the AWS Health dashboard", () => {
    const alert = renderAlert(detection, sample.event, { consoleDomain: "console.amazonaws.cn" });
    expect(alert.body).to.contain(
      "Console: https://console.amazonaws.cn/health/home#/account/event-log?eventID=arn:aws:health:",
    );
  });

  it("refuses CloudTrail placeholders in a Health detection, and an unknown origin", () => {
    const cloudTrailOnly = {
      ...detection,
      message: { subject: "exposed by <principal>" },
    };
    expect(detectionProblems(cloudTrailOnly, "d")).to.deep.equal([
      "d.message: unknown placeholder <principal> (use a common field or declare it in fields)",
    ]);
    expect(
      detectionProblems({ ...detection, origin: "guardduty" as EventOrigin }, "d"),
    ).to.deep.equal(['d.origin: "guardduty" is not one of cloudtrail, aws-health, aws-config']);
    const shadowing = {
      ...detection,
      message: {
        ...detection.message,
        fields: { ...detection.message.fields, eventArn: "detail.eventArn" },
      },
    };
    expect(detectionProblems(shadowing, "d")).to.deep.equal([
      'd.message.fields.eventArn: "eventArn" is a common field already',
    ]);
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
      // The type says it too (another Pulumi language can still send it).
      // @ts-expect-error references.mitre is required
      { custom: [{ ...custom, references: {} }] },
      "customDetections.ssm-session-started.references.mitre: name at least one MITRE ATT&CK technique id (e.g. T1562.008)",
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
