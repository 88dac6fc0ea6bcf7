/**
 * Unshare snapshot: an EBS snapshot (ModifySnapshotAttribute, createVolumePermission add group
 * all) or an AMI (ModifyImageAttribute, launchPermission add group all) made public -> remove the
 * `all` group permission. Sharing with named accounts is left alone (the alert reports it), and
 * RDS snapshots are alert-only.
 *
 * Calls: DescribeSnapshotAttribute createVolumePermission / DescribeImageAttribute
 * launchPermission (no `all` group any more: already safe), DescribeTags filtered on the resource
 * id (exemption), then one ModifySnapshotAttribute / ModifyImageAttribute removing group `all`.
 */
import type { RemediationId } from "../../core/types";
import {
  type Plan,
  isObject,
  items,
  readCloudTrail,
  str,
  tagMap,
} from "../../lambdas/runtime/event";
import { type Inspection, type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";
import {
  CONFIG_DETAIL_TYPE,
  complianceFound,
  readComplianceChange,
} from "../../lambdas/runtime/compliance";

export const deploymentOnlyModule = true;

export type UnshareSnapshotSettings = RemediationSettings;

export interface ShareTarget {
  /** `account`: AWS Config reported the account (EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK). */
  kind: "snapshot" | "image" | "account";
  id: string;
}

/** At most this many public snapshots are unshared per event (the rest by the next evaluation). */
export const MAX_SNAPSHOTS_PER_EVENT = 50;

/**
 * The plan for an AWS Config compliance change (lambdas/runtime/compliance.ts): on the account
 * (EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK reports the account) every public snapshot it owns is
 * unshared; on a snapshot, that snapshot.
 */
export function planUnshareSnapshotFromCompliance(event: unknown): Plan<ShareTarget> {
  const change = readComplianceChange(event, ["AWS::::Account", "AWS::EC2::Snapshot"]);
  if ("kind" in change) return change;
  const { facts, resourceId, resourceType } = change;
  const account = resourceType === "AWS::::Account";
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: account ? `account ${resourceId}` : resourceId,
    found: complianceFound(change),
    target: { kind: account ? "account" : "snapshot", id: resourceId },
    consoleUrl: `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#Snapshots:${account ? "visibility=public" : `snapshotId=${resourceId}`}`,
  };
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
  if (!id || !(snapshot ? /^snap-[0-9a-f]{8,17}$/ : /^ami-[0-9a-f]{8,17}$/).test(id)) {
    return {
      kind: "reject",
      reason: `${facts.eventId}: no ${snapshot ? "snapshotId (snap-...)" : "imageId (ami-...)"}`,
    };
  }
  const permission = snapshot ? req.createVolumePermission : req.launchPermission;
  const added = isObject(permission) ? items(permission.add) : [];
  if (!added.some((p) => isObject(p) && p.group === "all")) {
    return {
      kind: "ignore",
      facts,
      resource: id,
      reason: "the change does not add the public 'all' group",
    };
  }
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: id,
    found: "made public",
    target: { kind: snapshot ? "snapshot" : "image", id },
    consoleUrl: `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#${snapshot ? "Snapshots:snapshotId" : "ImageDetails:imageId"}=${id}`,
  };
}

type EC2 = typeof import("@aws-sdk/client-ec2");

/**
 * The inspection of an account (AWS Config's EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK): the public
 * snapshots it owns, at most `MAX_SNAPSHOTS_PER_EVENT`, less those exempt-tagged (`tag`) or made
 * public by a trusted change (`trustedBy`).
 */
async function inspectAccount(
  ec2: EC2,
  c: import("@aws-sdk/client-ec2").EC2Client,
  tag: RemediationSettings["exemptTag"],
  id: string,
  trustedBy: (snapshot: string) => Promise<string | undefined>,
): Promise<Inspection> {
  // The public snapshots this account owns (RestorableByUserIds all), each confirmed by its
  // createVolumePermission before it is listed; exempt-tagged ones are left and named.
  const pub: string[] = [];
  const exempt: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await c.send(
      new ec2.DescribeSnapshotsCommand({
        OwnerIds: ["self"],
        RestorableByUserIds: ["all"],
        MaxResults: 100,
        NextToken,
      }),
    );
    for (const snap of page.Snapshots ?? []) {
      const SnapshotId = snap.SnapshotId;
      if (!SnapshotId || pub.length >= MAX_SNAPSHOTS_PER_EVENT) continue;
      const attr = await c.send(
        new ec2.DescribeSnapshotAttributeCommand({
          SnapshotId,
          Attribute: "createVolumePermission",
        }),
      );
      if (!attr.CreateVolumePermissions?.some((p) => p.Group === "all")) continue;
      const tagged = tagMap(snap.Tags).get(tag.key) === tag.value;
      const trusted = await trustedBy(SnapshotId);
      if (trusted) exempt.push(`${SnapshotId} (trusted change ${trusted})`);
      else (tagged ? exempt : pub).push(SnapshotId);
    }
    NextToken = page.NextToken;
  } while (NextToken && pub.length < MAX_SNAPSHOTS_PER_EVENT);
  const note = exempt.length
    ? ` Left as is (exemption tag or trusted change): ${exempt.join(", ")}.`
    : "";
  if (pub.length === 0 && exempt.length === 0) {
    return { done: "already-safe", message: `Account ${id} owns no public snapshot.` };
  }
  return {
    // Every public snapshot is exempt: the run loop reports the account as exempt.
    tags: pub.length === 0 ? new Map([[tag.key, tag.value]]) : undefined,
    actions: pub.map((p) => `ModifySnapshotAttribute ${p} createVolumePermission remove group all`),
    async apply() {
      for (const SnapshotId of pub) {
        await c.send(
          new ec2.ModifySnapshotAttributeCommand({
            SnapshotId,
            Attribute: "createVolumePermission",
            OperationType: "remove",
            GroupNames: ["all"],
          }),
        );
      }
      return `Removed public access (group all) from ${pub.join(", ")}.${note}`;
    },
  };
}

/** The inspection of one snapshot or AMI made public. */
async function inspectShared(
  ec2: EC2,
  c: import("@aws-sdk/client-ec2").EC2Client,
  kind: ShareTarget["kind"],
  id: string,
  trustedBy: (snapshot: string) => Promise<string | undefined>,
): Promise<Inspection> {
  const snapshot = kind === "snapshot";
  const permissions = snapshot
    ? (
        await c.send(
          new ec2.DescribeSnapshotAttributeCommand({
            SnapshotId: id,
            Attribute: "createVolumePermission",
          }),
        )
      ).CreateVolumePermissions
    : (
        await c.send(
          new ec2.DescribeImageAttributeCommand({ ImageId: id, Attribute: "launchPermission" }),
        )
      ).LaunchPermissions;
  if (!permissions?.some((p) => p.Group === "all")) {
    return { done: "already-safe", message: `${id} is not public (no group all).` };
  }
  const trusted = await trustedBy(id);
  if (trusted) {
    const message = `Left as is: ${id} was made public by a trusted change (${trusted}).`;
    return { done: "exempt", message, state: `${id} public (group all)` };
  }
  const tags = await c.send(
    new ec2.DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: [id] }] }),
  );
  return {
    tags: tagMap(tags.Tags),
    state: `${id} public (group all)`,
    after: `${id} not public`,
    actions: [
      snapshot
        ? `ModifySnapshotAttribute ${id} createVolumePermission remove group all`
        : `ModifyImageAttribute ${id} launchPermission remove group all`,
    ],
    async apply() {
      await c.send(
        snapshot
          ? new ec2.ModifySnapshotAttributeCommand({
              SnapshotId: id,
              Attribute: "createVolumePermission",
              OperationType: "remove",
              GroupNames: ["all"],
            })
          : (new ec2.ModifyImageAttributeCommand({
              ImageId: id,
              LaunchPermission: { Remove: [{ Group: "all" }] },
            }) as never),
      );
      return `Removed public access (group all) from ${id}; sharing with named accounts is unchanged.`;
    },
  };
}

export function createUnshareSnapshotHandler(
  settings: UnshareSnapshotSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("unshare-snapshot", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ec2: typeof import("@aws-sdk/client-ec2") = require("@aws-sdk/client-ec2");

  return makeHandler<ShareTarget>(s, {
    id: "unshare-snapshot" as RemediationId,
    plan: (event) => planUnshareSnapshot(event, s),
    planResource: planUnshareSnapshotFromCompliance,
    gone: ["InvalidSnapshot.NotFound", "InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"],

    /** Snapshots and AMIs by id, under the account (AWS Config evaluates the account or the snapshot). */
    async changedParts({ id }, { facts }) {
      return { resource: `account ${facts.account}`, parts: [id] };
    },

    async inspect({ kind, id }, ctx) {
      const { facts, client } = ctx;
      const c = client(ec2.EC2Client, facts.region);
      const fromConfig = facts.detailType === CONFIG_DETAIL_TYPE;
      // What trusted changes made public, beside the reads (AWS Config's evaluations only).
      const record = fromConfig ? ctx.exempted(`account ${facts.account}`) : undefined;
      const trustedBy = async (snapshot: string) => (await record)?.exempt.get(snapshot);
      if (kind === "account") return inspectAccount(ec2, c, s.exemptTag, id, trustedBy);
      return inspectShared(ec2, c, kind, id, trustedBy);
    },
  });
}
