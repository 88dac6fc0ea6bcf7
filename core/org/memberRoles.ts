/**
 * The cross-account remediation roles of an organization: the member role of each remediation
 * (deployed once per member account) and the hub function role's right to assume it. The
 * member role's permissions are the statements of the single-account role
 * (its spec's `statements`, remediations/<id>/policy.ts), for the member account: derived, never
 * copied. Plain data, no Pulumi.
 *
 * Trust (each condition closes a known failure):
 * - Principal: the hub account, and the condition `aws:PrincipalArn` = the hub function role of
 *   the same remediation. A condition, not the role ARN as principal: IAM rewrites a role
 *   principal to the role's unique id when the role is deleted, and a re-created hub role is then
 *   silently untrusted everywhere (the broken trust that AWS ASR users meet after a failed
 *   StackSet update). A condition on the ARN survives the hub role's re-creation.
 * - `aws:PrincipalOrgID`: the caller belongs to this organization.
 * - `sts:ExternalId`: the hub names this deployment's external id.
 */
import type { RemediationPolicyStatement } from "../remediationPolicies";
import { remediationStatements } from "../../remediations/registry";
import { RemediationId } from "../types";

/** Name of the member role of a remediation, the same in every member account. */
export const MEMBER_ROLE_PREFIX = "asw-member-";
/** Name of the hub function role of a remediation, in the hub account. */
export const HUB_ROLE_PREFIX = "asw-hub-";

export function memberRoleName(id: RemediationId): string {
  return `${MEMBER_ROLE_PREFIX}${id}`;
}

export function hubRoleName(id: RemediationId): string {
  return `${HUB_ROLE_PREFIX}${id}`;
}

/** The member role ARN of a remediation in `account`. */
export function memberRoleArn(partition: string, account: string, id: RemediationId): string {
  return `arn:${partition}:iam::${account}:role/${memberRoleName(id)}`;
}

export interface MemberTrustContext {
  readonly partition: string;
  readonly hubAccount: string;
  readonly organizationId: string;
  readonly externalId: string;
}

/** One IAM policy statement with a principal and conditions (trust and resource policies). */
export interface TrustStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal: { readonly AWS: string } | { readonly Service: string } | "*";
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition: Record<string, Record<string, string | string[]>>;
}

export interface TrustPolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: TrustStatement[];
}

/** The trust policy of the member role of `id`: only the hub function role of `id`. */
export function memberTrustPolicy(id: RemediationId, ctx: MemberTrustContext): TrustPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "HubRemediationFunctionOnly",
        Effect: "Allow",
        Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.hubAccount}:root` },
        Action: "sts:AssumeRole",
        Condition: {
          ArnEquals: {
            "aws:PrincipalArn": `arn:${ctx.partition}:iam::${ctx.hubAccount}:role/${hubRoleName(id)}`,
          },
          StringEquals: {
            "aws:PrincipalOrgID": ctx.organizationId,
            "sts:ExternalId": ctx.externalId,
          },
        },
      },
    ],
  };
}

/**
 * The permissions of the member role of `id` in `account`: the remediation's own statements,
 * for every region of the spokes (the role is per account, not per region): resource ARNs in any
 * region, and every Allow confined to `regions` by `aws:RequestedRegion` (the statements that
 * single-account roles confine to their region, and the ARN-scoped ones, whose ARNs now name any
 * region). IAM is global (its endpoint signs for us-east-1): its statements stay as they are.
 */
export function memberRolePolicy(
  id: RemediationId,
  ctx: { readonly partition: string; readonly account: string; readonly regions: unknown },
): { Version: "2012-10-17"; Statement: RemediationPolicyStatement[] } {
  const statements = remediationStatements(id, { ...ctx, region: "*" }).map((statement) => {
    if (statement.Effect !== "Allow" || statement.Action.every((a) => a.startsWith("iam:"))) {
      return statement;
    }
    const equals = (statement.Condition?.StringEquals ?? {}) as Record<string, unknown>;
    return {
      ...statement,
      Condition: {
        ...statement.Condition,
        StringEquals: { ...equals, "aws:RequestedRegion": ctx.regions },
      },
    } as RemediationPolicyStatement;
  });
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The statement the hub function role of `id` needs to act in member accounts: assume that
 * remediation's member role, in accounts of this organization only (`aws:ResourceOrgID`).
 */
export function assumeMemberRoleStatement(
  id: RemediationId,
  ctx: { readonly partition: string; readonly organizationId: string },
): {
  Sid: string;
  Effect: "Allow";
  Action: string;
  Resource: string;
  Condition: Record<string, Record<string, string>>;
} {
  return {
    Sid: "AssumeMemberRole",
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: `arn:${ctx.partition}:iam::*:role/${memberRoleName(id)}`,
    Condition: { StringEquals: { "aws:ResourceOrgID": ctx.organizationId } },
  };
}
