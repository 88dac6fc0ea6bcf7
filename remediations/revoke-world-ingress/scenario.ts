/**
 * The drill scenario of revoke-world-ingress: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  IpPermission,
  RevokeSecurityGroupIngressCommand,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { RemediationId } from "../../core/types";
import {
  Scenario,
  attackerRecord,
  ec2TagSpecifications,
  uniqueName,
} from "../../scripts/scenarioKit";

interface WorldRule {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
}

function toIpPermission(rule: WorldRule): IpPermission {
  return {
    IpProtocol: rule.ipProtocol,
    ...(rule.ipProtocol === "-1" ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIpv4 !== undefined ? { IpRanges: [{ CidrIp: rule.cidrIpv4 }] } : {}),
    ...(rule.cidrIpv6 !== undefined ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6 }] } : {}),
  };
}

/** requestParameters.ipPermissions.items[i] as CloudTrail writes it for EC2 query lists. */
function cloudTrailPermission(rule: WorldRule): Record<string, unknown> {
  return {
    ipProtocol: rule.ipProtocol,
    ...(rule.ipProtocol === "-1" ? {} : { fromPort: rule.fromPort, toPort: rule.toPort }),
    groups: {},
    ipRanges: rule.cidrIpv4 !== undefined ? { items: [{ cidrIp: rule.cidrIpv4 }] } : {},
    ipv6Ranges: rule.cidrIpv6 !== undefined ? { items: [{ cidrIpv6: rule.cidrIpv6 }] } : {},
    prefixListIds: {},
  };
}

/** responseElements.securityGroupRuleSet.items[i] from the rule AWS returned. */
function cloudTrailRule(rule: SecurityGroupRule, account: string): Record<string, unknown> {
  return {
    groupOwnerId: account,
    groupId: rule.GroupId,
    securityGroupRuleId: rule.SecurityGroupRuleId,
    isEgress: rule.IsEgress ?? false,
    ipProtocol: rule.IpProtocol,
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    ...(rule.CidrIpv4 !== undefined ? { cidrIpv4: rule.CidrIpv4 } : {}),
    ...(rule.CidrIpv6 !== undefined ? { cidrIpv6: rule.CidrIpv6 } : {}),
  };
}

/** Whether the group's ingress permissions contain `rule` (same protocol, ports and CIDR). */
function hasIngress(permissions: IpPermission[], rule: WorldRule): boolean {
  return permissions.some(
    (p) =>
      p.IpProtocol === rule.ipProtocol &&
      (rule.ipProtocol === "-1" || (p.FromPort === rule.fromPort && p.ToPort === rule.toPort)) &&
      (rule.cidrIpv4 !== undefined
        ? (p.IpRanges ?? []).some((r) => r.CidrIp === rule.cidrIpv4)
        : (p.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === rule.cidrIpv6)),
  );
}

function describeRule(rule: WorldRule): string {
  const ports = rule.ipProtocol === "-1" ? "all" : `${rule.ipProtocol}:${rule.fromPort}`;
  return `${rule.cidrIpv4 ?? rule.cidrIpv6} ${ports}`;
}

/**
 * Rules the owner set before the attack, which the remediation must leave alone: SSH from the
 * private network, and HTTPS from the world (revoke only what the event added).
 */
const LEGITIMATE_INGRESS: readonly WorldRule[] = [
  { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" },
  { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
];

function worldIngressScenario(id: string, title: string, attack: WorldRule): Scenario {
  return {
    id,
    title,
    remediation: RemediationId.RevokeWorldIngress,
    taggable: true,
    async setup(ctx, options) {
      const { ec2 } = ctx.clients;
      const group = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: uniqueName("web"),
          Description: "web servers",
          ...ec2TagSpecifications("security-group", options?.tags),
        }),
      );
      const groupId = group.GroupId!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: LEGITIMATE_INGRESS.map(toIpPermission),
        }),
      );
      const rules = [attack];
      const added = await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: rules.map(toIpPermission),
        }),
      );
      const record = attackerRecord(ctx, {
        eventSource: "ec2.amazonaws.com",
        eventName: "AuthorizeSecurityGroupIngress",
        command: "ec2.authorize-security-group-ingress",
        requestParameters: {
          groupId,
          ipPermissions: { items: rules.map(cloudTrailPermission) },
        },
        responseElements: {
          requestId: "",
          _return: true,
          securityGroupRuleSet: {
            items: (added.SecurityGroupRules ?? []).map((r) => cloudTrailRule(r, ctx.account)),
          },
        },
      });
      return { record, resource: groupId };
    },
    async verify(ctx, { resource }) {
      const out = await ctx.clients.ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [resource] }),
      );
      const ingress = out.SecurityGroups?.[0]?.IpPermissions ?? [];
      const open = [attack].filter((rule) => hasIngress(ingress, rule));
      const missing = LEGITIMATE_INGRESS.filter((rule) => !hasIngress(ingress, rule));
      const problems = [
        ...open.map((rule) => `still open: ${describeRule(rule)}`),
        ...missing.map((rule) => `legitimate rule removed: ${describeRule(rule)}`),
      ];
      return {
        safe: problems.length === 0,
        detail:
          problems.length === 0
            ? `${resource}: ${describeRule(attack)} revoked, legitimate rules kept`
            : `${resource}: ${problems.join("; ")}`,
      };
    },
    async fix(ctx, { resource }) {
      await ctx.clients.ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: resource,
          IpPermissions: [toIpPermission(attack)],
        }),
      );
    },
  };
}

/** The drill scenarios of revoke-world-ingress, in drill order. */
export const scenarios: Scenario[] = [
  worldIngressScenario("sg-world-ssh-ipv4", "security group opened to 0.0.0.0/0 on port 22", {
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv4: "0.0.0.0/0",
  }),
  worldIngressScenario("sg-world-ssh-ipv6", "security group opened to ::/0 on port 22", {
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv6: "::/0",
  }),
  worldIngressScenario("sg-world-all-traffic", "security group opened to 0.0.0.0/0, all traffic", {
    ipProtocol: "-1",
    cidrIpv4: "0.0.0.0/0",
  }),
];
