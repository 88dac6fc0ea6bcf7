/**
 * Remove a Lambda permission: AddPermission granting `*` (unless limited to an organization) or
 * an account that is neither this one nor an allowed one -> RemovePermission of that statement.
 * Grants to AWS services (s3.amazonaws.com, ...) and to this account are left alone.
 *
 * Calls: GetPolicy (the statement is gone: already safe), ListTags on the function (exemption),
 * then RemovePermission. ResourceNotFoundException: the function or its policy is gone.
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
}

export interface PermissionTarget {
  fn: FunctionRef;
  statementId: string;
}

export function planRemoveLambdaPermission(
  event: unknown,
  settings: Pick<RemoveLambdaPermissionSettings, "ownRoleArn" | "partnerAccountIds">,
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
  let found: string;
  if (principal === "*") {
    if (str(req.principalOrgID)) return ignore("the grant to * is limited to an organization");
    found = "invokable by everyone";
  } else if (/\.amazonaws\.com(\.cn)?$/.test(principal)) {
    return ignore(`the grant is to the AWS service ${principal}`);
  } else {
    const account =
      /^(\d{12})$/.exec(principal)?.[1] ?? /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(principal)?.[1];
    if (account === facts.account) return ignore("the grant is to this account");
    if (account && settings.partnerAccountIds.includes(account)) {
      return ignore(`account ${account} is allowed`);
    }
    found = `shared with ${account ? `account ${account}` : principal.slice(0, 100)}`;
  }
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: fn.qualifier ? `${fn.name}:${fn.qualifier}` : fn.name,
    found,
    target: { fn, statementId },
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lambda: typeof import("@aws-sdk/client-lambda") = require("@aws-sdk/client-lambda");

  return makeHandler<PermissionTarget>(s, {
    id: "remove-lambda-permission" as RemediationId,
    plan: (event) => planRemoveLambdaPermission(event, s),
    gone: ["ResourceNotFoundException"],

    async inspect({ fn, statementId }, { facts, client }) {
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
      if (!statements.some((st) => isObject(st) && st.Sid === statementId)) {
        return {
          done: "already-safe",
          message: `Statement ${statementId} is no longer in the policy.`,
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
