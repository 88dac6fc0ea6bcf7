/**
 * Cancel key deletion: ScheduleKeyDeletion on any customer-managed key -> CancelKeyDeletion, then
 * EnableKey (CancelKeyDeletion leaves the key Disabled, and the record does not say whether it was
 * enabled before: a key someone meant to retire is deleted through a trusted principal or with the
 * exemption tag, which skip this remediation; `enableAfterCancel: false` leaves it Disabled).
 * DisableKey on a protected key (in `protectedKeyArns` or tagged `protectedKeyTag`) -> EnableKey;
 * DisableKey on other keys is ignored.
 *
 * Calls: ListResourceTags (exemption and protect tag), CancelKeyDeletion and/or EnableKey, in
 * the key's region. CancelKeyDeletion answers KMSInvalidStateException when the key is no longer
 * pending deletion: already safe, found without a read, unless an earlier delivery of this event
 * cancelled the deletion and failed before EnableKey (the run loop's `resumed`): then EnableKey
 * finishes the undo. (A repeated DisableKey event re-runs the idempotent EnableKey and reports
 * it remediated; DescribeKey would tell, at one more read.)
 *
 * The key must be a key id or key ARN of the AWS format, in the event's account.
 */
import type { RemediationId } from "../../core/types";
import {
  type Plan,
  isObject,
  partitionOf,
  readCloudTrail,
  REGION,
  str,
  tagMap,
} from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { errorName } from "../../lambdas/runtime/clients";
import { makeHandler } from "../../lambdas/runtime/loop";
import { complianceFound, readComplianceChange } from "../../lambdas/runtime/compliance";

export const deploymentOnlyModule = true;

export interface CancelKeyDeletionSettings extends RemediationSettings {
  /** Keys (ARNs) whose DisableKey is undone. @default [] */
  protectedKeyArns: string[];
  /** Keys carrying this tag are protected too. @default none */
  protectedKeyTag?: { key: string; value: string };
  /** Enable the key after cancelling its deletion. @default true */
  enableAfterCancel?: boolean;
}

export interface KeyTarget {
  keyArn: string;
  action: "cancel-deletion" | "enable";
  /** DisableKey: protected by `protectedKeyArns` (else the tag decides). */
  protectedByArn: boolean;
}

/** `key/<id>`: a key id is a UUID, or `mrk-` and 32 hex digits (multi-Region key). */
const KEY_RESOURCE =
  /^key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

export function planCancelKeyDeletion(
  event: unknown,
  settings: Pick<CancelKeyDeletionSettings, "ownRoleArn" | "protectedKeyArns" | "protectedKeyTag">,
): Plan<KeyTarget> {
  const facts = readCloudTrail(event, settings, "kms.amazonaws.com", [
    "ScheduleKeyDeletion",
    "DisableKey",
  ]);
  if ("kind" in facts) return facts;
  const resources = Array.isArray(facts.detail.resources) ? facts.detail.resources : [];
  const fromResources = resources
    .map((r) => (isObject(r) && r.type === "AWS::KMS::Key" ? str(r.ARN) : undefined))
    .find((a) => a !== undefined);
  const keyId = fromResources ?? str(facts.response.keyId) ?? str(facts.request.keyId);
  if (!keyId) return { kind: "reject", reason: `${facts.eventId}: no key id` };
  const keyArn = keyId.startsWith("arn:")
    ? keyId
    : `arn:${partitionOf(facts.principal)}:kms:${facts.region}:${facts.account}:key/${keyId}`;
  const [, partition, service, region, account, resource] = keyArn.split(":");
  if (
    keyArn.split(":").length !== 6 ||
    !/^aws[a-z-]*$/.test(partition) ||
    service !== "kms" ||
    !REGION.test(region) ||
    !KEY_RESOURCE.test(resource ?? "")
  ) {
    const shown = keyId.slice(0, 100);
    return { kind: "reject", reason: `${facts.eventId}: ${shown} is not a key id or key ARN` };
  }
  if (account !== facts.account) {
    const reason = `${facts.eventId}: key ${keyArn} is not in the event's account ${facts.account}`;
    return { kind: "reject", reason };
  }
  const keyUuid = keyArn.split("/")[1];
  const deletion = facts.eventName === "ScheduleKeyDeletion";
  const protectedByArn =
    settings.protectedKeyArns.includes(keyArn) || settings.protectedKeyArns.includes(keyUuid);
  if (!deletion && !protectedByArn && !settings.protectedKeyTag) {
    const reason = "the key is not protected: disabling it is allowed";
    return { kind: "ignore", facts, resource: keyArn, reason };
  }
  return {
    kind: "act",
    facts,
    resource: keyArn,
    found: deletion ? "scheduled for deletion" : "disabled",
    target: { keyArn, action: deletion ? "cancel-deletion" : "enable", protectedByArn },
    consoleUrl: `https://${region}.console.aws.amazon.com/kms/home?region=${region}#/kms/keys/${keyUuid}`,
  };
}

/**
 * The plan for an AWS Config compliance change on a key (KMS_CMK_NOT_SCHEDULED_FOR_DELETION,
 * lambdas/runtime/compliance.ts): cancel its deletion, as for a live ScheduleKeyDeletion.
 */
export function planCancelKeyDeletionFromCompliance(
  event: unknown,
  settings: Pick<CancelKeyDeletionSettings, "protectedKeyArns">,
): Plan<KeyTarget> {
  const change = readComplianceChange(event, ["AWS::KMS::Key"]);
  if ("kind" in change) return change;
  const { facts, resourceId: keyUuid } = change;
  const partition = partitionOf(str(facts.detail.configRuleARN) ?? "");
  const keyArn = `arn:${partition}:kms:${facts.region}:${facts.account}:key/${keyUuid}`;
  const protectedByArn =
    settings.protectedKeyArns.includes(keyArn) || settings.protectedKeyArns.includes(keyUuid);
  const region = facts.region;
  return {
    kind: "act",
    facts,
    resource: keyArn,
    found: complianceFound(change),
    target: { keyArn, action: "cancel-deletion", protectedByArn },
    consoleUrl: `https://${region}.console.aws.amazon.com/kms/home?region=${region}#/kms/keys/${keyUuid}`,
  };
}

export function createCancelKeyDeletionHandler(
  settings: CancelKeyDeletionSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("cancel-key-deletion", settings);
  const protectTag = s.protectedKeyTag;
  if (
    !Array.isArray(s.protectedKeyArns) ||
    !s.protectedKeyArns.every((a) => typeof a === "string") ||
    (protectTag !== undefined && (!isObject(protectTag) || !str(protectTag.key)))
  ) {
    throw new Error(
      "cancel-key-deletion: invalid settings: protectedKeyArns must be a list of key ARNs and protectedKeyTag { key, value }",
    );
  }
  const enableAfterCancel = s.enableAfterCancel !== false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kms: typeof import("@aws-sdk/client-kms") = require("@aws-sdk/client-kms");

  return makeHandler<KeyTarget>(s, {
    id: "cancel-key-deletion" as RemediationId,
    plan: (event) => planCancelKeyDeletion(event, s),
    planResource: (event) => planCancelKeyDeletionFromCompliance(event, s),
    gone: ["NotFoundException"],

    async inspect({ keyArn: KeyId, action, protectedByArn }, ctx) {
      const { client } = ctx;
      const c = client(kms.KMSClient, KeyId.split(":")[3]);
      const tags = tagMap((await c.send(new kms.ListResourceTagsCommand({ KeyId }))).Tags);
      const cancel = action === "cancel-deletion";
      const tagged = protectTag !== undefined && tags.get(protectTag.key) === protectTag.value;
      if (!cancel && !protectedByArn && !tagged) {
        return { done: "ignored", message: "The key is not protected: disabling it is allowed." };
      }
      const enable = !cancel || enableAfterCancel;
      return {
        tags,
        state: cancel
          ? "scheduled for deletion (as the event says)"
          : "disabled (as the event says)",
        after: enable ? "Enabled" : "Disabled, not pending deletion",
        actions: [
          ...(cancel ? [`CancelKeyDeletion ${KeyId}`] : []),
          ...(enable ? [`EnableKey ${KeyId}`] : []),
        ],
        async apply() {
          if (cancel) {
            const pending = await c.send(new kms.CancelKeyDeletionCommand({ KeyId })).then(
              () => true,
              (err) => {
                if (errorName(err) === "KMSInvalidStateException") return false;
                throw err;
              },
            );
            if (!pending && !(ctx.resumed && enable)) return undefined;
            if (!pending) {
              await c.send(new kms.EnableKeyCommand({ KeyId }));
              return `Enabled key ${KeyId}, finishing an earlier delivery of this event that had cancelled its deletion.`;
            }
          }
          if (enable) await c.send(new kms.EnableKeyCommand({ KeyId }));
          const left = enable ? "" : " The key is left Disabled.";
          return `${cancel ? "Cancelled the deletion of" : "Re-enabled"} key ${KeyId}${cancel && enable ? " and enabled it" : ""}.${left}`;
        },
      };
    },
  });
}
