/**
 * SecurityWatch's one validation pass, as a stack file's author and as a library user meet it:
 * every problem in one error, each naming the key as written, before any resource.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { settle, setup } from "./helpers/mocks";

const recorder = setup();

import { SecurityWatch, securityWatchProblems } from "../components/securityWatch";
import { buildStack } from "../stack";
import { WebhookKind } from "../components/webhookNotifier";

const KNOWN =
  "known: alerts, trail, detections, alarms, thresholds, remediation, operations, chat, webhooks, compliance, organization, spokeRegions, tags";

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

/** The problems buildStack reports for a stack file's `aws-security-watch:` keys. */
function stackProblems(config: Record<string, unknown>, region: string | null = "eu-west-1") {
  const message = errorOf(() =>
    buildStack((k) => config[k], region ?? undefined, Object.keys(config)),
  );
  const [head, ...lines] = message.split("\n");
  expect(head).to.equal("Invalid stack configuration (Pulumi.<stack>.yaml):");
  return lines.map((l) => l.replace(/^ {2}- /, ""));
}

describe("SecurityWatch: the stack file's keys, checked once", () => {
  beforeEach(() => recorder.reset());

  it("refuses a misspelled top-level key, naming it and the known ones (alert:)", () => {
    expect(stackProblems({ alert: { emails: ["a@example.com"] } })).to.deep.equal([
      `aws-security-watch:alert: unknown key (did you mean "alerts"?); ${KNOWN}`,
    ]);
    expect(recorder.resources).to.deep.equal([]);
  });

  it("refuses remediations: instead of remediation:, which would silently drop enforce", () => {
    expect(
      stackProblems({ remediations: { defaultMode: "enforce", allowedPublicPorts: [443] } }),
    ).to.deep.equal([
      `aws-security-watch:remediations: unknown key (did you mean "remediation"?); ${KNOWN}`,
    ]);
  });

  it("refuses unknown nested keys (alerts.email, remediation.modes)", () => {
    expect(
      stackProblems({
        alerts: { email: ["a@example.com"] },
        remediation: { modes: { "revoke-world-ingress": "enforce" } },
      }),
    ).to.deep.equal([
      'aws-security-watch:alerts.email: unknown setting (did you mean "emails"?); known: emails, sms, httpsEndpoints, topics',
      "aws-security-watch:remediation.modes: unknown setting; known: defaultMode, remediations, exemptTag, trustedPrincipalArns, logRetentionDays, reservedConcurrency, timeoutSeconds, memorySizeMb, runtime",
    ]);
  });

  it("checks the region's shape (aws:region: eu-west) and that it is set", () => {
    expect(stackProblems({}, "eu-west")).to.deep.equal([
      'aws:region: "eu-west" is not a region name (like eu-west-1)',
    ]);
    expect(stackProblems({}, null)).to.deep.equal([
      "aws:region: set the region to deploy to (pulumi config set aws:region eu-west-1)",
    ]);
  });

  it("reports a YAML number where a string is expected with the key and the value as written", () => {
    expect(
      stackProblems({
        trail: { isOrganizationTrail: true, organizationId: 123456789012 },
        tags: { costCentre: 4711 },
      }),
    ).to.deep.equal([
      "aws-security-watch:trail.organizationId: expected an organization id (o-...), got the number 123456789012 (YAML reads it as a number: quote it)",
      "aws-security-watch:tags.costCentre: expected a string, got the number 4711 (YAML reads it as a number: quote it)",
    ]);
  });

  it("reports every problem in one run, the catalog's ids and the retention included", () => {
    expect(
      stackProblems(
        {
          alert: {},
          trail: { logRetentionDays: 100 },
          detections: { disabled: ["root-usag"] },
          alarms: { disabledControls: ["4.99"] },
          remediation: { remediations: { "quarantine-access-key": { mode: "on" } } },
          organization: { organizationId: 123456789012 },
        },
        "eu-west",
      ),
    ).to.deep.equal([
      'aws:region: "eu-west" is not a region name (like eu-west-1)',
      `aws-security-watch:alert: unknown key (did you mean "alerts"?); ${KNOWN}`,
      "aws-security-watch:trail.logRetentionDays: 100 is not a CloudWatch Logs retention (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
      'aws-security-watch:detections.disabled[0]: "root-usag" is not a detection id of the catalog (npm run catalog lists them)',
      `aws-security-watch:alarms.disabledControls[0]: "4.99" is not a CIS control id (${CIS()})`,
      'aws-security-watch:remediation.remediations.quarantine-access-key.mode: expected one of off, dry-run, enforce, got the string "on"',
      "aws-security-watch:organization.organizationalUnitIds: required (the OUs (ou-...) or the root (r-...) to deploy the spokes to)",
      "aws-security-watch:organization.regions: required (the regions the spokes cover)",
      "aws-security-watch:organization.externalId: required (an external id (2-1224 characters of letters, digits and +=,.@:/-_))",
      "aws-security-watch:organization.managementAccount: required (service-managed StackSets skip the management account; set accountId and roleArn (the hub deploys its spoke with explicit providers) or watched: false)",
      "aws-security-watch:organization.organizationId: expected an organization id (o-...), got the number 123456789012 (YAML reads it as a number: quote it)",
    ]);
    expect(recorder.resources).to.deep.equal([]);
  });

  it("gives a library user the same checks, named by the component, before any child", () => {
    const message = errorOf(
      () =>
        new SecurityWatch("watch", {
          trail: { logRetentionDays: 100 },
          remediation: { remediations: { "revoke-world-ingres": {} } },
        }),
    );
    expect(message.split("\n")).to.deep.equal([
      'SecurityWatch "watch": trail.logRetentionDays: 100 is not a CloudWatch Logs retention (0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)',
      `SecurityWatch "watch": remediation.remediations.revoke-world-ingres: unknown remediation (did you mean "revoke-world-ingress"?); known: ${REMEDIATIONS()}`,
    ]);
    expect(
      recorder.resources.filter((r) => r.type !== "aws-security-watch:index:SecurityWatch"),
    ).to.deep.equal([]);
  });

  it("accepts outputs where a value may come from another resource", () => {
    expect(
      securityWatchProblems({
        homeRegion: "eu-west-1",
        remediation: { trustedPrincipalArns: [pulumi.output("arn:aws:iam::123456789012:role/x")] },
        tags: pulumi.output({ team: "x" }),
      }),
    ).to.deep.equal([]);
  });

  it("checks each remediation's own settings as its spec declares them, naming the key", () => {
    expect(
      stackProblems({
        remediation: {
          remediations: {
            "revoke-world-ingress": { settings: { allowedPublicPorts: [443, 70000] } },
            "remove-lambda-permission": { settings: { partnerAccountIds: ["12345"] } },
            "quarantine-access-key": { settings: { allowedPublicPorts: [443] } },
          },
        },
      }),
    ).to.deep.equal([
      "aws-security-watch:remediation.remediations.revoke-world-ingress.settings.allowedPublicPorts[1]: 70000 is not a port (0-65535)",
      'aws-security-watch:remediation.remediations.remove-lambda-permission.settings.partnerAccountIds[0]: "12345" is not a 12-digit account id',
      "aws-security-watch:remediation.remediations.quarantine-access-key.settings: unknown setting; known: mode",
    ]);
  });

  it("deploys incoming webhooks from the stack file (webhooks:), the secret named, never a URL", async () => {
    const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:asw-webhooks-AbCdEf";
    expect(
      stackProblems({
        webhooks: {
          secretArn: "https://hooks.slack.com/services/T0/B0/x",
          channels: { secops: { kind: "irc" } },
        },
      }),
    ).to.deep.equal([
      'aws-security-watch:webhooks.secretArn: "https://hooks.slack.com/services/T0/B0/x" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:...:secret:...)',
      'aws-security-watch:webhooks.channels.secops.kind: expected one of slack, teams, generic, got the string "irc"',
    ]);
    const watch = new SecurityWatch("security-watch", {
      homeRegion: "eu-west-1",
      webhooks: { secretArn, channels: { secops: { kind: WebhookKind.Slack } } },
    });
    await settle();
    const notifier = recorder.resources.filter(
      (r) => r.type === "aws-security-watch:index:WebhookNotifier",
    );
    expect(notifier.map((r) => r.name)).to.deep.equal(["webhooks"]);
    expect(watch.webhookFunctionArn).to.not.equal(undefined);
    const subscriptions = recorder.resources
      .filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription")
      .filter((r) => r.inputs.protocol === "lambda")
      .map((r) => r.name)
      .sort();
    expect(subscriptions).to.deep.equal([
      "webhooks-critical-subscription",
      "webhooks-high-subscription",
      "webhooks-resolutions-subscription",
    ]);
  });

  it("the stack program reads every key of the namespace from the stack configuration", async () => {
    const before = pulumi.runtime.allConfig();
    pulumi.runtime.setAllConfig({
      "aws:region": "eu-west-1",
      "aws-security-watch:alert": JSON.stringify({ emails: ["a@example.com"] }),
      "aws-security-watch:trail": JSON.stringify({ organizationId: 123456789012 }),
    });
    try {
      const index = require.resolve("../index");
      delete require.cache[index];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(errorOf(() => require(index))).to.equal(
        [
          "Invalid stack configuration (Pulumi.<stack>.yaml):",
          `  - aws-security-watch:alert: unknown key (did you mean "alerts"?); ${KNOWN}`,
          "  - aws-security-watch:trail.organizationId: expected an organization id (o-...), got the number 123456789012 (YAML reads it as a number: quote it)",
        ].join("\n"),
      );
    } finally {
      pulumi.runtime.setAllConfig(before);
    }
  });
});

import { CIS_CONTROL_IDS } from "../core/cisControls";
import { REMEDIATION_IDS } from "../core/types";
const CIS = () => CIS_CONTROL_IDS.join(", ");
const REMEDIATIONS = () => REMEDIATION_IDS.join(", ");
