import { expect } from "chai";

import { CONFIG_RULES } from "../core/catalog/configRules";
import { ACCOUNT_ID, setup, settle, valueOf } from "./helpers/mocks";

const recorder = setup();

type Module = typeof import("../components/complianceRecorder");
type Args = import("../components/complianceRecorder").ComplianceRecorderArgs;

const COMPONENT = "aws-security-watch:index:ComplianceRecorder";
const RULE = "aws:cfg/rule:Rule";
const RECORDER = "aws:cfg/recorder:Recorder";
const CHANNEL = "aws:cfg/deliveryChannel:DeliveryChannel";
const STATUS = "aws:cfg/recorderStatus:RecorderStatus";
const SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole";
const RESOLUTIONS = "arn:aws:sns:eu-west-1:123456789012:resolutions";

describe("ComplianceRecorder", () => {
  let mod: Module;
  before(async () => {
    mod = await import("../components/complianceRecorder");
  });
  beforeEach(() => recorder.reset());

  async function build(args: Partial<Args> = {}, name = "cfg"): Promise<void> {
    new mod.ComplianceRecorder(name, { resolutionTopicArn: RESOLUTIONS, ...args });
    await settle();
  }
  const inputsOf = (type: string, name: string) => recorder.get(type, name).inputs;

  it("records every supported type with global types, continuously, with the service-linked role", async () => {
    await build();
    expect(inputsOf(SLR, "cfg-service-linked-role").awsServiceName).to.equal(
      "config.amazonaws.com",
    );
    const rec = inputsOf(RECORDER, "cfg-recorder");
    expect(rec.recordingGroup).to.deep.equal({
      allSupported: true,
      includeGlobalResourceTypes: true,
    });
    expect(rec.recordingMode).to.deep.equal({ recordingFrequency: "CONTINUOUS" });
    expect(inputsOf(STATUS, "cfg-recorder-status").isEnabled).to.equal(true);
    // Every child is parented to the component.
    const children = recorder.childrenOf(COMPONENT, "cfg").map((r) => r.name);
    expect(
      recorder.resources.filter((r) => r.type !== COMPONENT).map((r) => r.name),
    ).to.have.members(children);
  });

  it("daily recording, overrides and global types off in a secondary region", async () => {
    await build({
      recordingFrequency: mod.RecordingFrequency.Daily,
      recordGlobalResourceTypes: false,
    });
    const rec = inputsOf(RECORDER, "cfg-recorder");
    expect(rec.recordingGroup.includeGlobalResourceTypes).to.equal(false);
    expect(rec.recordingMode).to.deep.equal({ recordingFrequency: "DAILY" });
    // The IAM rules are not deployed where global types are not recorded.
    const keys = recorder.ofType(RULE).map((r) => r.name.replace(/^cfg-/, ""));
    expect(keys).to.have.members(CONFIG_RULES.filter((r) => !r.global).map((r) => r.key));
    expect(keys).to.have.length(CONFIG_RULES.filter((r) => !r.global).length);
    recorder.reset();
    await build({ dailyResourceTypes: ["AWS::EC2::NetworkInterface"] }, "cfg2");
    expect(inputsOf(RECORDER, "cfg2-recorder").recordingMode).to.deep.equal({
      recordingFrequency: "CONTINUOUS",
      recordingModeOverride: {
        description: "High-churn resource types recorded daily",
        recordingFrequency: "DAILY",
        resourceTypes: ["AWS::EC2::NetworkInterface"],
      },
    });
  });

  it("uses the existing service-linked role by ARN when told not to create it", async () => {
    await build({ createServiceLinkedRole: false });
    expect(recorder.ofType(SLR)).to.have.length(0);
    expect(inputsOf(RECORDER, "cfg-recorder").roleArn).to.equal(
      `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    );
  });

  it("delivers to a hardened bucket of its own, admitting Config only under its prefix", async () => {
    await build({ snapshotDeliveryFrequency: mod.SnapshotDeliveryFrequency.SixHours });
    const channel = inputsOf(CHANNEL, "cfg-delivery-channel");
    expect(channel.s3KeyPrefix).to.equal("config");
    expect(channel.snapshotDeliveryProperties).to.deep.equal({ deliveryFrequency: "Six_Hours" });
    expect(channel.s3BucketName).to.equal(
      inputsOf("aws:s3/bucket:Bucket", "cfg-bucket").bucket ?? channel.s3BucketName,
    );
    const block = inputsOf(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "cfg-bucket-public-access-block",
    );
    expect([
      block.blockPublicAcls,
      block.blockPublicPolicy,
      block.ignorePublicAcls,
      block.restrictPublicBuckets,
    ]).to.deep.equal([true, true, true, true]);
    const sse = inputsOf(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "cfg-bucket-encryption",
    );
    expect(sse.rules[0].applyServerSideEncryptionByDefault).to.deep.equal({
      sseAlgorithm: "AES256",
    });
    const policy = JSON.parse(
      inputsOf("aws:s3/bucketPolicy:BucketPolicy", "cfg-bucket-policy").policy,
    );
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal([
      "DenyInsecureTransport",
      "AllowConfigBucketCheck",
      "AllowConfigDelivery",
    ]);
    expect(policy.Statement[2].Resource).to.match(
      new RegExp(`/config/AWSLogs/${ACCOUNT_ID}/Config/\\*$`),
    );
    expect(policy.Statement[2].Condition.StringEquals["aws:SourceAccount"]).to.equal(ACCOUNT_ID);
  });

  it("delivers to a given bucket (the trail's) with its key, creating no bucket", async () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    await build({
      deliveryBucketName: "trail-bucket",
      deliveryKmsKeyArn: key,
      deliveryKeyPrefix: "cfg",
    });
    expect(recorder.ofType("aws:s3/bucket:Bucket")).to.have.length(0);
    const channel = inputsOf(CHANNEL, "cfg-delivery-channel");
    expect([channel.s3BucketName, channel.s3KmsKeyArn, channel.s3KeyPrefix]).to.deep.equal([
      "trail-bucket",
      key,
      "cfg",
    ]);
  });

  it("deploys every managed rule with the parameters of the remediation settings", async () => {
    await build({ allowedPublicPorts: [443, 80, 8080, 8081], maxAccessKeyAgeDays: 45 }, "asw-dev");
    const rules = recorder.ofType(RULE);
    expect(rules.map((r) => r.inputs.name)).to.have.members(
      CONFIG_RULES.map((r) => `asw-dev-${r.key}`),
    );
    expect(rules).to.have.length(CONFIG_RULES.length);
    const byKey = (key: string) => inputsOf(RULE, `asw-dev-${key}`);
    expect(byKey("sg-open-ports").source).to.deep.equal({
      owner: "AWS",
      sourceIdentifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
    });
    expect(JSON.parse(byKey("sg-open-ports").inputParameters)).to.deep.equal({
      authorizedTcpPorts: "80,443,8080-8081",
      authorizedUdpPorts: "80,443,8080-8081",
    });
    expect(byKey("sg-open-ports").scope).to.deep.equal({
      complianceResourceTypes: ["AWS::EC2::SecurityGroup"],
    });
    expect(JSON.parse(byKey("access-keys-rotated").inputParameters)).to.deep.equal({
      maxAccessKeyAge: "45",
    });
    expect(byKey("access-keys-rotated").maximumExecutionFrequency).to.equal("TwentyFour_Hours");
    expect(byKey("key-pending-deletion").inputParameters).to.equal(undefined);
    expect(byKey("bucket-public-access").maximumExecutionFrequency).to.equal(undefined);
  });

  it("with no allowed port, the security group rule authorizes none (every world-open rule fails)", async () => {
    await build();
    expect(inputsOf(RULE, "cfg-sg-open-ports").inputParameters).to.equal(undefined);
  });

  it("routes COMPLIANT-after-NON_COMPLIANT of its own rules to the resolutions topic", async () => {
    await build({}, "asw-dev");
    const rule = inputsOf("aws:cloudwatch/eventRule:EventRule", "asw-dev-resolved");
    expect(rule.name).to.equal("asw-dev-config-resolved");
    expect(JSON.parse(rule.eventPattern)).to.deep.equal({
      source: ["aws.config"],
      "detail-type": ["Config Rules Compliance Change"],
      detail: {
        messageType: ["ComplianceChangeNotification"],
        configRuleName: [{ prefix: "asw-dev-" }],
        newEvaluationResult: { complianceType: ["COMPLIANT"] },
        oldEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
      },
    });
    const target = inputsOf("aws:cloudwatch/eventTarget:EventTarget", "asw-dev-resolved-target");
    expect(target.arn).to.equal(RESOLUTIONS);
    expect(target.inputTransformer.inputTemplate.split("\n")[0]).to.equal(
      '"[RESOLVED] <resourceId> passes <configRuleName> again in <region>"',
    );
    // An undeliverable resolution waits in an encrypted queue that only this rule may fill.
    const queueArn = `arn:aws:sqs:eu-west-1:${ACCOUNT_ID}:asw-dev-resolved-dlq`;
    expect(target.deadLetterConfig).to.deep.equal({ arn: queueArn });
    expect(inputsOf("aws:sqs/queue:Queue", "asw-dev-resolved-dlq").sqsManagedSseEnabled).to.equal(
      true,
    );
    const policy = JSON.parse(
      inputsOf("aws:sqs/queuePolicy:QueuePolicy", "asw-dev-resolved-dlq-policy").policy,
    );
    expect(policy.Statement).to.deep.equal([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: {
          ArnEquals: {
            "aws:SourceArn": `arn:aws:events:eu-west-1:${ACCOUNT_ID}:rule/asw-dev-config-resolved`,
          },
        },
      },
    ]);
  });

  it("existing-recorder mode creates rules and routing only", async () => {
    await build({ useExistingRecorder: true });
    for (const type of [SLR, RECORDER, CHANNEL, STATUS, "aws:s3/bucket:Bucket"]) {
      expect(recorder.ofType(type), type).to.have.length(0);
    }
    expect(recorder.ofType(RULE)).to.have.length(CONFIG_RULES.length);
    expect(recorder.ofType("aws:cloudwatch/eventRule:EventRule")).to.have.length(1);
  });

  it("disabled rules are not deployed", async () => {
    const c = new mod.ComplianceRecorder("cfg", {
      resolutionTopicArn: RESOLUTIONS,
      disabledRules: ["access-keys-rotated", "rds-public-snapshot"],
    });
    await settle();
    expect(Object.keys(c.rules)).to.not.include.members(["access-keys-rotated"]);
    expect(recorder.ofType(RULE)).to.have.length(CONFIG_RULES.length - 2);
    expect(await valueOf(c.ruleNames["trail-enabled"])).to.equal("cfg-trail-enabled");
  });

  const invalid: [string, Partial<Args>, string][] = [
    ["unknown rule", { disabledRules: ["nope"] }, 'disabledRules: unknown rule "nope"'],
    [
      "existing recorder with recorder settings",
      { useExistingRecorder: true, deliveryBucketName: "b" },
      "Only one of [useExistingRecorder] and [deliveryBucketName] can be specified",
    ],
    ["bad prefix", { deliveryKeyPrefix: "/config/" }, 'deliveryKeyPrefix: "/config/" must be'],
    ["bad port", { allowedPublicPorts: [70000] }, "allowedPublicPorts: 70000 is not a port"],
    [
      "bad resource type",
      { dailyResourceTypes: ["NetworkInterface"] },
      'dailyResourceTypes: "NetworkInterface" is not a resource type',
    ],
    ["bad key age", { maxAccessKeyAgeDays: 0 }, "maxAccessKeyAgeDays: 0 must be"],
  ];
  for (const [title, args, message] of invalid) {
    it(`rejects ${title} before creating anything`, () => {
      expect(
        () => new mod.ComplianceRecorder("bad", { resolutionTopicArn: RESOLUTIONS, ...args }),
      ).to.throw(message);
      expect(recorder.resources.filter((r) => r.type !== COMPONENT)).to.have.length(0);
    });
  }
});
