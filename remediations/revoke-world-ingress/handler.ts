/**
 * Revoke world-open ingress: after AuthorizeSecurityGroupIngress or ModifySecurityGroupRules opens
 * a security group to 0.0.0.0/0 or ::/0 on a port that is not allowed, revoke exactly those
 * permissions (IPv4 and IPv6, protocol -1 included) and nothing else.
 *
 * Calls: DescribeSecurityGroups (one read: which of the offending permissions are open now, and
 * the exemption tag), then at most one RevokeSecurityGroupIngress.
 *
 * Both calls are undone by IpPermissions (protocol, ports, the world CIDR), found in the group's
 * current ingress permissions: that identifies exactly the rule that is open now (a group cannot
 * hold two identical rules), whatever rule id the event named (ModifySecurityGroupRules names a
 * rule that may since have been set back while another rule opened the same access; its record
 * does not say whether the rule is ingress or egress). Only the permissions still present are
 * revoked, because in a VPC one unknown permission makes the whole revoke fail
 * (InvalidPermission.NotFound); an egress rule is never touched.
 */
import type { RemediationId } from "../../core/types";
import {
  type Json,
  type Plan,
  isObject,
  items,
  readCloudTrail,
  str,
  tagMap,
} from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { errorName } from "../../lambdas/runtime/clients";
import { makeHandler } from "../../lambdas/runtime/loop";
import { complianceFound, readComplianceChange } from "../../lambdas/runtime/compliance";

export const deploymentOnlyModule = true;

export interface RevokeWorldIngressSettings extends RemediationSettings {
  /** Ports that may be open to the world (tcp/udp), e.g. [443]. A range is allowed only if every port in it is. */
  allowedPublicPorts: number[];
  /** Leave world-open ICMP alone (ICMP has no ports). @default false */
  allowPublicIcmp?: boolean;
}

/** One offending permission: one protocol/port range for one world CIDR. */
export interface WorldPermission {
  /** Normalized: "-1", "tcp", "udp", "icmp", "icmpv6" or a protocol number. */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: "0.0.0.0/0";
  cidrIpv6?: "::/0";
}

/** Security group ids, and the rule ids of ModifySecurityGroupRules. */
const GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const RULE_ID = /^sgr-[0-9a-f]{8,17}$/;

export interface IngressTarget {
  groupId?: string;
  groupName?: string;
  permissions: WorldPermission[];
  /**
   * AWS Config named the group, not a change: revoke every world-open permission the group holds
   * now on a port that is not allowed (`permissions` is then read from the group).
   */
  fromState?: boolean;
}

const PROTOCOL_NAMES: Record<string, string> = {
  all: "-1",
  "6": "tcp",
  "17": "udp",
  "1": "icmp",
  "58": "icmpv6",
};

/** "tcp", "udp", "icmp", "icmpv6" or "-1" (all) from a name or a number; other protocols as is. */
export function normalizeProtocol(p: unknown): string | undefined {
  const s = typeof p === "number" ? String(p) : str(p)?.toLowerCase();
  return s && (PROTOCOL_NAMES[s] ?? s);
}

/** True when world access to this protocol/port range is not allowed by the settings. */
export function isOffending(
  protocol: string,
  fromPort: number | undefined,
  toPort: number | undefined,
  settings: Pick<RevokeWorldIngressSettings, "allowedPublicPorts" | "allowPublicIcmp">,
): boolean {
  if (protocol === "icmp" || protocol === "icmpv6") return !settings.allowPublicIcmp;
  // -1 (all), port-less protocols and missing or inverted ranges are offending.
  if (
    (protocol !== "tcp" && protocol !== "udp") ||
    fromPort === undefined ||
    toPort === undefined
  ) {
    return true;
  }
  const allowed = settings.allowedPublicPorts;
  if (fromPort < 0 || toPort < fromPort || toPort - fromPort >= allowed.length) return true;
  for (let p = fromPort; p <= toPort; p++) if (!allowed.includes(p)) return true;
  return false;
}

export function describePermission(p: WorldPermission): string {
  const cidr = p.cidrIpv4 ?? p.cidrIpv6;
  if (p.ipProtocol === "-1") return `${cidr} all traffic`;
  const single = p.fromPort === undefined || p.fromPort === p.toPort;
  const ports = single ? `${p.fromPort ?? "all"}` : `${p.fromPort}-${p.toPort}`;
  return `${cidr} ${p.ipProtocol}:${ports}`;
}

/**
 * The pure decision: which world permissions of this event to revoke, or why none. Both calls
 * are read into one shape: AuthorizeSecurityGroupIngress (`ipPermissions`, or the legacy
 * top-level form with one permission) and ModifySecurityGroupRules (one rule per update, named
 * by its rule id). A CIDR with prefix length 0 is the whole address space (AWS canonicalizes it).
 */
export function planRevokeWorldIngress(
  event: unknown,
  settings: Pick<
    RevokeWorldIngressSettings,
    "ownRoleArn" | "allowedPublicPorts" | "allowPublicIcmp"
  >,
): Plan<IngressTarget> {
  const facts = readCloudTrail(event, settings, "ec2.amazonaws.com", [
    "AuthorizeSecurityGroupIngress",
    "ModifySecurityGroupRules",
  ]);
  if ("kind" in facts) return facts;
  const reject = (what: string) => ({
    kind: "reject" as const,
    reason: `${facts.eventId}: ${what}`,
  });
  const port = (v: unknown) => {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    return typeof n === "number" && Number.isInteger(n) ? n : undefined;
  };
  const world = (cidr: unknown, v6: boolean) => {
    const [addr, len] = str(cidr)?.split("/") ?? [];
    return len !== undefined && Number(len) === 0 && addr.includes(":") === v6;
  };
  const req = facts.request;
  /** The permissions of the call, as [rule, v4 CIDRs, v6 CIDRs]. */
  const rules: [Json, unknown[], unknown[]][] = [];
  let groupId: string | undefined;
  let groupName: string | undefined;

  if (facts.eventName === "AuthorizeSecurityGroupIngress") {
    groupId = str(req.groupId);
    groupName = str(req.groupName);
    if (!groupId && !groupName) return reject("no groupId or groupName");
    if (groupId ? !GROUP_ID.test(groupId) : !/^[\x20-\x7e]{1,255}$/.test(groupName ?? "")) {
      return reject("the security group id or name is not of the AWS format");
    }
    // The legacy flat form may come with an empty `ipPermissions: {}` beside it.
    const listed = items(req.ipPermissions).filter(
      (p) => !isObject(p) || Object.keys(p).length > 0,
    );
    const flat = req.ipProtocol !== undefined && listed.length === 0;
    const perms = req.ipPermissions === undefined || flat ? [req] : listed;
    for (const p of perms) {
      if (!isObject(p) || p.ipProtocol === undefined) {
        return reject("ipPermissions missing or malformed");
      }
      const v4 = p === req ? [{ cidrIp: req.cidrIp }] : items(p.ipRanges);
      rules.push([
        p,
        v4.map((r) => isObject(r) && r.cidrIp),
        items(p.ipv6Ranges).map((r) => isObject(r) && r.cidrIpv6),
      ]);
    }
  } else {
    const wrapped = req.ModifySecurityGroupRulesRequest;
    if (!isObject(wrapped)) return reject("no ModifySecurityGroupRulesRequest");
    groupId = str(wrapped.GroupId);
    if (!groupId || !GROUP_ID.test(groupId)) return reject("no GroupId of the form sg-...");
    const updates = items(wrapped.SecurityGroupRule);
    if (updates.length === 0) return reject("no SecurityGroupRule");
    for (const u of updates) {
      const rule = isObject(u) && u.SecurityGroupRule;
      const ruleId = isObject(u) && str(u.SecurityGroupRuleId);
      if (!isObject(rule) || !ruleId || !RULE_ID.test(ruleId)) {
        return reject("malformed SecurityGroupRule");
      }
      const { IpProtocol: ipProtocol, FromPort: fromPort, ToPort: toPort } = rule;
      rules.push([{ ipProtocol, fromPort, toPort }, [rule.CidrIpv4], [rule.CidrIpv6]]);
    }
  }

  const permissions: WorldPermission[] = [];
  for (const [rule, v4, v6] of rules) {
    const ipProtocol = normalizeProtocol(rule.ipProtocol);
    if (ipProtocol === undefined) return reject("a permission has no protocol");
    const [fromPort, toPort] = [port(rule.fromPort), port(rule.toPort)];
    if (!isOffending(ipProtocol, fromPort, toPort, settings)) continue;
    const base = { ipProtocol, ...(ipProtocol === "-1" ? {} : { fromPort, toPort }) };
    const add = (p: WorldPermission) => {
      if (!permissions.some((q) => describePermission(q) === describePermission(p))) {
        permissions.push(p);
      }
    };
    if (v4.some((c) => world(c, false))) add({ ...base, cidrIpv4: "0.0.0.0/0" });
    if (v6.some((c) => world(c, true))) add({ ...base, cidrIpv6: "::/0" });
  }
  const resource = (groupId ?? groupName) as string;
  if (permissions.length === 0) {
    const reason = "no permission open to 0.0.0.0/0 or ::/0 on a port that is not allowed";
    return { kind: "ignore", facts, resource, reason };
  }
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource,
    found: `opened ${permissions.map(describePermission).join(", ")}`,
    target: { groupId, groupName, permissions },
    consoleUrl: `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#SecurityGroup:groupId=${encodeURIComponent(resource)}`,
  };
}

/**
 * The plan for an AWS Config compliance change on a security group (lambdas/runtime/compliance.ts): the
 * offending permissions are read from the group itself at inspection.
 */
export function planRevokeWorldIngressFromCompliance(event: unknown): Plan<IngressTarget> {
  const change = readComplianceChange(event, ["AWS::EC2::SecurityGroup"]);
  if ("kind" in change) return change;
  const { facts, resourceId: groupId } = change;
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: groupId,
    found: complianceFound(change),
    target: { groupId, permissions: [], fromState: true },
    consoleUrl: `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#SecurityGroup:groupId=${groupId}`,
  };
}

/**
 * Every world-open permission (0.0.0.0/0, ::/0) of a group's ingress (DescribeSecurityGroups
 * `IpPermissions`) that the settings do not allow.
 */
export function offendingPermissions(
  ingress: unknown[],
  settings: Pick<RevokeWorldIngressSettings, "allowedPublicPorts" | "allowPublicIcmp">,
): WorldPermission[] {
  const out: WorldPermission[] = [];
  for (const perm of ingress) {
    if (!isObject(perm)) continue;
    const ipProtocol = normalizeProtocol(perm.IpProtocol);
    if (ipProtocol === undefined) continue;
    const [fromPort, toPort] = [perm.FromPort, perm.ToPort].map((v) =>
      typeof v === "number" ? v : undefined,
    );
    if (!isOffending(ipProtocol, fromPort, toPort, settings)) continue;
    const base = { ipProtocol, ...(ipProtocol === "-1" ? {} : { fromPort, toPort }) };
    if (items(perm.IpRanges).some((x) => isObject(x) && x.CidrIp === "0.0.0.0/0")) {
      out.push({ ...base, cidrIpv4: "0.0.0.0/0" });
    }
    if (items(perm.Ipv6Ranges).some((x) => isObject(x) && x.CidrIpv6 === "::/0")) {
      out.push({ ...base, cidrIpv6: "::/0" });
    }
  }
  return out;
}

/** True when the group's current ingress permissions (DescribeSecurityGroups) still contain `p`. */
export function stillPresent(p: WorldPermission, ingress: unknown[]): boolean {
  return ingress.some(
    (perm) =>
      isObject(perm) &&
      normalizeProtocol(perm.IpProtocol) === p.ipProtocol &&
      (p.ipProtocol === "-1" || (perm.FromPort === p.fromPort && perm.ToPort === p.toPort)) &&
      (p.cidrIpv4
        ? items(perm.IpRanges).some((r) => isObject(r) && r.CidrIp === p.cidrIpv4)
        : items(perm.Ipv6Ranges).some((r) => isObject(r) && r.CidrIpv6 === p.cidrIpv6)),
  );
}

/** IpPermissions for RevokeSecurityGroupIngress: one entry per protocol/port range. */
export function toIpPermissions(perms: WorldPermission[]): Json[] {
  const byRange: Record<string, Json & { IpRanges?: Json[]; Ipv6Ranges?: Json[] }> = {};
  for (const p of perms) {
    const entry = (byRange[`${p.ipProtocol}|${p.fromPort}|${p.toPort}`] ??= {
      IpProtocol: p.ipProtocol,
      ...(p.ipProtocol === "-1" ? {} : { FromPort: p.fromPort, ToPort: p.toPort }),
    });
    if (p.cidrIpv4) (entry.IpRanges ??= []).push({ CidrIp: p.cidrIpv4 });
    if (p.cidrIpv6) (entry.Ipv6Ranges ??= []).push({ CidrIpv6: p.cidrIpv6 });
  }
  return Object.values(byRange);
}

/**
 * The handler. Only the permissions open now are revoked (in a VPC one unknown permission fails
 * the whole revoke), by IpPermissions. A revoke that finds them gone meanwhile
 * (InvalidPermission.NotFound, or all of them in UnknownIpPermissions) reports already safe, and
 * the message names only what was removed.
 */
export function createRevokeWorldIngressHandler(
  settings: RevokeWorldIngressSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("revoke-world-ingress", settings);
  const ports = s.allowedPublicPorts;
  if (!Array.isArray(ports) || !ports.every((p) => Number.isInteger(p) && p >= 0 && p <= 65535)) {
    throw new Error(
      "revoke-world-ingress: invalid settings: allowedPublicPorts must be a list of ports 0-65535",
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ec2: typeof import("@aws-sdk/client-ec2") = require("@aws-sdk/client-ec2");
  const raced = ["InvalidPermission.NotFound"];

  return makeHandler<IngressTarget>(s, {
    id: "revoke-world-ingress" as RemediationId,
    plan: (event) => planRevokeWorldIngress(event, s),
    planResource: planRevokeWorldIngressFromCompliance,
    gone: ["InvalidGroup.NotFound", "InvalidGroupId.NotFound"],

    /** The group by its id (what AWS Config names), and the permissions the event opened. */
    async changedParts({ groupId, groupName, permissions }, { facts, client }) {
      let resource = groupId;
      if (!resource) {
        const out = await client(ec2.EC2Client, facts.region).send(
          new ec2.DescribeSecurityGroupsCommand({ GroupNames: [groupName as string] }),
        );
        resource = out.SecurityGroups?.[0]?.GroupId ?? (groupName as string);
      }
      return { resource, parts: permissions.map(describePermission) };
    },

    async inspect({ groupId, groupName, permissions: named, fromState }, ctx) {
      const { facts, client } = ctx;
      const c = client(ec2.EC2Client, facts.region);
      // AWS Config names the group by id: its record (parts left for trusted changes) beside the read.
      const record = fromState && groupId ? ctx.exempted(groupId) : undefined;
      const out = await c.send(
        new ec2.DescribeSecurityGroupsCommand(
          groupId ? { GroupIds: [groupId] } : { GroupNames: [groupName as string] },
        ),
      );
      const group = out.SecurityGroups?.[0];
      if (!group?.GroupId) throw new Error("DescribeSecurityGroups returned no group");
      const GroupId = group.GroupId;
      const exempt = (await record)?.exempt ?? new Map<string, string>();
      const offending = fromState ? offendingPermissions(group.IpPermissions ?? [], s) : named;
      const trusted = offending.filter((p) => exempt.has(describePermission(p)));
      const permissions = offending.filter((p) => !trusted.includes(p));
      const left = trusted.map(
        (p) => `${describePermission(p)} (${exempt.get(describePermission(p))})`,
      );
      const kept = left.length ? ` Left as is for trusted changes: ${left.join(", ")}.` : "";
      if (fromState && permissions.length === 0 && trusted.length > 0) {
        const message = `Left as is: each world-open permission on ${GroupId} was opened by a trusted change: ${left.join(", ")}.`;
        return { done: "exempt", message, state: `${GroupId} ingress open: ${left.join(", ")}` };
      }
      const present = permissions.filter((p) => stillPresent(p, group.IpPermissions ?? []));
      const gone = permissions.filter((p) => !present.includes(p)).map(describePermission);
      const note = (gone.length ? ` Already gone: ${gone.join(", ")}.` : "") + kept;
      if (present.length === 0) {
        const message = `The world-open permissions are no longer on ${GroupId}.${note}`;
        return { done: "already-safe", message, state: `${GroupId}: none of them open` };
      }
      const revoked = present.map(describePermission);
      const IpPermissions = toIpPermissions(present);
      return {
        tags: tagMap(group.Tags),
        state: `${GroupId} ingress open: ${revoked.join(", ")}`,
        after: `${GroupId} ingress: none of ${revoked.join(", ")}`,
        actions: revoked.map((p) => `RevokeSecurityGroupIngress ${GroupId} ${p}`),
        async apply() {
          const result = await c
            .send(new ec2.RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions }))
            .catch((err) => {
              if (raced.includes(errorName(err))) return undefined;
              throw err;
            });
          const unknown = toPermissions(result?.UnknownIpPermissions ?? []);
          const removed = revoked.filter((p) => !unknown.includes(p));
          if (!result || removed.length === 0) return undefined;
          const meanwhile = revoked.filter((p) => unknown.includes(p));
          const also = meanwhile.length ? ` Gone meanwhile: ${meanwhile.join(", ")}.` : "";
          return `Revoked ${removed.join(", ")} on ${GroupId}.${note}${also}`;
        },
      };
    },
  });
}

/** The world permissions in IpPermissions (of an EC2 answer), described. */
export function toPermissions(perms: unknown[]): string[] {
  const out: string[] = [];
  for (const perm of perms) {
    if (!isObject(perm)) continue;
    const ipProtocol = normalizeProtocol(perm.IpProtocol) ?? "";
    const ports =
      ipProtocol === "-1"
        ? {}
        : {
            fromPort: perm.FromPort as number | undefined,
            toPort: perm.ToPort as number | undefined,
          };
    for (const r of items(perm.IpRanges)) {
      if (isObject(r) && r.CidrIp === "0.0.0.0/0") {
        out.push(describePermission({ ipProtocol, ...ports, cidrIpv4: "0.0.0.0/0" }));
      }
    }
    for (const r of items(perm.Ipv6Ranges)) {
      if (isObject(r) && r.CidrIpv6 === "::/0") {
        out.push(describePermission({ ipProtocol, ...ports, cidrIpv6: "::/0" }));
      }
    }
  }
  return out;
}
