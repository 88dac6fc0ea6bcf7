/** unshare-snapshot: Make a public EBS snapshot or AMI private again. */
import type { RemediationSpec } from "../spec";
import { createUnshareSnapshotHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "unshare-snapshot",
  key: "UnshareSnapshot",
  title: "Make a public EBS snapshot or AMI private again",
  factory: createUnshareSnapshotHandler,
  statements,
  settings: {},
  detections: ["ebs-snapshot-made-public", "ami-made-public"],
  configRules: ["ebs-public-snapshot"],
  docs: {
    undoes: "the `all` group permission of a snapshot or AMI made public",
    neverTouches:
      "permissions for named accounts (reported), RDS snapshots (alert only), the snapshot or image itself",
    roleCanStill:
      "remove the public group from any snapshot or AMI of the account in the region: `ec2:Remove/group` = `all` is required, and an explicit deny on `ec2:Add/group` and `ec2:Add/userId` forbids sharing with anyone",
  },
};
