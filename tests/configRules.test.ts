import { expect } from "chai";
import * as fc from "fast-check";

import { CATALOG, EventOrigin } from "../core/catalog";
import {
  CONFIG_RULES,
  complianceDetectionId,
  configRuleOfDetection,
  configRuleOfName,
  portList,
} from "../core/catalog/configRules";
import {
  complianceResolvedPattern,
  complianceResolvedTransformer,
} from "../core/compliancePolicies";
import { matchesPattern, validatePattern } from "../core/eventPattern";
import { configRuleArgs } from "../components/complianceRecorder";
import { readComplianceChange } from "../lambdas/runtime/compliance";
import { complianceChangeEvent, renderTransformer } from "../scripts/compliance";
import { REMEDIATION_IDS, RemediationId } from "../core/types";
import { remediationSpec, settingDefaults } from "../remediations/registry";
import { CONFIG_SAMPLES } from "./helpers/detectionSamples";
import { baseSettings, captureLogs } from "./lambdas/harness";

const byId = (id: string) => CATALOG.find((d) => d.id === id);

describe("AWS Config rules (core/catalog/configRules.ts)", () => {
  it("has unique kebab-case keys, none the hyphen-suffix of another (the detection matches by suffix)", () => {
    const keys = CONFIG_RULES.map((r) => r.key);
    expect(new Set(keys).size).to.equal(keys.length);
    for (const a of keys) {
      expect(a).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const b of keys)
        if (a !== b) expect(`x-${a}`.endsWith(`-${b}`), `${a} / ${b}`).to.equal(false);
    }
  });

  it("covers the managed rules the issue asks for", () => {
    expect(CONFIG_RULES.map((r) => r.identifier)).to.include.members([
      "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
      "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
      "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
      "CLOUD_TRAIL_ENABLED",
      "MULTI_REGION_CLOUD_TRAIL_ENABLED",
      "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
      "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
      "ACCESS_KEYS_ROTATED",
      "IAM_ROOT_ACCESS_KEY_CHECK",
    ]);
  });

  for (const rule of CONFIG_RULES) {
    it(`${rule.key}: its detection is in the catalog, with its severity, remediation and links`, () => {
      const detection = byId(complianceDetectionId(rule.key))!;
      expect(detection, "detection").to.not.equal(undefined);
      expect(detection.origin).to.equal(EventOrigin.AwsConfig);
      expect(detection.severity).to.equal(rule.severity);
      expect(detection.remediation).to.equal(rule.remediation);
      expect(configRuleOfDetection(detection.id)).to.equal(rule);
      expect(configRuleOfName(`asw-dev-${rule.key}`)).to.equal(rule);
      for (const live of rule.liveDetections) {
        const d = byId(live);
        expect(d, live).to.not.equal(undefined);
        // The Config path undoes with the same function as the live path, or neither does.
        if (rule.remediation) expect(d!.remediation, live).to.be.oneOf([rule.remediation]);
      }
      if (!rule.remediation) expect(rule.description).to.match(/Alert only/);
      expect(validatePattern(detection.eventPattern)).to.deep.equal([]);
    });
  }

  it("each NON_COMPLIANT sample fires exactly its detection; COMPLIANT and other tools' rules fire none", () => {
    for (const sample of CONFIG_SAMPLES) {
      const fired = CATALOG.filter((d) => matchesPattern(d.eventPattern, sample.event)).map(
        (d) => d.id,
      );
      expect(fired, sample.name).to.deep.equal(sample.fires);
    }
  });

  it("derives the parameters from the remediation settings", () => {
    const settings = { allowedPublicPorts: [443, 80], maxAccessKeyAgeDays: 30 };
    const table: [string, Record<string, string> | undefined][] = [
      ["sg-open-ports", { authorizedTcpPorts: "80,443", authorizedUdpPorts: "80,443" }],
      ["access-keys-rotated", { maxAccessKeyAge: "30" }],
      ["multi-region-trail", { readWriteType: "ALL", includeManagementEvents: "true" }],
      [
        "account-public-access",
        {
          BlockPublicAcls: "True",
          IgnorePublicAcls: "True",
          BlockPublicPolicy: "True",
          RestrictPublicBuckets: "True",
        },
      ],
      ["key-pending-deletion", undefined],
      ["bucket-public-access", undefined],
    ];
    for (const [key, parameters] of table) {
      const args = configRuleArgs(
        CONFIG_RULES.find((r) => r.key === key)!,
        "p",
        settings,
      );
      expect(
        args.inputParameters === undefined ? undefined : JSON.parse(args.inputParameters as string),
        key,
      ).to.deep.equal(parameters);
    }
  });

  it("portList: ports as Config's port lists take them", () => {
    const table: [number[], string][] = [
      [[], ""],
      [[443], "443"],
      [[443, 80, 80], "80,443"],
      [[8080, 8081, 8082, 22], "22,8080-8082"],
    ];
    for (const [ports, text] of table) expect(portList(ports), String(ports)).to.equal(text);
  });

  it("property: portList covers exactly the given ports", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 30 }), (ports) => {
        const covered = new Set<number>();
        for (const part of portList(ports).split(",").filter(Boolean)) {
          const [from, to] = part.split("-").map(Number);
          for (let p = from; p <= (to ?? from); p++) covered.add(p);
        }
        expect([...covered].sort((a, b) => a - b)).to.deep.equal(
          [...new Set(ports)].sort((a, b) => a - b),
        );
      }),
    );
  });
});

describe("the resolution rule (core/compliancePolicies.ts)", () => {
  const pattern = complianceResolvedPattern("asw-dev");
  const event = (
    rule: string,
    now: "COMPLIANT" | "NON_COMPLIANT",
    old?: "COMPLIANT" | "NON_COMPLIANT",
  ) =>
    complianceChangeEvent({
      account: "123456789012",
      region: "eu-west-1",
      ruleName: rule,
      resourceType: "AWS::EC2::SecurityGroup",
      resourceId: "sg-0a1b2c3d4e5f60718",
      complianceType: now,
      oldComplianceType: old,
    });

  it("matches COMPLIANT after NON_COMPLIANT of this stack's rules only", () => {
    expect(validatePattern(pattern)).to.deep.equal([]);
    expect(
      matchesPattern(pattern, event("asw-dev-sg-open-ports", "COMPLIANT", "NON_COMPLIANT")),
    ).to.equal(true);
    expect(matchesPattern(pattern, event("asw-dev-sg-open-ports", "COMPLIANT"))).to.equal(false);
    expect(
      matchesPattern(pattern, event("asw-dev-sg-open-ports", "NON_COMPLIANT", "COMPLIANT")),
    ).to.equal(false);
    expect(
      matchesPattern(pattern, event("asw-prod-sg-open-ports", "COMPLIANT", "NON_COMPLIANT")),
    ).to.equal(false);
  });

  it("renders a readable resolution that names the resource, the rule and the region", () => {
    const lines = renderTransformer(
      complianceResolvedTransformer(),
      event("asw-dev-sg-open-ports", "COMPLIANT", "NON_COMPLIANT"),
    );
    expect(lines[0]).to.equal(
      "[RESOLVED] sg-0a1b2c3d4e5f60718 passes asw-dev-sg-open-ports again in eu-west-1",
    );
    expect(lines[0].length).to.be.below(100);
    expect(lines.join("\n")).to.not.match(/<[A-Za-z]+>/);
  });
});

describe("readComplianceChange (lambdas/runtime/compliance.ts)", () => {
  const good = () =>
    complianceChangeEvent({
      id: "e-1",
      account: "123456789012",
      region: "eu-west-1",
      ruleName: "asw-dev-sg-open-ports",
      resourceType: "AWS::EC2::SecurityGroup",
      resourceId: "sg-0a1b2c3d4e5f60718",
      complianceType: "NON_COMPLIANT",
      annotation: "Unrestricted access on tcp:22.",
    }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const types = ["AWS::EC2::SecurityGroup"];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const qualifier = (e: Record<string, any>) =>
    e.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier;

  it("reads the facts: EventBridge id, AWS Config as principal, the rule and the annotation", () => {
    const change = readComplianceChange(good(), types);
    expect("kind" in change).to.equal(false);
    if ("kind" in change) return;
    expect(change.facts).to.deep.include({
      eventId: "e-1",
      eventName: "ConfigRulesComplianceChange",
      account: "123456789012",
      region: "eu-west-1",
      principal: "config.amazonaws.com",
    });
    expect([change.rule, change.resourceId, change.annotation]).to.deep.equal([
      "asw-dev-sg-open-ports",
      "sg-0a1b2c3d4e5f60718",
      "Unrestricted access on tcp:22.",
    ]);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const cases: [string, (e: Record<string, any>) => void, string][] = [
    ["no id", (e) => delete e.id, "compliance change has no EventBridge id"],
    ["another source", (e) => (e.source = "aws.ec2"), "not an AWS Config compliance change"],
    ["no detail", (e) => (e.detail = "x"), "no detail"],
    [
      "another message type",
      (e) => (e.detail.messageType = "OversizedConfigurationItemChangeNotification"),
      "messageType",
    ],
    ["no result", (e) => delete e.detail.newEvaluationResult, "no newEvaluationResult"],
    ["no resource id", (e) => delete e.detail.resourceId, "resourceId missing"],
    [
      "another type",
      (e) => {
        e.detail.resourceType = "AWS::S3::Bucket";
        qualifier(e).resourceType = "AWS::S3::Bucket";
      },
      "unexpected resource type AWS::S3::Bucket",
    ],
    [
      "a hostile id",
      (e) => {
        e.detail.resourceId = "sg-1; rm -rf";
        qualifier(e).resourceId = "sg-1; rm -rf";
      },
      "is not a AWS::EC2::SecurityGroup id",
    ],
    [
      "a qualifier naming another resource",
      (e) =>
        (e.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceId =
          "sg-0000000000000000f"),
      "names another resource",
    ],
    [
      "another account in the detail",
      (e) => (e.detail.awsAccountId = "999999999999"),
      "differs from the event's",
    ],
    ["no valid region", (e) => (e.region = "mars"), "no valid region"],
  ];
  for (const [title, spoil, reason] of cases) {
    it(`rejects ${title}`, () => {
      const event = good();
      spoil(event);
      const plan = readComplianceChange(event, types);
      expect(plan).to.have.property("kind", "reject");
      expect((plan as { reason: string }).reason).to.contain(reason);
    });
  }

  it("ignores a result other than NON_COMPLIANT", () => {
    const event = good();
    event.detail.newEvaluationResult.complianceType = "NOT_APPLICABLE";
    const plan = readComplianceChange(event, types) as { kind: string; reason: string };
    expect(plan.kind).to.equal("ignore");
    expect(plan.reason).to.contain("NOT_APPLICABLE");
  });

  it("property: never throws, whatever the event", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const plan = readComplianceChange({ ...good(), detail: value }, types);
        expect(plan).to.have.property("kind", "reject");
      }),
    );
  });
});

describe("every handler on a compliance change", () => {
  // Handlers with a Config plan act on their resource types; the others reject the event before
  // any AWS call (no SDK is reachable here: a call would fail the test with a network error).
  const event = (ruleKey: string, resourceType: string, resourceId: string) =>
    complianceChangeEvent({
      id: `e-${ruleKey}`,
      account: "123456789012",
      region: "eu-west-1",
      ruleName: `asw-dev-${ruleKey}`,
      resourceType,
      resourceId,
      complianceType: "NON_COMPLIANT",
    });
  const withPlan: Record<string, ReturnType<typeof event>> = {
    [RemediationId.RevokeWorldIngress]: event(
      "sg-open-ports",
      "AWS::EC2::SecurityGroup",
      "sg-0a1b2c3d4e5f60718",
    ),
    [RemediationId.BlockPublicBucket]: event(
      "bucket-public-access",
      "AWS::S3::Bucket",
      "legacy-exports",
    ),
    [RemediationId.CancelKeyDeletion]: event(
      "key-pending-deletion",
      "AWS::KMS::Key",
      "1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    [RemediationId.UnshareSnapshot]: event("ebs-public-snapshot", "AWS::::Account", "123456789012"),
  };

  for (const id of REMEDIATION_IDS) {
    it(`${id}: ${withPlan[id] ? "plans from the resource (off mode: no call)" : "rejects it without a call"}`, async () => {
      const handler = remediationSpec(id).factory({
        ...baseSettings("off"),
        ...settingDefaults(id),
      });
      const logged = await captureLogs(async () => {
        try {
          return await handler(withPlan[id] ?? withPlan[RemediationId.RevokeWorldIngress]);
        } catch (error) {
          return error as Error;
        }
      });
      const out = logged.result as { outcome?: string } | Error;
      if (withPlan[id]) {
        expect((out as { outcome: string }).outcome).to.equal("off");
      } else {
        expect((out as Error).message).to.contain(
          `${id} does not handle Config Rules Compliance Change events`,
        );
      }
    });
  }
});
