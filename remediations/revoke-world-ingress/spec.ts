/** revoke-world-ingress: Revoke world-open security group ingress on a port that is not allowed. */
import type { RemediationSpec } from "../spec";
import { portList } from "../settingKinds";
import { createRevokeWorldIngressHandler } from "./handler";
import { statements } from "./policy";

/** The settings of revoke-world-ingress (`remediations.revoke-world-ingress.settings`). */
export interface RevokeWorldIngressOptions {
  /**
   * Ports that may stay open to the world (tcp/udp), e.g. `[80, 443]`. A rule is left alone only
   * when its whole port range is within these ports.
   * @default []
   */
  readonly allowedPublicPorts?: number[];
}

export const spec: RemediationSpec = {
  id: "revoke-world-ingress",
  key: "RevokeWorldIngress",
  title: "Revoke world-open security group ingress on a port that is not allowed",
  factory: createRevokeWorldIngressHandler,
  statements,
  settings: {
    allowedPublicPorts: {
      ...portList(
        "Ports that may stay open to the world (tcp/udp), e.g. `[80, 443]` for a public load balancer's security group. A rule is left alone only when its whole port range is within these ports.",
      ),
    },
  },
  detections: [
    "security-group-open-to-world",
    "security-group-open-all-ports",
    "security-group-rule-open-to-world",
    "security-group-rule-open-all-ports",
  ],
  configRules: ["sg-open-ports"],
  docs: {
    undoes:
      "the ingress permissions open to 0.0.0.0/0 or ::/0 (IPv4 and IPv6, protocol -1 included) on ports outside `allowedPublicPorts`, exactly those",
    neverTouches:
      "egress rules, rules open to named CIDRs or security groups, rules on allowed ports; it never adds a rule",
    roleCanStill:
      "revoke any ingress rule of any security group of the account in the stack's region, and read all security groups there: `RevokeSecurityGroupIngress` has no condition key on the rule revoked; `DescribeSecurityGroups` has no resource-level permission",
  },
};
