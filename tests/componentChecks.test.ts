/**
 * What the stack configuration checked, each component checks itself, naming the key a library
 * user wrote: an SNS ARN given as a KMS key, a hub watcher forwarding global events to a bus it
 * does not read.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT_ID, setup, settle } from "./helpers/mocks";

const recorder = setup();

const topic = (p: string) => `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:alerts-${p}`;
const TOPICS = {
  critical: topic("critical"),
  high: topic("high"),
  medium: topic("medium"),
  info: topic("info"),
};

async function errorOf(build: () => unknown): Promise<string> {
  try {
    build();
  } catch (e) {
    await settle();
    expect(e).to.be.instanceOf(pulumi.ResourceError);
    return (e as Error).message;
  }
  throw new Error("expected a ResourceError");
}

describe("components check what the stack configuration checked", () => {
  beforeEach(() => recorder.reset());

  it("SecurityRuleWatcher: forwardGlobalEvents on with an organization hub's bus is an error", async () => {
    const { SecurityRuleWatcher } = await import("../components/securityRuleWatcher");
    const message = await errorOf(
      () =>
        new SecurityRuleWatcher("hub", {
          alertTopicArns: TOPICS,
          homeRegion: "eu-west-1",
          eventBusName: "asw-hub",
          forwardGlobalEvents: true,
        }),
    );
    expect(message).to.equal(
      `SecurityRuleWatcher "hub": forwardGlobalEvents forwards us-east-1's global-service events to this account's default bus, which a watcher on eventBusName (an organization hub's bus) does not read; the member accounts' spokes forward them to the hub: leave forwardGlobalEvents unset or false`,
    );
    expect(
      recorder.resources.filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule"),
    ).to.deep.equal([]);
  });

  it("SecurityRuleWatcher: on a hub's bus, global events are not forwarded unless asked", async () => {
    const { SecurityRuleWatcher } = await import("../components/securityRuleWatcher");
    const hub = new SecurityRuleWatcher("hub", {
      alertTopicArns: TOPICS,
      homeRegion: "eu-west-1",
      eventBusName: "asw-hub",
    });
    await settle();
    expect(Object.keys(hub.forwardingRules)).to.deep.equal([]);
    expect(recorder.ofType("pulumi:providers:aws")).to.deep.equal([]);
    // A single account's watcher (the default bus) still forwards them.
    recorder.reset();
    const single = new SecurityRuleWatcher("single", {
      alertTopicArns: TOPICS,
      homeRegion: "eu-west-1",
    });
    await settle();
    expect(Object.keys(single.forwardingRules).length).to.be.above(0);
  });

  it("ThresholdAlarmGroup: an SNS topic ARN as reporter.topicKmsKeyArn is an error", async () => {
    const { ThresholdAlarmGroup } = await import("../components/thresholdAlarmGroup");
    const message = await errorOf(
      () =>
        new ThresholdAlarmGroup("th", {
          logGroupName: "trail",
          alertTopicArns: TOPICS,
          resolutionTopicArn: topic("resolutions"),
          reporter: { topicKmsKeyArn: topic("high") },
        }),
    );
    expect(message).to.equal(
      `reporter.topicKmsKeyArn: "${topic("high")}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)`,
    );
    expect(
      recorder.resources.filter(
        (r) => r.type.startsWith("aws:") && !r.type.startsWith("aws:index"),
      ),
    ).to.deep.equal([]);
  });

  it("ComplianceRecorder: an SNS topic ARN as deliveryKmsKeyArn is an error", async () => {
    const { ComplianceRecorder } = await import("../components/complianceRecorder");
    const message = await errorOf(
      () =>
        new ComplianceRecorder("cfg", {
          resolutionTopicArn: topic("resolutions"),
          deliveryKmsKeyArn: topic("high"),
        }),
    );
    expect(message).to.equal(
      `deliveryKmsKeyArn: "${topic("high")}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)`,
    );
  });
});
