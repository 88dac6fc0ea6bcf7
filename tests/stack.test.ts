import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ACCOUNT_ID, REGION, setup, settle } from "./helpers/mocks";

const recorder = setup();

import type * as StackModule from "../stack";
import { CATALOG } from "../core/catalog";
import { CIS_CONTROLS } from "../core/cisControls";
import { REMEDIATION_IDS } from "../core/types";

const ROOT = path.resolve(__dirname, "..");
const devConfig = (
  yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  }
).config;
const get = (key: string) => devConfig[`aws-security-watch:${key}`];

const WATCH = "aws-security-watch:index:SecurityWatch::security-watch";
const COMPONENTS = [
  "aws-security-watch:index:AlertTopicSet::alerts",
  "aws-security-watch:index:AuditTrail::audit",
  "aws-security-watch:index:SecurityRuleWatcher::watch",
  "aws-security-watch:index:CompositeAlarmGroup::cis",
  "aws-security-watch:index:ThresholdAlarmGroup::thresholds",
  "aws-security-watch:index:AutoRemediator::remediate",
  "aws-security-watch:index:OperationsDashboard::ops",
  "aws-security-watch:index:SecurityEventArchive::archive",
  "aws-security-watch:index:ComplianceRecorder::compliance",
];

describe("the stack (Pulumi.dev.yaml under mocks)", () => {
  let stackModule: typeof StackModule;
  before(async () => {
    stackModule = await import("../stack");
    recorder.reset();
    stackModule.buildStack(get, devConfig["aws:region"] as string);
    await settle();
  });

  it("builds one SecurityWatch, its components, and every resource belongs to one of them", () => {
    const roots = recorder.resources.filter((r) => r.parent === undefined);
    expect(roots.map((r) => `${r.type}::${r.name}`)).to.deep.equal([WATCH]);
    const parts = recorder.resources.filter((r) => r.parent === WATCH);
    expect(parts.map((r) => `${r.type}::${r.name}`)).to.deep.equal(COMPONENTS);
    for (const r of recorder.resources.filter(
      (x) => x.parent !== undefined && x.parent !== WATCH,
    )) {
      let top = r.parent as string;
      for (;;) {
        const [type, name] = top.split("::");
        const parent = recorder.get(type, name).parent;
        if (parent === WATCH || parent === undefined) break;
        top = parent;
      }
      expect(COMPONENTS, `${r.type}::${r.name}`).to.include(top);
    }
  });

  it("passes Security Hub Config.1: recorder on for all types with the service-linked role, delivering to the trail bucket", () => {
    const rec = recorder.get("aws:cfg/recorder:Recorder", "compliance-recorder").inputs;
    expect(rec.recordingGroup).to.deep.equal({
      allSupported: true,
      includeGlobalResourceTypes: true,
    });
    expect(rec.recordingMode.recordingFrequency).to.equal("CONTINUOUS");
    expect(rec.recordingMode.recordingModeOverride.resourceTypes).to.deep.equal([
      "AWS::EC2::NetworkInterface",
    ]);
    const slr = recorder.get(
      "aws:iam/serviceLinkedRole:ServiceLinkedRole",
      "compliance-service-linked-role",
    );
    expect(slr.inputs.awsServiceName).to.equal("config.amazonaws.com");
    expect(
      recorder.get("aws:cfg/recorderStatus:RecorderStatus", "compliance-recorder-status").inputs
        .isEnabled,
    ).to.equal(true);
    const channel = recorder.get(
      "aws:cfg/deliveryChannel:DeliveryChannel",
      "compliance-delivery-channel",
    ).inputs;
    expect(channel.s3KeyPrefix).to.equal("config");
    // The trail bucket's policy and key admit AWS Config under that prefix.
    const policy = JSON.parse(
      recorder.get("aws:s3/bucketPolicy:BucketPolicy", "audit-bucket-policy").inputs.policy,
    );
    const delivery = policy.Statement.find(
      (st: { Sid: string }) => st.Sid === "AllowConfigDelivery",
    );
    expect(delivery.Resource).to.match(/\/config\/AWSLogs\/123456789012\/Config\/\*$/);
    const key = JSON.parse(recorder.get("aws:kms/key:Key", "audit-key").inputs.policy);
    expect(key.Statement.map((st: { Sid: string }) => st.Sid)).to.include(
      "AllowConfigEncryptDeliveries",
    );
    expect(recorder.ofType("aws:cfg/rule:Rule").map((r) => r.inputs.name)).to.include(
      "asw-test-sg-open-ports",
    );
  });

  it("names what AWS wants unique per account and region after the stack, so dev and prod can share an account", () => {
    expect(recorder.get("aws:cloudtrail/trail:Trail", "audit-trail").inputs.name).to.equal(
      "asw-test",
    );
    expect(
      recorder.get("aws:cloudwatch/logGroup:LogGroup", "audit-log-group").inputs.name,
    ).to.equal("/cloudtrail/asw-test");
    const rule = recorder.get("aws:cloudwatch/eventRule:EventRule", "watch-root-usage");
    expect(rule.inputs.name).to.equal("asw-test-root-usage");
    const alarms = recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    for (const alarm of alarms.filter((a) => a.parent?.endsWith("::cis"))) {
      expect(alarm.inputs.name, alarm.name).to.match(/^asw-test-/);
    }
  });

  it("feeds the CIS metric filters from the trail's log group", () => {
    const trail = recorder.get("aws:cloudtrail/trail:Trail", "audit-trail");
    const logGroup = recorder.get("aws:cloudwatch/logGroup:LogGroup", "audit-log-group");
    expect(trail.inputs.cloudWatchLogsGroupArn).to.equal(
      `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${logGroup.inputs.name}:*`,
    );
    const filters = recorder.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter");
    expect(filters).to.have.length(CIS_CONTROLS.length);
    for (const filter of filters) {
      expect(filter.inputs.logGroupName, filter.name).to.equal(logGroup.inputs.name);
    }
  });

  it("routes every detection to the alert topic of its severity, and alarms OK to resolutions", () => {
    const rules = recorder
      .childrenOf("aws-security-watch:index:SecurityRuleWatcher", "watch")
      .filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && !r.provider);
    expect(rules).to.have.length(CATALOG.length);
    for (const detection of CATALOG) {
      const target = recorder.get(
        "aws:cloudwatch/eventTarget:EventTarget",
        `watch-${detection.id}-alert`,
      );
      expect(target.inputs.arn, detection.id).to.equal(
        `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-${detection.severity}`,
      );
    }
    for (const alarm of recorder.childrenOf(
      "aws-security-watch:index:CompositeAlarmGroup",
      "cis",
    )) {
      if (alarm.type === "aws:cloudwatch/metricAlarm:MetricAlarm") {
        expect(alarm.inputs.okActions, alarm.name).to.deep.equal([
          `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-resolutions`,
        ]);
      }
    }
  });

  it("forwards global-service detections from us-east-1, since the stack runs in eu-west-1", () => {
    const forwarded = recorder
      .ofType("aws:cloudwatch/eventRule:EventRule")
      .filter((r) => r.provider)
      .map((r) => r.name)
      .sort();
    expect(forwarded).to.deep.equal(
      CATALOG.filter((d) => d.global)
        .map((d) => `watch-fwd-${d.id}`)
        .sort(),
    );
    const provider = recorder.get("pulumi:providers:aws", "watch-us-east-1");
    expect(provider.inputs.region).to.equal("us-east-1");
  });

  it("subscribes the shared addresses to every topic, and pages SMS on critical only", () => {
    const subscriptions = recorder.ofType("aws:sns/topicSubscription:TopicSubscription");
    const sms = subscriptions.filter((s) => s.inputs.protocol === "sms");
    expect(sms.map((s) => [s.name, s.inputs.endpoint])).to.deep.equal([
      ["alerts-critical-sms-447700900123", "+447700900123"],
    ]);
    for (const topic of ["critical", "high", "medium", "info", "resolutions"]) {
      const emails = subscriptions
        .filter((s) => s.name.startsWith(`alerts-${topic}-email-`))
        .map((s) => s.inputs.endpoint)
        .sort();
      expect(emails, topic).to.deep.equal(
        topic === "critical"
          ? ["on-call@example.com", "security-team@example.com"]
          : ["security-team@example.com"],
      );
    }
  });

  it("deploys every remediation in dry-run, as the dev stack promises", () => {
    const functions = recorder
      .ofType("aws:lambda/function:Function")
      .filter((f) => !f.parent?.startsWith("aws-security-watch:index:ThresholdAlarmGroup::"));
    expect(functions.map((f) => f.inputs.description).sort()).to.deep.equal(
      REMEDIATION_IDS.map((id) => `aws-security-watch: ${id} (dry-run)`).sort(),
    );
    // Besides them, the threshold detections' reporter (the dev stack turns thresholds on).
    expect(
      recorder
        .ofType("aws:lambda/function:Function")
        .filter((f) => f.parent?.startsWith("aws-security-watch:index:ThresholdAlarmGroup::"))
        .map((f) => f.name),
    ).to.deep.equal(["thresholds-reporter-fn"]);
  });

  it("turns on the Security Hub controls the package covers", () => {
    const trail = recorder.get("aws:cloudtrail/trail:Trail", "audit-trail").inputs;
    expect(trail.isMultiRegionTrail).to.equal(true);
    expect(trail.includeGlobalServiceEvents).to.equal(true);
    expect(trail.enableLogFileValidation).to.equal(true);
    expect(trail.kmsKeyId).to.be.a("string").and.not.equal("");
    expect(recorder.ofType("aws:s3/bucketLogging:BucketLogging").map((r) => r.name)).to.deep.equal([
      "audit-bucket-logging",
    ]);
    expect(
      recorder.get("aws:cloudwatch/logGroup:LogGroup", "audit-log-group").inputs.retentionInDays,
    ).to.be.at.least(365);
    for (const key of recorder.ofType("aws:kms/key:Key")) {
      expect(key.inputs.enableKeyRotation, key.name).to.equal(true);
    }
    for (const topic of recorder.ofType("aws:sns/topic:Topic")) {
      expect(topic.inputs.kmsMasterKeyId, topic.name).to.be.a("string").and.not.equal("");
    }
  });

  it("stops with every configuration problem listed, before creating anything", async () => {
    recorder.reset();
    const bad: Record<string, unknown> = { alerts: { emails: ["not-an-address"] } };
    expect(() => stackModule.buildStack((k) => bad[k], "eu-west-1")).to.throw(
      'Invalid stack configuration (Pulumi.<stack>.yaml):\n  - aws-security-watch:alerts.emails[0]: "not-an-address" is not a valid email address',
    );
    await settle();
    expect(recorder.resources).to.deep.equal([]);
  });
});

describe("subscription labels", () => {
  it("derives a stable kebab-case label from each address, number or URL", async () => {
    const { subscriptionLabel } = await import("../stack");
    expect(subscriptionLabel("Security-Team@Example.com")).to.equal("security-team-example-com");
    expect(subscriptionLabel("+447700900123")).to.equal("447700900123");
    expect(subscriptionLabel("https://hooks.example.com/aws/security")).to.equal(
      "hooks-example-com-aws-security",
    );
  });

  it("refuses two addresses that would share a label, instead of dropping one", async () => {
    const { buildStack } = await import("../stack");
    recorder.reset();
    const raw: Record<string, unknown> = {
      alerts: { emails: ["a.b@example.com", "a-b@example.com", "a.b@example.com"] },
    };
    expect(() => buildStack((k) => raw[k], "eu-west-1")).to.throw(
      'Invalid stack configuration (Pulumi.<stack>.yaml):\n  - aws-security-watch:alerts.emails: "a.b@example.com" and "a-b@example.com" both make the subscription label "a-b-example-com"; keep one of them',
    );
    await settle();
    expect(recorder.resources).to.deep.equal([]);
  });
});

describe("a secondary region of the account (trail.enabled: false)", () => {
  it("deploys topics, detections and remediations, and no second trail nor CIS alarms", async () => {
    const stackModule = await import("../stack");
    recorder.reset();
    const secondary: Record<string, unknown> = {
      ...Object.fromEntries(
        ["alerts", "remediation", "tags"].map((k) => [k, devConfig[`aws-security-watch:${k}`]]),
      ),
      trail: { enabled: false },
      detections: { forwardGlobalEvents: false },
    };
    const stack = stackModule.buildStack((k) => secondary[k], "eu-central-1");
    await settle();
    expect(stack.audit).to.equal(undefined);
    expect(stack.alarms).to.equal(undefined);
    const roots = recorder.resources.filter((r) => r.parent === WATCH);
    expect(roots.map((r) => `${r.type}::${r.name}`)).to.deep.equal([
      "aws-security-watch:index:AlertTopicSet::alerts",
      "aws-security-watch:index:SecurityRuleWatcher::watch",
      "aws-security-watch:index:AutoRemediator::remediate",
      "aws-security-watch:index:OperationsDashboard::ops",
      "aws-security-watch:index:SecurityEventArchive::archive",
    ]);
    expect(recorder.ofType("aws:cloudtrail/trail:Trail")).to.deep.equal([]);
    expect(recorder.ofType("pulumi:providers:aws")).to.deep.equal([]);
  });
});

describe("npm run preview (the offline stack preview of the README)", () => {
  it("prints the tree, the counts and the key settings, and says nothing was deployed", async () => {
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "scripts/preview.ts", "--stack", "dev"],
        { cwd: ROOT, timeout: 180_000, maxBuffer: 10 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(output).to.contain("NOTHING WAS DEPLOYED");
    expect(output).to.contain('offline preview of stack "dev" (Pulumi.dev.yaml, region eu-west-1)');
    expect(output).to.match(/AuditTrail {2}audit\n/);
    expect(output).to.match(
      /aws:cloudwatch\/eventRule:EventRule\n|^\s+\d+ {2}aws:cloudwatch\/eventRule:EventRule$/m,
    );
    expect(output).to.contain(
      "Trail audit-trail: multi-region on, global service events on, log file validation on, KMS on, CloudWatch Logs on, organization off, Insights off",
    );
    expect(output).to.contain(
      `EventBridge rules: ${CATALOG.length} detections in the stack's region`,
    );
    expect(output).to.contain(
      "Lambda remediate-revoke-world-ingress-fn: aws-security-watch: revoke-world-ingress (dry-run)",
    );
    expect(output).to.contain("To deploy for real: pulumi stack select dev && pulumi up");
  });
});
