/**
 * Restore bucket versioning: PutBucketVersioning with status Suspended -> versioning Enabled.
 * An MFA delete change alone is ignored (only the root user with MFA can set it back).
 *
 * Every call names this account as the expected bucket owner (a bucket name says nothing of
 * its owner): a bucket of another account is never touched. Calls: GetBucketVersioning (Enabled:
 * already safe), GetBucketTagging (exemption), then PutBucketVersioning Status Enabled.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, isObject, readCloudTrail, str, tagMap } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { errorName } from "../../lambdas/runtime/clients";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export type RestoreBucketVersioningSettings = RemediationSettings;

export interface VersioningTarget {
  bucket: string;
}

export function planRestoreBucketVersioning(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<VersioningTarget> {
  const facts = readCloudTrail(event, settings, "s3.amazonaws.com", ["PutBucketVersioning"]);
  if ("kind" in facts) return facts;
  const bucket = str(facts.request.bucketName);
  if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    return { kind: "reject", reason: `${facts.eventId}: no valid bucketName` };
  }
  const conf = facts.request.VersioningConfiguration;
  if (!isObject(conf)) {
    return { kind: "reject", reason: `${facts.eventId}: no VersioningConfiguration` };
  }
  if (conf.Status !== "Suspended") {
    return { kind: "ignore", facts, resource: bucket, reason: "versioning was not suspended" };
  }
  return {
    kind: "act",
    facts,
    resource: bucket,
    found: "versioning suspended",
    target: { bucket },
    consoleUrl: `https://s3.console.aws.amazon.com/s3/buckets/${bucket}?region=${facts.region}&tab=properties`,
  };
}

export function createRestoreBucketVersioningHandler(
  settings: RestoreBucketVersioningSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("restore-bucket-versioning", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const s3: typeof import("@aws-sdk/client-s3") = require("@aws-sdk/client-s3");

  return makeHandler<VersioningTarget>(s, {
    id: "restore-bucket-versioning" as RemediationId,
    plan: (event) => planRestoreBucketVersioning(event, s),
    gone: ["NoSuchBucket"],

    async inspect({ bucket }, { facts, client }) {
      const c = client(s3.S3Client, facts.region);
      const mine = { Bucket: bucket, ExpectedBucketOwner: facts.account };
      const state = await c.send(new s3.GetBucketVersioningCommand(mine));
      if (state.Status === "Enabled") {
        return { done: "already-safe", message: `Versioning is enabled on ${bucket}.` };
      }
      const tags = await c.send(new s3.GetBucketTaggingCommand(mine)).then(
        (out) => out.TagSet,
        (err: unknown) => {
          if (errorName(err) === "NoSuchTagSet") return undefined;
          throw err;
        },
      );
      return {
        tags: tagMap(tags),
        state: `bucket ${bucket} versioning ${state.Status ?? "never enabled"}`,
        after: `bucket ${bucket} versioning Enabled`,
        actions: [`PutBucketVersioning ${bucket} Status=Enabled`],
        async apply() {
          await c.send(
            new s3.PutBucketVersioningCommand({
              ...mine,
              VersioningConfiguration: { Status: "Enabled" },
            }),
          );
          return `Enabled versioning on bucket ${bucket} again.`;
        },
      };
    },
  });
}
