/**
 * AWS Config against the emulator: the recorder, delivery channel and managed rules that
 * ComplianceRecorder declares (inputs recorded under Pulumi mocks) created with the real SDK in
 * moto, which checks each managed rule identifier and its parameter names against AWS's list;
 * and the remediation handlers, serialized as Pulumi ships them, on compliance changes built from
 * the real state of pre-existing problems (scripts/compliance.ts).
 */
import { expect } from "chai";
import {
  DescribeConfigRulesCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
  DescribeDeliveryChannelsCommand,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import { CreateTagsCommand, DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CONFIG_RULES, configRuleName } from "../../core/catalog/configRules";
import { CATALOG } from "../../core/catalog";
import { matchesPattern } from "../../core/eventPattern";
import { RemediationId, RemediationMode } from "../../core/types";
import { runtimeFactory } from "../../lambdas/bootstrap";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { RemediationResult } from "../../lambdas/runtime/remediator";
import {
  PREEXISTING_SCENARIOS,
  PreexistingScenario,
  complianceChangeEvent,
  complianceEventFor,
  evaluateSecurityGroup,
} from "../../scripts/compliance";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import {
  ATTACKER,
  ResolutionInbox,
  ScenarioContext,
  createIdempotencyTable,
  createResolutionInbox,
  createScenarioContext,
  scenario,
  wrapAsEventBridge,
} from "../../scripts/scenarios";
import { setup, settle } from "../helpers/mocks";
import { serializeHandler } from "../helpers/serialize";

const recorder = setup();
const REGION = "eu-west-1";
const PREFIX = "asw-it";
const PORTS = [443];
const EXEMPT_TAG = { key: "security-watch:exempt", value: "true" };
const OWN_ROLE_ARN = "arn:aws:iam::123456789012:role/security-watch-remediator";

type Handler = (event: unknown) => Promise<RemediationResult>;

/** Runs a handler with its stdout lines captured; returns the result or the error, and the lines. */
async function invoke(handler: Handler, event: unknown) {
  const lines: Record<string, unknown>[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split("\n").filter(Boolean)) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ text: line });
      }
    }
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await handler(event), lines };
  } catch (error) {
    return { error: error as Error, lines };
  } finally {
    process.stdout.write = write;
  }
}

describe("AWS Config against moto", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let restoreEnv: () => void;
  let ctx: ScenarioContext;
  let inbox: ResolutionInbox;
  const handlers = new Map<string, Handler>();
  const savedEnv = {
    R: process.env.RESOLUTION_TOPIC_ARN,
    O: process.env.OWN_ROLE_ARN,
    T: process.env.IDEMPOTENCY_TABLE,
  };

  async function handlerFor(id: RemediationId, mode: RemediationMode): Promise<Handler> {
    const key = `${id}/${mode}`;
    if (!handlers.has(key)) {
      const settings = {
        ...settingDefaults(id),
        mode,
        exemptTag: EXEMPT_TAG,
        trustedPrincipalArns: [],
        ...(id === RemediationId.RevokeWorldIngress ? { allowedPublicPorts: PORTS } : {}),
      };
      const serialized = await serializeHandler(
        runtimeFactory(remediationSpec(id).factory, settings),
      );
      handlers.set(key, serialized.handler as Handler);
    }
    return handlers.get(key)!;
  }

  before(async () => {
    moto = await startMoto();
    restoreEnv = useMotoEnvironment(moto.endpoint, REGION);
    ctx = createScenarioContext(moto.endpoint, REGION);
    inbox = await createResolutionInbox(ctx);
    process.env.RESOLUTION_TOPIC_ARN = inbox.topicArn;
    process.env.OWN_ROLE_ARN = OWN_ROLE_ARN;
    // The idempotency table AutoRemediator deploys (event and resource records).
    await createIdempotencyTable(ctx, "asw-it-idempotency");
    process.env.IDEMPOTENCY_TABLE = "asw-it-idempotency";
  });

  after(async () => {
    if (savedEnv.R === undefined) delete process.env.RESOLUTION_TOPIC_ARN;
    else process.env.RESOLUTION_TOPIC_ARN = savedEnv.R;
    if (savedEnv.O === undefined) delete process.env.OWN_ROLE_ARN;
    else process.env.OWN_ROLE_ARN = savedEnv.O;
    if (savedEnv.T === undefined) delete process.env.IDEMPOTENCY_TABLE;
    else process.env.IDEMPOTENCY_TABLE = savedEnv.T;
    restoreEnv?.();
    await moto?.stop();
  });

  describe("recorder, delivery channel and rules as ComplianceRecorder declares them", () => {
    it("creates them in the emulator and reads them back as declared", async () => {
      const bucket = "asw-it-config-delivery";
      await ctx.clients.s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: REGION as never },
        }),
      );
      recorder.reset();
      const { ComplianceRecorder, RecordingFrequency, SnapshotDeliveryFrequency } =
        await import("../../components/complianceRecorder");
      new ComplianceRecorder("it", {
        resolutionTopicArn: inbox.topicArn,
        ruleNamePrefix: PREFIX,
        deliveryBucketName: bucket,
        recordingFrequency: RecordingFrequency.Daily,
        snapshotDeliveryFrequency: SnapshotDeliveryFrequency.TwelveHours,
        createServiceLinkedRole: false,
        allowedPublicPorts: PORTS,
      });
      await settle();
      const rec = recorder.get("aws:cfg/recorder:Recorder", "it-recorder").inputs;
      const channel = recorder.get(
        "aws:cfg/deliveryChannel:DeliveryChannel",
        "it-delivery-channel",
      ).inputs;
      const { config } = ctx.clients;
      await config.send(
        new PutConfigurationRecorderCommand({
          ConfigurationRecorder: {
            name: rec.name,
            roleARN: rec.roleArn,
            recordingGroup: rec.recordingGroup,
            recordingMode: rec.recordingMode,
          },
        }),
      );
      await config.send(
        new PutDeliveryChannelCommand({
          DeliveryChannel: {
            name: channel.name,
            s3BucketName: channel.s3BucketName,
            s3KeyPrefix: channel.s3KeyPrefix,
            configSnapshotDeliveryProperties: channel.snapshotDeliveryProperties,
          },
        }),
      );
      await config.send(
        new StartConfigurationRecorderCommand({ ConfigurationRecorderName: rec.name }),
      );

      const recorders = await config.send(new DescribeConfigurationRecordersCommand({}));
      expect(recorders.ConfigurationRecorders?.map((r) => r.name)).to.deep.equal([PREFIX]);
      const got = recorders.ConfigurationRecorders![0];
      expect(got.roleARN).to.equal(
        "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
      );
      expect(got.recordingGroup?.allSupported).to.equal(true);
      expect(got.recordingGroup?.includeGlobalResourceTypes).to.equal(true);
      const status = await config.send(new DescribeConfigurationRecorderStatusCommand({}));
      expect(status.ConfigurationRecordersStatus?.[0]?.recording).to.equal(true);
      const channels = await config.send(new DescribeDeliveryChannelsCommand({}));
      expect(channels.DeliveryChannels?.[0]).to.deep.include({
        name: PREFIX,
        s3BucketName: bucket,
        s3KeyPrefix: "config",
      });
      expect(channels.DeliveryChannels?.[0]?.configSnapshotDeliveryProperties).to.deep.equal({
        deliveryFrequency: "Twelve_Hours",
      });

      // moto validates each managed rule identifier and its parameter names against AWS's list.
      for (const r of recorder.ofType("aws:cfg/rule:Rule")) {
        const i = r.inputs;
        await config.send(
          new PutConfigRuleCommand({
            ConfigRule: {
              ConfigRuleName: i.name,
              Description: i.description,
              Source: { Owner: i.source.owner, SourceIdentifier: i.source.sourceIdentifier },
              InputParameters: i.inputParameters,
              Scope: i.scope
                ? { ComplianceResourceTypes: i.scope.complianceResourceTypes }
                : undefined,
              MaximumExecutionFrequency: i.maximumExecutionFrequency,
            },
          }),
        );
      }
      const rules = await config.send(new DescribeConfigRulesCommand({}));
      const byName = new Map((rules.ConfigRules ?? []).map((r) => [r.ConfigRuleName, r]));
      for (const rule of CONFIG_RULES) {
        const deployed = byName.get(configRuleName(PREFIX, rule.key));
        expect(deployed, rule.key).to.not.equal(undefined);
        expect(deployed!.Source?.SourceIdentifier).to.equal(rule.identifier);
      }
      expect(
        JSON.parse(byName.get(`${PREFIX}-sg-open-ports`)!.InputParameters ?? "{}"),
      ).to.deep.equal({ authorizedTcpPorts: "443", authorizedUdpPorts: "443" });
    });

    it("rejects a rule parameter that the managed rule does not take (the check above is real)", async () => {
      let error: Error | undefined;
      try {
        await ctx.clients.config.send(
          new PutConfigRuleCommand({
            ConfigRule: {
              ConfigRuleName: "asw-it-bad",
              Source: { Owner: "AWS", SourceIdentifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS" },
              InputParameters: JSON.stringify({ allowedPorts: "443" }),
            },
          }),
        );
      } catch (e) {
        error = e as Error;
      }
      expect(error?.name).to.equal("InvalidParameterValueException");
    });
  });

  describe("handlers on compliance changes built from pre-existing problems", () => {
    const options = { rulePrefix: PREFIX, allowedPorts: PORTS };

    async function made(scenario: PreexistingScenario): Promise<string> {
      const resource = await scenario.setup(ctx);
      const before = await scenario.verify(ctx, resource, PORTS);
      expect(before.safe, `precondition: ${before.detail}`).to.equal(false);
      return resource;
    }

    for (const scenario of PREEXISTING_SCENARIOS) {
      it(`${scenario.id}: the compliance change fires config-${scenario.ruleKey}, routed to ${scenario.remediation}`, async () => {
        const resource = await made(scenario);
        const { event } = await complianceEventFor(scenario, ctx, resource, options);
        const fired = CATALOG.filter((d) => matchesPattern(d.eventPattern, event));
        expect(fired.map((d) => d.id)).to.deep.equal([`config-${scenario.ruleKey}`]);
        expect(fired[0].remediation).to.equal(scenario.remediation);
      });

      it(`${scenario.id}: dry-run reports and changes nothing; enforce undoes it once; a second delivery is a duplicate`, async () => {
        const resource = await made(scenario);
        const { event } = await complianceEventFor(scenario, ctx, resource, options);
        const dry = await invoke(
          await handlerFor(scenario.remediation, RemediationMode.DryRun),
          event,
        );
        expect(dry.error).to.equal(undefined);
        expect(dry.result!.outcome).to.equal("dry-run");
        expect(dry.result!.actions.length).to.be.at.least(1);
        expect((await scenario.verify(ctx, resource, PORTS)).safe).to.equal(false);
        const dryMessage = await inbox.receive(String(event.id), 5000);
        expect(dryMessage?.subject).to.match(/^\[DRY-RUN\] /);

        const enforce = await handlerFor(scenario.remediation, RemediationMode.Enforce);
        // Another delivery of the result (a new EventBridge id): one function runs in one mode.
        const live = { ...event, id: `${event.id}-enforce` };
        const first = await invoke(enforce, live);
        expect(first.error).to.equal(undefined);
        expect(first.result!.outcome).to.equal("remediated");
        const after = await scenario.verify(ctx, resource, PORTS);
        expect(after.safe, after.detail).to.equal(true);
        const incident = first.lines.filter((l) => l.type === "incident");
        expect(incident).to.have.length(1);
        expect(incident[0]).to.deep.include({
          eventId: live.id,
          principal: "config.amazonaws.com",
          outcome: "remediated",
        });
        const resolution = await inbox.receive(live.id, 5000);
        expect(resolution?.subject).to.match(/^\[REMEDIATED\] /);
        expect(resolution?.message).to.contain(`fails ${PREFIX}-${scenario.ruleKey}`);

        const again = await invoke(enforce, live);
        expect(again.result!.outcome).to.equal("duplicate");
        expect(again.result!.actions).to.deep.equal([]);
      });
    }

    it("revokes every world-open permission of the group except allowed ports, and nothing else", async () => {
      const scenario = PREEXISTING_SCENARIOS.find((s) => s.id === "preexisting-open-group")!;
      const groupId = await made(scenario);
      const { event } = await complianceEventFor(scenario, ctx, groupId, options);
      const out = await invoke(
        await handlerFor(RemediationId.RevokeWorldIngress, RemediationMode.Enforce),
        event,
      );
      expect(out.result!.actions).to.have.members([
        `RevokeSecurityGroupIngress ${groupId} 0.0.0.0/0 tcp:22`,
        `RevokeSecurityGroupIngress ${groupId} ::/0 tcp:3389`,
        `RevokeSecurityGroupIngress ${groupId} 0.0.0.0/0 udp:0-65535`,
      ]);
      const group = await ctx.clients.ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
      );
      const left = (group.SecurityGroups![0].IpPermissions ?? []).map(
        (p) =>
          `${p.IpProtocol}:${p.FromPort}:${[...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].join(",")}`,
      );
      expect(left).to.have.members(["tcp:443:0.0.0.0/0", "tcp:22:10.0.0.0/8"]);
    });

    it("leaves an exempt-tagged group as is, and says so", async () => {
      const scenario = PREEXISTING_SCENARIOS.find((s) => s.id === "preexisting-open-group")!;
      const groupId = await made(scenario);
      await ctx.clients.ec2.send(
        new CreateTagsCommand({
          Resources: [groupId],
          Tags: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }],
        }),
      );
      const { event } = await complianceEventFor(scenario, ctx, groupId, options);
      const out = await invoke(
        await handlerFor(RemediationId.RevokeWorldIngress, RemediationMode.Enforce),
        event,
      );
      expect(out.result!.outcome).to.equal("exempt");
      expect((await scenario.verify(ctx, groupId, PORTS)).safe).to.equal(false);
    });

    it("ignores a COMPLIANT result without any call, and rejects a hostile resource id", async () => {
      const handler = await handlerFor(RemediationId.RevokeWorldIngress, RemediationMode.Enforce);
      const base = {
        account: ctx.account,
        region: REGION,
        ruleName: `${PREFIX}-sg-open-ports`,
        resourceType: "AWS::EC2::SecurityGroup",
      };
      const compliant = await invoke(
        handler,
        complianceChangeEvent({
          ...base,
          resourceId: "sg-0123456789abcdef0",
          complianceType: "COMPLIANT",
        }),
      );
      expect(compliant.result!.outcome).to.equal("ignored");
      const hostile = await invoke(
        handler,
        complianceChangeEvent({
          ...base,
          resourceId: "sg-1 --all",
          complianceType: "NON_COMPLIANT",
        }),
      );
      expect(hostile.error?.message).to.match(
        /rejected event: .*is not a AWS::EC2::SecurityGroup id/,
      );
      const otherType = await invoke(
        handler,
        complianceChangeEvent({
          ...base,
          resourceType: "AWS::S3::Bucket",
          resourceId: "b-1",
          complianceType: "NON_COMPLIANT",
        }),
      );
      expect(otherType.error?.message).to.match(/unexpected resource type AWS::S3::Bucket/);
    });

    it("live event, then Config's evaluation of the same change: one remediation, one pair of messages", async () => {
      // Config recorded the group while it was open; the live path revoked the rule within
      // seconds; Config's NON_COMPLIANT arrives after. The handler finds the group safe and the
      // live event's record: no call, no second message (outcome duplicate).
      const live = scenario("sg-world-ssh-ipv4");
      const setupResult = await live.setup(ctx);
      const groupId = setupResult.resource;
      const config = complianceChangeEvent({
        ...(await evaluateSecurityGroup(ctx, groupId, PORTS)),
        account: ctx.account,
        region: REGION,
        ruleName: `${PREFIX}-sg-open-ports`,
      });
      expect(
        (config.detail as { newEvaluationResult: { complianceType: string } }).newEvaluationResult
          .complianceType,
      ).to.equal("NON_COMPLIANT");
      const handler = await handlerFor(RemediationId.RevokeWorldIngress, RemediationMode.Enforce);
      const first = await invoke(handler, wrapAsEventBridge(setupResult.record));
      expect(first.result!.outcome).to.equal("remediated");
      expect(await inbox.receive(setupResult.record.eventID, 5000)).to.not.equal(undefined);

      const late = await invoke(handler, config);
      expect(late.error).to.equal(undefined);
      expect(late.result!.outcome).to.equal("duplicate");
      expect(late.result!.actions).to.deep.equal([]);
      expect(late.result!.message).to.contain(setupResult.record.eventID);
      const record = late.lines.find((l) => l.type === "incident")!;
      expect([record.outcome, record.published]).to.deep.equal(["duplicate", ""]);
      expect(await inbox.receive(String(config.id), 300)).to.equal(undefined);
      // Delivered again: still one remediation, still no message.
      const again = await invoke(handler, config);
      expect(again.result!.outcome).to.equal("duplicate");
      expect(await inbox.receive(String(config.id), 300)).to.equal(undefined);
    });

    it("a change left as is for a trusted principal stays as is when Config reports it", async () => {
      const trustedArn = `arn:aws:iam::${ctx.account}:user/${ATTACKER.userName}`;
      const settings = {
        ...settingDefaults(RemediationId.RevokeWorldIngress),
        mode: RemediationMode.Enforce,
        exemptTag: EXEMPT_TAG,
        trustedPrincipalArns: [trustedArn],
        allowedPublicPorts: PORTS,
      };
      const handler = (
        await serializeHandler(
          runtimeFactory(remediationSpec(RemediationId.RevokeWorldIngress).factory, settings),
        )
      ).handler as Handler;
      const live = scenario("sg-world-ssh-ipv4");
      const setupResult = await live.setup(ctx);
      const first = await invoke(handler, wrapAsEventBridge(setupResult.record));
      expect(first.result!.outcome).to.equal("exempt");
      const config = complianceChangeEvent({
        ...(await evaluateSecurityGroup(ctx, setupResult.resource, PORTS)),
        account: ctx.account,
        region: REGION,
        ruleName: `${PREFIX}-sg-open-ports`,
      });
      const late = await invoke(handler, config);
      expect(late.result!.outcome).to.equal("exempt");
      expect(late.result!.message).to.contain(setupResult.record.eventID);
      expect((await live.verify(ctx, setupResult)).safe).to.equal(false);
    });
  });
});
