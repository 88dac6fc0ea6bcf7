/**
 * Remove a Lambda permission: AddPermission granting `*` (unless limited to this stack's
 * organization or a partner organization), an account that is neither this one nor an allowed
 * one, or an AWS service with no source ARN or account of this or an allowed account (the
 * confused deputy: any account's bucket, topic or rule could then invoke the function)
 * -> RemovePermission of that statement. Grants to this account and service grants scoped to it
 * are left alone.
 *
 * Calls: GetPolicy (the statement is gone, or its Sid now holds a grant that is not the unsafe
 * one: already safe), ListTags on the function (exemption), then RemovePermission.
 * ResourceNotFoundException: the function or its policy is gone.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, isObject, readCloudTrail, str } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";
import {
  type FunctionRef,
  functionOf,
  lambdaEventNames,
} from "../../lambdas/runtime/lambdaFunction";

export const deploymentOnlyModule = true;

export interface RemoveLambdaPermissionSettings extends RemediationSettings {
  /** Accounts a function may be shared with (besides this one). @default [] */
  partnerAccountIds: string[];
  /**
   * Organizations whose principals a function may be shared with through `*` limited by
   * `principalOrgID` (besides the hub's own, `crossAccount.organizationId`). @default []
   */
  partnerOrganizationIds?: string[];
}

/** Who a grant lets invoke, as AddPermission takes it or as GetPolicy returns it. */
export interface Grant {
  /** `*`, an account id, an IAM/STS ARN or a service principal. */
  principal: string;
  sourceArn?: string;
  sourceAccount?: string;
  principalOrgID?: string;
}

export interface PermissionTarget {
  fn: FunctionRef;
  statementId: string;
  /** The unsafe grant the event made: the statement is removed only while it still holds it. */
  grant: Grant;
}

/** A service principal (`s3.amazonaws.com`, `alexa-appkit.amazon.com`). */
const SERVICE = /^[a-z0-9.-]+\.amazon(aws)?\.com(\.cn)?$/;

/** `123456789012` and `arn:<p>:iam::123456789012:root` are the same principal: the account. */
function principalKeyOf(principal: string): string {
  return /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(principal)?.[1] ?? principal;
}

/**
 * What is unsafe about `grant` for a function of `account`, or `undefined` when the grant is
 * safe (with the reason in `safe`). One classifier for the event's request and for the
 * statement found in the policy.
 */
export function classifyGrant(
  grant: Grant,
  account: string,
  partnerAccountIds: readonly string[],
  safeOrganizationIds: readonly string[],
): { unsafe: string } | { safe: string } {
  const allowed = (a: string) => a === account || partnerAccountIds.includes(a);
  const { principal } = grant;
  if (principal === "*") {
    const org = grant.principalOrgID;
    if (org && safeOrganizationIds.includes(org)) {
      return { safe: `the grant to * is limited to the organization ${org}` };
    }
    return {
      unsafe: org ? `invokable by organization ${org.slice(0, 40)}` : "invokable by everyone",
    };
  }
  if (SERVICE.test(principal)) {
    const svc = principal.slice(0, 100);
    if (grant.sourceAccount !== undefined) {
      return allowed(grant.sourceAccount)
        ? { safe: `the grant to ${svc} is limited to account ${grant.sourceAccount}` }
        : { unsafe: `invokable by ${svc} for account ${grant.sourceAccount.slice(0, 40)}` };
    }
    if (grant.sourceArn !== undefined) {
      const arnAccount = grant.sourceArn.split(":")[4] ?? "";
      if (arnAccount === "" || allowed(arnAccount)) {
        return { safe: `the grant to ${svc} is limited to ${grant.sourceArn.slice(0, 200)}` };
      }
      return { unsafe: `invokable by ${svc} for account ${arnAccount.slice(0, 40)}` };
    }
    return { unsafe: `invokable by ${svc} for any account (no source ARN or account)` };
  }
  const owner =
    /^(\d{12})$/.exec(principal)?.[1] ??
    /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
  if (owner === account) return { safe: "the grant is to this account" };
  if (owner && partnerAccountIds.includes(owner)) return { safe: `account ${owner} is allowed` };
  return { unsafe: `shared with ${owner ? `account ${owner}` : principal.slice(0, 100)}` };
}

/**
 * The grant of a policy statement as GetPolicy returns it (`Principal: "*"`, `{AWS: arn}`,
 * `{Service: name}`; conditions `AWS:SourceArn`, `AWS:SourceAccount`, `aws:PrincipalOrgID`,
 * keys case-insensitive), or `undefined` when it is not one AddPermission writes.
 */
export function grantOfStatement(statement: unknown): Grant | undefined {
  if (!isObject(statement) || statement.Effect !== "Allow") return undefined;
  const p = statement.Principal;
  const one = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  const principal =
    p === "*" ? "*" : isObject(p) ? (str(one(p.AWS)) ?? str(one(p.Service))) : undefined;
  if (!principal) return undefined;
  const grant: Grant = { principal };
  const conditions = isObject(statement.Condition) ? statement.Condition : {};
  for (const operator of Object.values(conditions)) {
    if (!isObject(operator)) continue;
    for (const [key, value] of Object.entries(operator)) {
      const v = str(one(value));
      const k = key.toLowerCase();
      if (v === undefined) continue;
      if (k === "aws:sourcearn") grant.sourceArn = v;
      if (k === "aws:sourceaccount") grant.sourceAccount = v;
      if (k === "aws:principalorgid") grant.principalOrgID = v;
    }
  }
  return grant;
}

/** True when `statement` still holds the unsafe `grant` (same principal, still unsafe). */
export function stillGrants(
  statement: unknown,
  grant: Grant,
  account: string,
  partnerAccountIds: readonly string[],
  safeOrganizationIds: readonly string[],
): boolean {
  const now = grantOfStatement(statement);
  return (
    now !== undefined &&
    principalKeyOf(now.principal) === principalKeyOf(grant.principal) &&
    "unsafe" in classifyGrant(now, account, partnerAccountIds, safeOrganizationIds)
  );
}

/** The organizations whose `*` grants are safe: the hub's own and the listed partners. */
function safeOrganizations(
  settings: Pick<RemoveLambdaPermissionSettings, "crossAccount" | "partnerOrganizationIds">,
): string[] {
  const own = settings.crossAccount?.organizationId;
  return [...(own ? [own] : []), ...(settings.partnerOrganizationIds ?? [])];
}

export function planRemoveLambdaPermission(
  event: unknown,
  settings: Pick<
    RemoveLambdaPermissionSettings,
    "ownRoleArn" | "partnerAccountIds" | "partnerOrganizationIds" | "crossAccount"
  >,
): Plan<PermissionTarget> {
  const facts = readCloudTrail(
    event,
    settings,
    "lambda.amazonaws.com",
    lambdaEventNames("AddPermission"),
  );
  if ("kind" in facts) return facts;
  const req = facts.request;
  const fn = functionOf(facts, req);
  if (fn === "other-account") {
    return {
      kind: "ignore",
      facts,
      resource: "-",
      reason: "the function is not in this account and region",
    };
  }
  if (typeof fn === "string") return { kind: "reject", reason: `${facts.eventId}: ${fn}` };
  const statementId = str(req.statementId);
  if (!statementId || !/^[A-Za-z0-9_-]{1,100}$/.test(statementId)) {
    return { kind: "reject", reason: `${facts.eventId}: no valid statementId` };
  }
  const principal = str(req.principal);
  if (!principal) return { kind: "reject", reason: `${facts.eventId}: no principal` };
  const ignore = (reason: string) => ({
    kind: "ignore" as const,
    facts,
    resource: fn.name,
    reason,
  });
  const grant: Grant = { principal };
  const sourceArn = str(req.sourceArn);
  const sourceAccount = str(req.sourceAccount);
  const principalOrgID = str(req.principalOrgID);
  if (sourceArn) grant.sourceArn = sourceArn;
  if (sourceAccount) grant.sourceAccount = sourceAccount;
  if (principalOrgID) grant.principalOrgID = principalOrgID;
  const verdict = classifyGrant(
    grant,
    facts.account,
    settings.partnerAccountIds,
    safeOrganizations(settings),
  );
  if ("safe" in verdict) return ignore(verdict.safe);
  const found = verdict.unsafe;
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: fn.qualifier ? `${fn.name}:${fn.qualifier}` : fn.name,
    found,
    target: { fn, statementId, grant },
    consoleUrl: `https://${r}.console.aws.amazon.com/lambda/home?region=${r}#/functions/${fn.name}?tab=configure`,
  };
}

export function createRemoveLambdaPermissionHandler(
  settings: RemoveLambdaPermissionSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("remove-lambda-permission", settings);
  if (
    !Array.isArray(s.partnerAccountIds) ||
    !s.partnerAccountIds.every((a) => typeof a === "string" && /^\d{12}$/.test(a))
  ) {
    throw new Error(
      "remove-lambda-permission: partnerAccountIds must be a list of 12-digit account ids",
    );
  }
  const orgs = s.partnerOrganizationIds ?? [];
  if (
    !Array.isArray(orgs) ||
    !orgs.every((o) => typeof o === "string" && /^o-[a-z0-9]{10,32}$/.test(o))
  ) {
    throw new Error(
      "remove-lambda-permission: partnerOrganizationIds must be a list of organization ids (o-...)",
    );
  }
  const safeOrgs = safeOrganizations(s);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lambda: typeof import("@aws-sdk/client-lambda") = require("@aws-sdk/client-lambda");

  return makeHandler<PermissionTarget>(s, {
    id: "remove-lambda-permission" as RemediationId,
    plan: (event) => planRemoveLambdaPermission(event, s),
    gone: ["ResourceNotFoundException"],

    async inspect({ fn, statementId, grant }, { facts, client }) {
      const c = client(lambda.LambdaClient, facts.region);
      const where = { FunctionName: fn.name, ...(fn.qualifier ? { Qualifier: fn.qualifier } : {}) };
      const out = await c.send(new lambda.GetPolicyCommand(where));
      let statements: unknown[] = [];
      try {
        const policy: unknown = JSON.parse(out.Policy ?? "{}");
        statements = isObject(policy) && Array.isArray(policy.Statement) ? policy.Statement : [];
      } catch {
        statements = [];
      }
      const statement = statements.find((st) => isObject(st) && st.Sid === statementId);
      if (statement === undefined) {
        return {
          done: "already-safe",
          message: `Statement ${statementId} is no longer in the policy.`,
        };
      }
      if (!stillGrants(statement, grant, facts.account, s.partnerAccountIds, safeOrgs)) {
        return {
          done: "already-safe",
          message: `Statement ${statementId} no longer holds the unsafe grant (the Sid was reused): left alone.`,
        };
      }
      const tags = await c.send(new lambda.ListTagsCommand({ Resource: fn.arn }));
      return {
        tags: new Map(Object.entries(tags.Tags ?? {})),
        state: `statement ${statementId} in the policy of ${fn.name}`,
        after: `statement ${statementId} removed`,
        actions: [
          `RemovePermission ${where.FunctionName}${fn.qualifier ? `:${fn.qualifier}` : ""} ${statementId}`,
        ],
        async apply() {
          await c.send(new lambda.RemovePermissionCommand({ ...where, StatementId: statementId }));
          return `Removed statement ${statementId} from the policy of ${fn.name}.`;
        },
      };
    },
  });
}
