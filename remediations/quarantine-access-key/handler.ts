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
 * Calls: GetAccessKeyLastUsed (only when the event does not name the user: ListAccessKeys needs
 * the user name, without it it lists the caller's own keys), ListAccessKeys of the user (the key
 * Inactive or gone: already safe), ListUserTags (exemption), UpdateAccessKey Status=Inactive.
 * IAM is global: the client is in the event's region.
 */
import type { RemediationId } from "../../core/types";
import {
  type EventFacts,
  type Plan,
  isObject,
  readCloudTrail,
  REGION,
  str,
  tagMap,
} from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export type QuarantineAccessKeySettings = RemediationSettings;

export interface KeyTarget {
  accessKeyId: string;
  userName?: string;
}

/** A long-term access key id (temporary ASIA... keys cannot be deactivated). */
const KEY_ID = /^AKIA[A-Z0-9]{16}$/;
/** An IAM user name. */
const USER_NAME = /^[\w+=,.@-]{1,64}$/;

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
  if (!eventId || !region || !REGION.test(region) || !account || !/^\d{12}$/.test(account)) {
    return undefined;
  }
  const source = str(event.source) ?? "";
  return {
    eventId,
    eventName: str(event["detail-type"]) ?? "",
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
  const reject = (reason: string) => ({ kind: "reject" as const, reason });
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
      const userName = detail.userName === undefined ? undefined : str(detail.userName);
      if (detail.userName !== undefined && !USER_NAME.test(userName ?? "")) {
        return reject(`${facts.eventId}: userName is not an IAM user name`);
      }
      return keyPlan(facts, { accessKeyId, userName }, "flagged compromised");
    }
    return reject(`unexpected event ${String(event.source)}: ${String(event["detail-type"])}`);
  }
  const facts = readCloudTrail(event, settings, "iam.amazonaws.com", ["CreateAccessKey"]);
  if ("kind" in facts) return facts;
  const forUser = str(facts.request.userName);
  if (!forUser || (facts.principalType === "IAMUser" && facts.userName === forUser)) {
    const reason = "the key was created by its own user";
    return { kind: "ignore", facts, resource: forUser ?? "-", reason };
  }
  const key = isObject(facts.response.accessKey) ? facts.response.accessKey : {};
  const accessKeyId = str(key.accessKeyId);
  if (!accessKeyId || !KEY_ID.test(accessKeyId)) {
    return reject(`${facts.eventId}: no valid responseElements.accessKey.accessKeyId`);
  }
  const userName = str(key.userName) ?? forUser;
  if (!USER_NAME.test(userName)) return reject(`${facts.eventId}: not an IAM user name`);
  return keyPlan(facts, { accessKeyId, userName }, `created for user ${forUser}`);
}

export function createQuarantineAccessKeyHandler(
  settings: QuarantineAccessKeySettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("quarantine-access-key", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const iam: typeof import("@aws-sdk/client-iam") = require("@aws-sdk/client-iam");

  return makeHandler<KeyTarget>(s, {
    id: "quarantine-access-key" as RemediationId,
    plan: (event) => planQuarantineAccessKey(event, s),
    gone: ["NoSuchEntity", "NoSuchEntityException"],

    async inspect({ accessKeyId: AccessKeyId, userName }, { facts, client }) {
      const c = client(iam.IAMClient, facts.region);
      const UserName =
        userName ?? (await c.send(new iam.GetAccessKeyLastUsedCommand({ AccessKeyId }))).UserName;
      const keys = UserName
        ? (await c.send(new iam.ListAccessKeysCommand({ UserName }))).AccessKeyMetadata
        : [];
      const key = keys?.find((k) => k.AccessKeyId === AccessKeyId);
      if (key?.Status !== "Active") {
        const message = `Access key ${AccessKeyId} is ${key ? key.Status : "gone"}.`;
        return { done: "already-safe", message };
      }
      const tags = await c.send(new iam.ListUserTagsCommand({ UserName }));
      return {
        tags: tagMap(tags.Tags),
        state: `access key ${AccessKeyId} of user ${UserName} Active`,
        after: `access key ${AccessKeyId} of user ${UserName} Inactive`,
        actions: [`UpdateAccessKey ${AccessKeyId} (user ${UserName}) Status=Inactive`],
        async apply() {
          await c.send(
            new iam.UpdateAccessKeyCommand({ UserName, AccessKeyId, Status: "Inactive" }),
          );
          return `Deactivated access key ${AccessKeyId} of user ${UserName} (not deleted: reactivate it if it is legitimate).`;
        },
      };
    },
  });
}
