import { expect } from "chai";
import fc from "fast-check";
import { REMEDIATION_IDS, RemediationId } from "../core/types";
import { remediationSpec } from "../remediations/registry";
import { remediationPolicy, type RemediationPolicyStatement } from "../core/remediationPolicies";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const CTX = {
  partition: "aws",
  account: "123456789012",
  region: "eu-west-1",
  resolutionTopicArn: "arn:aws:sns:eu-west-1:123456789012:resolutions",
  logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/revoke",
};

const IN_REGION = { StringEquals: { "aws:RequestedRegion": "eu-west-1" } };
const IN_ACCOUNT = {
  StringEquals: { "aws:ResourceAccount": "123456789012", "aws:RequestedRegion": "eu-west-1" },
};

/**
 * Exactly the calls each handler makes (see lambdas/<name>.ts), resource by resource, with the
 * conditions that keep them to this account and region.
 */
const EXPECTED: Record<RemediationId, [string, string[], string | string[], Json?][]> = {
  [RemediationId.RevokeWorldIngress]: [
    ["Allow", ["ec2:DescribeSecurityGroups"], "*", IN_REGION],
    [
      "Allow",
      ["ec2:RevokeSecurityGroupIngress"],
      "arn:aws:ec2:eu-west-1:123456789012:security-group/*",
    ],
  ],
  [RemediationId.QuarantineAccessKey]: [
    [
      "Allow",
      ["iam:GetAccessKeyLastUsed", "iam:ListAccessKeys", "iam:ListUserTags", "iam:UpdateAccessKey"],
      "arn:aws:iam::123456789012:user/*",
    ],
  ],
  [RemediationId.RestartAuditLogging]: [
    [
      "Allow",
      [
        "cloudtrail:GetTrailStatus",
        "cloudtrail:ListTags",
        "cloudtrail:StartLogging",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:PutEventSelectors",
      ],
      "arn:aws:cloudtrail:eu-west-1:123456789012:trail/*",
    ],
  ],
  [RemediationId.BlockPublicBucket]: [
    [
      "Allow",
      [
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketPolicyStatus",
        "s3:GetBucketTagging",
        "s3:PutBucketPublicAccessBlock",
      ],
      "arn:aws:s3:::*",
      IN_ACCOUNT,
    ],
  ],
  [RemediationId.CancelKeyDeletion]: [
    [
      "Allow",
      ["kms:ListResourceTags", "kms:CancelKeyDeletion", "kms:EnableKey"],
      "arn:aws:kms:eu-west-1:123456789012:key/*",
    ],
  ],
  [RemediationId.RestartConfigRecorder]: [
    [
      "Allow",
      ["config:DescribeConfigurationRecorderStatus", "config:StartConfigurationRecorder"],
      "*",
      IN_REGION,
    ],
  ],
  [RemediationId.UnshareSnapshot]: [
    [
      "Allow",
      [
        "ec2:DescribeSnapshotAttribute",
        "ec2:DescribeImageAttribute",
        "ec2:DescribeTags",
        "ec2:DescribeSnapshots",
      ],
      "*",
      IN_REGION,
    ],
    [
      "Allow",
      ["ec2:ModifySnapshotAttribute"],
      "arn:aws:ec2:eu-west-1::snapshot/*",
      {
        StringEquals: { "aws:ResourceAccount": "123456789012", "ec2:Remove/group": "all" },
      },
    ],
    [
      "Deny",
      ["ec2:ModifySnapshotAttribute"],
      "arn:aws:ec2:eu-west-1::snapshot/*",
      { Null: { "ec2:Add/group": "false" } },
    ],
    [
      "Deny",
      ["ec2:ModifySnapshotAttribute"],
      "arn:aws:ec2:eu-west-1::snapshot/*",
      { Null: { "ec2:Add/userId": "false" } },
    ],
    [
      "Allow",
      ["ec2:ModifyImageAttribute"],
      "arn:aws:ec2:eu-west-1::image/*",
      { StringEquals: { "aws:ResourceAccount": "123456789012" }, Bool: { "ec2:Public": "true" } },
    ],
  ],
  [RemediationId.RemoveLambdaPermission]: [
    [
      "Allow",
      ["lambda:GetPolicy", "lambda:ListTags", "lambda:RemovePermission"],
      "arn:aws:lambda:eu-west-1:123456789012:function:*",
    ],
  ],
  [RemediationId.RestrictFunctionUrl]: [
    [
      "Allow",
      ["lambda:GetFunctionUrlConfig", "lambda:ListTags"],
      "arn:aws:lambda:eu-west-1:123456789012:function:*",
    ],
    [
      "Allow",
      ["lambda:UpdateFunctionUrlConfig"],
      "arn:aws:lambda:eu-west-1:123456789012:function:*",
      { StringEquals: { "lambda:FunctionUrlAuthType": "AWS_IAM" } },
    ],
  ],
  [RemediationId.RestoreBucketVersioning]: [
    [
      "Allow",
      ["s3:GetBucketVersioning", "s3:GetBucketTagging", "s3:PutBucketVersioning"],
      "arn:aws:s3:::*",
      IN_ACCOUNT,
    ],
  ],
  [RemediationId.RestoreEbsEncryption]: [
    [
      "Allow",
      ["ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault"],
      "*",
      IN_REGION,
    ],
  ],
  [RemediationId.EnableGuardDuty]: [
    [
      "Allow",
      ["guardduty:GetDetector", "guardduty:UpdateDetector"],
      "arn:aws:guardduty:eu-west-1:123456789012:detector/*",
    ],
  ],
  [RemediationId.BlockAccountPublicAccess]: [
    ["Allow", ["s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"], "*", IN_REGION],
  ],
};

const COMMON: [string, string[], string, Json?][] = [
  ["Allow", ["logs:CreateLogStream", "logs:PutLogEvents"], `${CTX.logGroupArn}:*`],
  ["Allow", ["sns:Publish"], CTX.resolutionTopicArn],
];

/** A statement as [Effect, Action, Resource, Condition?]. */
const shape = (s: RemediationPolicyStatement) =>
  s.Condition ? [s.Effect, s.Action, s.Resource, s.Condition] : [s.Effect, s.Action, s.Resource];

describe("remediationPolicy", () => {
  for (const id of REMEDIATION_IDS) {
    it(`${id}: exactly its calls, then its logs and the resolutions topic`, () => {
      const policy = remediationPolicy(remediationSpec(id), CTX);
      expect(policy.Version).to.equal("2012-10-17");
      expect(policy.Statement.map(shape)).to.deep.equal([...EXPECTED[id], ...COMMON]);
      expect(new Set(policy.Statement.map((s) => s.Sid)).size).to.equal(policy.Statement.length);
    });
  }

  it("adds the topic key when the topic is encrypted", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const last = remediationPolicy(remediationSpec(RemediationId.UnshareSnapshot), {
      ...CTX,
      kmsKeyArn: key,
    }).Statement.at(-1);
    expect(last).to.deep.equal({
      Sid: "UseTopicKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: key,
      Condition: {
        StringEquals: {
          "kms:EncryptionContext:aws:sns:topicArn": CTX.resolutionTopicArn,
          "kms:ViaService": "sns.eu-west-1.amazonaws.com",
        },
      },
    });
  });

  it("adds its own records of the idempotency table (dynamodb:LeadingKeys)", () => {
    const table = "arn:aws:dynamodb:eu-west-1:123456789012:table/idempotency";
    const last = remediationPolicy(remediationSpec(RemediationId.CancelKeyDeletion), {
      ...CTX,
      idempotencyTableArn: table,
    }).Statement.at(-1);
    expect(last).to.deep.equal({
      Sid: "OwnIdempotencyRecords",
      Effect: "Allow",
      Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      Resource: table,
      Condition: {
        "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["cancel-key-deletion#*"] },
      },
    });
  });

  it("uses the partition everywhere", () => {
    const policy = remediationPolicy(remediationSpec(RemediationId.RevokeWorldIngress), {
      ...CTX,
      partition: "aws-cn",
    });
    expect(policy.Statement[1].Resource).to.equal(
      "arn:aws-cn:ec2:eu-west-1:123456789012:security-group/*",
    );
  });

  it("property: every statement stays in the stack's account and region", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REMEDIATION_IDS),
        fc.constantFrom("aws", "aws-cn", "aws-us-gov"),
        fc.stringMatching(/^\d{12}$/),
        fc.constantFrom("eu-west-1", "us-east-1", "ap-southeast-2"),
        (id, partition, account, region) => {
          const policy = remediationPolicy(remediationSpec(id), {
            ...CTX,
            partition,
            account,
            region,
            resolutionTopicArn: `arn:${partition}:sns:${region}:${account}:resolutions`,
            logGroupArn: `arn:${partition}:logs:${region}:${account}:log-group:fn`,
          });
          for (const s of policy.Statement.filter((x) => x.Effect === "Allow")) {
            const condition = (s.Condition?.StringEquals ?? {}) as Record<string, string>;
            for (const arn of [s.Resource].flat()) {
              if (arn === "*") {
                expect(condition["aws:RequestedRegion"], s.Sid).to.equal(region);
                continue;
              }
              const [, p, service, r, a] = arn.split(":");
              expect(p, s.Sid).to.equal(partition);
              // IAM and S3 ARNs have no region; S3, snapshot and image ARNs have no account.
              if (!["iam", "s3"].includes(service)) expect(r, s.Sid).to.equal(region);
              if (a !== "") expect(a, s.Sid).to.equal(account);
              else if (service !== "iam")
                expect(condition["aws:ResourceAccount"]).to.equal(account);
            }
          }
        },
      ),
    );
  });

  it("property: no '*' or 'service:*' action, and '*' resources only on actions without resource-level support", () => {
    const noResourceLevel = [
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeTags",
      "ec2:DescribeSnapshotAttribute",
      "ec2:DescribeSnapshots",
      "ec2:DescribeImageAttribute",
      "config:DescribeConfigurationRecorderStatus",
      "config:StartConfigurationRecorder",
      "ec2:GetEbsEncryptionByDefault",
      "ec2:EnableEbsEncryptionByDefault",
      "s3:GetAccountPublicAccessBlock",
      "s3:PutAccountPublicAccessBlock",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...REMEDIATION_IDS),
        fc.constantFrom("aws", "aws-cn", "aws-us-gov"),
        fc.stringMatching(/^\d{12}$/),
        fc.option(fc.constant("arn:aws:kms:eu-west-1:123456789012:key/k"), { nil: undefined }),
        (id, partition, account, kmsKeyArn) => {
          const policy = remediationPolicy(remediationSpec(id), {
            ...CTX,
            partition,
            account,
            kmsKeyArn,
          });
          for (const s of policy.Statement) {
            for (const a of s.Action) expect(a).to.match(/^[a-z0-9-]+:[A-Za-z]+$/);
            if (s.Resource === "*") expect(noResourceLevel).to.include.members([...s.Action]);
          }
        },
      ),
    );
  });
});
