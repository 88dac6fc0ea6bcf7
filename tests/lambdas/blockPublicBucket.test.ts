import { expect } from "chai";
import {
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  GetBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  createBlockPublicBucketHandler,
  planBlockPublicBucket,
} from "../../remediations/block-public-bucket/handler";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  mocked,
  record,
  sent,
  ACCOUNT,
} from "./harness";

const SETTINGS = baseSettings();
const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

describe("planBlockPublicBucket", () => {
  const cases: [string, string, string, Json][] = [
    [
      "aws_s3_delete_public_access_block",
      "Public Access Block Deleted Successfully",
      "act",
      { bucket: "corporate-documents", checkPolicyStatus: false },
    ],
    [
      "aws_s3_delete_public_access_block",
      "Public Access Block Deletion Failed",
      "ignore",
      undefined,
    ],
    ["aws_s3_delete_public_access_block", "Non-S3 Event", "reject", undefined],
    // A PutBucketPublicAccessBlock record without its configuration cannot be judged.
    ["aws_s3_delete_public_access_block", "Different S3 Event", "reject", undefined],
    [
      "aws_resource_made_public",
      "S3 Made Publicly Accessible",
      "act",
      { bucket: "example-bucket", checkPolicyStatus: true },
    ],
    ["aws_resource_made_public", "S3 Not Made Publicly Accessible", "ignore", undefined],
    ["aws_resource_made_public", "S3 Failed to make Publicly Accessible", "ignore", undefined],
    ["aws_s3_bucket_policy_modified", "S3 Bucket Policy Modified", "ignore", undefined], // x-amz-acl private
  ];
  for (const [file, name, kind, target] of cases) {
    it(`${file} / ${name}: ${kind}`, () => {
      const plan = planBlockPublicBucket(fixture(file, name), SETTINGS);
      expect(plan.kind).to.equal(kind);
      if (plan.kind === "act") expect(plan.target).to.deep.equal(target);
    });
  }

  const edge: [string, Json, string][] = [
    ["canned public-read ACL", { bucketName: "bucket-b", "x-amz-acl": ["public-read"] }, "act"],
    [
      "AllUsers grant",
      {
        bucketName: "bucket-b",
        AccessControlPolicy: {
          AccessControlList: {
            Grant: [
              {
                Grantee: {
                  "xsi:type": "Group",
                  URI: "http://acs.amazonaws.com/groups/global/AllUsers",
                },
                Permission: "READ",
              },
            ],
          },
        },
      },
      "act",
    ],
    [
      "AuthenticatedUsers grant header",
      {
        bucketName: "bucket-b",
        "x-amz-grant-read": ['uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"'],
      },
      "act",
    ],
  ];
  for (const [name, req, kind] of edge) {
    it(`PutBucketAcl ${name}: ${kind}`, () => {
      expect(
        planBlockPublicBucket(record("s3.amazonaws.com", "PutBucketAcl", req), SETTINGS).kind,
      ).to.equal(kind);
    });
  }

  it("PutBucketPublicAccessBlock with one setting off names it", () => {
    const event = record("s3.amazonaws.com", "PutBucketPublicAccessBlock", {
      bucketName: "bucket-b",
      PublicAccessBlockConfiguration: {
        ...ALL_ON,
        RestrictPublicBuckets: false,
        xmlns: "http://s3.amazonaws.com/doc/2006-03-01/",
      },
    });
    expect(planBlockPublicBucket(event, SETTINGS)).to.deep.include({
      kind: "act",
      found: "public access block turned off: RestrictPublicBuckets",
    });
    const allOn = record("s3.amazonaws.com", "PutBucketPublicAccessBlock", {
      bucketName: "bucket-b",
      PublicAccessBlockConfiguration: ALL_ON,
    });
    expect(planBlockPublicBucket(allOn, SETTINGS).kind).to.equal("ignore");
  });
});

describe("block-public-bucket handler", () => {
  const m = mocked({ s3: S3Client });
  beforeEach(() => {
    m.s3.on(GetPublicAccessBlockCommand).rejects(awsError("NoSuchPublicAccessBlockConfiguration"));
    m.s3.on(GetBucketTaggingCommand).rejects(awsError("NoSuchTagSet"));
    m.s3.on(PutPublicAccessBlockCommand).resolves({});
  });
  const deleted = () =>
    fixture("aws_s3_delete_public_access_block", "Public Access Block Deleted Successfully");
  const publicPolicy = () => fixture("aws_resource_made_public", "S3 Made Publicly Accessible");
  const run = (e: Json = deleted(), mode = "enforce") =>
    captureLogs(() => createBlockPublicBucketHandler({ ...SETTINGS, mode: mode as never })(e));

  it("enforce: GetPublicAccessBlock (none), GetBucketTagging (NoSuchTagSet = no tags), PutPublicAccessBlock all four true", async () => {
    const { result } = await run();
    expect(sent(m.s3)).to.deep.equal([
      // ExpectedBucketOwner: a bucket of that name in another account is never touched.
      {
        name: "GetPublicAccessBlock",
        input: { Bucket: "corporate-documents", ExpectedBucketOwner: ACCOUNT },
      },
      {
        name: "GetBucketTagging",
        input: { Bucket: "corporate-documents", ExpectedBucketOwner: ACCOUNT },
      },
      {
        name: "PutPublicAccessBlock",
        input: {
          Bucket: "corporate-documents",
          ExpectedBucketOwner: ACCOUNT,
          PublicAccessBlockConfiguration: ALL_ON,
        },
      },
    ]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("all four settings on again: one read, already-safe", async () => {
    m.s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_ON });
    const { result } = await run();
    expect(sent(m.s3).map((c) => c.name)).to.deep.equal(["GetPublicAccessBlock"]);
    expect(result).to.deep.include({ outcome: "already-safe", actions: [] });
  });

  it("one setting off: not safe, blocks", async () => {
    m.s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { ...ALL_ON, RestrictPublicBuckets: false },
    });
    const { result } = await run();
    expect(result?.outcome).to.equal("remediated");
  });

  it("public policy: asks S3 for the policy status; not public -> ignored, no put, no message", async () => {
    m.s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: false } });
    const { result } = await run(publicPolicy());
    expect(sent(m.s3).map((c) => c.name)).to.deep.equal([
      "GetPublicAccessBlock",
      "GetBucketPolicyStatus",
    ]);
    expect(result?.outcome).to.equal("ignored");
    expect(m.sns.calls()).to.have.length(0);
  });

  it("public policy removed meanwhile (NoSuchBucketPolicy): already-safe", async () => {
    m.s3.on(GetBucketPolicyStatusCommand).rejects(awsError("NoSuchBucketPolicy"));
    const { result } = await run(publicPolicy());
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "The bucket policy was removed.",
    });
  });

  it("public policy confirmed: blocks", async () => {
    m.s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: true } });
    const { result } = await run(publicPolicy());
    expect(sent(m.s3).map((c) => c.name)).to.deep.equal([
      "GetPublicAccessBlock",
      "GetBucketPolicyStatus",
      "GetBucketTagging",
      "PutPublicAccessBlock",
    ]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("exempt bucket tag", async () => {
    m.s3.on(GetBucketTaggingCommand).resolves({
      TagSet: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }],
    });
    const { result } = await run();
    expect(sent(m.s3).map((c) => c.name)).to.deep.equal([
      "GetPublicAccessBlock",
      "GetBucketTagging",
    ]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("bucket gone: already-safe", async () => {
    m.s3.on(GetPublicAccessBlockCommand).rejects(awsError("NoSuchBucket"));
    const { result } = await run();
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "corporate-documents no longer exists (NoSuchBucket).",
    });
  });

  it("an unexpected read error fails (no put)", async () => {
    m.s3.on(GetPublicAccessBlockCommand).rejects(awsError("AccessDenied"));
    const { error } = await run();
    expect(error?.message).to.equal(
      "block-public-bucket: remediation of corporate-documents failed: AccessDenied: AccessDenied (test)",
    );
    expect(sent(m.s3)).to.have.length(1);
  });

  it("dry-run: reads, no put", async () => {
    const { result } = await run(deleted(), "dry-run");
    expect(sent(m.s3).map((c) => c.name)).to.deep.equal([
      "GetPublicAccessBlock",
      "GetBucketTagging",
    ]);
    expect(result?.outcome).to.equal("dry-run");
  });
});
