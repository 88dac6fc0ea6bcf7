import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeTagsCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import { createUnshareSnapshotHandler, planUnshareSnapshot } from "../../lambdas/unshareSnapshot";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  sent,
  snsMock,
} from "./harness";

const SETTINGS = baseSettings();

describe("planUnshareSnapshot", () => {
  const cases: [string, string, string, Json][] = [
    [
      "aws_snapshot_made_public",
      "Snapshot Made Publicly Accessible",
      "act",
      { kind: "snapshot", id: "snap-1111" },
    ],
    ["aws_snapshot_made_public", "Snapshot Not Made Publicly Accessible", "ignore", undefined],
    ["aws_snapshot_made_public", "Error Making Snapshot Publicly Accessible", "ignore", undefined],
    // Shared with a named account: alert only, left alone.
    ["aws_snapshot_made_public", "Snapshot Mader Available to Single Person", "ignore", undefined],
    [
      "aws_ami_modified_for_public_access",
      "AMI Made Public",
      "act",
      { kind: "image", id: "ami-1111" },
    ],
    ["aws_ami_modified_for_public_access", "AMI Not Made Public", "ignore", undefined],
    [
      "aws_ami_modified_for_public_access",
      "AMI Launch Permissions Not Modified",
      "ignore",
      undefined,
    ],
    ["aws_ami_modified_for_public_access", "AMI Added to User", "ignore", undefined],
    ["aws_ami_modified_for_public_access", "Error Making AMI Public", "ignore", undefined],
    ["aws_ami_modified_for_public_access", "Access Granted To Unknown User", "ignore", undefined],
  ];
  for (const [file, name, kind, target] of cases) {
    it(`${file} / ${name}: ${kind}`, () => {
      const plan = planUnshareSnapshot(fixture(file, name), SETTINGS);
      expect(plan.kind).to.equal(kind);
      if (plan.kind === "act") expect(plan.target).to.deep.equal(target);
    });
  }
});

describe("unshare-snapshot handler", () => {
  const ec2 = mockClient(EC2Client);
  let sns = snsMock();
  beforeEach(() => {
    ec2.reset();
    sns.restore();
    sns = snsMock();
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
  });
  after(() => {
    ec2.restore();
    sns.restore();
  });

  it("snapshot: DescribeTags then remove group all", async () => {
    ec2.on(ModifySnapshotAttributeCommand).resolves({});
    const { result } = await captureLogs(() =>
      createUnshareSnapshotHandler(SETTINGS)(
        fixture("aws_snapshot_made_public", "Snapshot Made Publicly Accessible"),
      ),
    );
    expect(sent(ec2)).to.deep.equal([
      {
        name: "DescribeTags",
        input: { Filters: [{ Name: "resource-id", Values: ["snap-1111"] }] },
      },
      {
        name: "ModifySnapshotAttribute",
        input: {
          SnapshotId: "snap-1111",
          Attribute: "createVolumePermission",
          OperationType: "remove",
          GroupNames: ["all"],
        },
      },
    ]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("AMI: remove the launch permission of group all", async () => {
    ec2.on(ModifyImageAttributeCommand).resolves({});
    await captureLogs(() =>
      createUnshareSnapshotHandler(SETTINGS)(
        fixture("aws_ami_modified_for_public_access", "AMI Made Public"),
      ),
    );
    expect(sent(ec2)[1]).to.deep.equal({
      name: "ModifyImageAttribute",
      input: { ImageId: "ami-1111", LaunchPermission: { Remove: [{ Group: "all" }] } },
    });
  });

  it("snapshot deleted: already-safe", async () => {
    ec2.on(ModifySnapshotAttributeCommand).rejects(awsError("InvalidSnapshot.NotFound"));
    const { result } = await captureLogs(() =>
      createUnshareSnapshotHandler(SETTINGS)(
        fixture("aws_snapshot_made_public", "Snapshot Made Publicly Accessible"),
      ),
    );
    expect(result?.outcome).to.equal("already-safe");
  });

  it("exempt tag: no modify", async () => {
    ec2.on(DescribeTagsCommand).resolves({
      Tags: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value, ResourceId: "snap-1111" }],
    });
    const { result } = await captureLogs(() =>
      createUnshareSnapshotHandler(SETTINGS)(
        fixture("aws_snapshot_made_public", "Snapshot Made Publicly Accessible"),
      ),
    );
    expect(sent(ec2).map((c) => c.name)).to.deep.equal(["DescribeTags"]);
    expect(result?.outcome).to.equal("exempt");
  });
});
