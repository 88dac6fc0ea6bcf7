/**
 * Block public bucket access: after DeleteBucketPublicAccessBlock, PutBucketPublicAccessBlock
 * with any setting off, PutBucketAcl granting AllUsers/AuthenticatedUsers, or PutBucketPolicy
 * with a public policy, put the bucket's public access block back with all four settings true.
 * The public ACL or policy stays but has no effect (IgnorePublicAcls, RestrictPublicBuckets).
 *
 * Calls: GetBucketTagging (exemption; NoSuchTagSet = no tags); GetBucketPolicyStatus only for
 * PutBucketPolicy with a wildcard principal (S3 decides whether its conditions make it
 * non-public); PutPublicAccessBlock (idempotent).
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
  perRegion,
  readCloudTrail,
  reject,
  str,
  tagMap,
  validateSettings,
} from "./common";

export const deploymentOnlyModule = true;

export type BlockPublicBucketSettings = RemediationSettings;

export interface BucketTarget {
  bucket: string;
  /** Ask S3 whether the policy is public before acting (PutBucketPolicy). */
  checkPolicyStatus: boolean;
}

const PUBLIC_CANNED = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
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
  if (!bucket) return reject(`${facts.eventId}: no bucketName`);
  let found: string;
  let checkPolicyStatus = false;
  switch (facts.eventName) {
    case "DeleteBucketPublicAccessBlock":
      found = "public access block deleted";
      break;
    case "PutBucketPublicAccessBlock": {
      const conf = req.PublicAccessBlockConfiguration;
      if (!isObject(conf)) return reject(`${facts.eventId}: no PublicAccessBlockConfiguration`);
      const off = FLAGS.filter((f) => conf[f] !== true && conf[f] !== "true");
      if (off.length === 0)
        return ignore(facts, bucket, "all four public access block settings are on");
      found = `public access block turned off: ${off.join(", ")}`;
      break;
    }
    case "PutBucketAcl": {
      const canned = [req["x-amz-acl"]].flat().filter((v): v is string => typeof v === "string");
      if (
        !canned.some((a) => PUBLIC_CANNED.includes(a)) &&
        !PUBLIC_GROUPS.test(JSON.stringify(req))
      ) {
        return ignore(facts, bucket, "the ACL grants nothing to AllUsers or AuthenticatedUsers");
      }
      found = "ACL made public";
      break;
    }
    default:
      if (!hasWildcardPrincipal(req.bucketPolicy)) {
        return ignore(facts, bucket, "the policy has no statement allowing any principal");
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

export function createBlockPublicBucketHandler(
  settings: BlockPublicBucketSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("block-public-bucket", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const s3: typeof import("@aws-sdk/client-s3") = require("@aws-sdk/client-s3");
  const client = perRegion((region) => new s3.S3Client(clientConfig(region, true)));
  const gone = {
    outcome: "already-safe" as const,
    actions: [],
    message: "The bucket no longer exists.",
  };

  return makeHandler<BucketTarget, null>(s, {
    id: "block-public-bucket" as RemediationId,
    plan: (event) => planBlockPublicBucket(event, s),

    async inspect(target, facts) {
      const c = client(facts.region);
      try {
        const tags = await c.send(new s3.GetBucketTaggingCommand({ Bucket: target.bucket })).then(
          (out) => tagMap(out.TagSet),
          (err) => {
            if (hasErrorName(err, ["NoSuchTagSet"])) return {};
            throw err;
          },
        );
        if (target.checkPolicyStatus) {
          const status = await c.send(
            new s3.GetBucketPolicyStatusCommand({ Bucket: target.bucket }),
          );
          if (status.PolicyStatus?.IsPublic !== true) {
            const message = "S3 does not consider the bucket policy public.";
            return { tags, state: null, done: { outcome: "ignored" as const, message } };
          }
        }
        return { tags, state: null };
      } catch (err) {
        if (hasErrorName(err, ["NoSuchBucket"])) return { state: null, done: gone };
        if (!hasErrorName(err, ["NoSuchBucketPolicy"])) throw err;
        const message = "The bucket policy was removed.";
        return { state: null, done: { outcome: "already-safe" as const, message } };
      }
    },

    async apply(target, _state, facts, dryRun) {
      const config = Object.fromEntries(FLAGS.map((f) => [f, true]));
      const actions = [
        `PutPublicAccessBlock ${target.bucket} ${FLAGS.map((f) => `${f}=true`).join(" ")}`,
      ];
      if (dryRun) {
        return {
          outcome: "remediated",
          actions,
          message: `Would block all public access to bucket ${target.bucket}.`,
        };
      }
      try {
        await client(facts.region).send(
          new s3.PutPublicAccessBlockCommand({
            Bucket: target.bucket,
            PublicAccessBlockConfiguration: config,
          }),
        );
      } catch (err) {
        if (!hasErrorName(err, ["NoSuchBucket"])) throw err;
        return gone;
      }
      return {
        outcome: "remediated",
        actions,
        message: `Blocked all public access to bucket ${target.bucket} (the four public access block settings are on).`,
      };
    },
  });
}
