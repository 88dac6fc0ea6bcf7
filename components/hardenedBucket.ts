/**
 * The hardening every bucket of the package gets (the trail's, its access-log bucket, AWS
 * Config's own): all four public access blocks, ACLs off (BucketOwnerEnforced), versioning,
 * default encryption (a bucket key with SSE-KMS) and a lifecycle. Children are named
 * `<prefix>-<role>` under `parent`. Not a component: the components that own a bucket call it,
 * and it is not exported from the library entry.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The default encryption of a bucket: SSE-S3, or SSE-KMS with a key. */
export interface BucketEncryption {
  sseAlgorithm: string;
  kmsMasterKeyId?: pulumi.Input<string>;
}

export function hardenBucket(
  parent: pulumi.Resource,
  prefix: string,
  bucket: aws.s3.Bucket,
  encryption: BucketEncryption,
  lifecycleRules: aws.types.input.s3.BucketLifecycleConfigurationRule[],
): {
  publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  encryption: aws.s3.BucketServerSideEncryptionConfiguration;
} {
  const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
    `${prefix}-public-access-block`,
    {
      bucket: bucket.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  new aws.s3.BucketOwnershipControls(
    `${prefix}-ownership`,
    { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
    { parent },
  );
  const versioning = new aws.s3.BucketVersioning(
    `${prefix}-versioning`,
    { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } },
    { parent },
  );
  const sse = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${prefix}-encryption`,
    {
      bucket: bucket.bucket,
      rules: [
        {
          applyServerSideEncryptionByDefault: encryption,
          bucketKeyEnabled: encryption.sseAlgorithm === "aws:kms",
        },
      ],
    },
    { parent },
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${prefix}-lifecycle`,
    { bucket: bucket.bucket, rules: lifecycleRules },
    // Noncurrent-version rules need versioning in place first.
    { parent, dependsOn: [versioning] },
  );
  return { publicAccessBlock, encryption: sse };
}
