/**
 * The region comes from the provider a component is given, not from the `aws:region`
 * configuration: a program with a provider for eu-central-1 in a stack configured for us-east-1
 * gets its rules, queues and policies in eu-central-1, and global-service events forwarded there.
 */
import { expect } from "chai";
import { setup, settle, ACCOUNT_ID, RecordedResource } from "./helpers/mocks";

const recorder = setup();

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as lib from "../lib";
import { CATALOG } from "../core/catalog";

const TOPICS = {
  critical: `arn:aws:sns:eu-central-1:${ACCOUNT_ID}:c`,
  high: `arn:aws:sns:eu-central-1:${ACCOUNT_ID}:h`,
  medium: `arn:aws:sns:eu-central-1:${ACCOUNT_ID}:m`,
  info: `arn:aws:sns:eu-central-1:${ACCOUNT_ID}:i`,
};
const GLOBAL = CATALOG.filter((d) => d.global).map((d) => d.id);

let saved: Record<string, string>;

describe("the region from the provider (configuration says us-east-1, the provider eu-central-1)", () => {
  before(() => {
    saved = pulumi.runtime.allConfig();
    pulumi.runtime.setConfig("aws:region", "us-east-1");
  });
  after(() => pulumi.runtime.setAllConfig(saved));
  beforeEach(() => recorder.reset());

  const providerOf = (r: RecordedResource) => r.provider?.split("::")[3];

  it("SecurityRuleWatcher: rules and queues through the provider, global events forwarded to eu-central-1", async () => {
    const provider = new aws.Provider("frankfurt", { region: "eu-central-1" });
    const watcher = new lib.SecurityRuleWatcher(
      "watch",
      { alertTopicArns: TOPICS, homeRegion: "eu-central-1" },
      { provider },
    );
    await settle();
    const rules = recorder.ofType("aws:cloudwatch/eventRule:EventRule");
    const home = rules.filter((r) => !r.name.startsWith("watch-fwd-"));
    expect(home.length).to.equal(CATALOG.length);
    expect(home.every((r) => providerOf(r) === "frankfurt")).to.equal(true);
    const forwarding = rules.filter((r) => r.name.startsWith("watch-fwd-"));
    expect(forwarding.map((r) => r.name).sort()).to.deep.equal(
      GLOBAL.map((id) => `watch-fwd-${id}`).sort(),
    );
    expect(forwarding.every((r) => providerOf(r) === "watch-us-east-1")).to.equal(true);
    const forward = recorder.get(
      "aws:cloudwatch/eventTarget:EventTarget",
      `watch-fwd-${GLOBAL[0]}-target`,
    );
    expect(forward.inputs.arn).to.equal(
      `arn:aws:events:eu-central-1:${ACCOUNT_ID}:event-bus/default`,
    );
    const dlqPolicy = JSON.parse(
      recorder.get("aws:sqs/queuePolicy:QueuePolicy", "watch-dlq-policy").inputs.policy,
    );
    expect(dlqPolicy.Statement[0].Condition.ArnLike["aws:SourceArn"]).to.equal(
      `arn:aws:events:eu-central-1:${ACCOUNT_ID}:rule/watch-*`,
    );
    expect(Object.keys(watcher.ruleNames).length).to.equal(CATALOG.length);
  });

  it("SecurityRuleWatcher: an explicit provider without homeRegion is an error, not a silent choice", async () => {
    const provider = new aws.Provider("frankfurt2", { region: "eu-central-1" });
    expect(
      () => new lib.SecurityRuleWatcher("watch2", { alertTopicArns: TOPICS }, { provider }),
    ).to.throw(
      "SecurityRuleWatcher \"watch2\": homeRegion is required with an explicit AWS provider (set it to the provider's region; the aws:region configuration is not the provider's)",
    );
    await settle();
    expect(recorder.ofType("aws:cloudwatch/eventRule:EventRule")).to.deep.equal([]);
  });

  it("SecurityRuleWatcher: the provider inherited from a parent counts as explicit", () => {
    const provider = new aws.Provider("frankfurt3", { region: "eu-central-1" });
    const parent = new pulumi.ComponentResource(
      "test:index:Parent",
      "parent",
      {},
      {
        providers: { aws: provider },
      },
    );
    expect(
      () => new lib.SecurityRuleWatcher("watch3", { alertTopicArns: TOPICS }, { parent }),
    ).to.throw(/homeRegion is required with an explicit AWS provider/);
  });

  it("AutoRemediator: invoke permissions name the rules of the provider's region when only names are given", async () => {
    const provider = new aws.Provider("frankfurt4", { region: "eu-central-1" });
    new lib.AutoRemediator(
      "fix",
      {
        resolutionTopicArn: `arn:aws:sns:eu-central-1:${ACCOUNT_ID}:r`,
        failureAlarmTopicArn: TOPICS.high,
        watcher: {
          ruleNames: { "root-usage": "w-root-usage", "security-group-open-to-world": "w-sg" },
          deadLetterQueueArn: `arn:aws:sqs:eu-central-1:${ACCOUNT_ID}:dlq`,
        },
      },
      { provider },
    );
    await settle();
    const permission = recorder.get(
      "aws:lambda/permission:Permission",
      "fix-security-group-open-to-world-invoke",
    );
    expect(permission.inputs.sourceArn).to.equal(
      `arn:aws:events:eu-central-1:${ACCOUNT_ID}:rule/w-sg`,
    );
    expect(providerOf(permission)).to.equal("frankfurt4");
    // root-usage names no remediation in the catalog: no target for it.
    expect(
      recorder.ofType("aws:cloudwatch/eventTarget:EventTarget").map((t) => t.name),
    ).to.deep.equal(["fix-security-group-open-to-world-target"]);
    const policy = JSON.parse(
      recorder.get("aws:iam/rolePolicy:RolePolicy", "fix-revoke-world-ingress-role-policy").inputs
        .policy,
    );
    expect(JSON.stringify(policy)).to.contain(":eu-central-1:");
    expect(JSON.stringify(policy)).not.to.contain(":us-east-1:");
  });
});
