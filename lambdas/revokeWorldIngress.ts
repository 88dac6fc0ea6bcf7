/**
 * Revoke world-open ingress: after AuthorizeSecurityGroupIngress or ModifySecurityGroupRules opens
 * a security group to 0.0.0.0/0 or ::/0 on a port that is not allowed, revoke exactly those
 * permissions (IPv4 and IPv6, protocol -1 included) and nothing else.
 *
 * Calls: DescribeSecurityGroups (one read: the exemption tag and whether the offending
 * permissions are still there), then at most one RevokeSecurityGroupIngress.
 *
 * - AuthorizeSecurityGroupIngress is revoked by IpPermissions (protocol, ports, the world CIDR):
 *   that identifies exactly the rule the call added (a group cannot hold two identical rules),
 *   works for records with or without `securityGroupRuleSet`, and leaves the other CIDRs of the
 *   same call alone. Only the permissions still present are revoked, because in a VPC one
 *   unknown permission makes the whole revoke fail (InvalidPermission.NotFound).
 * - ModifySecurityGroupRules is revoked by SecurityGroupRuleIds (the record names the rule, not
 *   whether it is ingress): only when the new rule is found among the group's ingress
 *   permissions, so an egress rule is never touched.
 */
import type { RemediationId } from "../core/types";
import {
  type Applied,
  type EventFacts,
  type Inspection,
  type Json,
  type Plan,
  type RemediationResult,
  type RemediationSettings,
  ignore,
  isObject,
  items,
  makeHandler,
  perRegion,
  clientConfig,
  readCloudTrail,
  reject,
  str,
  tagMap,
  hasErrorName,
  validateSettings,
} from "./common";

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
  /** Set for ModifySecurityGroupRules: the rule to revoke. */
  ruleId?: string;
}

export interface IngressTarget {
  groupId?: string;
  groupName?: string;
  permissions: WorldPermission[];
}

const PROTOCOL_NAMES: Record<string, string> = {
  "-1": "-1",
  all: "-1",
  "6": "tcp",
  tcp: "tcp",
  "17": "udp",
  udp: "udp",
  "1": "icmp",
  icmp: "icmp",
  "58": "icmpv6",
  icmpv6: "icmpv6",
};

export function normalizeProtocol(p: unknown): string | undefined {
  const s = typeof p === "number" ? String(p) : str(p)?.toLowerCase();
  return s === undefined ? undefined : (PROTOCOL_NAMES[s] ?? s);
}

function port(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

/** A CIDR with prefix length 0 is the whole address space (AWS canonicalizes it). */
function isWorld(cidr: unknown, family: 4 | 6): boolean {
  const s = str(cidr);
  if (!s) return false;
  const [addr, len] = s.split("/");
  return (
    len !== undefined &&
    Number(len) === 0 &&
    (family === 4 ? !addr.includes(":") : addr.includes(":"))
  );
}

/** True when world access to this protocol/port range is not allowed by the settings. */
export function isOffending(
  protocol: string,
  fromPort: number | undefined,
  toPort: number | undefined,
  settings: Pick<RevokeWorldIngressSettings, "allowedPublicPorts" | "allowPublicIcmp">,
): boolean {
  if (protocol === "icmp" || protocol === "icmpv6") return !settings.allowPublicIcmp;
  if (protocol !== "tcp" && protocol !== "udp") return true; // -1 (all) and port-less protocols
  if (fromPort === undefined || toPort === undefined || fromPort < 0 || toPort < fromPort) {
    return true;
  }
  const allowed = new Set(settings.allowedPublicPorts);
  if (toPort - fromPort + 1 > allowed.size) return true;
  for (let p = fromPort; p <= toPort; p++) if (!allowed.has(p)) return true;
  return false;
}

export function describePermission(p: WorldPermission): string {
  const cidr = p.cidrIpv4 ?? p.cidrIpv6;
  if (p.ipProtocol === "-1") return `${cidr} all traffic`;
  const ports =
    p.fromPort === undefined || p.fromPort === p.toPort
      ? `${p.fromPort ?? "all"}`
      : `${p.fromPort}-${p.toPort}`;
  return `${cidr} ${p.ipProtocol}:${ports}`;
}

function consoleUrl(region: string, groupId: string): string {
  return `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#SecurityGroup:groupId=${groupId}`;
}

/** World permissions of AuthorizeSecurityGroupIngress request parameters. */
function authorizePermissions(
  request: Json,
):
  | { spec: { protocol: string; from?: number; to?: number }; v4: boolean; v6: boolean }[]
  | undefined {
  const perms = request.ipPermissions !== undefined ? items(request.ipPermissions) : undefined;
  const list: Json[] = [];
  if (perms === undefined) {
    // Legacy form: one permission as top-level parameters.
    if (request.ipProtocol === undefined) return undefined;
    list.push({
      ipProtocol: request.ipProtocol,
      fromPort: request.fromPort,
      toPort: request.toPort,
      ipRanges: request.cidrIp !== undefined ? [{ cidrIp: request.cidrIp }] : [],
    });
  } else {
    for (const p of perms) {
      if (!isObject(p)) return undefined;
      list.push(p);
    }
  }
  const out = [];
  for (const p of list) {
    const protocol = normalizeProtocol(p.ipProtocol);
    if (protocol === undefined) return undefined;
    out.push({
      spec: { protocol, from: port(p.fromPort), to: port(p.toPort) },
      v4: items(p.ipRanges).some((r) => isObject(r) && isWorld(r.cidrIp, 4)),
      v6: items(p.ipv6Ranges).some((r) => isObject(r) && isWorld(r.cidrIpv6, 6)),
    });
  }
  return out;
}

/** The pure decision: which world permissions of this event to revoke, or why none. */
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
  const req = facts.request;
  const permissions: WorldPermission[] = [];
  let groupId: string | undefined;
  let groupName: string | undefined;

  if (facts.eventName === "AuthorizeSecurityGroupIngress") {
    groupId = str(req.groupId);
    groupName = str(req.groupName);
    if (!groupId && !groupName) return reject(`${facts.eventId}: no groupId or groupName`);
    const perms = authorizePermissions(req);
    if (!perms) return reject(`${facts.eventId}: ipPermissions missing or malformed`);
    for (const { spec, v4, v6 } of perms) {
      if (!(v4 || v6) || !isOffending(spec.protocol, spec.from, spec.to, settings)) continue;
      const base = {
        ipProtocol: spec.protocol,
        ...(spec.protocol === "-1" ? {} : { fromPort: spec.from, toPort: spec.to }),
      };
      if (v4) permissions.push({ ...base, cidrIpv4: "0.0.0.0/0" });
      if (v6) permissions.push({ ...base, cidrIpv6: "::/0" });
    }
  } else {
    const wrapped = req.ModifySecurityGroupRulesRequest;
    if (!isObject(wrapped)) return reject(`${facts.eventId}: no ModifySecurityGroupRulesRequest`);
    groupId = str(wrapped.GroupId);
    if (!groupId) return reject(`${facts.eventId}: no GroupId`);
    const updates = items(wrapped.SecurityGroupRule);
    if (updates.length === 0) return reject(`${facts.eventId}: no SecurityGroupRule`);
    for (const u of updates) {
      const rule = isObject(u) ? u.SecurityGroupRule : undefined;
      const ruleId = isObject(u) ? str(u.SecurityGroupRuleId) : undefined;
      const protocol = isObject(rule) ? normalizeProtocol(rule.IpProtocol) : undefined;
      if (!isObject(rule) || !ruleId || protocol === undefined) {
        return reject(`${facts.eventId}: malformed SecurityGroupRule`);
      }
      const from = port(rule.FromPort);
      const to = port(rule.ToPort);
      const v4 = isWorld(rule.CidrIpv4, 4);
      const v6 = isWorld(rule.CidrIpv6, 6);
      if (!(v4 || v6) || !isOffending(protocol, from, to, settings)) continue;
      permissions.push({
        ipProtocol: protocol,
        ...(protocol === "-1" ? {} : { fromPort: from, toPort: to }),
        ...(v4 ? { cidrIpv4: "0.0.0.0/0" as const } : { cidrIpv6: "::/0" as const }),
        ruleId,
      });
    }
  }
  const resource = (groupId ?? groupName) as string;
  if (permissions.length === 0) {
    return ignore(
      facts,
      resource,
      "no permission open to 0.0.0.0/0 or ::/0 on a port that is not allowed",
    );
  }
  return {
    kind: "act",
    facts,
    resource,
    found: `opened ${permissions.map(describePermission).join(", ")}`,
    target: { groupId, groupName, permissions },
    consoleUrl: consoleUrl(facts.region, resource),
  };
}

interface GroupState {
  groupId: string;
  ingress: unknown[];
}

/** True when the group's current ingress permissions still contain `p`. */
export function stillPresent(p: WorldPermission, ingress: unknown[]): boolean {
  return ingress.some((perm) => {
    if (!isObject(perm) || normalizeProtocol(perm.IpProtocol) !== p.ipProtocol) return false;
    if (p.ipProtocol !== "-1" && (perm.FromPort !== p.fromPort || perm.ToPort !== p.toPort)) {
      return false;
    }
    return p.cidrIpv4
      ? items(perm.IpRanges).some((r) => isObject(r) && r.CidrIp === p.cidrIpv4)
      : items(perm.Ipv6Ranges).some((r) => isObject(r) && r.CidrIpv6 === p.cidrIpv6);
  });
}

/** IpPermissions for RevokeSecurityGroupIngress: one entry per protocol/port range. */
export function toIpPermissions(perms: WorldPermission[]): Json[] {
  const byRange = new Map<string, Json>();
  for (const p of perms) {
    const key = `${p.ipProtocol}|${p.fromPort}|${p.toPort}`;
    let entry = byRange.get(key);
    if (!entry) {
      entry = { IpProtocol: p.ipProtocol };
      if (p.ipProtocol !== "-1") Object.assign(entry, { FromPort: p.fromPort, ToPort: p.toPort });
      byRange.set(key, entry);
    }
    if (p.cidrIpv4)
      entry.IpRanges = [...((entry.IpRanges as Json[]) ?? []), { CidrIp: p.cidrIpv4 }];
    if (p.cidrIpv6) {
      entry.Ipv6Ranges = [...((entry.Ipv6Ranges as Json[]) ?? []), { CidrIpv6: p.cidrIpv6 }];
    }
  }
  return [...byRange.values()];
}

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
  const client = perRegion((region) => new ec2.EC2Client(clientConfig(region)));

  return makeHandler<IngressTarget, GroupState>(s, {
    id: "revoke-world-ingress" as RemediationId,
    plan: (event) => planRevokeWorldIngress(event, s),

    async inspect(target, facts: EventFacts): Promise<Inspection<GroupState>> {
      try {
        const out = await client(facts.region).send(
          new ec2.DescribeSecurityGroupsCommand(
            target.groupId
              ? { GroupIds: [target.groupId] }
              : { GroupNames: [target.groupName as string] },
          ),
        );
        const group = out.SecurityGroups?.[0];
        if (!group?.GroupId) throw new Error("DescribeSecurityGroups returned no group");
        return {
          tags: tagMap(group.Tags),
          state: { groupId: group.GroupId, ingress: group.IpPermissions ?? [] },
        };
      } catch (err) {
        if (!hasErrorName(err, ["InvalidGroup.NotFound", "InvalidGroupId.NotFound"])) throw err;
        return {
          state: { groupId: "", ingress: [] },
          done: { outcome: "already-safe", message: "The security group no longer exists." },
        };
      }
    },

    async apply(target, state, facts, dryRun): Promise<Applied> {
      const present = target.permissions.filter((p) => stillPresent(p, state.ingress));
      const gone = target.permissions.filter((p) => !present.includes(p));
      const goneNote = gone.length
        ? ` Already gone: ${gone.map(describePermission).join(", ")}.`
        : "";
      if (present.length === 0) {
        return {
          outcome: "already-safe",
          actions: [],
          message: `The world-open permissions are no longer on ${state.groupId}.${goneNote}`,
        };
      }
      const byRuleId = present.every((p) => p.ruleId !== undefined);
      const input = byRuleId
        ? { GroupId: state.groupId, SecurityGroupRuleIds: present.map((p) => p.ruleId as string) }
        : { GroupId: state.groupId, IpPermissions: toIpPermissions(present) };
      const actions = present.map(
        (p) =>
          `RevokeSecurityGroupIngress ${state.groupId} ${describePermission(p)}${p.ruleId ? ` (${p.ruleId})` : ""}`,
      );
      if (dryRun) {
        return {
          outcome: "remediated",
          actions,
          message: `Would revoke ${present.map(describePermission).join(", ")} on ${state.groupId}.${goneNote}`,
        };
      }
      try {
        const out = await client(facts.region).send(
          new ec2.RevokeSecurityGroupIngressCommand(input as never),
        );
        const unknown = out.UnknownIpPermissions ?? [];
        if (unknown.length > 0 && !byRuleId && unknown.length >= input.IpPermissions!.length) {
          return {
            outcome: "already-safe",
            actions: [],
            message: `Nothing to revoke on ${state.groupId}: the permissions were already gone.`,
          };
        }
      } catch (err) {
        if (
          !hasErrorName(err, ["InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound"])
        ) {
          throw err;
        }
        return {
          outcome: "already-safe",
          actions: [],
          message: `Nothing to revoke on ${state.groupId}: the permissions were already gone.`,
        };
      }
      return {
        outcome: "remediated",
        actions,
        message: `Revoked ${present.map(describePermission).join(", ")} on ${state.groupId}.${goneNote}`,
      };
    },
  });
}
