import { expect } from "chai";
import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import {
  createRevokeWorldIngressHandler,
  isOffending,
  planRevokeWorldIngress,
} from "../../remediations/revoke-world-ingress/handler";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  mocked,
  record,
  sent,
} from "./harness";

const SETTINGS = { ...baseSettings(), allowedPublicPorts: [443] };

function authorize(perms: Json[], groupId = "sg-0abc1234"): Json {
  return record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", {
    groupId,
    ipPermissions: { items: perms },
  });
}

function perm(
  protocol: string,
  from: number | undefined,
  to: number | undefined,
  v4: string[],
  v6: string[] = [],
): Json {
  return {
    ipProtocol: protocol,
    ...(from === undefined ? {} : { fromPort: from, toPort: to }),
    groups: {},
    ipRanges: v4.length ? { items: v4.map((cidrIp) => ({ cidrIp })) } : {},
    ipv6Ranges: v6.length ? { items: v6.map((cidrIpv6) => ({ cidrIpv6 })) } : {},
    prefixListIds: {},
  };
}

function modify(rule: Json, ruleId = "sgr-0123abcd"): Json {
  return record("ec2.amazonaws.com", "ModifySecurityGroupRules", {
    ModifySecurityGroupRulesRequest: {
      GroupId: "sg-0abc1234",
      SecurityGroupRule: { SecurityGroupRuleId: ruleId, tag: 1, SecurityGroupRule: rule },
    },
  });
}

describe("planRevokeWorldIngress", () => {
  describe("real CloudTrail records", () => {
    const cases: [string, string, string, Json][] = [
      [
        "aws_ec2_manual_security_group_changes",
        "Go Script Authorize Ingress",
        "act",
        [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }],
      ],
      // 0.0.0.0/16 is not the world (prefix length 16), and 443 is allowed anyway.
      [
        "aws_ec2_manual_security_group_changes",
        "AWS Console - Ingress SG Authorization",
        "ignore",
        undefined,
      ],
      [
        "aws_ec2_manual_security_group_changes",
        "AWS Console - Ingress SG Authorization Error",
        "ignore",
        undefined,
      ],
      ["aws_ec2_security_group_modified", "Security Group Modified", "ignore", undefined],
      ["aws_ec2_security_group_modified", "Error Mofidying Security Group", "ignore", undefined],
      // An egress change or another call is not an event this remediation handles.
      [
        "aws_ec2_manual_security_group_changes",
        "Terraform Security Group Authorize Egress",
        "reject",
        undefined,
      ],
      ["aws_ec2_security_group_modified", "Security Group Not Modified", "reject", undefined],
    ];
    for (const [file, name, kind, permissions] of cases) {
      it(`${file} / ${name}: ${kind}`, () => {
        const plan = planRevokeWorldIngress(fixture(file, name), SETTINGS);
        expect(plan.kind).to.equal(kind);
        if (plan.kind === "act") {
          expect(plan.resource).to.equal("sg-0d921df5d84f7270a");
          expect(plan.target.permissions).to.deep.equal(permissions);
          expect(plan.found).to.equal("opened 0.0.0.0/0 tcp:22");
        }
      });
    }
  });

  describe("edge cases", () => {
    const cases: [string, Json, Json[]][] = [
      [
        "IPv6 ::/0 on 22",
        authorize([perm("tcp", 22, 22, [], ["::/0"])]),
        [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" }],
      ],
      [
        "IPv4 and IPv6 in one permission, a restricted CIDR beside them left alone",
        authorize([
          perm("tcp", 3389, 3389, ["10.0.0.0/8", "0.0.0.0/0"], ["2001:db8::/32", "::/0"]),
        ]),
        [
          { ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv4: "0.0.0.0/0" },
          { ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv6: "::/0" },
        ],
      ],
      [
        "protocol -1 (all traffic)",
        authorize([perm("-1", undefined, undefined, ["0.0.0.0/0"])]),
        [{ ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }],
      ],
      [
        "protocol number 6 is tcp",
        authorize([perm("6", 80, 80, ["0.0.0.0/0"])]),
        [{ ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" }],
      ],
      [
        "a range including an allowed port is offending",
        authorize([perm("tcp", 440, 450, ["0.0.0.0/0"])]),
        [{ ipProtocol: "tcp", fromPort: 440, toPort: 450, cidrIpv4: "0.0.0.0/0" }],
      ],
      [
        "ports as strings",
        authorize([perm("udp", "53" as never, "53" as never, ["0.0.0.0/0"])]),
        [{ ipProtocol: "udp", fromPort: 53, toPort: 53, cidrIpv4: "0.0.0.0/0" }],
      ],
      [
        "a non-canonical /0 is the world",
        authorize([perm("tcp", 22, 22, ["10.1.2.3/0"])]),
        [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }],
      ],
      [
        "icmp to the world (not allowed by default)",
        authorize([perm("icmp", 8, -1, ["0.0.0.0/0"])]),
        [{ ipProtocol: "icmp", fromPort: 8, toPort: -1, cidrIpv4: "0.0.0.0/0" }],
      ],
      [
        "only the offending permission of several",
        authorize([
          perm("tcp", 443, 443, ["0.0.0.0/0"]),
          perm("tcp", 22, 22, ["0.0.0.0/0"]),
          perm("tcp", 5432, 5432, ["10.0.0.0/16"]),
        ]),
        [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" }],
      ],
      [
        "ModifySecurityGroupRules to 0.0.0.0/0:22",
        modify({ IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" }),
        [
          {
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrIpv4: "0.0.0.0/0",
          },
        ],
      ],
    ];
    for (const [name, event, permissions] of cases) {
      it(name, () => {
        const plan = planRevokeWorldIngress(event, SETTINGS);
        expect(plan.kind).to.equal("act");
        if (plan.kind === "act") expect(plan.target.permissions).to.deep.equal(permissions);
      });
    }

    const ignored: [string, Json][] = [
      ["allowed port 443", authorize([perm("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"])])],
      ["restricted source", authorize([perm("tcp", 22, 22, ["203.0.113.0/24"])])],
      [
        "security-group source",
        authorize([
          {
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            groups: { items: [{ groupId: "sg-0other" }] },
          },
        ]),
      ],
      [
        "ModifySecurityGroupRules to a restricted CIDR",
        modify({ IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "10.0.0.0/8" }),
      ],
    ];
    for (const [name, event] of ignored) {
      it(`ignores ${name}`, () => {
        expect(planRevokeWorldIngress(event, SETTINGS).kind).to.equal("ignore");
      });
    }

    it("ignores the remediation's own role (assumed-role session of it)", () => {
      const event = authorize([perm("tcp", 22, 22, ["0.0.0.0/0"])]);
      event.detail.userIdentity.arn =
        "arn:aws:sts::123456789012:assumed-role/revoke-world-ingress-role/fn";
      event.detail.userIdentity.sessionContext.sessionIssuer.arn = OWN_ROLE;
      const plan = planRevokeWorldIngress(event, SETTINGS);
      expect(plan).to.deep.include({
        kind: "ignore",
        reason: "the change was made by this remediation's own role",
      });
    });

    it("rejects an AuthorizeSecurityGroupIngress without a group", () => {
      const event = record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", {
        ipPermissions: { items: [] },
      });
      expect(planRevokeWorldIngress(event, SETTINGS)).to.deep.equal({
        kind: "reject",
        reason: "11111111-2222-3333-4444-555555555555: no groupId or groupName",
      });
    });
  });

  describe("isOffending", () => {
    const allowed = { allowedPublicPorts: [80, 443], allowPublicIcmp: false };
    const cases: [string, number | undefined, number | undefined, boolean][] = [
      ["tcp", 443, 443, false],
      ["tcp", 80, 80, false],
      ["tcp", 80, 443, true],
      ["udp", 443, 443, false],
      ["tcp", 0, 65535, true],
      ["tcp", undefined, undefined, true],
      ["-1", undefined, undefined, true],
      ["icmp", -1, -1, true],
      ["47", undefined, undefined, true],
    ];
    for (const [protocol, from, to, expected] of cases) {
      it(`${protocol} ${from}-${to} -> ${expected}`, () => {
        expect(isOffending(protocol, from, to, allowed)).to.equal(expected);
      });
    }
    it("icmp allowed with allowPublicIcmp", () => {
      expect(isOffending("icmp", -1, -1, { ...allowed, allowPublicIcmp: true })).to.equal(false);
    });
  });
});

const OWN_ROLE = SETTINGS.ownRoleArn;

describe("revoke-world-ingress handler", () => {
  const m = mocked({ ec2: EC2Client });

  const group = (ingress: Json[], tags: Json[] = []) => ({
    SecurityGroups: [{ GroupId: "sg-0abc1234", Tags: tags, IpPermissions: ingress }],
  });
  const world22 = {
    IpProtocol: "tcp",
    FromPort: 22,
    ToPort: 22,
    IpRanges: [{ CidrIp: "0.0.0.0/0" }],
    Ipv6Ranges: [{ CidrIpv6: "::/0" }],
  };
  const event = () => authorize([perm("tcp", 22, 22, ["0.0.0.0/0", "10.0.0.0/8"], ["::/0"])]);

  it("enforce: one describe, one revoke of exactly the world CIDRs, one resolution, one incident", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([world22]));
    m.ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const { result, lines } = await captureLogs(() =>
      createRevokeWorldIngressHandler(SETTINGS)(event()),
    );
    expect(sent(m.ec2)).to.deep.equal([
      { name: "DescribeSecurityGroups", input: { GroupIds: ["sg-0abc1234"] } },
      {
        name: "RevokeSecurityGroupIngress",
        input: {
          GroupId: "sg-0abc1234",
          IpPermissions: [
            {
              IpProtocol: "tcp",
              FromPort: 22,
              ToPort: 22,
              IpRanges: [{ CidrIp: "0.0.0.0/0" }],
              Ipv6Ranges: [{ CidrIpv6: "::/0" }],
            },
          ],
        },
      },
    ]);
    expect(result).to.deep.equal({
      remediation: "revoke-world-ingress",
      eventId: "11111111-2222-3333-4444-555555555555",
      outcome: "remediated",
      resource: "sg-0abc1234",
      principal: "arn:aws:sts::123456789012:assumed-role/Admin/alice",
      actions: [
        "RevokeSecurityGroupIngress sg-0abc1234 0.0.0.0/0 tcp:22",
        "RevokeSecurityGroupIngress sg-0abc1234 ::/0 tcp:22",
      ],
      message: "Revoked 0.0.0.0/0 tcp:22, ::/0 tcp:22 on sg-0abc1234.",
    });
    const publish = sent(m.sns);
    expect(publish).to.have.length(1);
    const input = publish[0].input;
    expect(input.TopicArn).to.equal(SETTINGS.resolutionTopicArn);
    expect(input.Subject).to.equal(
      "[REMEDIATED] sg-0abc1234 opened 0.0.0.0/0 tcp:22, ::/0 tcp:22 in eu-west-1",
    );
    expect(input.Message).to.contain(
      "Resolves the alert for CloudTrail event 11111111-2222-3333-4444-555555555555",
    );
    expect(input.Message).to.contain(
      "Who: arn:aws:sts::123456789012:assumed-role/Admin/alice from 198.51.100.7",
    );
    expect(input.Message).to.contain("  - RevokeSecurityGroupIngress sg-0abc1234 0.0.0.0/0 tcp:22");
    expect(input.Message).to.contain(
      "Console: https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#SecurityGroup:groupId=sg-0abc1234",
    );
    expect(input.MessageAttributes.outcome).to.deep.equal({
      DataType: "String",
      StringValue: "remediated",
    });
    expect(input.MessageAttributes.eventId.StringValue).to.equal(
      "11111111-2222-3333-4444-555555555555",
    );
    const incidents = lines.filter((l) => l.type === "incident");
    expect(incidents).to.have.length(1);
    expect(incidents[0]).to.deep.include({
      eventId: "11111111-2222-3333-4444-555555555555",
      remediation: "revoke-world-ingress",
      mode: "enforce",
      outcome: "remediated",
      resource: "sg-0abc1234",
      region: "eu-west-1",
      account: "123456789012",
      sourceIp: "198.51.100.7",
      published: "msg-1",
    });
    const emf = lines.filter((l) => l._aws);
    expect(emf).to.have.length(1);
    expect(emf[0]._aws.CloudWatchMetrics).to.deep.equal([
      {
        Namespace: "AwsSecurityWatch",
        Dimensions: [["remediation", "outcome"]],
        Metrics: [
          { Name: "Remediations", Unit: "Count" },
          { Name: "DurationMs", Unit: "Milliseconds" },
        ],
      },
    ]);
    expect(emf[0]).to.deep.include({
      remediation: "revoke-world-ingress",
      outcome: "remediated",
      Remediations: 1,
    });
  });

  it("revokes only what is still present (a VPC revoke of an unknown permission fails as a whole)", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([{ ...world22, Ipv6Ranges: [] }]));
    m.ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const { result } = await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(event()));
    expect(sent(m.ec2)[1].input.IpPermissions).to.deep.equal([
      { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    ]);
    expect(result?.message).to.equal(
      "Revoked 0.0.0.0/0 tcp:22 on sg-0abc1234. Already gone: ::/0 tcp:22.",
    );
  });

  it("already safe: nothing offending left, no revoke, resolution says so", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([]));
    const { result } = await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(event()));
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal(["DescribeSecurityGroups"]);
    expect(result?.outcome).to.equal("already-safe");
    expect(sent(m.sns)[0].input.Subject).to.match(/^\[ALREADY SAFE\] sg-0abc1234/);
  });

  it("already safe: InvalidPermission.NotFound on revoke (a race) is a success", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([world22]));
    m.ec2.on(RevokeSecurityGroupIngressCommand).rejects(awsError("InvalidPermission.NotFound"));
    const { result } = await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(event()));
    expect(result?.outcome).to.equal("already-safe");
  });

  it("already safe: the group was deleted", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).rejects(awsError("InvalidGroup.NotFound"));
    const { result } = await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(event()));
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "sg-0abc1234 no longer exists (InvalidGroup.NotFound).",
    });
    expect(sent(m.ec2)).to.have.length(1);
  });

  it("exempt by tag: one describe, no revoke, resolution sent", async () => {
    m.ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves(group([world22], [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }]));
    const { result } = await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(event()));
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal(["DescribeSecurityGroups"]);
    expect(result?.outcome).to.equal("exempt");
    expect(sent(m.sns)).to.have.length(1);
  });

  it("exempt by trusted principal (session issuer role): no AWS call but the resolution", async () => {
    const handler = createRevokeWorldIngressHandler({
      ...SETTINGS,
      trustedPrincipalArns: ["arn:aws:iam::123456789012:role/Admin"],
    });
    const { result } = await captureLogs(() => handler(event()));
    expect(m.ec2.calls()).to.have.length(0);
    expect(result?.outcome).to.equal("exempt");
    expect(sent(m.sns)).to.have.length(1);
  });

  it("dry-run: reads, reports what it would do, makes no mutating call", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([world22]));
    const handler = createRevokeWorldIngressHandler({ ...SETTINGS, mode: "dry-run" as never });
    const { result, lines } = await captureLogs(() => handler(event()));
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal(["DescribeSecurityGroups"]);
    expect(result?.outcome).to.equal("dry-run");
    expect(result?.actions).to.have.length(2);
    expect(sent(m.sns)[0].input.Subject).to.match(/^\[DRY-RUN\] sg-0abc1234/);
    expect(sent(m.sns)[0].input.Message).to.contain("Would do (dry-run, nothing changed):");
    expect(lines.find((l) => l.type === "incident")).to.deep.include({
      mode: "dry-run",
      outcome: "dry-run",
    });
  });

  it("off: no AWS call at all, no message, one incident record", async () => {
    const handler = createRevokeWorldIngressHandler({ ...SETTINGS, mode: "off" as never });
    const { result, lines } = await captureLogs(() => handler(event()));
    expect(m.ec2.calls()).to.have.length(0);
    expect(m.sns.calls()).to.have.length(0);
    expect(result?.outcome).to.equal("off");
    expect(lines.filter((l) => l.type === "incident")).to.have.length(1);
  });

  it("own role: ignored, no AWS call, no message", async () => {
    const e = event();
    e.detail.userIdentity.arn =
      "arn:aws:sts::123456789012:assumed-role/revoke-world-ingress-role/fn";
    e.detail.userIdentity.sessionContext.sessionIssuer.arn = OWN_ROLE;
    const { result } = await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(e));
    expect(result?.outcome).to.equal("ignored");
    expect(m.ec2.calls()).to.have.length(0);
    expect(m.sns.calls()).to.have.length(0);
  });

  it("ModifySecurityGroupRules: revokes the world permission open now, by its content (never by the event's rule id)", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([world22]));
    m.ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const e = modify({ IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIpv4: "0.0.0.0/0" });
    await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(e));
    expect(sent(m.ec2)[1]).to.deep.equal({
      name: "RevokeSecurityGroupIngress",
      input: {
        GroupId: "sg-0abc1234",
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
      },
    });
  });

  it("ModifySecurityGroupRules of an egress rule (not among ingress): no revoke", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([]));
    const e = modify({ IpProtocol: "-1", FromPort: -1, ToPort: -1, CidrIpv4: "0.0.0.0/0" });
    const { result } = await captureLogs(() => createRevokeWorldIngressHandler(SETTINGS)(e));
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal(["DescribeSecurityGroups"]);
    expect(result?.outcome).to.equal("already-safe");
  });

  it("an AWS failure is logged as a failed incident and thrown (the event goes to the failure destination)", async () => {
    m.ec2.on(DescribeSecurityGroupsCommand).resolves(group([world22]));
    m.ec2.on(RevokeSecurityGroupIngressCommand).rejects(awsError("UnauthorizedOperation"));
    const { error, lines } = await captureLogs(() =>
      createRevokeWorldIngressHandler(SETTINGS)(event()),
    );
    expect(error?.message).to.equal(
      "revoke-world-ingress: remediation of sg-0abc1234 failed: UnauthorizedOperation: UnauthorizedOperation (test)",
    );
    expect(lines.find((l) => l.type === "incident")).to.deep.include({ outcome: "failed" });
    expect(m.sns.calls()).to.have.length(0);
  });

  it("validates settings at factory time", () => {
    expect(() =>
      createRevokeWorldIngressHandler({ ...SETTINGS, allowedPublicPorts: [70000] }),
    ).to.throw(
      "revoke-world-ingress: invalid settings: allowedPublicPorts must be a list of ports 0-65535",
    );
    expect(() => createRevokeWorldIngressHandler({ ...SETTINGS, resolutionTopicArn: "" })).to.throw(
      "revoke-world-ingress: invalid settings: resolutionTopicArn must be an SNS topic ARN (got )",
    );
  });
});
