/**
 * The repeated parts of the catalog's patterns and texts, shared by the tactic files of
 * core/catalog/ (credentialAccess.ts, execution.ts, ...). Plain data, no Pulumi.
 */
import type { EventPattern } from "../eventPattern";

export const API_CALL = "AWS API Call via CloudTrail";
export const CONSOLE_SIGN_IN = "AWS Console Sign In via CloudTrail";
/** `errorCode` absent: the call succeeded (a failed call changed nothing). */
export const SUCCEEDED = [{ exists: false }];

/**
 * A pattern for successful API calls of one service (`ec2` for ec2.amazonaws.com / aws.ec2).
 * `eventNames` may hold EventBridge matchers (`{ prefix: "AddPermission" }`: Lambda versions its
 * event names, AddPermission20150331v2).
 */
export function succeededCall(
  service: string,
  eventNames: readonly (string | Record<string, unknown>)[],
  detail: Record<string, unknown> = {},
): EventPattern {
  return {
    source: [`aws.${service}`],
    "detail-type": [API_CALL],
    detail: {
      eventSource: [`${service}.amazonaws.com`],
      eventName: [...eventNames],
      errorCode: SUCCEEDED,
      ...detail,
    },
  };
}

export const CHECK_CALLER =
  "Check that the principal and source IP are expected and that the change was planned; if not, undo it and rotate the principal's credentials.";

/**
 * The caller is a person rather than a pipeline: an IAM user, the root user, a federated user,
 * or an IAM Identity Center session (roles named AWSReservedSSO_*). Pipelines assume roles of
 * their own, which this does not match. Use as `userIdentity` of a detail pattern.
 */
export const PERSON = {
  $or: [
    { type: ["IAMUser", "Root", "FederatedUser"] },
    { sessionContext: { sessionIssuer: { userName: [{ prefix: "AWSReservedSSO_" }] } } },
  ],
};

/** Lambda event names carry the API version (UpdateFunctionCode20150331v2): match the prefix. */
export function lambdaCalls(...names: string[]): Record<string, string>[] {
  return names.map((name) => ({ prefix: name }));
}
