import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  createBlockPublicBucketHandler,
  planBlockPublicBucket,
} from "../../lambdas/blockPublicBucket";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  record,
  sent,
  snsMock,
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
    ["canned public-read ACL", { bucketName: "b", "x-amz-acl": ["public-read"] }, "act"],
    [
      "AllUsers grant",
      {
        bucketName: "b",
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
        bucketName: "b",
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
      bucketName: "b",
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
      bucketName: "b",
      PublicAccessBlockConfiguration: ALL_ON,
    });
    expect(planBlockPublicBucket(allOn, SETTINGS).kind).to.equal("ignore");
  });
});

describe("block-public-bucket handler", () => {
  const s3 = mockClient(S3Client);
  let sns = snsMock();
  beforeEach(() => {
    s3.reset();
    sns.restore();
    sns = snsMock();
  });
  after(() => {
    s3.restore();
    sns.restore();
  });
  const deleted = () =>
    fixture("aws_s3_delete_public_access_block", "Public Access Block Deleted Successfully");

  it("enforce: GetBucketTagging (NoSuchTagSet = no tags) then PutPublicAccessBlock all four true", async () => {
    s3.on(GetBucketTaggingCommand).rejects(awsError("NoSuchTagSet"));
    s3.on(PutPublicAccessBlockCommand).resolves({});
    const { result } = await captureLogs(() => createBlockPublicBucketHandler(SETTINGS)(deleted()));
    expect(sent(s3)).to.deep.equal([
      { name: "GetBucketTagging", input: { Bucket: "corporate-documents" } },
      {
        name: "PutPublicAccessBlock",
        input: { Bucket: "corporate-documents", PublicAccessBlockConfiguration: ALL_ON },
      },
    ]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("public policy: asks S3 for the policy status; not public -> ignored, no put, no message", async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [] });
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: false } });
    const { result } = await captureLogs(() =>
      createBlockPublicBucketHandler(SETTINGS)(
        fixture("aws_resource_made_public", "S3 Made Publicly Accessible"),
      ),
    );
    expect(sent(s3).map((c) => c.name)).to.deep.equal([
      "GetBucketTagging",
      "GetBucketPolicyStatus",
    ]);
    expect(result?.outcome).to.equal("ignored");
    expect(sns.calls()).to.have.length(0);
  });

  it("public policy confirmed: blocks", async () => {
    s3.on(GetBucketTaggingCommand).rejects(awsError("NoSuchTagSet"));
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: true } });
    s3.on(PutPublicAccessBlockCommand).resolves({});
    const { result } = await captureLogs(() =>
      createBlockPublicBucketHandler(SETTINGS)(
        fixture("aws_resource_made_public", "S3 Made Publicly Accessible"),
      ),
    );
    expect(sent(s3).map((c) => c.name)).to.deep.equal([
      "GetBucketTagging",
      "GetBucketPolicyStatus",
      "PutPublicAccessBlock",
    ]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("exempt bucket tag", async () => {
    s3.on(GetBucketTaggingCommand).resolves({
      TagSet: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }],
    });
    const { result } = await captureLogs(() => createBlockPublicBucketHandler(SETTINGS)(deleted()));
    expect(sent(s3).map((c) => c.name)).to.deep.equal(["GetBucketTagging"]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("bucket gone: already-safe", async () => {
    s3.on(GetBucketTaggingCommand).rejects(awsError("NoSuchBucket"));
    const { result } = await captureLogs(() => createBlockPublicBucketHandler(SETTINGS)(deleted()));
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "The bucket no longer exists.",
    });
  });

  it("dry-run: no put", async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [] });
    const { result } = await captureLogs(() =>
      createBlockPublicBucketHandler({ ...SETTINGS, mode: "dry-run" as never })(deleted()),
    );
    expect(sent(s3).map((c) => c.name)).to.deep.equal(["GetBucketTagging"]);
    expect(result?.outcome).to.equal("dry-run");
  });
});
