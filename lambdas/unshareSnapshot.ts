/**
 * Unshare snapshot: an EBS snapshot (ModifySnapshotAttribute, createVolumePermission add group
 * all) or an AMI (ModifyImageAttribute, launchPermission add group all) made public -> remove the
 * `all` group permission. Sharing with named accounts is left alone (the alert reports it), and
 * RDS snapshots are alert-only.
 *
 * Calls: DescribeTags filtered on the resource id (exemption; one call for both kinds), then one
 * ModifySnapshotAttribute / ModifyImageAttribute with the `all` group removed (idempotent).
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
  items,
  makeHandler,
  perRegion,
  readCloudTrail,
  reject,
  str,
  tagMap,
  validateSettings,
} from "./common";

export const deploymentOnlyModule = true;

export type UnshareSnapshotSettings = RemediationSettings;

export interface ShareTarget {
  kind: "snapshot" | "image";
  id: string;
}

export function planUnshareSnapshot(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<ShareTarget> {
  const facts = readCloudTrail(event, settings, "ec2.amazonaws.com", [
    "ModifySnapshotAttribute",
    "ModifyImageAttribute",
  ]);
  if ("kind" in facts) return facts;
  const req = facts.request;
  const snapshot = facts.eventName === "ModifySnapshotAttribute";
  const id = str(snapshot ? req.snapshotId : req.imageId);
  if (!id) return reject(`${facts.eventId}: no ${snapshot ? "snapshotId" : "imageId"}`);
  const permission = snapshot ? req.createVolumePermission : req.launchPermission;
  const added = isObject(permission) ? items(permission.add) : [];
  if (!added.some((p) => isObject(p) && p.group === "all")) {
    return ignore(facts, id, "the change does not add the public 'all' group");
  }
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: id,
    found: "made public",
    target: { kind: snapshot ? "snapshot" : "image", id },
    consoleUrl: `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#${snapshot ? `Snapshots:snapshotId=${id}` : `ImageDetails:imageId=${id}`}`,
  };
}

export function createUnshareSnapshotHandler(
  settings: UnshareSnapshotSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("unshare-snapshot", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ec2: typeof import("@aws-sdk/client-ec2") = require("@aws-sdk/client-ec2");
  const client = perRegion((region) => new ec2.EC2Client(clientConfig(region)));
  const GONE = ["InvalidSnapshot.NotFound", "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"];

  return makeHandler<ShareTarget, null>(s, {
    id: "unshare-snapshot" as RemediationId,
    plan: (event) => planUnshareSnapshot(event, s),

    async inspect(target, facts) {
      const out = await client(facts.region).send(
        new ec2.DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [target.id] }] }),
      );
      return { tags: tagMap(out.Tags), state: null };
    },

    async apply(target, _state, facts, dryRun) {
      const snapshot = target.kind === "snapshot";
      const actions = [
        snapshot
          ? `ModifySnapshotAttribute ${target.id} createVolumePermission remove group all`
          : `ModifyImageAttribute ${target.id} launchPermission remove group all`,
      ];
      if (dryRun) {
        return {
          outcome: "remediated",
          actions,
          message: `Would make ${target.id} private again.`,
        };
      }
      try {
        await client(facts.region).send(
          snapshot
            ? new ec2.ModifySnapshotAttributeCommand({
                SnapshotId: target.id,
                Attribute: "createVolumePermission",
                OperationType: "remove",
                GroupNames: ["all"],
              })
            : (new ec2.ModifyImageAttributeCommand({
                ImageId: target.id,
                LaunchPermission: { Remove: [{ Group: "all" }] },
              }) as never),
        );
      } catch (err) {
        if (!hasErrorName(err, GONE)) throw err;
        return { outcome: "already-safe", actions: [], message: `${target.id} no longer exists.` };
      }
      return {
        outcome: "remediated",
        actions,
        message: `Removed public access (group all) from ${target.id}; sharing with named accounts is unchanged.`,
      };
    },
  });
}
