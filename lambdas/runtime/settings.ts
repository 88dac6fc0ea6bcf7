/**
 * The settings every remediation takes, and their check at factory time.
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import type { RemediationMode } from "../../core/types";
import { type CrossAccountSettings, crossAccountProblems } from "./crossAccount";
import { isObject, str } from "./event";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/** A catalog detection that routes events to this function (plain data, for the incident record). */
export interface DetectionLink {
  /** Catalog detection id. */
  id: string;
  /** MITRE ATT&CK technique ids of the detection. */
  attackIds: string[];
  /** CloudTrail event names its pattern matches (detail.eventName), [] when it names none. */
  eventNames: string[];
  /** Detail types its pattern matches ("AWS API Call via CloudTrail", ...). */
  detailTypes: string[];
}

/** Limits of every SDK client a handler makes: they end well inside the function timeout. */
export interface SdkLimits {
  /** TCP connection timeout, ms. */
  connectTimeoutMs: number;
  /** Time to wait for a response once connected, ms (per attempt). */
  requestTimeoutMs: number;
  /** Attempts per call, the first included (SDK standard retry mode). */
  maxAttempts: number;
}

/** Settings every remediation takes. Plain data: Pulumi serializes it into the Lambda. */
export interface RemediationSettings {
  /** off: nothing at all; dry-run: decide and report without any mutating call; enforce: undo. */
  mode: RemediationMode;
  /** SNS topic that receives one resolution message per handled event (not in off mode). */
  resolutionTopicArn: string;
  /** The remediation's own role: events it caused are ignored (no remediation loops). */
  ownRoleArn?: string;
  /** A resource carrying this tag (key=value) is left as is and reported as exempt. */
  exemptTag: { key: string; value: string };
  /** Changes made by these principals (a user, a role, or any session of that role) are exempt. */
  trustedPrincipalArns: string[];
  /**
   * Accounts this function may act for: an event about any other account is rejected before
   * any AWS call. @default the function's own account (of `ownRoleArn`, else of the topic)
   */
  allowedAccountIds?: string[];
  /**
   * The hub of an organization (lambdas/runtime/crossAccount.ts): every client acts through the
   * remediation's member role in the event's account (the function's own role only in its own
   * account and region, where the idempotency table and topic are); the account check is "not excluded"
   * (membership is enforced by IAM) instead of `allowedAccountIds`.
   */
  crossAccount?: CrossAccountSettings;
  /**
   * DynamoDB table of idempotency records (partition key `id`, string; TTL on `expiresAt`): one
   * remediation and one resolution message per event however often it is delivered. Unset: no
   * record (every delivery is handled on its own; tests and local runs).
   */
  idempotencyTableName?: string;
  /** The catalog detections routed to this function, for the incident record. @default [] */
  detections?: DetectionLink[];
  /** SDK client limits. @default { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 } */
  sdk?: SdkLimits;
  /**
   * Time the decision may take, ms, when Lambda does not say how long is left (outside Lambda);
   * in Lambda: the remaining time less 3 s, so that the incident record is always written.
   * @default 25000
   */
  budgetMs?: number;
}

/**
 * Checks settings at factory time (cold start and tests) and returns them, so that a deployment
 * with a wrong setting (the topic and the own role come from the environment) fails loudly
 * before any event is handled.
 */
export function validateSettings<S extends RemediationSettings>(
  remediation: string,
  settings: S,
): S {
  if (!isObject(settings)) throw new Error(`${remediation}: settings must be an object`);
  const { mode, resolutionTopicArn: topic, ownRoleArn: role, exemptTag: tag } = settings;
  const { allowedAccountIds: accounts, idempotencyTableName: table, sdk } = settings;
  const list = (v: unknown, ok: (x: unknown) => boolean) => Array.isArray(v) && v.every(ok);
  const problems = [
    ["off", "dry-run", "enforce"].includes(mode) ||
      `mode must be one of off, dry-run, enforce (got ${mode})`,
    /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[\w-]{1,256}$/.test(topic) ||
      `resolutionTopicArn must be an SNS topic ARN (got ${topic})`,
    role === undefined ||
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(role) ||
      `ownRoleArn must be an IAM role ARN (got ${role})`,
    (isObject(tag) && !!str(tag.key) && typeof tag.value === "string") ||
      "exemptTag must be { key: non-empty string, value: string }",
    list(settings.trustedPrincipalArns, (a) => typeof a === "string" && a.startsWith("arn:")) ||
      "trustedPrincipalArns must be a list of ARNs",
    accounts === undefined ||
      list(accounts, (a) => typeof a === "string" && /^\d{12}$/.test(a)) ||
      "allowedAccountIds must be a list of 12-digit account ids",
    table === undefined ||
      /^[\w.-]{3,255}$/.test(table) ||
      `idempotencyTableName must be a DynamoDB table name (got ${table})`,
    settings.detections === undefined ||
      list(settings.detections, (d) => isObject(d) && !!str(d.id) && Array.isArray(d.attackIds)) ||
      "detections must be a list of { id, attackIds, eventNames, detailTypes }",
    sdk === undefined ||
      (isObject(sdk) &&
        [sdk.connectTimeoutMs, sdk.requestTimeoutMs, sdk.maxAttempts].every(
          (n) => Number.isInteger(n) && n > 0,
        )) ||
      "sdk must be { connectTimeoutMs, requestTimeoutMs, maxAttempts }, positive whole numbers",
    ...(settings.crossAccount === undefined ? [] : crossAccountProblems(settings.crossAccount)),
  ].filter((p) => p !== true);
  if (problems.length > 0) {
    throw new Error(`${remediation}: invalid settings: ${problems.join("; ")}`);
  }
  return settings;
}
