import { expect } from "chai";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { parseStackConfig } from "../core/stackConfig";
import { RemediationMode, Severity } from "../core/types";

function fromYaml(file: string): { get: (key: string) => unknown; region?: string } {
  const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return {
    get: (key) => doc.config[`aws-security-watch:${key}`],
    region: doc.config["aws:region"] as string | undefined,
  };
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("stack configuration", () => {
  it("reads Pulumi.dev.yaml: dry-run everywhere, Security Hub controls on", () => {
    const { get, region } = fromYaml("Pulumi.dev.yaml");
    const config = parseStackConfig(get, region);
    expect(config.homeRegion).to.equal("eu-west-1");
    expect(config.alerts.emails).to.deep.equal(["security-team@example.com"]);
    expect(config.alerts.sms).to.deep.equal(["+447700900123"]);
    expect(config.alerts.topics.critical.emails).to.deep.equal(["on-call@example.com"]);
    expect(config.trail).to.deep.equal({
      enabled: true,
      logRetentionDays: 365,
      bucketRetentionDays: 2557,
      insights: false,
      s3DataEvents: false,
      lambdaDataEvents: false,
      accessLogging: true,
      organization: false,
      organizationId: undefined,
    });
    expect(config.remediation.defaultMode).to.equal(RemediationMode.DryRun);
    expect(Object.values(config.remediation.modes)).to.have.length(13);
    expect(config.remediation.partnerAccountIds).to.deep.equal([]);
    expect(config.thresholds).to.deep.equal({
      enabled: true,
      disabled: [],
      limits: { "enumeration-per-principal": { threshold: 500, periodSeconds: 300 } },
    });
    expect(new Set(Object.values(config.remediation.modes))).to.deep.equal(
      new Set([RemediationMode.DryRun]),
    );
    expect(config.remediation.allowedPublicPorts).to.deep.equal([443]);
    expect(config.alarms.overrides["unauthorized-api-calls"]).to.deep.equal({
      threshold: 5,
      periodSeconds: undefined,
      evaluationPeriods: undefined,
    });
  });

  it("applies safe defaults to an empty configuration", () => {
    const config = parseStackConfig(() => undefined, "us-east-1");
    expect(config.remediation.defaultMode).to.equal(RemediationMode.DryRun);
    expect(config.remediation.exemptTag).to.deep.equal({
      key: "security-watch:exempt",
      value: "true",
    });
    expect(config.trail.logRetentionDays).to.equal(365);
    expect(config.trail.accessLogging).to.equal(true);
    expect(config.detections.forwardGlobalEvents).to.equal(true);
    expect(config.alerts).to.deep.equal({ emails: [], sms: [], httpsEndpoints: [], topics: {} });
  });

  it("reports every problem at once, each with its config path", () => {
    const raw: Record<string, unknown> = {
      alerts: { emails: ["ops@", 7], sms: ["07700900123"], httpsEndpoints: ["http://x.example"] },
      trail: { insights: "yes", retention: 3 },
      detections: { severityOverrides: { "root-usage": "urgent" } },
      remediation: {
        defaultMode: "on",
        modes: { "nuke-account": "enforce" },
        allowedPublicPorts: [70000],
      },
      tags: { team: 5 },
    };
    expect(errorOf(() => parseStackConfig((k) => raw[k], undefined))).to.equal(
      [
        "Invalid stack configuration (Pulumi.<stack>.yaml, namespace aws-security-watch):",
        "  - aws:region: set the region to deploy to (pulumi config set aws:region eu-west-1)",
        '  - alerts.emails[0]: "ops@" is not an email address',
        "  - alerts.emails[1]: expected a string, got 7",
        '  - alerts.sms[0]: "07700900123" is not an E.164 phone number (like +447700900123)',
        '  - alerts.httpsEndpoints[0]: "http://x.example" is not an https:// URL',
        "  - trail.retention: unknown setting; known: enabled, logRetentionDays, bucketRetentionDays, insights, s3DataEvents, lambdaDataEvents, accessLogging, organization, organizationId",
        '  - trail.insights: expected true or false, got "yes"',
        '  - detections.severityOverrides.root-usage: expected one of critical, high, medium, info, got "urgent"',
        "  - remediation.modes.nuke-account: unknown remediation; known: revoke-world-ingress, quarantine-access-key, restart-audit-logging, block-public-bucket, cancel-key-deletion, restart-config-recorder, unshare-snapshot, remove-lambda-permission, restrict-function-url, restore-bucket-versioning, restore-ebs-encryption, enable-guardduty, block-account-public-access",
        "  - remediation.allowedPublicPorts[0]: expected a whole number from 0 to 65535, got 70000",
        '  - remediation.defaultMode: expected one of off, dry-run, enforce, got "on"',
        "  - tags.team: expected a string, got 5",
      ].join("\n"),
    );
  });

  it("requires the organization id of an organization trail", () => {
    const missing: Record<string, unknown> = { trail: { organization: true } };
    expect(errorOf(() => parseStackConfig((k) => missing[k], "eu-west-1"))).to.contain(
      "  - trail.organizationId: set it for an organization trail (aws organizations describe-organization)",
    );
    const bad: Record<string, unknown> = { trail: { organization: true, organizationId: "org-1" } };
    expect(errorOf(() => parseStackConfig((k) => bad[k], "eu-west-1"))).to.contain(
      '  - trail.organizationId: "org-1" is not an organization id (o-...)',
    );
    const good: Record<string, unknown> = {
      trail: { organization: true, organizationId: "o-a1b2c3d4e5" },
    };
    expect(parseStackConfig((k) => good[k], "eu-west-1").trail.organizationId).to.equal(
      "o-a1b2c3d4e5",
    );
  });

  it("switches the default composite alarms off on request", () => {
    const raw: Record<string, unknown> = { alarms: { includeDefaultComposites: false } };
    expect(parseStackConfig((k) => raw[k], "eu-west-1").alarms.includeDefaultComposites).to.equal(
      false,
    );
    expect(parseStackConfig(() => undefined, "eu-west-1").alarms.includeDefaultComposites).to.equal(
      true,
    );
  });

  it("keeps severity overrides and modes typed", () => {
    const raw: Record<string, unknown> = {
      detections: { severityOverrides: { "root-usage": "high" } },
      remediation: { modes: { "revoke-world-ingress": "enforce" } },
    };
    const config = parseStackConfig((k) => raw[k], "eu-west-1");
    expect(config.detections.severityOverrides).to.deep.equal({ "root-usage": Severity.High });
    expect(config.remediation.modes).to.deep.equal({
      "revoke-world-ingress": RemediationMode.Enforce,
    });
  });
});
