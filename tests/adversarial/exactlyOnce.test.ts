/**
 * Exactly once against the emulator (moto, with the AutoRemediator's idempotency table), on the
 * handlers as Pulumi serializes them:
 * - claim poisoning (issue 18, D6): the same event id first handled in dry-run, from a trusted
 *   principal, or naming another, already-safe resource, then the real one: it is remediated;
 *   a replay (EventBridge's `replay-name`) decides again;
 * - kills at every call position (D9): the process dies right after the call took effect (no
 *   catch, no record written), then Lambda's retries (same request id, after the lease lapsed):
 *   the resource ends safe, each change is made once, and every message says REMEDIATED;
 * - AWS Config after live outcomes (D5): what a trusted principal opened stays, part by part,
 *   under the resource's canonical id.
 */
import { expect } from "chai";
import { randomUUID } from "crypto";
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import { RemediationId, RemediationMode } from "../../core/types";
import { runtimeFactory } from "../../lambdas/bootstrap";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { clientConfig, MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import {
  complianceChangeEvent,
  evaluateSecurityGroup,
  evaluateSnapshots,
} from "../../scripts/compliance";
import {
  SCENARIOS,
  ScenarioContext,
  asAssumedRole,
  attackerRecord,
  createIdempotencyTable,
  createResolutionInbox,
  createScenarioContext,
  scenario,
  wrapAsEventBridge,
} from "../../scripts/scenarios";
import { serializeHandler } from "../helpers/serialize";
import { captureLogs, type Json } from "../lambdas/harness";
import { type Call, interceptKills, MUTATING } from "./support";

const REGION = "eu-west-1";
const OWN_ROLE_ARN = "arn:aws:iam::123456789012:role/security-watch-remediator";
const TRUSTED_ROLE = "arn:aws:iam::123456789012:role/platform-admin";
const TABLE = "exactly-once-idempotency";
const PORTS = [443];

type Handler = (event: unknown, context?: unknown) => Promise<Json>;

/** Moto, the table and the resolution topic, with handlers built once per settings. */
function emulator() {
  const state = {} as {
    moto: MotoServer;
    restoreEnv: () => void;
    ctx: ScenarioContext;
    db: DynamoDBClient;
  };
  const saved = { ...process.env };
  const handlers = new Map<string, Handler>();
  before(async () => {
    state.moto = await startMoto();
    state.restoreEnv = useMotoEnvironment(state.moto.endpoint, REGION);
    state.ctx = createScenarioContext(state.moto.endpoint, REGION);
    state.db = new DynamoDBClient(clientConfig(state.moto.endpoint, REGION));
    const inbox = await createResolutionInbox(state.ctx);
    await createIdempotencyTable(state.ctx, TABLE);
    Object.assign(process.env, {
      RESOLUTION_TOPIC_ARN: inbox.topicArn,
      OWN_ROLE_ARN,
      IDEMPOTENCY_TABLE: TABLE,
    });
  });
  after(async () => {
    for (const key of ["RESOLUTION_TOPIC_ARN", "OWN_ROLE_ARN", "IDEMPOTENCY_TABLE"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    state.db?.destroy();
    state.restoreEnv?.();
    await state.moto?.stop();
  });
  async function handlerFor(
    id: RemediationId,
    mode = RemediationMode.Enforce,
    trustedPrincipalArns: string[] = [],
  ): Promise<Handler> {
    const key = `${id}/${mode}/${trustedPrincipalArns.join(",")}`;
    let handler = handlers.get(key);
    if (!handler) {
      const settings = {
        ...settingDefaults(id),
        mode,
        exemptTag: { key: "security-watch:exempt", value: "true" },
        trustedPrincipalArns,
        ...(id === RemediationId.RevokeWorldIngress ? { allowedPublicPorts: PORTS } : {}),
      };
      handler = (await serializeHandler(runtimeFactory(remediationSpec(id).factory, settings)))
        .handler as Handler;
      handlers.set(key, handler);
    }
    return handler;
  }
  const invoke = async (handler: Handler, event: unknown) => {
    const run = await captureLogs(() => handler(event));
    expect(run.error, run.error?.stack).to.equal(undefined);
    return run.result as Json;
  };
  return { state, handlerFor, invoke };
}

describe("adversarial: no earlier outcome decides for another event (claim poisoning, replays)", function () {
  this.timeout(600_000);
  const { state, handlerFor, invoke } = emulator();
  const figures = { dryRunFirst: 0, trustedFirst: 0, otherResourceFirst: 0 };
  after(() =>
    console.log(
      `      claim poisoning remediated: dry-run first ${figures.dryRunFirst}, trusted principal first ${figures.trustedFirst}, another already-safe resource first ${figures.otherResourceFirst}`,
    ),
  );

  for (const s of SCENARIOS) {
    it(`${s.id}: the event handled in dry-run, then in enforce (the mode switched): remediated`, async () => {
      const setup = await s.setup(state.ctx);
      const event = wrapAsEventBridge(setup.record);
      const dry = await invoke(await handlerFor(s.remediation, RemediationMode.DryRun), event);
      expect(dry.outcome).to.equal("dry-run");
      const enforce = await invoke(await handlerFor(s.remediation), event);
      expect(enforce.outcome).to.equal("remediated");
      expect((await s.verify(state.ctx, setup)).safe).to.equal(true);
      figures.dryRunFirst++;
    });

    it(`${s.id}: a trusted principal's event with the same event id first: the attacker's is remediated`, async () => {
      const setup = await s.setup(state.ctx);
      const trusted = {
        ...asAssumedRole(setup.record, TRUSTED_ROLE),
        eventID: setup.record.eventID,
      };
      const handler = await handlerFor(s.remediation, RemediationMode.Enforce, [TRUSTED_ROLE]);
      expect((await invoke(handler, wrapAsEventBridge(trusted))).outcome).to.equal("exempt");
      const attack = await invoke(handler, wrapAsEventBridge(setup.record));
      expect(attack.outcome).to.equal("remediated");
      expect((await s.verify(state.ctx, setup)).safe).to.equal(true);
      figures.trustedFirst++;
    });

    it(`${s.id}: the same event id naming another, already-safe resource first: the unsafe one is remediated`, async () => {
      const other = await s.setup(state.ctx);
      await s.fix(state.ctx, other);
      const setup = await s.setup(state.ctx);
      if (other.resource === setup.resource) return; // an account-level setting: one resource
      const handler = await handlerFor(s.remediation);
      const first = wrapAsEventBridge({ ...other.record, eventID: setup.record.eventID });
      expect((await invoke(handler, first)).outcome).to.equal("already-safe");
      const real = await invoke(handler, wrapAsEventBridge(setup.record));
      expect(real.outcome).to.equal("remediated");
      expect((await s.verify(state.ctx, setup)).safe).to.equal(true);
      figures.otherResourceFirst++;
    });
  }

  it("a replay decides again: the event found already safe, the port opened again, the replayed event revokes it", async () => {
    const s = scenario("sg-world-ssh-ipv4");
    const setup = await s.setup(state.ctx);
    await s.fix(state.ctx, setup);
    const handler = await handlerFor(s.remediation);
    const event = wrapAsEventBridge(setup.record);
    expect((await invoke(handler, event)).outcome).to.equal("already-safe");
    await state.ctx.clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: setup.resource,
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
      }),
    );
    // Delivered again as is: the same decision, nothing done.
    expect((await invoke(handler, event)).outcome).to.equal("duplicate");
    expect((await s.verify(state.ctx, setup)).safe).to.equal(false);
    const replayed = { ...event, "replay-name": "asw-replay-20261204180000-20261204190000" };
    const again = await invoke(handler, replayed);
    expect(again.outcome).to.equal("remediated");
    expect((await s.verify(state.ctx, setup)).safe).to.equal(true);
    expect((await invoke(handler, replayed)).outcome).to.equal("duplicate");
  });
});

describe("adversarial: a kill at every call position, then Lambda's retries", function () {
  this.timeout(900_000);
  const { state, handlerFor } = emulator();
  let kills: ReturnType<typeof interceptKills>;
  const figures = { runs: 0, retries: 0, wrongLabels: 0, doubleMessages: 0, repeated: 0 };
  before(() => (kills = interceptKills()));
  after(() => {
    kills?.restore();
    console.log(
      `      kills: ${figures.runs} runs (one per call position), ${figures.retries} retries, ${figures.wrongLabels} messages not REMEDIATED, ${figures.doubleMessages} runs with a second REMEDIATED message (publish is at least once), ${figures.repeated} changes sent again by a retry`,
    );
  });

  /** Time passes until Lambda's retry (a minute at least): every lease has lapsed. */
  async function leasesLapse() {
    const items = await state.db.send(new ScanCommand({ TableName: TABLE }));
    for (const item of items.Items ?? []) {
      if (item.leaseUntil === undefined) continue;
      await state.db.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { id: item.id },
          UpdateExpression: "SET leaseUntil = :zero",
          ExpressionAttributeValues: { ":zero": { N: "0" } },
        }),
      );
    }
  }

  const published = (calls: Call[]) => calls.filter((c) => c.name === "Publish" && c.ok);
  const changes = (calls: Call[]) => calls.filter((c) => MUTATING.has(c.name) && c.ok);
  const outcomeOf = (c: Call) => c.input.MessageAttributes?.outcome?.StringValue;

  for (const s of SCENARIOS) {
    it(`${s.id}: the process dies after each call; the retries end safe, one change each, REMEDIATED`, async () => {
      const handler = await handlerFor(s.remediation);
      const warm = await s.setup(state.ctx);
      const clean = await kills.run(handler, wrapAsEventBridge(warm.record), -1, {
        awsRequestId: randomUUID(),
        getRemainingTimeInMillis: () => 30_000,
      });
      expect(clean.error, clean.error?.stack).to.equal(undefined);
      const positions = clean.calls.map((c) => c.name);
      const cleanChanges = changes(clean.calls).map((c) => c.name);
      expect(positions).to.include("Publish");

      for (const [killAt, name] of positions.entries()) {
        const setup = await s.setup(state.ctx);
        const event = wrapAsEventBridge(setup.record);
        const awsRequestId = randomUUID();
        // A short budget: what the dead invocation still has pending ends soon, unheard.
        const first = await kills.run(handler, event, killAt, {
          awsRequestId,
          getRemainingTimeInMillis: () => 5_000,
        });
        const at = `killed after #${killAt} ${name}`;
        expect(first.dead, at).to.equal(true);
        expect(
          first.lines.filter((l) => l.type === "incident"),
          at,
        ).to.deep.equal([]);
        const all = [...first.calls];
        const outcomes: string[] = [];
        for (let retry = 0; retry < 2; retry++) {
          await leasesLapse();
          const run = await kills.run(handler, event, -1, {
            awsRequestId,
            getRemainingTimeInMillis: () => 30_000,
          });
          figures.retries++;
          all.push(...run.calls);
          outcomes.push(run.lines.find((l) => l.type === "incident")?.outcome);
          if (!run.error) break;
        }
        figures.runs++;
        const labels = published(all).map(outcomeOf);
        figures.wrongLabels += labels.filter((l) => l !== "remediated").length;
        if (labels.length > 1) figures.doubleMessages++;
        const why = `${at}: retries ${outcomes.join(", ")}; messages ${labels.join(", ")}`;
        expect(outcomes.at(-1), why).to.equal("remediated");
        expect((await s.verify(state.ctx, setup)).safe, why).to.equal(true);
        expect(labels, why).to.include("remediated");
        expect(new Set(labels), why).to.deep.equal(new Set(["remediated"]));
        expect(labels.length, why).to.be.at.most(2);
        // Each change of the clean run, and no other; a change the retry makes again is one the
        // dead process sent after another call had taken effect (EnableKey after the intent).
        const made = changes(all).map((c) => c.name);
        expect([...new Set(made)], why).to.deep.equal([...new Set(cleanChanges)]);
        figures.repeated += made.length - cleanChanges.length;
      }
    });
  }
});

describe("adversarial: AWS Config after live outcomes leaves what trusted changes made (D5)", function () {
  this.timeout(300_000);
  const { state, handlerFor, invoke } = emulator();
  const world = (port: number) => ({
    IpProtocol: "tcp",
    FromPort: port,
    ToPort: port,
    IpRanges: [{ CidrIp: "0.0.0.0/0" }],
  });

  /** Opens `port` to the world on the group, and returns the CloudTrail record of the call. */
  async function open(group: { GroupId?: string; GroupName?: string }, port: number, by?: string) {
    await state.ctx.clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ ...group, IpPermissions: [world(port)] }),
    );
    const record = attackerRecord(state.ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "AuthorizeSecurityGroupIngress",
      command: "ec2.authorize-security-group-ingress",
      requestParameters: {
        ...(group.GroupId ? { groupId: group.GroupId } : { groupName: group.GroupName }),
        ipPermissions: {
          items: [
            {
              ipProtocol: "tcp",
              fromPort: port,
              toPort: port,
              ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
            },
          ],
        },
      },
      responseElements: { requestId: "", _return: true },
    });
    return wrapAsEventBridge(by ? asAssumedRole(record, by) : record);
  }
  async function openPorts(groupId: string): Promise<number[]> {
    const out = await state.ctx.clients.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
    );
    return (out.SecurityGroups?.[0]?.IpPermissions ?? [])
      .filter((p) => (p.IpRanges ?? []).some((r) => r.CidrIp === "0.0.0.0/0"))
      .map((p) => p.FromPort ?? -1)
      .sort((a, b) => a - b);
  }
  const configEvent = async (groupId: string) =>
    complianceChangeEvent({
      ...(await evaluateSecurityGroup(state.ctx, groupId, PORTS)),
      account: state.ctx.account,
      region: REGION,
      ruleName: "asw-sg-open-ports",
    });

  for (const byName of [false, true]) {
    it(
      byName
        ? "(c) a trusted change naming the group by groupName is kept under the group's id, which AWS Config names"
        : "(b) trusted opens 8080 (exempt), the attacker opens 22 (revoked): AWS Config's evaluation leaves 8080",
      async () => {
        const name = `d5-${randomUUID().slice(0, 8)}`;
        const { GroupId } = await state.ctx.clients.ec2.send(
          new CreateSecurityGroupCommand({ GroupName: name, Description: "d5" }),
        );
        const handler = await handlerFor(
          RemediationId.RevokeWorldIngress,
          RemediationMode.Enforce,
          [TRUSTED_ROLE],
        );
        const trusted = await open(byName ? { GroupName: name } : { GroupId }, 8080, TRUSTED_ROLE);
        expect((await invoke(handler, trusted)).outcome).to.equal("exempt");
        const attack = await open({ GroupId }, 22);
        expect((await invoke(handler, attack)).outcome).to.equal("remediated");
        expect(await openPorts(GroupId!)).to.deep.equal([8080]);

        const late = await invoke(handler, await configEvent(GroupId!));
        expect(late.outcome).to.equal("exempt");
        expect(late.message).to.equal(
          `Left as is: each world-open permission on ${GroupId} was opened by a trusted change: 0.0.0.0/0 tcp:8080 (${trusted.detail.eventID}).`,
        );
        expect(await openPorts(GroupId!)).to.deep.equal([8080]);

        // The attacker opens 3389 later: Config revokes that one only, and says what it left.
        await state.ctx.clients.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [world(3389)] }),
        );
        const next = await invoke(handler, await configEvent(GroupId!));
        expect(next.outcome).to.equal("remediated");
        expect(next.message).to.equal(
          `Revoked 0.0.0.0/0 tcp:3389 on ${GroupId}. Left as is for trusted changes: 0.0.0.0/0 tcp:8080 (${trusted.detail.eventID}).`,
        );
        expect(await openPorts(GroupId!)).to.deep.equal([8080]);
      },
    );
  }

  it("(a) the account-level snapshot evaluation unshares the attacker's snapshot and leaves the one a trusted principal made public", async () => {
    const { ec2 } = state.ctx.clients;
    const publicSnapshot = async () => {
      const volume = await ec2.send(
        new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 8 }),
      );
      const { SnapshotId } = await ec2.send(
        new CreateSnapshotCommand({ VolumeId: volume.VolumeId!, Description: "d5" }),
      );
      await ec2.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId,
          Attribute: "createVolumePermission",
          OperationType: "add",
          GroupNames: ["all"],
        }),
      );
      return SnapshotId!;
    };
    const isPublic = async (SnapshotId: string) =>
      (
        await ec2.send(
          new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: "createVolumePermission" }),
        )
      ).CreateVolumePermissions?.some((p) => p.Group === "all") ?? false;
    const handler = await handlerFor(RemediationId.UnshareSnapshot, RemediationMode.Enforce, [
      TRUSTED_ROLE,
    ]);
    const shared = await publicSnapshot();
    const record = attackerRecord(state.ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "ModifySnapshotAttribute",
      command: "ec2.modify-snapshot-attribute",
      requestParameters: {
        snapshotId: shared,
        createVolumePermission: { add: { items: [{ group: "all" }] } },
        attributeType: "CREATE_VOLUME_PERMISSION",
      },
      responseElements: { requestId: "", _return: true },
    });
    const trusted = wrapAsEventBridge(asAssumedRole(record, TRUSTED_ROLE));
    expect((await invoke(handler, trusted)).outcome).to.equal("exempt");
    const leaked = await publicSnapshot();

    const evaluation = complianceChangeEvent({
      ...(await evaluateSnapshots(state.ctx)),
      account: state.ctx.account,
      region: REGION,
      ruleName: "asw-ebs-public-snapshot",
    });
    const late = await invoke(handler, evaluation);
    expect(late.outcome).to.equal("remediated");
    expect(late.message).to.equal(
      `Removed public access (group all) from ${leaked}. Left as is (exemption tag or trusted change): ${shared} (trusted change ${trusted.detail.eventID}).`,
    );
    expect([await isPublic(shared), await isPublic(leaked)]).to.deep.equal([true, false]);
    // Evaluated again: only the trusted one is public, and it stays.
    const again = await invoke(
      handler,
      complianceChangeEvent({
        ...(await evaluateSnapshots(state.ctx)),
        account: state.ctx.account,
        region: REGION,
        ruleName: "asw-ebs-public-snapshot",
      }),
    );
    expect(again.outcome).to.equal("exempt");
    expect(await isPublic(shared)).to.equal(true);
  });
});
