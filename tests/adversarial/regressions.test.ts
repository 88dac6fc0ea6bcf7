/**
 * One regression test per defect of issue 10, built from its reproduction, on the handlers as
 * Pulumi serializes them: against the emulator where the defect is about state (D7, D8, D10,
 * duplicate deliveries), against mocked clients where it is about the event (D1-D6), and
 * against an endpoint that never answers (D9).
 */
import { expect } from "chai";
import * as net from "net";
import { randomUUID } from "crypto";
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  ModifySecurityGroupRulesCommand,
} from "@aws-sdk/client-ec2";
import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { RemediationId, RemediationMode } from "../../core/types";
import { runtimeFactory } from "../../lambdas/bootstrap";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import {
  ScenarioContext,
  attackerRecord,
  createIdempotencyTable,
  createResolutionInbox,
  createScenarioContext,
  scenario,
  wrapAsEventBridge,
} from "../../scripts/scenarios";
import { serializeHandler } from "../helpers/serialize";
import { ACCOUNT, captureLogs, type Json, mocked, sent } from "../lambdas/harness";
import {
  answerUnsafe,
  CASES,
  interceptSends,
  MUTATING,
  SERVICE_CLIENTS,
  serialized,
} from "./support";

const REGION = "eu-west-1";
const TABLE = "regressions-idempotency";

describe("adversarial: one regression test per defect (event-level, mocked clients)", function () {
  this.timeout(120_000);
  const m = mocked(SERVICE_CLIENTS);
  const services = () =>
    (Object.keys(SERVICE_CLIENTS) as (keyof typeof SERVICE_CLIENTS)[]).map((k) => m[k]);
  const awsCalls = () => services().flatMap((s) => sent(s).map((c) => c.name));
  beforeEach(() => answerUnsafe(m));

  it("D2: an event about another account is rejected with no AWS call (config recorder; a key named in a custom event)", async () => {
    const config = await serialized(RemediationId.RestartConfigRecorder);
    const e = CASES[RemediationId.RestartConfigRecorder].valid();
    e.account = "999999999999";
    e.detail.recipientAccountId = "999999999999";
    const one = await captureLogs(() => config(e));
    expect(one.error?.message).to.equal(
      "restart-config-recorder: rejected event: account 999999999999 is not one this function may act for",
    );
    const quarantine = await serialized(RemediationId.QuarantineAccessKey);
    const custom = {
      version: "0",
      id: randomUUID(),
      "detail-type": "Access Key Compromised",
      source: "custom.security",
      account: "999999999999",
      time: "2026-11-30T10:00:00Z",
      region: REGION,
      resources: [],
      detail: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "alice" },
    };
    const two = await captureLogs(() => quarantine(custom));
    expect(two.lines[0]).to.deep.include({ type: "rejected", account: "999999999999" });
    expect(awsCalls()).to.deep.equal([]);
    expect(m.sns.calls()).to.have.length(0);
  });

  it("D3: an errorCode or errorMessage of any type means the call failed (5 per remediation, all ignored)", async () => {
    let ignored = 0;
    for (const id of Object.values(RemediationId)) {
      const handler = await serialized(id);
      for (const value of [123, true, {}, [], ""]) {
        const e = CASES[id].valid();
        e.detail.errorCode = value;
        const { result } = await captureLogs(() => handler(e));
        if ((result as Json)?.outcome === "ignored") ignored++;
      }
    }
    expect(ignored).to.equal(Object.values(RemediationId).length * 5);
    expect(awsCalls()).to.deep.equal([]);
  });

  it("D4: a trusted role's session without sessionIssuer, or without sessionContext, is exempt", async () => {
    const handler = await serialized(RemediationId.RevokeWorldIngress, {
      trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/pipeline/Deployer`],
    });
    for (const sessionContext of [{ attributes: {} }, undefined]) {
      const e = CASES[RemediationId.RevokeWorldIngress].valid();
      e.detail.userIdentity = {
        type: "AssumedRole",
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-run-42`,
        accountId: ACCOUNT,
        ...(sessionContext ? { sessionContext } : {}),
      };
      const { result } = await captureLogs(() => handler(e));
      expect((result as Json).outcome).to.equal("exempt");
    }
    expect(awsCalls().filter((c) => MUTATING.has(c))).to.deep.equal([]);
  });

  it("D1: regions __proto__, constructor, toString and a trail name with a lone surrogate end in one rejected line, no crash", async () => {
    for (const id of [RemediationId.CancelKeyDeletion, RemediationId.RestartAuditLogging]) {
      const handler = await serialized(id);
      for (const region of ["__proto__", "constructor", "toString"]) {
        const e = CASES[id].valid();
        CASES[id].setId(
          e,
          id === RemediationId.CancelKeyDeletion
            ? `arn:aws:kms:${region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`
            : `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/audit`,
        );
        const { error, lines } = await captureLogs(() => handler(e));
        expect(error?.message).to.match(new RegExp(`^${id}: rejected event: `));
        expect(lines.map((l) => l.type ?? "metric")).to.deep.equal(["rejected", "metric"]);
      }
    }
    const trail = await serialized(RemediationId.RestartAuditLogging);
    const e = CASES[RemediationId.RestartAuditLogging].valid();
    e.detail.requestParameters.name = "audit\ud800";
    const { error, lines } = await captureLogs(() => trail(e));
    expect(error?.message).to.equal(
      "restart-audit-logging: rejected event: 1: audit\ufffd is not a trail name or ARN",
    );
    expect(lines[0].type).to.equal("rejected");
    expect(awsCalls()).to.deep.equal([]);
  });

  it("D5: ids with a zero-width space, a homoglyph, __proto__ or 1 MB of text reach no AWS API", async () => {
    const handler = await serialized(RemediationId.RevokeWorldIngress);
    for (const id of [
      "sg-0abc1234\u200b",
      "ѕg-0abc1234",
      "__proto__",
      "sg-" + "a".repeat(1 << 20),
    ]) {
      const e = CASES[RemediationId.RevokeWorldIngress].valid();
      e.detail.requestParameters.groupId = id;
      const { error } = await captureLogs(() => handler(e));
      expect(error?.message).to.match(/^revoke-world-ingress: rejected event: /);
    }
    expect(awsCalls()).to.deep.equal([]);
    expect(m.sns.calls()).to.have.length(0);
  });

  it("D6: a field over 256 KB: the fix is published, clipped under SNS's limit, subject under 100", async () => {
    const handler = await serialized(RemediationId.RestartConfigRecorder);
    const e = CASES[RemediationId.RestartConfigRecorder].valid();
    e.detail.userAgent = "x".repeat(300 * 1024);
    const { result } = await captureLogs(() => handler(e));
    expect((result as Json).outcome).to.equal("remediated");
    const input = (m.sns.calls()[0].args[0] as Json).input;
    expect(Buffer.byteLength(input.Message)).to.be.below(16 * 1024);
    expect(input.Message).to.contain("...(truncated)");
    expect(input.Subject.length).to.be.below(100);
  });
});

describe("adversarial: one regression test per defect (state, against the emulator)", function () {
  this.timeout(300_000);
  let moto: MotoServer;
  let restoreEnv: () => void;
  let ctx: ScenarioContext;
  let sends: ReturnType<typeof interceptSends>;
  const saved = { ...process.env };

  async function handlerFor(id: RemediationId): Promise<(e: unknown) => Promise<Json>> {
    const settings = {
      ...settingDefaults(id),
      mode: RemediationMode.Enforce,
      exemptTag: { key: "security-watch:exempt", value: "true" },
      trustedPrincipalArns: [],
    };
    return (await serializeHandler(runtimeFactory(remediationSpec(id).factory, settings)))
      .handler as (e: unknown) => Promise<Json>;
  }

  before(async () => {
    moto = await startMoto();
    restoreEnv = useMotoEnvironment(moto.endpoint, REGION);
    ctx = createScenarioContext(moto.endpoint, REGION);
    const inbox = await createResolutionInbox(ctx);
    await createIdempotencyTable(ctx, TABLE);
    Object.assign(process.env, {
      RESOLUTION_TOPIC_ARN: inbox.topicArn,
      OWN_ROLE_ARN: "arn:aws:iam::123456789012:role/security-watch-remediator",
      IDEMPOTENCY_TABLE: TABLE,
    });
    sends = interceptSends();
  });
  after(async () => {
    sends?.restore();
    for (const key of ["RESOLUTION_TOPIC_ARN", "OWN_ROLE_ARN", "IDEMPOTENCY_TABLE"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    restoreEnv?.();
    await moto?.stop();
  });

  /** Runs the handler, failing call `failAt` (0-based) of the run. */
  async function run(handler: (e: unknown) => Promise<Json>, event: Json, failAt = -1) {
    sends.start(failAt);
    const out = await captureLogs(() => handler(event));
    sends.stop();
    return { ...out, calls: sends.calls.map((c) => ({ ...c })) };
  }
  const subjects = (calls: { name: string; ok?: boolean; input: Json }[]) =>
    calls.filter((c) => c.name === "Publish" && c.ok).map((c) => c.input.Subject as string);

  /**
   * D10: rule R (10.0.0.0/8:22) is modified to 0.0.0.0/0:22 (event E); R is set back and a
   * separate world:22 rule W is added; the handler runs on E.
   */
  async function modifiedRule(egress: boolean) {
    const { ec2 } = ctx.clients;
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `d10-${randomUUID()}`, Description: "d10" }),
      )
    ).GroupId!;
    const narrow = {
      IpProtocol: "tcp",
      FromPort: 22,
      ToPort: 22,
      IpRanges: [{ CidrIp: "10.0.0.0/8" }],
    };
    const added = egress
      ? await ec2.send(
          new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [narrow] }),
        )
      : await ec2.send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [narrow] }),
        );
    const ruleId = added.SecurityGroupRules![0].SecurityGroupRuleId!;
    const modify = (cidr: string) =>
      ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId: groupId,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: ruleId,
              SecurityGroupRule: { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: cidr },
            },
          ],
        }),
      );
    await modify("0.0.0.0/0");
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "ModifySecurityGroupRules",
      command: "ec2.modify-security-group-rules",
      requestParameters: {
        ModifySecurityGroupRulesRequest: {
          GroupId: groupId,
          SecurityGroupRule: {
            SecurityGroupRuleId: ruleId,
            SecurityGroupRule: {
              IpProtocol: "tcp",
              FromPort: 22,
              ToPort: 22,
              CidrIpv4: "0.0.0.0/0",
            },
            tag: 1,
          },
        },
      },
      responseElements: { ModifySecurityGroupRulesResponse: { return: true } },
    });
    await modify("10.0.0.0/8");
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
      }),
    );
    return { groupId, ruleId, event: wrapAsEventBridge(record) };
  }

  async function ruleOf(groupId: string, ruleId: string) {
    const rules = await ctx.clients.ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [groupId] }] }),
    );
    return (rules.SecurityGroupRules ?? []).find((r) => r.SecurityGroupRuleId === ruleId);
  }
  async function worldIngress(groupId: string) {
    const out = await ctx.clients.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
    );
    return (out.SecurityGroups![0].IpPermissions ?? []).filter((p) =>
      (p.IpRanges ?? []).some((r) => r.CidrIp === "0.0.0.0/0"),
    );
  }

  it("D10: the world rule open now is removed, and the rule the event named (set back meanwhile) stays", async () => {
    const handler = await handlerFor(RemediationId.RevokeWorldIngress);
    const { groupId, ruleId, event } = await modifiedRule(false);
    const { result } = await run(handler, event);
    expect(result.outcome).to.equal("remediated");
    expect(result.message).to.equal(`Revoked 0.0.0.0/0 tcp:22 on ${groupId}.`);
    expect(await worldIngress(groupId)).to.deep.equal([]);
    expect(await ruleOf(groupId, ruleId)).to.include({ CidrIpv4: "10.0.0.0/8", FromPort: 22 });
  });

  it("D10, egress variant: an ingress world rule open now is not reported already-safe", async () => {
    const handler = await handlerFor(RemediationId.RevokeWorldIngress);
    const { groupId, ruleId, event } = await modifiedRule(true);
    const { result } = await run(handler, event);
    expect(result.outcome).to.equal("remediated");
    expect(await worldIngress(groupId)).to.deep.equal([]);
    expect(await ruleOf(groupId, ruleId)).to.include({ IsEgress: true, CidrIpv4: "10.0.0.0/8" });
  });

  it("D7: EnableKey fails after CancelKeyDeletion: the retry enables the key and says it remediated", async () => {
    const handler = await handlerFor(RemediationId.CancelKeyDeletion);
    const kms = scenario("kms-key-scheduled-for-deletion");
    const warm = await kms.setup(ctx);
    const clean = await run(handler, wrapAsEventBridge(warm.record));
    const enableAt = clean.calls.findIndex((c) => c.name === "EnableKey");
    // The read beside the claim, the intent beside the first change.
    expect(clean.calls.slice(0, enableAt + 1).map((c) => c.name)).to.deep.equal([
      "ListResourceTags",
      "UpdateItem",
      "UpdateItem",
      "CancelKeyDeletion",
      "EnableKey",
    ]);
    const setup = await kms.setup(ctx);
    const event = wrapAsEventBridge(setup.record);
    const first = await run(handler, event, enableAt);
    expect(first.error?.message).to.match(/injected fault at EnableKey/);
    const retry = await run(handler, event);
    expect(retry.result?.outcome).to.equal("remediated");
    expect(retry.result?.message).to.match(/^Enabled key .* finishing an earlier delivery/);
    const key = await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: setup.resource }));
    expect(key.KeyMetadata?.KeyState).to.equal("Enabled");
    expect(subjects(retry.calls)).to.have.length(1);
    expect(subjects(retry.calls)[0]).to.match(/^\[REMEDIATED\] /);
  });

  it("D8: Publish fails after the fix: the retry re-sends the real outcome, REMEDIATED", async () => {
    const handler = await handlerFor(RemediationId.RestartConfigRecorder);
    const config = scenario("config-recorder-stopped");
    const setup = await config.setup(ctx);
    const event = wrapAsEventBridge(setup.record);
    const clean = (
      await run(handler, wrapAsEventBridge({ ...setup.record, eventID: randomUUID() }))
    ).calls;
    await config.setup(ctx);
    const publishAt = clean.findIndex((c) => c.name === "Publish");
    const first = await run(handler, event, publishAt);
    expect(first.error?.message).to.match(/could not publish the resolution message/);
    expect(first.lines.find((l) => l.type === "incident")).to.include({ outcome: "failed" });
    const retry = await run(handler, event);
    expect(retry.result?.outcome).to.equal("remediated");
    expect(retry.calls.filter((c) => MUTATING.has(c.name))).to.deep.equal([]);
    expect(subjects(retry.calls)).to.deep.equal([
      `[REMEDIATED] default recorder stopped in ${REGION}`,
    ]);
  });

  it("duplicates: a second delivery of a remediated event changes nothing and publishes nothing", async () => {
    const handler = await handlerFor(RemediationId.UnshareSnapshot);
    const setup = await scenario("snapshot-made-public").setup(ctx);
    const event = wrapAsEventBridge(setup.record);
    const first = await run(handler, event);
    const second = await run(handler, event);
    expect([first.result?.outcome, second.result?.outcome]).to.deep.equal([
      "remediated",
      "duplicate",
    ]);
    // The claim (which meets the record) beside the read; no change, no publish.
    expect(second.calls.map((c) => c.name).sort()).to.deep.equal([
      "DescribeSnapshotAttribute",
      "UpdateItem",
    ]);
  });
});

describe("adversarial: D9, an endpoint that never answers", function () {
  this.timeout(60_000);
  let server: net.Server;
  let restoreEnv: () => void;
  const sockets: net.Socket[] = [];

  before(async () => {
    // Accepts connections and never answers.
    server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    restoreEnv = useMotoEnvironment(`http://127.0.0.1:${port}`, REGION);
  });
  after(async () => {
    restoreEnv?.();
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  for (const [name, extra, within] of [
    [
      "the SDK's request timeout and attempts end the call",
      { sdk: { connectTimeoutMs: 300, requestTimeoutMs: 300, maxAttempts: 2 } },
      5_000,
    ],
    [
      "the invocation's time budget ends it even with long SDK limits",
      {
        sdk: { connectTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxAttempts: 3 },
        budgetMs: 1_000,
      },
      3_000,
    ],
  ] as const) {
    it(`${name}: the incident record is written, outcome failed`, async () => {
      const handler = await serialized(RemediationId.RestartConfigRecorder, extra);
      const started = Date.now();
      const { error, lines } = await captureLogs(() =>
        handler(CASES[RemediationId.RestartConfigRecorder].valid()),
      );
      expect(Date.now() - started).to.be.below(within);
      expect(error?.message).to.match(/^restart-config-recorder: remediation of default failed: /);
      expect(lines[0]).to.include({ type: "incident", outcome: "failed" });
      expect(lines[1].outcome).to.equal("failed");
    });
  }
});
