/**
 * Block public bucket access: after DeleteBucketPublicAccessBlock, PutBucketPublicAccessBlock
 * with any setting off, PutBucketAcl granting AllUsers/AuthenticatedUsers, or PutBucketPolicy
 * with a public policy, put the bucket's public access block back with all four settings true.
 * The public ACL or policy stays but has no effect (IgnorePublicAcls, RestrictPublicBuckets).
 *
 * Calls: GetPublicAccessBlock (all four on: already safe; NoSuchPublicAccessBlockConfiguration:
 * none, unsafe); GetBucketPolicyStatus only for PutBucketPolicy with a wildcard principal (S3
 * decides whether its conditions make it non-public); GetBucketTagging (exemption; NoSuchTagSet:
 * no tags); PutPublicAccessBlock. NoSuchBucket: the bucket is gone.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, isObject, readCloudTrail, str, tagMap } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { errorName } from "../../lambdas/runtime/clients";
import { makeHandler } from "../../lambdas/runtime/loop";
import { complianceFound, readComplianceChange } from "../../lambdas/runtime/compliance";

export const deploymentOnlyModule = true;

export type BlockPublicBucketSettings = RemediationSettings;

export interface BucketTarget {
  bucket: string;
  /** Ask S3 whether the policy is public before acting (PutBucketPolicy). */
  checkPolicyStatus: boolean;
}

const PUBLIC_CANNED = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
/** A bucket name: 3-63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const FLAGS = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

/** True when some Allow statement names any principal ("*" or {"AWS": "*"}). */
export function hasWildcardPrincipal(policy: unknown): boolean {
  let doc = policy;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return false;
    }
  }
  if (!isObject(doc)) return false;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return statements.some((st) => {
    if (!isObject(st) || st.Effect !== "Allow") return false;
    const p = st.Principal;
    const aws = isObject(p) ? p.AWS : p;
    return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
  });
}

export function planBlockPublicBucket(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<BucketTarget> {
  const facts = readCloudTrail(event, settings, "s3.amazonaws.com", [
    "DeleteBucketPublicAccessBlock",
    "PutBucketPublicAccessBlock",
    "PutBucketAcl",
    "PutBucketPolicy",
  ]);
  if ("kind" in facts) return facts;
  const req = facts.request;
  const bucket = str(req.bucketName);
  if (!bucket || !BUCKET.test(bucket) || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    return { kind: "reject", reason: `${facts.eventId}: no bucketName of the S3 format` };
  }
  const ignore = (reason: string) => ({ kind: "ignore" as const, facts, resource: bucket, reason });
  let found: string;
  let checkPolicyStatus = false;
  switch (facts.eventName) {
    case "DeleteBucketPublicAccessBlock":
      found = "public access block deleted";
      break;
    case "PutBucketPublicAccessBlock": {
      const conf = req.PublicAccessBlockConfiguration;
      if (!isObject(conf)) {
        return { kind: "reject", reason: `${facts.eventId}: no PublicAccessBlockConfiguration` };
      }
      const off = FLAGS.filter((f) => conf[f] !== true && conf[f] !== "true");
      if (off.length === 0) return ignore("all four public access block settings are on");
      found = `public access block turned off: ${off.join(", ")}`;
      break;
    }
    case "PutBucketAcl": {
      const canned = [req["x-amz-acl"]].flat().filter((v): v is string => typeof v === "string");
      if (
        !canned.some((a) => PUBLIC_CANNED.includes(a)) &&
        !PUBLIC_GROUPS.test(JSON.stringify(req))
      ) {
        return ignore("the ACL grants nothing to AllUsers or AuthenticatedUsers");
      }
      found = "ACL made public";
      break;
    }
    default:
      if (!hasWildcardPrincipal(req.bucketPolicy)) {
        return ignore("the policy has no statement allowing any principal");
      }
      found = "policy allows any principal";
      checkPolicyStatus = true;
  }
  return {
    kind: "act",
    facts,
    resource: bucket,
    found,
    target: { bucket, checkPolicyStatus },
    consoleUrl: `https://s3.console.aws.amazon.com/s3/buckets/${bucket}?region=${facts.region}&tab=permissions`,
  };
}

/**
 * The plan for an AWS Config compliance change on a bucket (lambdas/runtime/compliance.ts): the public
 * access block is read and completed as for a live event.
 */
export function planBlockPublicBucketFromCompliance(event: unknown): Plan<BucketTarget> {
  const change = readComplianceChange(event, ["AWS::S3::Bucket"]);
  if ("kind" in change) return change;
  const { facts, resourceId: bucket } = change;
  return {
    kind: "act",
    facts,
    resource: bucket,
    found: complianceFound(change),
    target: { bucket, checkPolicyStatus: false },
    consoleUrl: `https://s3.console.aws.amazon.com/s3/buckets/${bucket}?region=${facts.region}&tab=permissions`,
  };
}

export function createBlockPublicBucketHandler(
  settings: BlockPublicBucketSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("block-public-bucket", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const s3: typeof import("@aws-sdk/client-s3") = require("@aws-sdk/client-s3");
  /** The error of a read when `names` say there is nothing (no block, no tags), else rethrown. */
  const none = (names: string[]) => (err: unknown) => {
    if (names.includes(errorName(err))) return undefined;
    throw err;
  };

  return makeHandler<BucketTarget>(s, {
    id: "block-public-bucket" as RemediationId,
    plan: (event) => planBlockPublicBucket(event, s),
    planResource: planBlockPublicBucketFromCompliance,
    gone: ["NoSuchBucket"],

    async inspect({ bucket, checkPolicyStatus }, { facts, client }) {
      const c = client(s3.S3Client, facts.region);
      const Bucket = bucket;
      // The bucket must still be this account's: a name deleted and re-created elsewhere is not.
      const ExpectedBucketOwner = facts.account;
      const block = await c
        .send(new s3.GetPublicAccessBlockCommand({ Bucket, ExpectedBucketOwner }))
        .then(
          (out) => out.PublicAccessBlockConfiguration,
          none(["NoSuchPublicAccessBlockConfiguration"]),
        );
      if (FLAGS.every((f) => block?.[f as keyof typeof block] === true)) {
        return { done: "already-safe", message: "The four public access block settings are on." };
      }
      if (checkPolicyStatus) {
        const status = await c
          .send(new s3.GetBucketPolicyStatusCommand({ Bucket, ExpectedBucketOwner }))
          .catch(none(["NoSuchBucketPolicy"]));
        if (!status) return { done: "already-safe", message: "The bucket policy was removed." };
        if (!status.PolicyStatus?.IsPublic) {
          return { done: "ignored", message: "S3 does not consider the bucket policy public." };
        }
      }
      const tags = await c
        .send(new s3.GetBucketTaggingCommand({ Bucket, ExpectedBucketOwner }))
        .then((out) => out.TagSet, none(["NoSuchTagSet"]));
      const off = FLAGS.filter((f) => block?.[f as keyof typeof block] !== true);
      return {
        tags: tagMap(tags),
        state: block ? `public access block off: ${off.join(", ")}` : "no public access block",
        after: "public access block: all four on",
        actions: [`PutPublicAccessBlock ${bucket} ${FLAGS.map((f) => `${f}=true`).join(" ")}`],
        async apply() {
          const PublicAccessBlockConfiguration = Object.fromEntries(FLAGS.map((f) => [f, true]));
          await c.send(
            new s3.PutPublicAccessBlockCommand({
              Bucket,
              ExpectedBucketOwner,
              PublicAccessBlockConfiguration,
            }),
          );
          return `Blocked all public access to bucket ${bucket} (the four public access block settings are on).`;
        },
      };
    },
  });
}
