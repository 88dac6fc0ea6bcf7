import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  accountRefusal,
  causedByMemberRole,
  crossAccountProblems,
  CrossAccountSettings,
  memberCredentials,
} from "../../lambdas/runtime/crossAccount";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import {
  createRevokeWorldIngressHandler,
  planRevokeWorldIngress,
} from "../../remediations/revoke-world-ingress/handler";
import { asAssumedRole } from "../../scripts/scenarios";
import { baseSettings, captureLogs, type Json, record } from "./harness";

const SETTINGS: CrossAccountSettings = {
  memberRoleName: "asw-member-revoke-world-ingress",
  externalId: "asw-test",
  organizationId: "o-a1b2c3d4e5",
  excludedAccounts: ["999999999999"],
};

describe("cross-account remediation (lambdas/runtime/crossAccount.ts)", () => {
  describe("accountRefusal: an account of the organization, the one CloudTrail recorded, not excluded", () => {
    const cases: [string, string | undefined, string | undefined][] = [
      ["111111111111", "111111111111", undefined],
      ["111111111111", undefined, undefined],
      ["11111111111", undefined, 'the event\'s account "11111111111" is not an account id'],
      [
        "111111111111",
        "222222222222",
        "the event's account 111111111111 is not the account CloudTrail recorded (222222222222)",
      ],
      ["999999999999", "999999999999", "account 999999999999 is excluded from remediation"],
    ];
    for (const [account, recipient, expected] of cases) {
      it(`${account} / ${recipient ?? "-"}: ${expected ?? "acts"}`, () => {
        expect(accountRefusal(account, recipient, SETTINGS)).to.equal(expected);
      });
    }
  });

  describe("causedByMemberRole: the loop guard recognises the member role of the event's own account only", () => {
    const name = SETTINGS.memberRoleName;
    const A = "111111111111";
    const cases: [string, { principal: string; issuerArn?: string; account: string }, boolean][] = [
      [
        "a session in the event's member account",
        {
          principal: `arn:aws:sts::${A}:assumed-role/${name}/asw-revoke-world-ingress`,
          account: A,
        },
        true,
      ],
      [
        "a session in GovCloud",
        { principal: `arn:aws-us-gov:sts::${A}:assumed-role/${name}/x`, account: A },
        true,
      ],
      [
        "the role as session issuer",
        { principal: "AROAEXAMPLE:x", issuerArn: `arn:aws:iam::${A}:role/${name}`, account: A },
        true,
      ],
      [
        "a role of that name in another account (outside the organization)",
        { principal: `arn:aws:sts::333333333333:assumed-role/${name}/x`, account: A },
        false,
      ],
      [
        "another account's role of that name as session issuer",
        {
          principal: "AROAEXAMPLE:x",
          issuerArn: `arn:aws:iam::333333333333:role/${name}`,
          account: A,
        },
        false,
      ],
      [
        "an event without a valid account",
        { principal: `arn:aws:sts::${A}:assumed-role/${name}/x`, account: "" },
        false,
      ],
      [
        "another role whose name starts the same",
        { principal: `arn:aws:sts::${A}:assumed-role/${name}-copy/x`, account: A },
        false,
      ],
      [
        "another remediation's member role",
        { principal: `arn:aws:sts::${A}:assumed-role/asw-member-unshare-snapshot/x`, account: A },
        false,
      ],
      [
        "an IAM user of that name",
        { principal: `arn:aws:iam::${A}:user/${name}`, account: A },
        false,
      ],
    ];
    for (const [title, facts, expected] of cases) {
      it(`${title}: ${expected}`, () => expect(causedByMemberRole(facts, name)).to.equal(expected));
    }
  });

  it("crossAccountProblems names each bad setting", () => {
    expect(crossAccountProblems(SETTINGS)).to.deep.equal([]);
    expect(
      crossAccountProblems({
        memberRoleName: "a b",
        externalId: "x",
        organizationId: "o-1",
        excludedAccounts: ["1"],
      }),
    ).to.deep.equal([
      "crossAccount.memberRoleName must be a role name (got a b)",
      "crossAccount.externalId must be 2-1224 characters of [\\w+=,.@:/-]",
      "crossAccount.organizationId must be o-... (got o-1)",
      "crossAccount.excludedAccounts must be a list of 12-digit account ids",
    ]);
  });

  describe("memberCredentials (STS mocked)", () => {
    let sts: ReturnType<typeof mockClient>;
    beforeEach(() => {
      sts = mockClient(STSClient);
    });
    afterEach(() => sts.restore());

    it("assumes the member role with the external id once per account, then serves the cache", async () => {
      sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => ({
        Credentials: {
          AccessKeyId: `AKID-${input.RoleArn.split(":")[4]}`,
          SecretAccessKey: "s",
          SessionToken: "t",
          Expiration: new Date(Date.now() + 3600_000),
        },
      }));
      const creds = memberCredentials(SETTINGS, "revoke-world-ingress");
      const [a, b, c] = await Promise.all([
        creds("111111111111", "eu-west-1"),
        creds("111111111111", "eu-west-1"),
        creds("222222222222", "eu-west-1"),
      ]);
      expect([a.accessKeyId, b.accessKeyId, c.accessKeyId]).to.deep.equal([
        "AKID-111111111111",
        "AKID-111111111111",
        "AKID-222222222222",
      ]);
      await creds("111111111111", "eu-west-1");
      const calls = sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
      expect(calls).to.deep.equal([
        {
          RoleArn: "arn:aws:iam::111111111111:role/asw-member-revoke-world-ingress",
          RoleSessionName: "asw-revoke-world-ingress",
          ExternalId: "asw-test",
          DurationSeconds: 3600,
        },
        {
          RoleArn: "arn:aws:iam::222222222222:role/asw-member-revoke-world-ingress",
          RoleSessionName: "asw-revoke-world-ingress",
          ExternalId: "asw-test",
          DurationSeconds: 3600,
        },
      ]);
    });

    it("credentials close to expiry are renewed", async () => {
      let n = 0;
      sts.on(AssumeRoleCommand).callsFake(async () => ({
        Credentials: {
          AccessKeyId: `AKID-${++n}`,
          SecretAccessKey: "s",
          SessionToken: "t",
          Expiration: new Date(Date.now() + 60_000),
        },
      }));
      const creds = memberCredentials(SETTINGS, "revoke-world-ingress");
      expect((await creds("111111111111", "eu-west-1")).accessKeyId).to.equal("AKID-1");
      expect((await creds("111111111111", "eu-west-1")).accessKeyId).to.equal("AKID-2");
    });

    it("a denied AssumeRole (member stack missing) says what to check, and is retried next time", async () => {
      sts
        .on(AssumeRoleCommand)
        .rejectsOnce(
          Object.assign(new Error("User is not authorized to perform sts:AssumeRole"), {
            name: "AccessDenied",
          }),
        )
        .resolves({
          Credentials: {
            AccessKeyId: "AKID",
            SecretAccessKey: "s",
            SessionToken: "t",
            Expiration: new Date(Date.now() + 3600_000),
          },
        });
      const creds = memberCredentials(SETTINGS, "revoke-world-ingress");
      let error: Error | undefined;
      await creds("111111111111", "eu-west-1").catch((e: Error) => (error = e));
      expect(error?.name).to.equal("AccessDenied");
      expect(error?.message).to.equal(
        "cannot assume arn:aws:iam::111111111111:role/asw-member-revoke-world-ingress (AccessDenied: User is not authorized to perform sts:AssumeRole): " +
          "the member role is missing in account 111111111111 or does not trust this function; check the spoke account StackSet instance there " +
          "(aws cloudformation list-stack-instances --stack-set-name <hub>-spoke-account --call-as DELEGATED_ADMIN), or deploy the account template",
      );
      expect((await creds("111111111111", "eu-west-1")).accessKeyId).to.equal("AKID");
    });
  });

  describe("memberCredentials against the emulator", function () {
    this.timeout(60_000);
    let moto: MotoServer;
    let restore: () => void;
    before(async () => {
      moto = await startMoto();
      restore = useMotoEnvironment(moto.endpoint, "eu-west-1");
    });
    after(async () => {
      restore?.();
      await moto?.stop();
    });

    it("the credentials act in the member account, as a session of the member role", async () => {
      const creds = await memberCredentials(SETTINGS, "revoke-world-ingress")(
        "444455556666",
        "eu-west-1",
      );
      const who = await new STSClient({ region: "eu-west-1", credentials: creds }).send(
        new GetCallerIdentityCommand({}),
      );
      expect(who.Account).to.equal("444455556666");
      expect(who.Arn).to.equal(
        "arn:aws:sts::444455556666:assumed-role/asw-member-revoke-world-ingress/asw-revoke-world-ingress",
      );
      expect(
        causedByMemberRole(
          { principal: who.Arn!, account: "444455556666" },
          SETTINGS.memberRoleName,
        ),
      ).to.equal(true);
    });
  });

  describe("the run loop in hub mode (settings.crossAccount)", () => {
    const hub = { ...baseSettings(), allowedPublicPorts: [], crossAccount: SETTINGS };
    const opened = (account: string): Json => {
      const event = record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", {
        groupId: "sg-0abc1234",
        ipPermissions: {
          items: [
            {
              ipProtocol: "tcp",
              fromPort: 22,
              toPort: 22,
              ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
            },
          ],
        },
      });
      return { ...event, account, detail: { ...event.detail, recipientAccountId: account } };
    };

    it("ignores the change its member role made in a member account (the loop guard), with no AWS call", async () => {
      const event = opened("111111111111");
      const own = asAssumedRole(
        event.detail,
        "arn:aws:iam::111111111111:role/asw-member-revoke-world-ingress",
        "asw-revoke-world-ingress",
      );
      const handler = createRevokeWorldIngressHandler(hub);
      const { result, lines } = await captureLogs(() => handler({ ...event, detail: own }));
      expect(result?.outcome).to.equal("ignored");
      expect(result?.message).to.equal(
        "Ignored: the change was made by this remediation's member role (the hub).",
      );
      expect(lines.filter((l: Json) => l.type === "incident")).to.have.length(1);
    });

    it("a role named like the member role in an account outside the organization is not the hub: the change is remediated", async () => {
      const event = opened("111111111111");
      const outsider = asAssumedRole(
        event.detail,
        "arn:aws:iam::333333333333:role/asw-member-revoke-world-ingress",
        "asw-revoke-world-ingress",
      );
      const plan = planRevokeWorldIngress({ ...event, detail: outsider }, hub);
      expect(plan.kind).to.equal("act");
      const own = asAssumedRole(
        event.detail,
        "arn:aws:iam::111111111111:role/asw-member-revoke-world-ingress",
        "asw-revoke-world-ingress",
      );
      expect(planRevokeWorldIngress({ ...event, detail: own }, hub)).to.deep.include({
        kind: "ignore",
        reason: "the change was made by this remediation's member role (the hub)",
      });
    });

    it("rejects an event of an excluded account before any AWS call", async () => {
      const handler = createRevokeWorldIngressHandler(hub);
      const { error, lines } = await captureLogs(() => handler(opened("999999999999")));
      expect(error?.message).to.equal(
        "revoke-world-ingress: rejected event: account 999999999999 is excluded from remediation",
      );
      expect(lines.find((l: Json) => l.type === "rejected")?.account).to.equal("999999999999");
    });

    it("refuses invalid crossAccount settings at cold start", () => {
      expect(() =>
        createRevokeWorldIngressHandler({ ...hub, crossAccount: { ...SETTINGS, externalId: "" } }),
      ).to.throw("crossAccount.externalId must be 2-1224 characters");
    });
  });
});
