/**
 * The stack configuration: SecurityWatch's arguments read from Pulumi.<stack>.yaml, their
 * defaults (WATCH_SPEC, one set) and the one validation pass that reports every problem with the
 * key the user wrote.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { watchSettings } from "../components/securityWatch";
import { RecordingFrequency } from "../components/complianceRecorder";
import { stackArgs, stackConfigProblems } from "../stack";
import { REMEDIATION_IDS, RemediationMode, Severity } from "../core/types";

function fromYaml(file: string): { get: (key: string) => unknown; region?: string } {
  const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
  return {
    get: (key) => doc.config[`aws-security-watch:${key}`],
    region: doc.config["aws:region"] as string | undefined,
  };
}

/** The settings of a valid configuration (throws with its problems otherwise). */
function settingsOf(get: (key: string) => unknown, region = "eu-west-1") {
  const problems = stackConfigProblems(get, region);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return watchSettings(stackArgs(get));
}

describe("stack configuration", () => {
  it("reads Pulumi.dev.yaml: dry-run everywhere, Security Hub controls on", () => {
    const { get, region } = fromYaml("Pulumi.dev.yaml");
    expect(region).to.equal("eu-west-1");
    const config = settingsOf(get, region);
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
      isOrganizationTrail: false,
    });
    const remediations = config.remediation.remediations ?? {};
    expect(config.remediation.defaultMode).to.equal(RemediationMode.DryRun);
    expect(Object.keys(remediations)).to.deep.equal([...REMEDIATION_IDS]);
    expect(new Set(Object.values(remediations).map((r) => r.mode))).to.deep.equal(
      new Set([RemediationMode.DryRun]),
    );
    expect(remediations["revoke-world-ingress"].settings?.allowedPublicPorts).to.deep.equal([443]);
    expect(remediations["remove-lambda-permission"].settings?.partnerAccountIds).to.deep.equal([]);
    expect(config.thresholds).to.deep.equal({
      enabled: true,
      disabled: [],
      limits: { "enumeration-per-principal": { threshold: 500, periodSeconds: 300 } },
    });
    expect(config.alarms.overrides["unauthorized-api-calls"]).to.deep.equal({ threshold: 5 });
  });

  it("applies safe defaults to an empty configuration; the remediation's are AutoRemediator's", () => {
    const config = settingsOf(() => undefined, "us-east-1");
    expect(config.remediation).to.deep.equal({});
    expect(config.trail.logRetentionDays).to.equal(365);
    expect(config.trail.accessLogging).to.equal(true);
    expect(config.detections).to.deep.equal({
      disabled: [],
      severityOverrides: {},
      forwardGlobalEvents: true,
    });
    expect(config.alerts).to.deep.equal({ emails: [], sms: [], httpsEndpoints: [], topics: {} });
    expect(config.chat).to.deep.equal({ minimumSeverity: Severity.Medium, resolutions: true });
    expect(config.organization).to.equal(undefined);
    expect(config.operations).to.deep.equal({
      dashboard: false,
      savedQueries: true,
      archive: true,
      archiveRetentionDays: 90,
    });
  });

  it("reports every problem at once, each with the key the user wrote", () => {
    const raw: Record<string, unknown> = {
      alerts: { emails: ["ops@", 7], sms: ["07700900123"], httpsEndpoints: ["http://x.example"] },
      trail: { insights: "yes", retention: 3 },
      detections: { severityOverrides: { "root-usage": "urgent" } },
      remediation: {
        defaultMode: "on",
        remediations: { "nuke-account": { mode: "enforce" } },
      },
      tags: { team: 5 },
    };
    expect(stackConfigProblems((k) => raw[k], undefined)).to.deep.equal([
      "aws:region: set the region to deploy to (pulumi config set aws:region eu-west-1)",
      'aws-security-watch:alerts.emails[0]: "ops@" is not a valid email address',
      "aws-security-watch:alerts.emails[1]: expected a string, got the number 7 (YAML reads it as a number: quote it)",
      'aws-security-watch:alerts.sms[0]: "07700900123" is not an E.164 phone number ("+", country code and number, digits only, e.g. "+14155550100")',
      'aws-security-watch:alerts.httpsEndpoints[0]: "http://x.example" is not an absolute https:// URL (e.g. "https://hooks.example.com/alerts")',
      'aws-security-watch:trail.insights: expected true or false, got the string "yes"',
      "aws-security-watch:trail.retention: unknown setting; known: enabled, logRetentionDays, bucketRetentionDays, insights, s3DataEvents, lambdaDataEvents, accessLogging, isOrganizationTrail, organizationId",
      'aws-security-watch:detections.severityOverrides.root-usage: expected one of critical, high, medium, info, got the string "urgent"',
      'aws-security-watch:remediation.defaultMode: expected one of off, dry-run, enforce, got the string "on"',
      "aws-security-watch:remediation.remediations.nuke-account: unknown remediation; known: " +
        REMEDIATION_IDS.join(", "),
      "aws-security-watch:tags.team: expected a string, got the number 5 (YAML reads it as a number: quote it)",
    ]);
  });

  it("requires the organization id of an organization trail", () => {
    const missing: Record<string, unknown> = { trail: { isOrganizationTrail: true } };
    expect(stackConfigProblems((k) => missing[k], "eu-west-1")).to.deep.equal([
      "aws-security-watch:trail.organizationId: set it for an organization trail (aws organizations describe-organization)",
    ]);
    const bad: Record<string, unknown> = {
      trail: { isOrganizationTrail: true, organizationId: "org-1" },
    };
    expect(stackConfigProblems((k) => bad[k], "eu-west-1")).to.deep.equal([
      'aws-security-watch:trail.organizationId: "org-1" is not an organization id (o-...)',
    ]);
    const good: Record<string, unknown> = {
      trail: { isOrganizationTrail: true, organizationId: "o-a1b2c3d4e5" },
    };
    expect(settingsOf((k) => good[k]).trail.organizationId).to.equal("o-a1b2c3d4e5");
  });

  it("switches the default composite alarms off on request", () => {
    const raw: Record<string, unknown> = { alarms: { includeDefaultComposites: false } };
    expect(settingsOf((k) => raw[k]).alarms.includeDefaultComposites).to.equal(false);
    expect(settingsOf(() => undefined).alarms.includeDefaultComposites).to.equal(true);
  });

  it("passes the remediation settings through as written", () => {
    const remediation = {
      defaultMode: "enforce",
      remediations: {
        "revoke-world-ingress": { mode: "dry-run", settings: { allowedPublicPorts: [80] } },
      },
      exemptTag: { key: "k", value: "v" },
    };
    const raw: Record<string, unknown> = {
      detections: { severityOverrides: { "root-usage": "high" } },
      remediation,
    };
    const config = settingsOf((k) => raw[k]);
    expect(config.detections.severityOverrides).to.deep.equal({ "root-usage": Severity.High });
    expect(config.remediation).to.deep.equal(remediation);
  });

  it("reads compliance with the component's enums", () => {
    const raw: Record<string, unknown> = {
      compliance: { enabled: true, recordingFrequency: "DAILY" },
    };
    expect(settingsOf((k) => raw[k]).compliance).to.deep.include({
      enabled: true,
      recordingFrequency: RecordingFrequency.Daily,
      snapshotDeliveryFrequency: "TwentyFour_Hours",
    });
  });
});
