/**
 * Reading the function a Lambda CloudTrail record names (remove-lambda-permission,
 * restrict-function-url). Serialized into those functions: no Pulumi, no runtime imports.
 */
import { type EventFacts, str } from "./event";

export const deploymentOnlyModule = true;

/** Lambda event names carry the API version: AddPermission20150331v2 -> AddPermission. */
export function lambdaEventNames(...names: string[]): string[] {
  const versions: Record<string, string[]> = {
    AddPermission: ["20150331", "20150331v2"],
    CreateFunctionUrlConfig: ["20211031"],
    UpdateFunctionUrlConfig: ["20211031"],
  };
  return names.flatMap((n) => [n, ...(versions[n] ?? []).map((v) => `${n}${v}`)]);
}

/** A function of this account and region, by name, and the qualifier when one was given. */
export interface FunctionRef {
  name: string;
  qualifier?: string;
  arn: string;
}

/**
 * The function of `request.functionName` (a name, a partial ARN `<account>:function:<name>` or
 * a full ARN, optionally with a `:<qualifier>` suffix) and `request.qualifier`: a string when the
 * value is malformed (reject), `"other-account"` when it names another account or region
 * (never act there), else the function.
 */
export function functionOf(
  facts: EventFacts,
  request: Record<string, unknown>,
): FunctionRef | string {
  const raw = str(request.functionName);
  if (!raw) return "no functionName";
  const m =
    /^(?:arn:(aws[a-z-]*):lambda:([a-z]{2}(?:-[a-z]+)+-\d+):)?(?:(\d{12}):function:)?([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/.exec(
      raw,
    );
  if (!m)
    return `functionName ${JSON.stringify(raw.slice(0, 200))} is not a Lambda function name or ARN`;
  const [, partition, region, account, name, suffix] = m;
  if ((region && region !== facts.region) || (account && account !== facts.account)) {
    return "other-account";
  }
  const given = request.qualifier;
  if (
    given !== undefined &&
    given !== null &&
    !/^(\$LATEST|[A-Za-z0-9_-]{1,128})$/.test(String(given))
  ) {
    return "qualifier is not a version or alias name";
  }
  const qualifier = suffix ?? (typeof given === "string" ? given : undefined);
  const p =
    partition ?? (facts.principal.startsWith("arn:") ? facts.principal.split(":")[1] : "aws");
  return {
    name,
    ...(qualifier ? { qualifier } : {}),
    arn: `arn:${p}:lambda:${facts.region}:${facts.account}:function:${name}`,
  };
}
