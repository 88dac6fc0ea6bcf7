import { expect } from "chai";
import type { RecordedCall } from "./recordCalls";
import { type ResourceDirectory, requestsOfCall } from "./requests";

const ROLE = "arn:aws:iam::123456789012:role/fn";
const DIR: ResourceDirectory = {
  topicKeys: {
    "arn:aws:sns:eu-west-1:123456789012:resolutions": "arn:aws:kms:eu-west-1:123456789012:key/k1",
  },
  topicPolicies: {},
  keyPolicies: {},
  trustPolicies: {},
};
const call = (client: string, command: string, input: Record<string, unknown>): RecordedCall => ({
  client,
  command,
  input,
  region: "eu-west-1",
  functionRoleArn: ROLE,
});

describe("IAM requests of SDK calls (tests/iam/requests.ts)", () => {
  it("names the IAM action where the API's name differs (S3 public access blocks)", () => {
    const [bucket] = requestsOfCall(call("S3Client", "GetPublicAccessBlock", { Bucket: "b" }), DIR);
    expect([bucket.action, bucket.resource]).to.deep.equal([
      "s3:GetBucketPublicAccessBlock",
      "arn:aws:s3:::b",
    ]);
    const [account] = requestsOfCall(
      call("S3ControlClient", "PutPublicAccessBlock", { AccountId: "123456789012" }),
      DIR,
    );
    expect([account.action, account.resource]).to.deep.equal([
      "s3:PutAccountPublicAccessBlock",
      "*",
    ]);
  });

  it("reads ec2:Add/* and ec2:Remove/* from both forms of a permission change", () => {
    const [byOperation] = requestsOfCall(
      call("EC2Client", "ModifySnapshotAttribute", {
        SnapshotId: "snap-1",
        Attribute: "createVolumePermission",
        OperationType: "remove",
        GroupNames: ["all"],
      }),
      DIR,
    );
    expect(byOperation.context).to.deep.equal({ "ec2:Remove/group": ["all"] });
    const [byLists] = requestsOfCall(
      call("EC2Client", "ModifySnapshotAttribute", {
        SnapshotId: "snap-1",
        CreateVolumePermission: { Add: [{ UserId: "999988887777" }], Remove: [{ Group: "all" }] },
      }),
      DIR,
    );
    expect(byLists.context).to.deep.equal({
      "ec2:Add/userId": ["999988887777"],
      "ec2:Remove/group": ["all"],
    });
    expect(byLists.resource).to.equal("arn:aws:ec2:eu-west-1::snapshot/snap-1");
  });

  it("a Publish to an encrypted topic is also SNS using the key for the caller", () => {
    const requests = requestsOfCall(
      call("SNSClient", "Publish", { TopicArn: "arn:aws:sns:eu-west-1:123456789012:resolutions" }),
      DIR,
    );
    expect(requests.map((r) => [r.action, r.resource, r.context])).to.deep.equal([
      ["sns:Publish", "arn:aws:sns:eu-west-1:123456789012:resolutions", undefined],
      ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => [
        action,
        "arn:aws:kms:eu-west-1:123456789012:key/k1",
        {
          "kms:ViaService": "sns.eu-west-1.amazonaws.com",
          "kms:EncryptionContext:aws:sns:topicArn":
            "arn:aws:sns:eu-west-1:123456789012:resolutions",
          "kms:CallerAccount": "123456789012",
        },
      ]),
    ]);
  });

  it("an image's ec2:Public is what the function read before changing it", () => {
    const read = {
      ...call("EC2Client", "DescribeImageAttribute", { ImageId: "ami-1" }),
      output: { LaunchPermissions: [{ Group: "all" }] },
    };
    const modify = call("EC2Client", "ModifyImageAttribute", {
      ImageId: "ami-1",
      LaunchPermission: { Remove: [{ Group: "all" }] },
    });
    expect(requestsOfCall(modify, DIR, [read])[0].context).to.deep.equal({
      "ec2:Remove/group": ["all"],
      "ec2:Public": "true",
    });
    expect(() => requestsOfCall(modify, DIR, [])).to.throw(
      'EC2Client.ModifyImageAttribute {"ImageId":"ami-1","LaunchPermission":{"Remove":[{"Group":"all"}]}}: no launch permissions read before',
    );
  });

  it("refuses a call it has no mapping for", () => {
    expect(() => requestsOfCall(call("EC2Client", "RunInstances", {}), DIR)).to.throw(
      "no IAM mapping for EC2Client.RunInstances: add it (Service Authorization Reference)",
    );
    expect(() => requestsOfCall(call("XRayClient", "PutTraceSegments", {}), DIR)).to.throw(
      "no IAM service prefix known for XRayClient",
    );
  });
});
