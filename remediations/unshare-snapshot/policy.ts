/**
 * IAM statements of unshare-snapshot: exactly the AWS calls of its handler, on the narrowest resources IAM
 * allows (core/remediationPolicies.ts adds the shared ones: log group, topic, key, idempotency).
 */
import {
  allow,
  type RemediationPolicyStatement,
  type StatementContext,
} from "../../core/remediationPolicies";

export function statements(ctx: StatementContext): RemediationPolicyStatement[] {
  const { partition: p, account: a, region: r } = ctx;
  const inRegion = { StringEquals: { "aws:RequestedRegion": r } };
  const snapshots = `arn:${p}:ec2:${r}::snapshot/*`;
  const images = `arn:${p}:ec2:${r}::image/*`;
  return [
    // EC2 Describe* actions: resource-level permission is not documented for these reads
    // (DescribeTags supports none), so "*", in this region; they change nothing.
    allow(
      "ReadSharingAndTags",
      [
        "ec2:DescribeSnapshotAttribute",
        "ec2:DescribeImageAttribute",
        "ec2:DescribeTags",
        // AWS Config reports public snapshots by account: list the account's own.
        "ec2:DescribeSnapshots",
      ],
      "*",
      inRegion,
    ),
    // Snapshots: only removing the public group `all`, on this account's snapshots.
    allow("UnshareSnapshotsOnly", ["ec2:ModifySnapshotAttribute"], snapshots, {
      StringEquals: { "aws:ResourceAccount": a, "ec2:Remove/group": "all" },
    }),
    // Never adding anyone to a snapshot: an explicit deny, whatever else a call carries.
    ...(["ec2:Add/group", "ec2:Add/userId"] as const).map((key) => ({
      Sid: key === "ec2:Add/group" ? "NeverShareWithGroups" : "NeverShareWithAccounts",
      Effect: "Deny" as const,
      Action: ["ec2:ModifySnapshotAttribute"],
      Resource: snapshots,
      Condition: { Null: { [key]: "false" } },
    })),
    // AMIs: ModifyImageAttribute carries no ec2:Add/* or ec2:Remove/* key (Service
    // Authorization Reference), so a condition on them never matches. `ec2:Public` (the
    // image's launch permissions include `all` when the request arrives) confines the change
    // to AMIs that are public already: making a private AMI public, or sharing it, is denied.
    allow("UnsharePublicImagesOnly", ["ec2:ModifyImageAttribute"], images, {
      StringEquals: { "aws:ResourceAccount": a },
      Bool: { "ec2:Public": "true" },
    }),
  ];
}
