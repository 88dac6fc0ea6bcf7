import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ACCOUNT_ID, setup, settle, valueOf } from "./helpers/mocks";

const recorder = setup();

import type * as HubModule from "../components/organizationHub";
import type * as SpokeModule from "../components/organizationSpoke";
import type * as StackModule from "../stack";
import { resolveDetections } from "../core/detection";
import { hubBusPolicy } from "../core/org/busPolicy";
import { assumeMemberRoleStatement, hubRoleName } from "../core/org/memberRoles";
import {
  accountSpokeTemplate,
  heartbeatPattern,
  regionalSpokeTemplate,
  templateBody,
} from "../core/org/spokeTemplate";
import { REMEDIATION_IDS } from "../core/types";

const HUB = "aws-security-watch:index:OrganizationHub";
const STACK_SET = "aws:cloudformation/stackSet:StackSet";
const INSTANCE = "aws:cloudformation/stackSetInstance:StackSetInstance";
const CFN_STACK = "aws:cloudformation/stack:Stack";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const ROOT = path.resolve(__dirname, "..");
const ORG = "o-a1b2c3d4e5";
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

function config(stack: string): (key: string) => unknown {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return (key) => doc.config[`aws-security-watch:${key}`];
}

describe("OrganizationHub", () => {
  let mod: typeof HubModule;
  const args = (
    extra: Partial<HubModule.OrganizationHubArgs> = {},
  ): HubModule.OrganizationHubArgs => ({
    organizationId: ORG,
    organizationalUnitIds: ["ou-ab12-abcdefgh", "r-ab12"],
    regions: REGIONS,
    externalId: "asw-test",
    expectedAccounts: 200,
    alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts-high",
    ...extra,
  });
  before(async () => {
    mod = await import("../components/organizationHub");
  });

  describe("with StackSets", () => {
    let hub: HubModule.OrganizationHub;
    before(async () => {
      recorder.reset();
      hub = new mod.OrganizationHub("org", args());
      await settle();
    });

    it("creates the central bus with the organization's policy", async () => {
      const bus = recorder.get("aws:cloudwatch/eventBus:EventBus", "org-bus");
      expect(bus.parent).to.equal(`${HUB}::org`);
      expect(bus.inputs.name).to.equal("asw-hub");
      const policy = recorder.get("aws:cloudwatch/eventBusPolicy:EventBusPolicy", "org-bus-policy");
      const busArn = await valueOf(hub.eventBusArn);
      expect(JSON.parse(policy.inputs.policy)).to.deep.equal(
        hubBusPolicy({
          eventBusArn: busArn,
          organizationId: ORG,
          organizationalUnitPaths: [],
          accounts: [],
          excludedAccounts: [],
        }),
      );
    });

    it("deploys both spoke templates by service-managed StackSets with automatic deployment", async () => {
      const detections = resolveDetections({ ruleNamePrefix: "org" });
      const regional = recorder.get(STACK_SET, "org-spoke-regional").inputs;
      const account = recorder.get(STACK_SET, "org-spoke-account").inputs;
      expect(regional.templateBody).to.equal(templateBody(regionalSpokeTemplate(detections)).body);
      expect(account.templateBody).to.equal(
        templateBody(accountSpokeTemplate(REMEDIATION_IDS)).body,
      );
      for (const set of [regional, account]) {
        expect(set.permissionModel).to.equal("SERVICE_MANAGED");
        expect(set.callAs).to.equal("DELEGATED_ADMIN");
        expect(set.autoDeployment).to.deep.equal({
          enabled: true,
          retainStacksOnAccountRemoval: false,
        });
        expect(set.managedExecution).to.deep.equal({ active: true });
        expect(set.capabilities).to.deep.equal(["CAPABILITY_NAMED_IAM"]);
        expect(set.operationPreferences).to.deep.equal({
          failureTolerancePercentage: 10,
          maxConcurrentPercentage: 25,
          regionConcurrencyType: "PARALLEL",
        });
      }
      expect(regional.parameters).to.deep.equal({ HubEventBusArn: await valueOf(hub.eventBusArn) });
      expect(account.parameters).to.deep.equal({
        HubAccountId: ACCOUNT_ID,
        OrganizationId: ORG,
        ExternalId: "asw-test",
        Regions: REGIONS.join(","),
      });
    });

    it("one regional instance per region and one account instance, all targeting the OUs", () => {
      const instances = recorder.ofType(INSTANCE);
      expect(instances.map((i) => i.name).sort()).to.deep.equal(
        ["org-spoke-account-instance", ...REGIONS.map((r) => `org-spoke-regional-${r}`)].sort(),
      );
      for (const i of instances) {
        expect(i.inputs.deploymentTargets).to.deep.equal({
          organizationalUnitIds: ["ou-ab12-abcdefgh", "r-ab12"],
        });
        expect(i.inputs.callAs).to.equal("DELEGATED_ADMIN");
      }
      for (const region of REGIONS) {
        const instance = recorder.get(INSTANCE, `org-spoke-regional-${region}`);
        expect(instance.inputs.stackSetInstanceRegion).to.equal(region);
      }
    });

    it("counts heartbeats on the bus and alarms below accounts x regions", () => {
      const rule = recorder.get(RULE, "org-heartbeat").inputs;
      expect(JSON.parse(rule.eventPattern)).to.deep.equal(heartbeatPattern());
      expect(rule.eventBusName).to.equal("asw-hub");
      const target = recorder.get(
        "aws:cloudwatch/eventTarget:EventTarget",
        "org-heartbeat-log",
      ).inputs;
      expect(target.eventBusName).to.equal("asw-hub");
      const alarm = recorder.get(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "org-spoke-missing",
      ).inputs;
      // D (issue 18): distinct spokes, not total events: one chatty spoke cannot hide a dead one.
      expect(alarm).to.deep.include({
        threshold: 600,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
      });
      expect(alarm.namespace).to.equal(undefined);
      expect(alarm.metricQueries).to.deep.equal([
        {
          id: "spokes",
          expression: 'INSIGHT_RULE_METRIC("asw-hub-spokes", "UniqueContributors")',
          label: "distinct spokes (account, region) heard in the hour",
          period: 3600,
          returnData: true,
        },
      ]);
      const spokes = recorder.get(
        "aws:cloudwatch/contributorInsightRule:ContributorInsightRule",
        "org-spokes",
      ).inputs;
      expect(spokes.ruleName).to.equal("asw-hub-spokes");
      expect(JSON.parse(spokes.ruleDefinition)).to.deep.equal({
        Schema: { Name: "CloudWatchLogRule", Version: 1 },
        LogGroupNames: ["/aws/events/asw-hub-heartbeats"],
        LogFormat: "JSON",
        Contribution: { Keys: ["$.account", "$.region"], Filters: [] },
        AggregateOn: "Count",
      });
    });

    it("its size does not depend on the number of accounts, only on the regions", async () => {
      const count = async (a: HubModule.OrganizationHubArgs, name: string) => {
        recorder.reset();
        new mod.OrganizationHub(name, a);
        await settle();
        return recorder.resources.length;
      };
      const small = await count(args({ expectedAccounts: 5 }), "small");
      const large = await count(args({ expectedAccounts: 5000 }), "large");
      const moreRegions = await count(args({ regions: [...REGIONS, "eu-north-1"] }), "wide");
      expect(large).to.equal(small);
      expect(moreRegions).to.equal(small + 1);
    });
  });

  it("without StackSets: the bus and templates only; without a topic or expected accounts: no alarm", async () => {
    recorder.reset();
    const hub = new mod.OrganizationHub(
      "bare",
      args({ deployStackSets: false, expectedAccounts: 0 }),
    );
    await settle();
    expect(recorder.ofType(STACK_SET)).to.deep.equal([]);
    expect(recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")).to.deep.equal([]);
    expect(JSON.parse(hub.regionalTemplateBody).Parameters).to.have.keys("HubEventBusArn");
  });

  it("refuses a malformed configuration with every problem", () => {
    expect(
      () =>
        new mod.OrganizationHub(
          "bad",
          args({
            organizationId: "o-1",
            organizationalUnitIds: ["ou-1"],
            regions: ["Mars"],
            externalId: "x",
            eventBusName: "default",
            rollout: { failureTolerancePercentage: 101 },
          }),
        ),
    ).to.throw(
      [
        'organizationId: "o-1" is not an organization id (o-...)',
        'organizationalUnitIds: "ou-1" is not an OU or root id',
        'regions: "Mars" is not a region name',
        "externalId: 2 to 1224 characters of letters, digits and +=,.@:/-_",
        'eventBusName: "default" is not a custom event bus name',
        "rollout.failureTolerancePercentage: a whole number from 0 to 100, got 101",
      ].join("\n"),
    );
  });
});

describe("OrganizationSpoke", () => {
  let mod: typeof SpokeModule;
  before(async () => {
    mod = await import("../components/organizationSpoke");
  });

  it("one regional stack per provider, the member roles once", async () => {
    recorder.reset();
    const aws = await import("@pulumi/aws");
    const providers = Object.fromEntries(
      REGIONS.map((r) => [r, new aws.Provider(`p-${r}`, { region: r as never })]),
    );
    new mod.OrganizationSpoke("mgmt", {
      hubEventBusArn: "arn:aws:events:eu-west-1:222222222222:event-bus/asw-hub",
      regionalTemplateBody: "{regional}",
      accountTemplateBody: "{account}",
      memberRoles: { hubAccountId: "222222222222", organizationId: ORG, externalId: "asw-test" },
      regionProviders: providers,
      accountStackRegion: "eu-west-1",
    });
    await settle();
    const stacks = recorder.ofType(CFN_STACK);
    const deployed = (name: string) => {
      const stack = recorder.get(CFN_STACK, name);
      return [stack.inputs.name, stack.provider?.split("::")[3]];
    };
    expect(stacks).to.have.length(REGIONS.length + 1);
    for (const r of REGIONS) {
      expect(deployed(`mgmt-${r}`)).to.deep.equal(["asw-spoke-regional", `p-${r}`]);
    }
    expect(deployed("mgmt-account")).to.deep.equal(["asw-spoke-account", "p-eu-west-1"]);
    expect(recorder.get(CFN_STACK, "mgmt-account").inputs.parameters).to.deep.equal({
      HubAccountId: "222222222222",
      OrganizationId: ORG,
      ExternalId: "asw-test",
      Regions: REGIONS.join(","),
    });
    expect(recorder.get(CFN_STACK, "mgmt-account").inputs.capabilities).to.deep.equal([
      "CAPABILITY_NAMED_IAM",
    ]);
  });

  it("says what is missing", async () => {
    expect(
      () =>
        new mod.OrganizationSpoke("x", {
          hubEventBusArn: "arn",
          regionalTemplateBody: "{}",
          regionProviders: {},
        }),
    ).to.throw("regionProviders: give one provider per region of the spoke");
  });
});

describe("the org-hub stack (Pulumi.org-hub.yaml under mocks)", () => {
  let stackModule: typeof StackModule;
  before(async () => {
    stackModule = await import("../stack");
    recorder.reset();
    stackModule.buildStack(config("org-hub"), "eu-west-1");
    await settle();
  });

  it("the watcher's rules run on the hub bus, and the hub forwards nothing itself (the spokes do)", () => {
    const rules = recorder.childrenOf("aws-security-watch:index:SecurityRuleWatcher", "watch");
    const eventRules = rules.filter((r) => r.type === RULE);
    expect(eventRules.length).to.equal(resolveDetections().length);
    for (const rule of eventRules) expect(rule.inputs.eventBusName, rule.name).to.equal("asw-hub");
    expect(rules.filter((r) => r.type === "pulumi:providers:aws")).to.deep.equal([]);
    const targets = recorder
      .ofType("aws:cloudwatch/eventTarget:EventTarget")
      .filter((t) => t.name.startsWith("remediate-"));
    expect(targets.length).to.be.greaterThan(0);
    for (const t of targets) expect(t.inputs.eventBusName, t.name).to.equal("asw-hub");
  });

  it("each remediation role is named for the member roles' trust and may assume its member role in the organization", async () => {
    for (const id of REMEDIATION_IDS) {
      const role = recorder.get("aws:iam/role:Role", `remediate-${id}-role`);
      expect(role.inputs.name).to.equal(hubRoleName(id));
      const policy = JSON.parse(
        await valueOf(
          recorder.get("aws:iam/rolePolicy:RolePolicy", `remediate-${id}-role-policy`).inputs
            .policy,
        ),
      );
      expect(policy.Statement.at(-1)).to.deep.equal(
        assumeMemberRoleStatement(id, { partition: "aws", organizationId: ORG }),
      );
    }
  });

  it("the management account, which StackSets skip, gets its spoke through explicit providers assuming the configured role", () => {
    const stacks = recorder.childrenOf(
      "aws-security-watch:index:OrganizationSpoke",
      "management-account",
    );
    expect(stacks.filter((s) => s.inputs.name === "asw-spoke-regional")).to.have.length(17);
    expect(stacks.filter((s) => s.inputs.name === "asw-spoke-account")).to.have.length(1);
    const provider = recorder.get("pulumi:providers:aws", "management-account-us-east-1");
    expect(JSON.parse(provider.inputs.assumeRoles)).to.deep.equal([
      {
        roleArn: "arn:aws:iam::111111111111:role/aws-security-watch-deployer",
        sessionName: "aws-security-watch",
      },
    ]);
  });

  it("runs the CIS alarms on the hub's copy of the organization trail's log group, with no trail of its own", () => {
    expect(recorder.ofType("aws:cloudtrail/trail:Trail")).to.deep.equal([]);
    const filters = recorder.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter");
    expect(filters.length).to.be.greaterThan(10);
    for (const f of filters)
      expect(f.inputs.logGroupName).to.equal("aws-cloudtrail-logs-o-a1b2c3d4e5");
  });

  it("refuses a hub configuration that does not say how the management account is covered", () => {
    const base = config("org-hub");
    const org = { ...(base("organization") as Record<string, unknown>) };
    delete org.managementAccount;
    expect(() =>
      stackModule.buildStack((k) => (k === "organization" ? org : base(k)), "eu-west-1"),
    ).to.throw(
      "aws-security-watch:organization.managementAccount: required (service-managed StackSets skip the management account; set accountId and roleArn (the hub deploys its spoke with explicit providers) or watched: false)",
    );
  });
});

describe("a single account's other regions (spokeRegions)", () => {
  it("are spokes forwarding to the home region's default bus, and us-east-1's spoke forwards the global events", async () => {
    const stackModule = await import("../stack");
    recorder.reset();
    const dev = config("dev");
    stackModule.buildStack(
      (k) => (k === "spokeRegions" ? ["us-east-1", "eu-central-1"] : dev(k)),
      "eu-west-1",
    );
    await settle();
    const stacks = recorder.ofType(CFN_STACK);
    expect(stacks.map((s) => s.name).sort()).to.deep.equal([
      "regions-eu-central-1",
      "regions-us-east-1",
    ]);
    expect(
      await valueOf(recorder.get(CFN_STACK, "regions-us-east-1").inputs.parameters),
    ).to.deep.equal({
      HubEventBusArn: `arn:aws:events:eu-west-1:${ACCOUNT_ID}:event-bus/default`,
    });
    // No second forwarder: the us-east-1 spoke already forwards global-service events.
    expect(recorder.ofType(RULE).filter((r) => r.name.startsWith("watch-fwd-"))).to.deep.equal([]);
    // The remediations, and the threshold detections' reporter (the dev stack turns them on).
    expect(
      recorder
        .ofType("aws:lambda/function:Function")
        .filter((f) => !f.parent?.startsWith("aws-security-watch:index:ThresholdAlarmGroup::")),
    ).to.have.length(REMEDIATION_IDS.length);
    expect(recorder.ofType(STACK_SET)).to.deep.equal([]);
  });

  it("the stack's own region is not a spoke", async () => {
    const stackModule = await import("../stack");
    const dev = config("dev");
    expect(() =>
      stackModule.buildStack((k) => (k === "spokeRegions" ? ["eu-west-1"] : dev(k)), "eu-west-1"),
    ).to.throw('spokeRegions: "eu-west-1" is the stack\'s own region; list the other regions');
  });
});
