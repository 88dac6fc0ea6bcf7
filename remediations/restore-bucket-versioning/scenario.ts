/**
 * The drill scenario of restore-bucket-versioning: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  GetBucketVersioningCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
} from "@aws-sdk/client-s3";
import { RemediationId } from "../../core/types";
import { Scenario, attackerRecord, createBucket, uniqueName } from "../../scripts/scenarioKit";

const bucketVersioningSuspended: Scenario = {
  id: "bucket-versioning-suspended",
  title: "S3 bucket versioning suspended",
  remediation: RemediationId.RestoreBucketVersioning,
  taggable: true,
  async setup(ctx, options) {
    const { s3 } = ctx.clients;
    const bucket = uniqueName("invoices");
    await createBucket(ctx, bucket);
    const tags = Object.entries(options?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    if (tags.length > 0) {
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags } }));
    }
    const versioning = (Status: "Enabled" | "Suspended") =>
      s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status } }),
      );
    await versioning("Enabled");
    await versioning("Suspended");
    const record = attackerRecord(ctx, {
      eventSource: "s3.amazonaws.com",
      eventName: "PutBucketVersioning",
      command: "s3api.put-bucket-versioning",
      host: `s3.${ctx.region}.amazonaws.com`,
      requestParameters: {
        bucketName: bucket,
        Host: `s3.${ctx.region}.amazonaws.com`,
        versioning: "",
        VersioningConfiguration: {
          Status: "Suspended",
          xmlns: "http://s3.amazonaws.com/doc/2006-03-01/",
        },
      },
      responseElements: null,
      extra: {
        resources: [
          { accountId: ctx.account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` },
        ],
      },
    });
    return { record, resource: bucket };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.s3.send(new GetBucketVersioningCommand({ Bucket: resource }));
    return {
      safe: out.Status === "Enabled",
      detail: `bucket ${resource} versioning ${out.Status ?? "never enabled"}`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.s3.send(
      new PutBucketVersioningCommand({
        Bucket: resource,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
  },
};

/** The drill scenarios of restore-bucket-versioning, in drill order. */
export const scenarios: Scenario[] = [bucketVersioningSuspended];
