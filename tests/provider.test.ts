/**
 * The components as another language builds them: through the component provider's `construct`
 * (what the provider in provider/ serves after `pulumi package add`), under Pulumi's mocks, with
 * plain-JSON inputs as a Python program sends them (enums as their string values, maps as
 * objects, the watcher as its rule names and ARNs). Each must register the same children, with
 * the same inputs, as the TypeScript construction with the same values.
 *
 * Every component that lib.ts exports needs a sample below: a component added to lib.ts without
 * one fails here, with the name to add.
 */
import { expect } from "chai";
import { setup, settle, valueOf, REGION, ACCOUNT_ID, RecordedResource } from "./helpers/mocks";

const recorder = setup();

import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as lib from "../lib";
import { providerOptions } from "../provider/options";

const TS = "tsside";
const PY = "pyside";
const TOPICS = {
  critical: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-critical`,
  high: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-high`,
  medium: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-medium`,
  info: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-info`,
};
const RESOLUTIONS = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-resolutions`;
const CHAT_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-chat`;
const TEAMS = {
  teamId: "5a3c1d2e-0b4f-4e6a-9c8d-7f1e2a3b4c5d",
  tenantId: "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
  channelId: "19:abc123@thread.tacv2",
};

/** Event patterns as a Python program passes them: JSON texts (those of three detections). */
const PATTERNS = ["root-usage", "cloudtrail-changes", "security-group-changes"].map((id) =>
  JSON.stringify(lib.CATALOG.find((d) => d.id === id)!.eventPattern),
);

/** A component built both ways: the TypeScript arguments, and the JSON a Python program sends. */
interface Sample {
  /**
   * Its children have fixed names (SecurityWatch's `alerts`, `watch`, ...: one per stack): the
   * two builds run one after the other, each compared on its own.
   */
  sequential?: boolean;
  /** The TypeScript construction (TypeScript values: enums, a watcher object). */
  typescript: (name: string) => Promise<pulumi.ComponentResource>;
  /** The inputs of `construct`, as plain JSON. */
  json: () => Promise<Record<string, unknown>>;
}

/** The watcher both remediators are wired to, built once per test (from TypeScript). */
let sharedWatcher: lib.SecurityRuleWatcher;
const watcher = () =>
  (sharedWatcher ??= new lib.SecurityRuleWatcher("shared", {
    alertTopicArns: TOPICS,
    homeRegion: REGION,
    forwardGlobalEvents: false,
  }));

const SAMPLES: Record<string, Sample> = {
  AuditTrail: {
    typescript: async (name) =>
      new lib.AuditTrail(name, { logRetentionDays: 400, insights: true, tags: { team: "sec" } }),
    json: async () => ({ logRetentionDays: 400, insights: true, tags: { team: "sec" } }),
  },
  AlertTopicSet: {
    typescript: async (name) =>
      new lib.AlertTopicSet(name, {
        subscriptions: { emails: { oncall: "oncall@example.com" } },
        topics: {
          critical: { subscriptions: { smsNumbers: { pager: "+14155550100" } } },
          audit: { publishers: { eventBridge: false } },
        },
      }),
    json: async () => ({
      subscriptions: { emails: { oncall: "oncall@example.com" } },
      topics: {
        critical: { subscriptions: { smsNumbers: { pager: "+14155550100" } } },
        audit: { publishers: { eventBridge: false } },
      },
    }),
  },
  SecurityRuleWatcher: {
    typescript: async (name) =>
      new lib.SecurityRuleWatcher(name, {
        alertTopicArns: TOPICS,
        homeRegion: REGION,
        disabledDetections: ["vpc-changes"],
        severityOverrides: { "root-usage": lib.Severity.High },
      }),
    json: async () => ({
      alertTopicArns: TOPICS,
      homeRegion: REGION,
      disabledDetections: ["vpc-changes"],
      severityOverrides: { "root-usage": "high" },
    }),
  },
  CompositeAlarmGroup: {
    typescript: async (name) =>
      new lib.CompositeAlarmGroup(name, {
        logGroupName: "/cloudtrail/trail",
        alertTopicArns: TOPICS,
        resolutionTopicArn: RESOLUTIONS,
        disabledControls: ["vpc-changes"],
        composites: {
          "quiet-root": {
            rule: {
              allOf: [
                { alarm: "root-usage" },
                { alarm: "console-auth-failures", alarmState: lib.AlarmState.Ok },
              ],
            },
            severity: lib.Severity.Critical,
          },
        },
      }),
    json: async () => ({
      logGroupName: "/cloudtrail/trail",
      alertTopicArns: TOPICS,
      resolutionTopicArn: RESOLUTIONS,
      disabledControls: ["vpc-changes"],
      composites: {
        "quiet-root": {
          rule: {
            allOf: [{ alarm: "root-usage" }, { alarm: "console-auth-failures", alarmState: "OK" }],
          },
          severity: "critical",
        },
      },
    }),
  },
  ThresholdAlarmGroup: {
    typescript: async (name) =>
      new lib.ThresholdAlarmGroup(name, {
        logGroupName: "/cloudtrail/trail",
        alertTopicArns: TOPICS,
        resolutionTopicArn: RESOLUTIONS,
        disabled: ["bedrock-invocations-per-principal"],
        limits: { "enumeration-per-principal": { threshold: 2000, periodSeconds: 600 } },
        reporter: { topContributors: 3, logRetentionDays: 90 },
      }),
    json: async () => ({
      logGroupName: "/cloudtrail/trail",
      alertTopicArns: TOPICS,
      resolutionTopicArn: RESOLUTIONS,
      disabled: ["bedrock-invocations-per-principal"],
      limits: { "enumeration-per-principal": { threshold: 2000, periodSeconds: 600 } },
      reporter: { topContributors: 3, logRetentionDays: 90 },
    }),
  },
  AutoRemediator: {
    typescript: async (name) =>
      new lib.AutoRemediator(name, {
        resolutionTopicArn: RESOLUTIONS,
        failureAlarmTopicArn: TOPICS.high,
        watcher: watcher(),
        defaultMode: lib.RemediationMode.Enforce,
        remediations: { [lib.RemediationId.UnshareSnapshot]: { mode: lib.RemediationMode.Off } },
        trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT_ID}:role/deployer`],
      }),
    // What a Python program passes: the watcher's outputs (maps of names and ARNs), resolved.
    json: async () => ({
      resolutionTopicArn: RESOLUTIONS,
      failureAlarmTopicArn: TOPICS.high,
      watcher: {
        ruleNames: await resolveMap(watcher().ruleNames),
        ruleArns: await resolveMap(watcher().ruleArns),
        detectionRemediations: { ...watcher().detectionRemediations },
        deadLetterQueueArn: await valueOf(watcher().deadLetterQueueArn),
      },
      defaultMode: "enforce",
      remediations: { "unshare-snapshot": { mode: "off" } },
      trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT_ID}:role/deployer`],
    }),
  },
  ComplianceRecorder: {
    typescript: async (name) =>
      new lib.ComplianceRecorder(name, {
        resolutionTopicArn: RESOLUTIONS,
        recordingFrequency: lib.RecordingFrequency.Continuous,
        dailyResourceTypes: ["AWS::EC2::NetworkInterface"],
        snapshotDeliveryFrequency: lib.SnapshotDeliveryFrequency.SixHours,
        disabledRules: ["access-keys-rotated"],
        allowedPublicPorts: [443],
        maxAccessKeyAgeDays: 60,
        tags: { team: "sec" },
      }),
    json: async () => ({
      resolutionTopicArn: RESOLUTIONS,
      recordingFrequency: "CONTINUOUS",
      dailyResourceTypes: ["AWS::EC2::NetworkInterface"],
      snapshotDeliveryFrequency: "Six_Hours",
      disabledRules: ["access-keys-rotated"],
      allowedPublicPorts: [443],
      maxAccessKeyAgeDays: 60,
      tags: { team: "sec" },
    }),
  },
  OperationsDashboard: {
    typescript: async (name) =>
      new lib.OperationsDashboard(name, {
        rules: {
          "root-usage": { ruleName: "w-root-usage", severity: lib.Severity.Critical },
          "console-auth-failures": { ruleName: "w-console-auth", severity: lib.Severity.Medium },
        },
        incidentLogGroupNames: { "revoke-world-ingress": "/aws/lambda/revoke" },
        trailLogGroupName: "/cloudtrail/trail",
        queueArns: { failures: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:failures` },
        alarmArns: { "4.3": `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:cis-4.3` },
        compositeAlarmArns: {
          "quiet-root": `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:quiet-root`,
        },
        periodSeconds: 60,
      }),
    json: async () => ({
      rules: {
        "root-usage": { ruleName: "w-root-usage", severity: "critical" },
        "console-auth-failures": { ruleName: "w-console-auth", severity: "medium" },
      },
      incidentLogGroupNames: { "revoke-world-ingress": "/aws/lambda/revoke" },
      trailLogGroupName: "/cloudtrail/trail",
      queueArns: { failures: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:failures` },
      alarmArns: { "4.3": `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:cis-4.3` },
      compositeAlarmArns: {
        "quiet-root": `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:quiet-root`,
      },
      periodSeconds: 60,
    }),
  },
  SecurityEventArchive: {
    typescript: async (name) =>
      new lib.SecurityEventArchive(name, { eventPatterns: PATTERNS, retentionDays: 30 }),
    json: async () => ({ eventPatterns: PATTERNS, retentionDays: 30 }),
  },
  ChatChannels: {
    typescript: async (name) =>
      new lib.ChatChannels(name, {
        topicArn: CHAT_TOPIC,
        resolutionTopicArn: RESOLUTIONS,
        detections: {
          "root-usage": { ruleName: "w-root-usage" },
          "console-auth-failures": { ruleName: "w-console-auth", severity: lib.Severity.High },
          "vpc-changes": { ruleName: "w-vpc-changes" },
        },
        minimumSeverity: lib.Severity.High,
        deadLetterQueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:w-dlq`,
        slack: { teamId: "T07EA123LEP", channelId: "C07EZ1ABC23" },
        teams: TEAMS,
        loggingLevel: lib.ChatLoggingLevel.Info,
        tags: { team: "sec" },
      }),
    json: async () => ({
      topicArn: CHAT_TOPIC,
      resolutionTopicArn: RESOLUTIONS,
      detections: {
        "root-usage": { ruleName: "w-root-usage" },
        "console-auth-failures": { ruleName: "w-console-auth", severity: "high" },
        "vpc-changes": { ruleName: "w-vpc-changes" },
      },
      minimumSeverity: "high",
      deadLetterQueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:w-dlq`,
      slack: { teamId: "T07EA123LEP", channelId: "C07EZ1ABC23" },
      teams: TEAMS,
      loggingLevel: "INFO",
      tags: { team: "sec" },
    }),
  },
};

const HUB_ARGS = {
  organizationId: "o-a1b2c3d4e5",
  organizationalUnitIds: ["r-a1b2"],
  regions: ["us-east-1", "eu-west-1"],
  externalId: "asw-test",
  expectedAccounts: 20,
  alarmTopicArn: TOPICS.high,
};
SAMPLES.OrganizationHub = {
  typescript: async (name) =>
    new lib.OrganizationHub(name, { ...HUB_ARGS, callAs: lib.StackSetCallAs.DelegatedAdmin }),
  json: async () => ({ ...HUB_ARGS, callAs: "DELEGATED_ADMIN" }),
};

// The chain, small: no trail, no remediation function, no dashboard or archive.
const WATCH_ARGS = {
  homeRegion: REGION,
  alerts: { emails: ["secops@example.com"] },
  trail: { enabled: false },
  detections: { forwardGlobalEvents: false, severityOverrides: { "root-usage": "high" } },
  operations: { savedQueries: false, archive: false },
};
SAMPLES.SecurityWatch = {
  sequential: true,
  typescript: async (name) =>
    new lib.SecurityWatch(name, {
      ...WATCH_ARGS,
      detections: {
        ...WATCH_ARGS.detections,
        severityOverrides: { "root-usage": lib.Severity.High },
      },
      remediation: { defaultMode: lib.RemediationMode.Off },
    }),
  json: async () => ({ ...WATCH_ARGS, remediation: { defaultMode: "off" } }),
};

/** The spoke's providers, built once (a program's own providers, for two regions). */
let spokeProviders: Record<string, aws.Provider> | undefined;
const providers = () =>
  (spokeProviders ??= Object.fromEntries(
    ["us-east-1", "eu-west-1"].map((r) => [r, new aws.Provider(`spoke-${r}`, { region: r })]),
  ));
const SPOKE_ARGS = {
  hubEventBusArn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/asw-hub`,
  regionalTemplateBody: '{"Resources":{}}',
  accountTemplateBody: '{"Resources":{}}',
  memberRoles: { hubAccountId: ACCOUNT_ID, organizationId: "o-a1b2c3d4e5", externalId: "asw-test" },
  accountStackRegion: "eu-west-1",
};
// `regionProviders` holds provider resources: a program in another language passes references to
// its own aws providers, which the provider's construct receives as the resource objects (what
// `construct` is handed here). Every other input is plain JSON.
SAMPLES.OrganizationSpoke = {
  typescript: async (name) =>
    new lib.OrganizationSpoke(name, { ...SPOKE_ARGS, regionProviders: providers() }),
  json: async () => ({ ...SPOKE_ARGS, regionProviders: providers() }),
};

async function resolveMap(
  outputs: Record<string, pulumi.Output<string>>,
): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(outputs).map(async ([k, v]) => [k, await valueOf(v)] as const),
  );
  return Object.fromEntries(entries);
}

/** Every resource under `parent` (children, grandchildren, ...), as comparable text. */
function tree(parent: string, from: string, to: string): string[] {
  const out: string[] = [];
  const walk = (key: string): void => {
    for (const child of recorder.resources.filter((r) => r.parent === key)) {
      out.push(summary(child).split(from).join(to));
      walk(`${child.type}::${child.name}`);
    }
  };
  walk(parent);
  return out.sort();
}

/** A resource's type, name, inputs and provider; a Lambda archive by its file names only. */
function summary(resource: RecordedResource): string {
  const { code, ...inputs } = resource.inputs ?? {};
  return JSON.stringify({
    type: resource.type,
    name: resource.name,
    inputs,
    provider: resource.provider,
    code: code === undefined ? undefined : "archive",
  });
}

describe("construction through the component provider (plain-JSON inputs, as from Python)", function () {
  this.timeout(300_000);
  const provider = new ComponentProvider(providerOptions());
  const components = getPulumiComponents(lib).map((c) => c.name);

  before(async () => {
    await provider.getSchema(); // the analyzer's pass, once
  });

  beforeEach(() => recorder.reset());

  it("has a sample for every component that lib.ts exports", () => {
    const missing = components.filter((name) => !SAMPLES[name]);
    expect(missing, "add a plain-JSON sample for these in tests/provider.test.ts").to.deep.equal(
      [],
    );
  });

  for (const name of Object.keys(SAMPLES)) {
    it(`${name}: the same children and inputs as from TypeScript, and the schema's outputs`, async () => {
      const sample = SAMPLES[name];
      const type = `aws-security-watch:index:${name}`;
      await sample.typescript(TS);
      await settle();
      const fromTypeScript = tree(`${type}::${TS}`, TS, PY);
      if (sample.sequential) recorder.reset();
      const inputs = await sample.json();
      const result = await provider.construct(PY, type, inputs as pulumi.Inputs, {});
      await settle();

      const fromProvider = tree(`${type}::${PY}`, TS, PY);
      expect(fromTypeScript.length, "children from TypeScript").to.be.above(0);
      expect(fromProvider).to.deep.equal(fromTypeScript);

      const schema = JSON.parse(await provider.getSchema());
      expect(Object.keys(result.state).sort()).to.deep.equal(
        Object.keys(schema.resources[type].properties).sort(),
      );
      expect(await valueOf(result.urn)).to.contain(`${type}::${PY}`);
    });
  }

  it("OperationsDashboard: ARN maps given whole as outputs (a Python program passing another component's map) build the same dashboard", async () => {
    const type = "aws-security-watch:index:OperationsDashboard";
    await SAMPLES.OperationsDashboard.typescript(TS);
    await settle();
    const plain = await SAMPLES.OperationsDashboard.json();
    // What the provider hands the constructor for `alarm_arns=cis.alarm_arns`: one Output of a map.
    const inputs = {
      ...plain,
      queueArns: pulumi.output(plain.queueArns as Record<string, string>),
      alarmArns: pulumi.output(plain.alarmArns as Record<string, string>),
      compositeAlarmArns: pulumi.output(plain.compositeAlarmArns as Record<string, string>),
    };
    await provider.construct(PY, type, inputs as pulumi.Inputs, {});
    await settle();
    const fromTypeScript = tree(`${type}::${TS}`, TS, PY);
    expect(fromTypeScript.join("\n"))
      .to.contain("alarm:quiet-root")
      .and.to.contain("alarm:cis-4.3");
    expect(tree(`${type}::${PY}`, TS, PY)).to.deep.equal(fromTypeScript);
  });

  it("rejects what a Python program could get wrong, with one line naming the field", async () => {
    const attempt = (inputs: Record<string, unknown>) =>
      provider.construct(
        "bad",
        "aws-security-watch:index:SecurityRuleWatcher",
        inputs as pulumi.Inputs,
        {},
      );
    let message = "";
    try {
      await attempt({
        alertTopicArns: TOPICS,
        homeRegion: REGION,
        disabledDetections: "vpc-changes",
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.equal(
      'SecurityRuleWatcher "bad": disabledDetections must be a list of detection ids, got the string "vpc-changes"',
    );
  });
});
