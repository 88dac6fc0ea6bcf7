/**
 * The resource policy of the hub's event bus: who may put events on it. Plain data, no Pulumi.
 *
 * The spokes' forwarding rules put events through a role of the member account, so the caller
 * is a principal of that account: `aws:PrincipalOrgID` admits the whole organization,
 * `aws:PrincipalOrgPaths` narrows it to organizational units, `aws:PrincipalAccount` to listed
 * accounts, and an explicit deny keeps excluded accounts out whatever else admits them.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
 */
import { TrustPolicyDocument, TrustStatement } from "./memberRoles";

export interface HubBusPolicyInput {
  readonly eventBusArn: string;
  readonly organizationId: string;
  /**
   * Organization paths (`o-xxx/r-xxxx/ou-xxxx-xxxxxxxx/`) whose accounts are admitted; empty:
   * the whole organization (unless `accounts` is given).
   */
  readonly organizationalUnitPaths: readonly string[];
  /** Accounts admitted by id (with the OUs, if both are given). */
  readonly accounts: readonly string[];
  /** Accounts never admitted. */
  readonly excludedAccounts: readonly string[];
}

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const OU_PATH = /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}(\/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})*\/$/;
const ACCOUNT = /^\d{12}$/;

/** The problems of the input, each naming its field; empty when valid. */
export function hubBusPolicyProblems(p: Omit<HubBusPolicyInput, "eventBusArn">): string[] {
  const problems: string[] = [];
  if (!ORG_ID.test(p.organizationId)) {
    problems.push(`organizationId: "${p.organizationId}" is not an organization id (o-...)`);
  }
  for (const path of p.organizationalUnitPaths) {
    if (!OU_PATH.test(path)) {
      problems.push(
        `organizationalUnitPaths: "${path}" is not an organization path like o-abcdefghij/r-ab12/ou-ab12-abcdefgh/`,
      );
    } else if (!path.startsWith(`${p.organizationId}/`)) {
      problems.push(`organizationalUnitPaths: "${path}" is not in ${p.organizationId}`);
    }
  }
  for (const [field, list] of [
    ["accounts", p.accounts],
    ["excludedAccounts", p.excludedAccounts],
  ] as const) {
    for (const account of list) {
      if (!ACCOUNT.test(account))
        problems.push(`${field}: "${account}" is not a 12-digit account id`);
    }
  }
  return problems;
}

/** The bus policy. */
export function hubBusPolicy(p: HubBusPolicyInput): TrustPolicyDocument {
  const allow = (sid: string, extra: Record<string, Record<string, string | string[]>>) => ({
    Sid: sid,
    Effect: "Allow" as const,
    Principal: "*" as const,
    Action: "events:PutEvents",
    Resource: p.eventBusArn,
    Condition: { StringEquals: { "aws:PrincipalOrgID": p.organizationId }, ...extra },
  });
  const statements: TrustStatement[] = [];
  if (p.organizationalUnitPaths.length === 0 && p.accounts.length === 0) {
    statements.push(allow("OrganizationPutsEvents", {}));
  }
  if (p.organizationalUnitPaths.length > 0) {
    statements.push(
      allow("OrganizationalUnitsPutEvents", {
        "ForAnyValue:StringLike": {
          "aws:PrincipalOrgPaths": p.organizationalUnitPaths.map((path) => `${path}*`),
        },
      }),
    );
  }
  if (p.accounts.length > 0) {
    const base = allow("AccountsPutEvents", {});
    statements.push({
      ...base,
      Condition: {
        StringEquals: { ...base.Condition.StringEquals, "aws:PrincipalAccount": [...p.accounts] },
      },
    });
  }
  if (p.excludedAccounts.length > 0) {
    statements.push({
      Sid: "ExcludedAccountsNever",
      Effect: "Deny",
      Principal: "*",
      Action: "events:PutEvents",
      Resource: p.eventBusArn,
      Condition: { StringEquals: { "aws:PrincipalAccount": [...p.excludedAccounts] } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
