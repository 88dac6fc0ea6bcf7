/**
 * The drill scenario of block-public-bucket: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import { randomBytes } from "crypto";
import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import { RemediationId } from "../../core/types";
import {
  ALL_BLOCKED,
  Scenario,
  attackerRecord,
  createBucket,
  uniqueName,
} from "../../scripts/scenarioKit";

const publicAccessBlockDeleted: Scenario = {
  id: "bucket-public-access-block-deleted",
  title: "S3 bucket public access block deleted",
  remediation: RemediationId.BlockPublicBucket,
  taggable: true,
  async setup(ctx, options) {
    const { s3 } = ctx.clients;
    const bucket = uniqueName("customer-exports");
    await createBucket(ctx, bucket);
    const tags = Object.entries(options?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    if (tags.length > 0) {
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags } }));
    }
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    const record = attackerRecord(ctx, {
      eventSource: "s3.amazonaws.com",
      eventName: "DeleteBucketPublicAccessBlock",
      command: "s3api.delete-public-access-block",
      host: `s3.${ctx.region}.amazonaws.com`,
      requestParameters: {
        publicAccessBlock: "",
        bucketName: bucket,
        Host: `s3.${ctx.region}.amazonaws.com`,
      },
      responseElements: null,
      extra: {
        additionalEventData: {
          SignatureVersion: "SigV4",
          CipherSuite: "TLS_AES_128_GCM_SHA256",
          bytesTransferredIn: 0,
          AuthenticationMethod: "AuthHeader",
          "x-amz-id-2": randomBytes(48).toString("base64"),
          bytesTransferredOut: 0,
        },
        resources: [
          { accountId: ctx.account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` },
        ],
      },
    });
    return { record, resource: bucket };
  },
  async verify(ctx, { resource }) {
    try {
      const out = await ctx.clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: resource }));
      const config = out.PublicAccessBlockConfiguration ?? {};
      const off = Object.keys(ALL_BLOCKED).filter(
        (key) => config[key as keyof typeof ALL_BLOCKED] !== true,
      );
      return {
        safe: off.length === 0,
        detail:
          off.length === 0
            ? `bucket ${resource}: all four public access block settings on`
            : `bucket ${resource}: ${off.join(", ")} off`,
      };
    } catch (error) {
      if ((error as Error).name === "NoSuchPublicAccessBlockConfiguration") {
        return { safe: false, detail: `bucket ${resource} has no public access block` };
      }
      throw error;
    }
  },
  async fix(ctx, { resource }) {
    await ctx.clients.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: resource,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
  },
};

/** The drill scenarios of block-public-bucket, in drill order. */
export const scenarios: Scenario[] = [publicAccessBlockDeleted];
