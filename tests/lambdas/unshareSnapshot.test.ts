import { expect } from "chai";
import {
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  DescribeTagsCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import {
  createUnshareSnapshotHandler,
  planUnshareSnapshot,
} from "../../remediations/unshare-snapshot/handler";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  mocked,
  sent,
} from "./harness";

const SETTINGS = baseSettings();

describe("planUnshareSnapshot", () => {
  const cases: [string, string, string, Json][] = [
    [
      "aws_snapshot_made_public",
      "Snapshot Made Publicly Accessible",
      "act",
      { kind: "snapshot", id: "snap-0123456789abcdef0" },
    ],
    ["aws_snapshot_made_public", "Snapshot Not Made Publicly Accessible", "ignore", undefined],
    ["aws_snapshot_made_public", "Error Making Snapshot Publicly Accessible", "ignore", undefined],
    // Shared with a named account: alert only, left alone.
    ["aws_snapshot_made_public", "Snapshot Mader Available to Single Person", "ignore", undefined],
    [
      "aws_ami_modified_for_public_access",
      "AMI Made Public",
      "act",
      { kind: "image", id: "ami-0123456789abcdef0" },
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
  const m = mocked({ ec2: EC2Client });
  const publicSnapshot = {
    CreateVolumePermissions: [{ Group: "all" as const }, { UserId: "111122223333" }],
  };
  beforeEach(() => {
    m.ec2.on(DescribeSnapshotAttributeCommand).resolves(publicSnapshot);
    m.ec2
      .on(DescribeImageAttributeCommand)
      .resolves({ LaunchPermissions: [{ Group: "all" as const }] });
    m.ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    m.ec2.on(ModifySnapshotAttributeCommand).resolves({});
    m.ec2.on(ModifyImageAttributeCommand).resolves({});
  });
  const snapshot = () => fixture("aws_snapshot_made_public", "Snapshot Made Publicly Accessible");
  const image = () => fixture("aws_ami_modified_for_public_access", "AMI Made Public");
  const run = (e: Json = snapshot(), mode = "enforce") =>
    captureLogs(() => createUnshareSnapshotHandler({ ...SETTINGS, mode: mode as never })(e));

  it("snapshot: DescribeSnapshotAttribute (group all), DescribeTags, remove group all", async () => {
    const { result } = await run();
    expect(sent(m.ec2)).to.deep.equal([
      {
        name: "DescribeSnapshotAttribute",
        input: { SnapshotId: "snap-0123456789abcdef0", Attribute: "createVolumePermission" },
      },
      {
        name: "DescribeTags",
        input: { Filters: [{ Name: "resource-id", Values: ["snap-0123456789abcdef0"] }] },
      },
      {
        name: "ModifySnapshotAttribute",
        input: {
          SnapshotId: "snap-0123456789abcdef0",
          Attribute: "createVolumePermission",
          OperationType: "remove",
          GroupNames: ["all"],
        },
      },
    ]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("snapshot no longer public (named accounts only): one read, already-safe", async () => {
    m.ec2
      .on(DescribeSnapshotAttributeCommand)
      .resolves({ CreateVolumePermissions: [{ UserId: "111122223333" }] });
    const { result } = await run();
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal(["DescribeSnapshotAttribute"]);
    expect(result).to.deep.include({
      outcome: "already-safe",
      actions: [],
      message: "snap-0123456789abcdef0 is not public (no group all).",
    });
  });

  it("AMI: DescribeImageAttribute, DescribeTags, remove the launch permission of group all", async () => {
    await run(image());
    expect(sent(m.ec2)).to.deep.equal([
      {
        name: "DescribeImageAttribute",
        input: { ImageId: "ami-0123456789abcdef0", Attribute: "launchPermission" },
      },
      {
        name: "DescribeTags",
        input: { Filters: [{ Name: "resource-id", Values: ["ami-0123456789abcdef0"] }] },
      },
      {
        name: "ModifyImageAttribute",
        input: {
          ImageId: "ami-0123456789abcdef0",
          LaunchPermission: { Remove: [{ Group: "all" }] },
        },
      },
    ]);
  });

  it("AMI no longer public: already-safe", async () => {
    m.ec2.on(DescribeImageAttributeCommand).resolves({ LaunchPermissions: [] });
    const { result } = await run(image());
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal(["DescribeImageAttribute"]);
    expect(result?.outcome).to.equal("already-safe");
  });

  it("snapshot deleted: already-safe", async () => {
    m.ec2.on(DescribeSnapshotAttributeCommand).rejects(awsError("InvalidSnapshot.NotFound"));
    const { result } = await run();
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "snap-0123456789abcdef0 no longer exists (InvalidSnapshot.NotFound).",
    });
  });

  it("exempt tag: no modify", async () => {
    m.ec2.on(DescribeTagsCommand).resolves({
      Tags: [
        { Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value, ResourceId: "snap-0123456789abcdef0" },
      ],
    });
    const { result } = await run();
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal([
      "DescribeSnapshotAttribute",
      "DescribeTags",
    ]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("dry-run: reads, no modify", async () => {
    const { result } = await run(snapshot(), "dry-run");
    expect(sent(m.ec2).map((c) => c.name)).to.deep.equal([
      "DescribeSnapshotAttribute",
      "DescribeTags",
    ]);
    expect(result).to.deep.include({
      outcome: "dry-run",
      actions: [
        "ModifySnapshotAttribute snap-0123456789abcdef0 createVolumePermission remove group all",
      ],
    });
  });
});
