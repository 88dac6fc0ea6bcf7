/**
 * Cancel key deletion: ScheduleKeyDeletion on any customer-managed key -> CancelKeyDeletion, then
 * EnableKey (CancelKeyDeletion leaves the key Disabled, and the record does not say whether it was
 * enabled before: a key someone meant to retire is deleted through a trusted principal or with the
 * exemption tag, which skip this remediation; `enableAfterCancel: false` leaves it Disabled).
 * DisableKey on a protected key (in `protectedKeyArns` or tagged `protectedKeyTag`) -> EnableKey;
 * DisableKey on other keys is ignored.
 *
 * Calls: ListResourceTags (exemption and protect tag), CancelKeyDeletion and/or EnableKey, in
 * the key's region.
 */
import type { RemediationId } from "../core/types";
import {
  type Plan,
  type RemediationResult,
  type RemediationSettings,
  clientConfig,
  hasErrorName,
  ignore,
  isObject,
  makeHandler,
  partitionOf,
  perRegion,
  readCloudTrail,
  reject,
  str,
  tagMap,
  validateSettings,
} from "./common";

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
  if (!keyId) return reject(`${facts.eventId}: no key id`);
  const keyArn = keyId.startsWith("arn:")
    ? keyId
    : `arn:${partitionOf(facts.principal)}:kms:${facts.region}:${facts.account}:key/${keyId}`;
  if (!/^arn:[^:]+:kms:[^:]+:\d{12}:key\/[^/]+$/.test(keyArn)) {
    return reject(`${facts.eventId}: ${keyId} is not a key id or key ARN`);
  }
  const region = keyArn.split(":")[3];
  const keyUuid = keyArn.split("/")[1];
  const deletion = facts.eventName === "ScheduleKeyDeletion";
  const protectedByArn =
    settings.protectedKeyArns.includes(keyArn) || settings.protectedKeyArns.includes(keyUuid);
  if (!deletion && !protectedByArn && !settings.protectedKeyTag) {
    return ignore(facts, keyArn, "the key is not protected: disabling it is allowed");
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
  const client = perRegion((region) => new kms.KMSClient(clientConfig(region)));
  const gone = { outcome: "already-safe" as const, message: "The key no longer exists." };

  return makeHandler<KeyTarget, null>(s, {
    id: "cancel-key-deletion" as RemediationId,
    plan: (event) => planCancelKeyDeletion(event, s),

    async inspect(target) {
      try {
        const out = await client(target.keyArn.split(":")[3]).send(
          new kms.ListResourceTagsCommand({ KeyId: target.keyArn }),
        );
        const tags = tagMap(out.Tags);
        const isProtected =
          target.protectedByArn ||
          (protectTag !== undefined && tags[protectTag.key] === protectTag.value);
        if (target.action === "enable" && !isProtected) {
          const message = "The key is not protected: disabling it is allowed.";
          return { tags, state: null, done: { outcome: "ignored" as const, message } };
        }
        return { tags, state: null };
      } catch (err) {
        if (!hasErrorName(err, ["NotFoundException"])) throw err;
        return { state: null, done: gone };
      }
    },

    async apply(target, _state, _facts, dryRun) {
      const c = client(target.keyArn.split(":")[3]);
      const cancel = target.action === "cancel-deletion";
      const actions = [
        ...(cancel ? [`CancelKeyDeletion ${target.keyArn}`] : []),
        ...(!cancel || enableAfterCancel ? [`EnableKey ${target.keyArn}`] : []),
      ];
      if (dryRun) {
        return { outcome: "remediated", actions, message: `Would run ${actions.join(", then ")}.` };
      }
      const done: string[] = [];
      try {
        if (cancel) {
          try {
            await c.send(new kms.CancelKeyDeletionCommand({ KeyId: target.keyArn }));
            done.push(actions[0]);
          } catch (err) {
            // KMSInvalidStateException: the key is no longer pending deletion.
            if (!hasErrorName(err, ["KMSInvalidStateException"])) throw err;
            return {
              outcome: "already-safe",
              actions: [],
              message: "The key is no longer pending deletion.",
            };
          }
        }
        if (!cancel || enableAfterCancel) {
          await c.send(new kms.EnableKeyCommand({ KeyId: target.keyArn }));
          done.push(`EnableKey ${target.keyArn}`);
        }
      } catch (err) {
        if (!hasErrorName(err, ["NotFoundException"])) throw err;
        return { ...gone, actions: done };
      }
      const left = cancel && !enableAfterCancel ? " The key is left Disabled." : "";
      return {
        outcome: "remediated",
        actions: done,
        message: `${cancel ? "Cancelled the deletion of" : "Re-enabled"} key ${target.keyArn}${cancel && enableAfterCancel ? " and enabled it" : ""}.${left}`,
      };
    },
  });
}
