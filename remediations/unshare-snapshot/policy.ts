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
  const shared = [`arn:${p}:ec2:${r}::snapshot/*`, `arn:${p}:ec2:${r}::image/*`];
  const modify = ["ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute"];
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
    // Only removing the public group `all`, on this account's snapshots and images.
    allow("UnshareOnly", modify, shared, {
      StringEquals: { "aws:ResourceAccount": a, "ec2:Remove/group": "all" },
    }),
    // Never adding anyone: an explicit deny, whatever else a call carries.
    ...(["ec2:Add/group", "ec2:Add/userId"] as const).map((key) => ({
      Sid: key === "ec2:Add/group" ? "NeverShareWithGroups" : "NeverShareWithAccounts",
      Effect: "Deny" as const,
      Action: modify,
      Resource: shared,
      Condition: { Null: { [key]: "false" } },
    })),
  ];
}
