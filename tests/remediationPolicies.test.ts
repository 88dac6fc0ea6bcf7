import { expect } from "chai";
import fc from "fast-check";
import { REMEDIATION_IDS, RemediationId } from "../core/types";
import { remediationPolicy } from "../core/remediationPolicies";

const CTX = {
  partition: "aws",
  account: "123456789012",
  region: "eu-west-1",
  resolutionTopicArn: "arn:aws:sns:eu-west-1:123456789012:resolutions",
  logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/revoke",
};

/** Exactly the calls each handler makes (see lambdas/<name>.ts), resource by resource. */
const EXPECTED: Record<RemediationId, [string[], string | string[]][]> = {
  [RemediationId.RevokeWorldIngress]: [
    [["ec2:DescribeSecurityGroups"], "*"],
    [
      ["ec2:RevokeSecurityGroupIngress"],
      [
        "arn:aws:ec2:*:123456789012:security-group/*",
        "arn:aws:ec2:*:123456789012:security-group-rule/*",
      ],
    ],
  ],
  [RemediationId.QuarantineAccessKey]: [
    [
      ["iam:GetAccessKeyLastUsed", "iam:ListAccessKeys", "iam:ListUserTags", "iam:UpdateAccessKey"],
      "arn:aws:iam::123456789012:user/*",
    ],
  ],
  [RemediationId.RestartAuditLogging]: [
    [
      [
        "cloudtrail:GetTrailStatus",
        "cloudtrail:ListTags",
        "cloudtrail:StartLogging",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:PutEventSelectors",
      ],
      "arn:aws:cloudtrail:*:123456789012:trail/*",
    ],
  ],
  [RemediationId.BlockPublicBucket]: [
    [
      [
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketPolicyStatus",
        "s3:GetBucketTagging",
        "s3:PutBucketPublicAccessBlock",
      ],
      "arn:aws:s3:::*",
    ],
  ],
  [RemediationId.CancelKeyDeletion]: [
    [
      ["kms:ListResourceTags", "kms:CancelKeyDeletion", "kms:EnableKey"],
      "arn:aws:kms:*:123456789012:key/*",
    ],
  ],
  [RemediationId.RestartConfigRecorder]: [
    [["config:DescribeConfigurationRecorderStatus", "config:StartConfigurationRecorder"], "*"],
  ],
  [RemediationId.UnshareSnapshot]: [
    [["ec2:DescribeSnapshotAttribute", "ec2:DescribeImageAttribute", "ec2:DescribeTags"], "*"],
    [["ec2:ModifySnapshotAttribute"], "arn:aws:ec2:*::snapshot/*"],
    [["ec2:ModifyImageAttribute"], "arn:aws:ec2:*::image/*"],
  ],
  [RemediationId.RemoveLambdaPermission]: [
    [
      ["lambda:GetPolicy", "lambda:ListTags", "lambda:RemovePermission"],
      "arn:aws:lambda:*:123456789012:function:*",
    ],
  ],
  [RemediationId.RestrictFunctionUrl]: [
    [
      ["lambda:GetFunctionUrlConfig", "lambda:ListTags", "lambda:UpdateFunctionUrlConfig"],
      "arn:aws:lambda:*:123456789012:function:*",
    ],
  ],
  [RemediationId.RestoreBucketVersioning]: [
    [["s3:GetBucketVersioning", "s3:GetBucketTagging", "s3:PutBucketVersioning"], "arn:aws:s3:::*"],
  ],
  [RemediationId.RestoreEbsEncryption]: [
    [["ec2:GetEbsEncryptionByDefault", "ec2:EnableEbsEncryptionByDefault"], "*"],
  ],
  [RemediationId.EnableGuardDuty]: [
    [
      ["guardduty:GetDetector", "guardduty:UpdateDetector"],
      "arn:aws:guardduty:*:123456789012:detector/*",
    ],
  ],
  [RemediationId.BlockAccountPublicAccess]: [
    [["s3:GetAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"], "*"],
  ],
};

const COMMON: [string[], string][] = [
  [["logs:CreateLogStream", "logs:PutLogEvents"], `${CTX.logGroupArn}:*`],
  [["sns:Publish"], CTX.resolutionTopicArn],
];

describe("remediationPolicy", () => {
  for (const id of REMEDIATION_IDS) {
    it(`${id}: exactly its calls, then its logs and the resolutions topic`, () => {
      const policy = remediationPolicy(id, CTX);
      expect(policy.Version).to.equal("2012-10-17");
      expect(policy.Statement.map((s) => [s.Action, s.Resource])).to.deep.equal([
        ...EXPECTED[id],
        ...COMMON,
      ]);
      expect(policy.Statement.every((s) => s.Effect === "Allow")).to.equal(true);
      expect(new Set(policy.Statement.map((s) => s.Sid)).size).to.equal(policy.Statement.length);
    });
  }

  it("adds the topic key when the topic is encrypted", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const last = remediationPolicy(RemediationId.UnshareSnapshot, {
      ...CTX,
      kmsKeyArn: key,
    }).Statement.at(-1);
    expect(last).to.deep.equal({
      Sid: "UseTopicKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: key,
    });
  });

  it("uses the partition everywhere", () => {
    const policy = remediationPolicy(RemediationId.RevokeWorldIngress, {
      ...CTX,
      partition: "aws-cn",
    });
    expect(policy.Statement[1].Resource).to.deep.equal([
      "arn:aws-cn:ec2:*:123456789012:security-group/*",
      "arn:aws-cn:ec2:*:123456789012:security-group-rule/*",
    ]);
  });

  it("property: no '*' or 'service:*' action, and '*' resources only on actions without resource-level support", () => {
    const noResourceLevel = [
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeTags",
      "ec2:DescribeSnapshotAttribute",
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
          const policy = remediationPolicy(id, { ...CTX, partition, account, kmsKeyArn });
          for (const s of policy.Statement) {
            for (const a of s.Action) expect(a).to.match(/^[a-z0-9-]+:[A-Za-z]+$/);
            if (s.Resource === "*") expect(noResourceLevel).to.include.members([...s.Action]);
          }
        },
      ),
    );
  });
});
