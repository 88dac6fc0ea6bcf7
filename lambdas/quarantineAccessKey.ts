/**
 * Quarantine access key: deactivate (never delete) an access key created for another user, or a
 * key flagged compromised.
 *
 * Triggers:
 * - CloudTrail CreateAccessKey where `requestParameters.userName` is not the calling IAM user.
 *   Any other caller (root, an assumed role, a federated user) creating a key for a named user
 *   counts as "for another user": the key then belongs to a principal other than its creator.
 *   A call without userName creates a key for the caller itself and is ignored.
 * - AWS Health `AWS_RISK_CREDENTIALS_EXPOSED` (source aws.health): the exposed key in
 *   `detail.affectedEntities[].entityValue`.
 * - A custom detection: any source, detail-type "Access Key Compromised", detail
 *   `{ accessKeyId, userName? }`.
 *
 * Calls: GetAccessKeyLastUsed (only when the user name is unknown), ListUserTags (exemption),
 * UpdateAccessKey Status=Inactive. IAM is global: the client is in the event's region.
 */
import type { RemediationId } from "../core/types";
import {
  type EventFacts,
  type Plan,
  type RemediationResult,
  type RemediationSettings,
  clientConfig,
  hasErrorName,
  ignore,
  isObject,
  makeHandler,
  perRegion,
  readCloudTrail,
  reject,
  str,
  tagMap,
  validateSettings,
} from "./common";

export const deploymentOnlyModule = true;

export type QuarantineAccessKeySettings = RemediationSettings;

export interface KeyTarget {
  accessKeyId: string;
  userName?: string;
}

const KEY_ID = /^AKIA[A-Z0-9]{12,124}$/;

function keyPlan(facts: EventFacts, target: KeyTarget, found: string): Plan<KeyTarget> {
  return {
    kind: "act",
    facts,
    resource: target.accessKeyId,
    found,
    target,
    consoleUrl: target.userName
      ? `https://console.aws.amazon.com/iam/home#/users/details/${target.userName}?section=security_credentials`
      : "https://console.aws.amazon.com/iam/home#/users",
  };
}

/** Facts for a non-CloudTrail event (Health, custom): the EventBridge envelope only. */
function envelopeFacts(
  event: Record<string, unknown>,
  detail: Record<string, unknown>,
): EventFacts | undefined {
  const eventId = str(event.id);
  const region = str(event.region);
  const account = str(event.account);
  if (!eventId || !region || !account || !/^\d{12}$/.test(account)) return undefined;
  const source = str(event.source) ?? "";
  return {
    eventId,
    eventName: str(event["detail-type"]) ?? "",
    eventSource: source,
    region,
    account,
    time: str(event.time) ?? "",
    principal: source,
    principalType: "AWSService",
    sourceIp: "",
    userAgent: "",
    request: {},
    response: {},
    detail,
  };
}

export function planQuarantineAccessKey(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<KeyTarget> {
  if (
    isObject(event) &&
    isObject(event.detail) &&
    event["detail-type"] !== "AWS API Call via CloudTrail"
  ) {
    const detail = event.detail;
    const facts = envelopeFacts(event, detail);
    if (!facts) return reject("event has no id, region or account");
    if (event.source === "aws.health") {
      if (detail.eventTypeCode !== "AWS_RISK_CREDENTIALS_EXPOSED") {
        return reject(`unexpected AWS Health event ${String(detail.eventTypeCode)}`);
      }
      const keys = (Array.isArray(detail.affectedEntities) ? detail.affectedEntities : [])
        .map((e) => (isObject(e) ? str(e.entityValue) : undefined))
        .filter((k): k is string => k !== undefined && KEY_ID.test(k));
      if (keys.length !== 1) {
        return reject(`${facts.eventId}: expected one exposed access key, found ${keys.length}`);
      }
      return keyPlan(facts, { accessKeyId: keys[0] }, "exposed (AWS_RISK_CREDENTIALS_EXPOSED)");
    }
    if (event["detail-type"] === "Access Key Compromised") {
      const accessKeyId = str(detail.accessKeyId);
      if (!accessKeyId || !KEY_ID.test(accessKeyId)) {
        return reject(`${facts.eventId}: no valid accessKeyId`);
      }
      const userName = str(detail.userName);
      return keyPlan(facts, { accessKeyId, userName }, "flagged compromised");
    }
    return reject(`unexpected event ${String(event.source)}: ${String(event["detail-type"])}`);
  }
  const facts = readCloudTrail(event, settings, "iam.amazonaws.com", ["CreateAccessKey"]);
  if ("kind" in facts) return facts;
  const forUser = str(facts.request.userName);
  if (!forUser || (facts.principalType === "IAMUser" && facts.userName === forUser)) {
    return ignore(facts, forUser ?? "-", "the key was created by its own user");
  }
  const key = isObject(facts.response.accessKey) ? facts.response.accessKey : {};
  const accessKeyId = str(key.accessKeyId);
  if (!accessKeyId) return reject(`${facts.eventId}: no responseElements.accessKey.accessKeyId`);
  return keyPlan(
    facts,
    { accessKeyId, userName: str(key.userName) ?? forUser },
    `created for user ${forUser}`,
  );
}

export function createQuarantineAccessKeyHandler(
  settings: QuarantineAccessKeySettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("quarantine-access-key", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iam: typeof import("@aws-sdk/client-iam") = require("@aws-sdk/client-iam");
  const client = perRegion((region) => new iam.IAMClient(clientConfig(region)));
  const GONE = ["NoSuchEntity", "NoSuchEntityException"];

  return makeHandler<KeyTarget, string>(s, {
    id: "quarantine-access-key" as RemediationId,
    plan: (event) => planQuarantineAccessKey(event, s),

    async inspect(target, facts) {
      const c = client(facts.region);
      try {
        let user = target.userName;
        if (!user) {
          const last = await c.send(
            new iam.GetAccessKeyLastUsedCommand({ AccessKeyId: target.accessKeyId }),
          );
          user = last.UserName;
          if (!user) throw Object.assign(new Error("no user for key"), { name: "NoSuchEntity" });
        }
        const tags = await c.send(new iam.ListUserTagsCommand({ UserName: user }));
        return { tags: tagMap(tags.Tags), state: user };
      } catch (err) {
        if (!hasErrorName(err, GONE)) throw err;
        return {
          state: "",
          done: { outcome: "already-safe", message: "The key or its user no longer exists." },
        };
      }
    },

    async apply(target, user, facts, dryRun) {
      const actions = [`UpdateAccessKey ${target.accessKeyId} (user ${user}) Status=Inactive`];
      if (dryRun) {
        return {
          outcome: "remediated",
          actions,
          message: `Would deactivate access key ${target.accessKeyId} of user ${user}.`,
        };
      }
      try {
        await client(facts.region).send(
          new iam.UpdateAccessKeyCommand({
            UserName: user,
            AccessKeyId: target.accessKeyId,
            Status: "Inactive",
          }),
        );
      } catch (err) {
        if (!hasErrorName(err, GONE)) throw err;
        return {
          outcome: "already-safe",
          actions: [],
          message: `Access key ${target.accessKeyId} no longer exists.`,
        };
      }
      return {
        outcome: "remediated",
        actions,
        message: `Deactivated access key ${target.accessKeyId} of user ${user} (not deleted: reactivate it if it is legitimate).`,
      };
    },
  });
}
