import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { buildInputTransformer, renderAlert, severityTag, valueAtPath } from "../core/alertMessage";
import { CATALOG } from "../core/catalog";
import { toEventBridgeEvent } from "../core/cloudtrailEvent";
import { Detection } from "../core/detection";
import { matchesPattern } from "../core/eventPattern";
import { Severity } from "../core/types";
import { EVENT_SAMPLES, PANTHER_DIR, pantherRecord, VARIANTS } from "./helpers/detectionSamples";
import { TACTIC_SAMPLES } from "./helpers/tacticSamples";

const byId = (id: string): Detection => CATALOG.find((d) => d.id === id)!;

/** Every wrappable Panther record, variant and non-CloudTrail sample, as EventBridge events. */
function allEvents(): { label: string; event: unknown }[] {
  const events: { label: string; event: unknown }[] = [];
  for (const file of fs.readdirSync(PANTHER_DIR).filter((f) => f.endsWith(".json"))) {
    const document = JSON.parse(fs.readFileSync(path.join(PANTHER_DIR, file), "utf8"));
    for (const test of document.tests as { name: string; event: Record<string, unknown> }[]) {
      if (typeof test.event.eventSource !== "string") continue;
      events.push({ label: `${file}/${test.name}`, event: toEventBridgeEvent(test.event) });
    }
  }
  for (const sample of VARIANTS) {
    events.push({ label: `variant/${sample.name}`, event: toEventBridgeEvent(sample.record) });
  }
  for (const sample of EVENT_SAMPLES) {
    events.push({ label: `event/${sample.name}`, event: sample.event });
  }
  for (const sample of TACTIC_SAMPLES) {
    events.push({ label: `tactic/${sample.id}`, event: toEventBridgeEvent(sample.positive) });
    events.push({
      label: `tactic/${sample.id}/negative`,
      event: toEventBridgeEvent(sample.negative),
    });
  }
  return events;
}

/**
 * EventBridge's input transformation, written independently of core/alertMessage.ts: each
 * variable is the value at its JSON path (strings as is, other values as JSON, nothing when the
 * path is missing), put in place of `<name>` in the template, the rest of the template as is.
 */
function eventBridgeTransform(
  transformer: { inputPaths: Record<string, string>; inputTemplate: string },
  event: unknown,
): string {
  const values: Record<string, string> = {};
  for (const [name, jsonPath] of Object.entries(transformer.inputPaths)) {
    const steps = jsonPath
      .replace(/^\$\./, "")
      .replace(/\[(\d+)\]/g, ".$1")
      .split(".");
    let value: unknown = event;
    for (const step of steps) {
      value =
        value !== null && typeof value === "object" && step in (value as object)
          ? (value as Record<string, unknown>)[step]
          : undefined;
    }
    values[name] =
      value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  }
  let out = "";
  let rest = transformer.inputTemplate;
  for (;;) {
    const start = rest.indexOf("<");
    if (start < 0) return out + rest;
    const end = rest.indexOf(">", start);
    const name = rest.slice(start + 1, end);
    out += rest.slice(0, start) + (name in values ? values[name] : `<${name}>`);
    rest = rest.slice(end + 1);
  }
}

describe("alert messages", () => {
  it("renders the world-open security group alert of a real record", () => {
    const event = toEventBridgeEvent(
      pantherRecord("aws_ec2_manual_security_group_changes", "Go Script Authorize Ingress"),
    );
    const alert = renderAlert(byId("security-group-open-to-world"), event);
    expect(alert.subject).to.equal(
      "[CRITICAL] sg-0d921df5d84f7270a opened to the internet on port 22 in us-east-1",
    );
    expect(alert.body.split("\n")).to.deep.equal([
      "Security group ingress opened to the internet: AuthorizeSecurityGroupIngress with 0.0.0.0/0 or ::/0 on a port range. The remediation revokes exactly the world-open permissions on ports that are not allowed public.",
      "Resource: sg-0d921df5d84f7270a tcp 22-22",
      "Event: AuthorizeSecurityGroupIngress (ec2.amazonaws.com) at 2020-04-30T04:40:52Z",
      "Who: arn:aws:sts::112233445566:assumed-role/Operator/ryan@example.com (AssumedRole)",
      "From: 100.1.114.142, user agent aws-sdk-go/1.24.1 (go1.14; darwin; amd64)",
      "Where: account 112233445566, region us-east-1",
      "CloudTrail event id: 42155429-7e8e-43b5-9b5e-6953f80d51d5",
      "What to do: Anyone on the internet can now reach this port. Allow only the addresses that need it.",
      "Automatic remediation: revoke-world-ingress is wired to this detection when the stack enables it (dry-run or enforce); a resolution message follows when it acts.",
      "Console: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/42155429-7e8e-43b5-9b5e-6953f80d51d5",
      "Detection: security-group-open-to-world. References: CIS 5.2, CIS 5.3; MITRE ATT&CK T1562.007",
    ]);
    expect(alert.message.split("\n")).to.deep.equal(
      [alert.subject, ...alert.body.split("\n")].map((line) => `"${line}"`),
    );
  });

  const subjects: [string, string, string, string][] = [
    [
      "aws_console_login_without_mfa",
      "No MFA Login - IAM User",
      "console-signin-without-mfa",
      "[HIGH] Console sign-in without MFA (IAMUser tester) from 111.111.111.111",
    ],
    [
      "aws_kms_cmk_loss",
      "KMS Key Scheduled For Deletion",
      "cmk-disable-or-deletion",
      "[HIGH] KMS ScheduleKeyDeletion in us-west-2, account 123456789012",
    ],
    [
      "aws_root_activity",
      "Root Activity",
      "root-usage",
      "[CRITICAL] Root user PutBucketVersioning in us-west-2 from 111.111.111.111",
    ],
    [
      "aws_iam_user_key_created",
      "user1 create keys for user2",
      "access-key-created-for-other-user",
      "[HIGH] Access key created for user user2 by IAMUser",
    ],
    [
      "aws_snapshot_made_public",
      "Snapshot Made Publicly Accessible",
      "ebs-snapshot-made-public",
      "[CRITICAL] Snapshot snap-1111 made public in us-west-2",
    ],
    [
      "aws_iam_user_recon_denied",
      "Unauthorized API Call",
      "unauthorized-api-calls",
      "[INFO] AccessDenied on GetRole in us-east-1",
    ],
  ];
  for (const [file, name, id, subject] of subjects) {
    it(`${id}: subject of ${file} / ${name}`, () => {
      expect(renderAlert(byId(id), toEventBridgeEvent(pantherRecord(file, name))).subject).to.equal(
        subject,
      );
    });
  }

  it("renders a missing path as nothing, as EventBridge does", () => {
    const event = toEventBridgeEvent(pantherRecord("aws_root_activity", "Root Activity"));
    const alert = renderAlert(byId("root-usage"), event);
    expect(alert.fields.principalType).to.equal("Root");
    const noAgent = renderAlert(byId("root-usage"), {
      ...event,
      detail: { ...event.detail, userAgent: undefined },
    });
    expect(noAgent.fields.userAgent).to.equal("");
    expect(noAgent.body).to.contain("From: 111.111.111.111, user agent \n");
  });

  it("writes numbers as JSON text, as EventBridge does", () => {
    const event = toEventBridgeEvent(
      pantherRecord("aws_ec2_manual_security_group_changes", "Go Script Authorize Ingress"),
    );
    expect(renderAlert(byId("security-group-open-to-world"), event).fields.fromPort).to.equal("22");
  });

  it("tags the subject with the effective severity", () => {
    const event = toEventBridgeEvent(pantherRecord("aws_root_activity", "Root Activity"));
    const overridden = { ...byId("root-usage"), severity: Severity.Medium };
    expect(renderAlert(overridden, event).subject).to.equal(
      "[MEDIUM] Root user PutBucketVersioning in us-west-2 from 111.111.111.111",
    );
    expect(severityTag(Severity.Info)).to.equal("[INFO]");
  });

  it("uses another console domain when asked", () => {
    const event = toEventBridgeEvent(pantherRecord("aws_root_activity", "Root Activity"));
    const alert = renderAlert(byId("root-usage"), event, { consoleDomain: "console.amazonaws.cn" });
    expect(alert.body).to.contain(
      "Console: https://us-west-2.console.amazonaws.cn/cloudtrailv2/home?region=us-west-2#/events/1\n",
    );
  });

  it("writes all-traffic permissions as on all ports, and never leaves a port empty in a subject", () => {
    const allTraffic = VARIANTS.find((v) => v.name.endsWith("0.0.0.0/0 for all traffic"))!;
    const event = toEventBridgeEvent(allTraffic.record);
    expect(renderAlert(byId("security-group-open-all-ports"), event).subject).to.equal(
      "[CRITICAL] sg-0d921df5d84f7270a opened to the internet on all ports in us-east-1",
    );
    expect(matchesPattern(byId("security-group-open-to-world").eventPattern, event)).to.equal(
      false,
    );
    // No subject names a port it does not have ("on port  in eu-west-1").
    const emptyPort: string[] = [];
    for (const { label, event: e } of allEvents()) {
      for (const detection of CATALOG.filter((d) => matchesPattern(d.eventPattern, e))) {
        const { subject } = renderAlert(detection, e);
        if (/\bport(\s{2}|\s*$)/.test(subject))
          emptyPort.push(`${detection.id} on ${label}: ${subject}`);
      }
    }
    expect(emptyPort).to.deep.equal([]);
  });

  it("keeps every subject under 100 characters on every record that fires, for every detection", () => {
    const covered = new Set<string>();
    const tooLong: string[] = [];
    for (const { label, event } of allEvents()) {
      for (const detection of CATALOG.filter((d) => matchesPattern(d.eventPattern, event))) {
        covered.add(detection.id);
        const { subject } = renderAlert(detection, event);
        if (subject.length >= 100) tooLong.push(`${detection.id} on ${label}: ${subject}`);
      }
    }
    expect(tooLong).to.deep.equal([]);
    expect([...covered].sort()).to.deep.equal(CATALOG.map((d) => d.id).sort());
  });

  it("renders locally exactly what EventBridge's transformer delivers, on every record that fires", () => {
    let compared = 0;
    for (const { event } of allEvents()) {
      for (const detection of CATALOG.filter((d) => matchesPattern(d.eventPattern, event))) {
        const transformer = buildInputTransformer(detection);
        expect(renderAlert(detection, event).message).to.equal(
          eventBridgeTransform(transformer, event),
        );
        compared += 1;
      }
    }
    expect(compared).to.be.at.least(150);
  });

  it("maps exactly the variables its template uses, each at a $. path", () => {
    for (const detection of CATALOG) {
      const { inputPaths, inputTemplate } = buildInputTransformer(detection);
      const used = [
        ...new Set([...inputTemplate.matchAll(/<([A-Za-z0-9_-]+)>/g)].map((m) => m[1])),
      ];
      expect(Object.keys(inputPaths).sort(), detection.id).to.deep.equal(used.sort());
      for (const line of inputTemplate.split("\n")) {
        expect(line, detection.id).to.match(/^"[^"\\]*"$/);
      }
    }
  });

  it("builds the transformer of a detection without fields from the common fields only", () => {
    expect(buildInputTransformer(byId("security-hub-disabled")).inputPaths).to.deep.equal({
      region: "$.region",
      eventName: "$.detail.eventName",
      eventSource: "$.detail.eventSource",
      eventTime: "$.detail.eventTime",
      principal: "$.detail.userIdentity.arn",
      principalType: "$.detail.userIdentity.type",
      sourceIp: "$.detail.sourceIPAddress",
      userAgent: "$.detail.userAgent",
      account: "$.account",
      eventId: "$.detail.eventID",
    });
  });

  it("refuses text that the transformer would corrupt", () => {
    const bad = { ...byId("security-hub-disabled"), description: 'a "quoted" word' };
    expect(() => buildInputTransformer(bad)).to.throw(
      'detection security-hub-disabled: the alert text must not contain ", \\, < or > outside placeholders, nor control characters',
    );
    const unknown = { ...byId("security-hub-disabled"), message: { subject: "<nope> happened" } };
    expect(() => buildInputTransformer(unknown)).to.throw(
      "detection security-hub-disabled: unknown placeholder <nope>",
    );
  });

  it("reads JSON paths with array indices and stops at missing steps", () => {
    const event = { detail: { items: [{ id: "a" }, { id: 7 }] } };
    expect(valueAtPath(event, "$.detail.items[1].id")).to.equal(7);
    expect(valueAtPath(event, "$.detail.items[2].id")).to.equal(undefined);
    expect(valueAtPath(event, "$.detail.nothing.id")).to.equal(undefined);
    expect(valueAtPath(event, "detail.items")).to.equal(undefined);
  });
});
