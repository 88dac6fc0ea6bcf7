/**
 * Restrict a function URL: CreateFunctionUrlConfig / UpdateFunctionUrlConfig with AuthType NONE
 * -> UpdateFunctionUrlConfig AuthType AWS_IAM (the URL stays, callers must sign requests).
 *
 * Calls: GetFunctionUrlConfig (AWS_IAM already: safe), ListTags on the function (exemption),
 * then UpdateFunctionUrlConfig. ResourceNotFoundException: the function or its URL is gone.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, readCloudTrail } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";
import {
  type FunctionRef,
  functionOf,
  lambdaEventNames,
} from "../../lambdas/runtime/lambdaFunction";

export const deploymentOnlyModule = true;

export type RestrictFunctionUrlSettings = RemediationSettings;

export function planRestrictFunctionUrl(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<FunctionRef> {
  const facts = readCloudTrail(
    event,
    settings,
    "lambda.amazonaws.com",
    lambdaEventNames("CreateFunctionUrlConfig", "UpdateFunctionUrlConfig"),
  );
  if ("kind" in facts) return facts;
  const fn = functionOf(facts, facts.request);
  if (fn === "other-account") {
    return {
      kind: "ignore",
      facts,
      resource: "-",
      reason: "the function is not in this account and region",
    };
  }
  if (typeof fn === "string") return { kind: "reject", reason: `${facts.eventId}: ${fn}` };
  const resource = fn.qualifier ? `${fn.name}:${fn.qualifier}` : fn.name;
  if (facts.request.authType !== "NONE") {
    return { kind: "ignore", facts, resource, reason: "the URL's auth type is not NONE" };
  }
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource,
    found: "function URL without authentication",
    target: fn,
    consoleUrl: `https://${r}.console.aws.amazon.com/lambda/home?region=${r}#/functions/${fn.name}?tab=configure`,
  };
}

export function createRestrictFunctionUrlHandler(
  settings: RestrictFunctionUrlSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("restrict-function-url", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lambda: typeof import("@aws-sdk/client-lambda") = require("@aws-sdk/client-lambda");

  return makeHandler<FunctionRef>(s, {
    id: "restrict-function-url" as RemediationId,
    plan: (event) => planRestrictFunctionUrl(event, s),
    gone: ["ResourceNotFoundException"],

    async inspect(fn, { facts, client }) {
      const c = client(lambda.LambdaClient, facts.region);
      const where = { FunctionName: fn.name, ...(fn.qualifier ? { Qualifier: fn.qualifier } : {}) };
      const url = await c.send(new lambda.GetFunctionUrlConfigCommand(where));
      if (url.AuthType === "AWS_IAM") {
        return { done: "already-safe", message: `The URL of ${fn.name} requires IAM auth.` };
      }
      const tags = await c.send(new lambda.ListTagsCommand({ Resource: fn.arn }));
      return {
        tags: new Map(Object.entries(tags.Tags ?? {})),
        state: `URL of ${fn.name} AuthType ${url.AuthType ?? "?"}`,
        after: `URL of ${fn.name} AuthType AWS_IAM`,
        actions: [
          `UpdateFunctionUrlConfig ${fn.name}${fn.qualifier ? `:${fn.qualifier}` : ""} AuthType=AWS_IAM`,
        ],
        async apply() {
          await c.send(
            new lambda.UpdateFunctionUrlConfigCommand({ ...where, AuthType: "AWS_IAM" }),
          );
          return `Set the function URL of ${fn.name} to AuthType AWS_IAM (${url.FunctionUrl ?? "url"}).`;
        },
      };
    },
  });
}
