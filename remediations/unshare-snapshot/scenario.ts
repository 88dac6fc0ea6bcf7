/**
 * The drill scenario of unshare-snapshot: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import { RemediationId } from "../../core/types";
import {
  MOTO_BASE_AMI,
  Scenario,
  attackerRecord,
  ec2TagSpecifications,
  uniqueName,
} from "../../scripts/scenarioKit";

const snapshotMadePublic: Scenario = {
  id: "snapshot-made-public",
  title: "EBS snapshot shared publicly",
  remediation: RemediationId.UnshareSnapshot,
  taggable: true,
  async setup(ctx, options) {
    const { ec2 } = ctx.clients;
    const volume = await ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: `${ctx.region}a`, Size: 8 }),
    );
    const snapshot = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volume.VolumeId!,
        Description: "database backup",
        ...ec2TagSpecifications("snapshot", options?.tags),
      }),
    );
    const snapshotId = snapshot.SnapshotId!;
    // The flat form (OperationType + GroupNames), as the CLI's --group-names sends it: moto 5.2.1
    // ignores the CreateVolumePermission.Add/Remove structure without an error.
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snapshotId,
        Attribute: "createVolumePermission",
        OperationType: "add",
        GroupNames: ["all"],
      }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "ModifySnapshotAttribute",
      command: "ec2.modify-snapshot-attribute",
      requestParameters: {
        snapshotId,
        createVolumePermission: { add: { items: [{ group: "all" }] } },
        attributeType: "CREATE_VOLUME_PERMISSION",
      },
      responseElements: { requestId: "", _return: true },
    });
    return { record, resource: snapshotId };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.ec2.send(
      new DescribeSnapshotAttributeCommand({
        SnapshotId: resource,
        Attribute: "createVolumePermission",
      }),
    );
    const permissions = out.CreateVolumePermissions ?? [];
    const isPublic = permissions.some((p) => p.Group === "all");
    return {
      safe: !isPublic,
      detail: `snapshot ${resource} is ${isPublic ? "public" : "private"} (${permissions.length} create-volume permission(s))`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: resource,
        Attribute: "createVolumePermission",
        OperationType: "remove",
        GroupNames: ["all"],
      }),
    );
  },
};

const amiMadePublic: Scenario = {
  id: "ami-made-public",
  title: "AMI made public",
  remediation: RemediationId.UnshareSnapshot,
  taggable: true,
  async setup(ctx, options) {
    const { ec2 } = ctx.clients;
    const instance = await ec2.send(
      new RunInstancesCommand({
        ImageId: MOTO_BASE_AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: "t3.micro",
      }),
    );
    const image = await ec2.send(
      new CreateImageCommand({
        InstanceId: instance.Instances![0].InstanceId!,
        Name: uniqueName("golden-image"),
        ...ec2TagSpecifications("image", options?.tags),
      }),
    );
    const imageId = image.ImageId!;
    await ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: imageId,
        LaunchPermission: { Add: [{ Group: "all" }] },
      }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "ModifyImageAttribute",
      command: "ec2.modify-image-attribute",
      requestParameters: {
        imageId,
        launchPermission: { add: { items: [{ group: "all" }] } },
        attributeType: "launchPermission",
      },
      responseElements: { requestId: "", _return: true },
    });
    return { record, resource: imageId };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.ec2.send(
      new DescribeImageAttributeCommand({ ImageId: resource, Attribute: "launchPermission" }),
    );
    const permissions = out.LaunchPermissions ?? [];
    const isPublic = permissions.some((p) => p.Group === "all");
    return {
      safe: !isPublic,
      detail: `image ${resource} is ${isPublic ? "public" : "private"} (${permissions.length} launch permission(s))`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: resource,
        LaunchPermission: { Remove: [{ Group: "all" }] },
      }),
    );
  },
};

/** The drill scenarios of unshare-snapshot, in drill order. */
export const scenarios: Scenario[] = [snapshotMadePublic, amiMadePublic];
