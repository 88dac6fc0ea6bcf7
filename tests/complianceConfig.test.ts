import { expect } from "chai";

import { keyPolicy, trailBucketPolicy } from "../core/auditTrailPolicies";
import { parseStackConfig } from "../core/stackConfig";

const parse = (compliance: unknown) =>
  parseStackConfig((key) => (key === "compliance" ? compliance : undefined), "eu-west-1");

describe("stack configuration: compliance", () => {
  it("is off by default, continuous, delivering to the trail bucket", () => {
    expect(parse(undefined).compliance).to.deep.equal({
      enabled: false,
      useExistingRecorder: false,
      recordingFrequency: "continuous",
      dailyResourceTypes: [],
      snapshotDeliveryFrequency: "TwentyFour_Hours",
      createServiceLinkedRole: true,
      deliverToTrailBucket: true,
      disabledRules: [],
      maxAccessKeyAgeDays: 90,
    });
  });

  it("reads every setting", () => {
    const c = parse({
      enabled: true,
      useExistingRecorder: true,
      recordingFrequency: "daily",
      dailyResourceTypes: ["AWS::EC2::NetworkInterface"],
      snapshotDeliveryFrequency: "Six_Hours",
      createServiceLinkedRole: false,
      deliverToTrailBucket: false,
      disabledRules: ["access-keys-rotated"],
      maxAccessKeyAgeDays: 45,
    }).compliance;
    expect(c).to.deep.include({
      enabled: true,
      recordingFrequency: "daily",
      maxAccessKeyAgeDays: 45,
    });
  });

  it("lists every problem with its path", () => {
    let message = "";
    try {
      parse({
        recordingFrequency: "hourly",
        disabledRules: ["nope"],
        dailyResourceTypes: ["eni"],
        colour: "blue",
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.contain("compliance.colour: unknown setting");
    expect(message).to.contain(
      'compliance.recordingFrequency: expected one of continuous, daily, got "hourly"',
    );
    expect(message).to.contain('compliance.dailyResourceTypes[0]: "eni" is not a resource type');
    expect(message).to.contain('compliance.disabledRules[0]: unknown rule "nope"');
  });
});

describe("AuditTrail policies that admit AWS Config", () => {
  const bucketArn = "arn:aws:s3:::trail-bucket";
  const trailArn = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/t";

  it("adds Config's check and delivery statements under the prefix, scoped to the account", () => {
    const without = trailBucketPolicy({ bucketArn, accountId: "123456789012", trailArn });
    const withConfig = trailBucketPolicy({
      bucketArn,
      accountId: "123456789012",
      trailArn,
      configDeliveryPrefix: "config",
    });
    expect(withConfig.Statement.slice(0, without.Statement.length)).to.deep.equal(
      without.Statement,
    );
    expect(withConfig.Statement.slice(without.Statement.length)).to.deep.equal([
      {
        Sid: "AllowConfigBucketCheck",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
        Resource: bucketArn,
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
      {
        Sid: "AllowConfigDelivery",
        Effect: "Allow",
        Principal: { Service: "config.amazonaws.com" },
        Action: ["s3:PutObject"],
        Resource: `${bucketArn}/config/AWSLogs/123456789012/Config/*`,
        Condition: {
          StringEquals: {
            "aws:SourceAccount": "123456789012",
            "s3:x-amz-acl": "bucket-owner-full-control",
          },
        },
      },
    ]);
  });

  it("lets Config of the account use the key only when asked", () => {
    const input = {
      partition: "aws",
      region: "eu-west-1",
      accountId: "123456789012",
      trailArn,
      logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/cloudtrail/t",
    };
    const sids = (p: ReturnType<typeof keyPolicy>) => p.Statement.map((s) => s.Sid);
    expect(sids(keyPolicy(input))).to.not.include("AllowConfigEncryptDeliveries");
    const statement = keyPolicy({ ...input, allowConfig: true }).Statement.at(-1);
    expect(statement).to.deep.equal({
      Sid: "AllowConfigEncryptDeliveries",
      Effect: "Allow",
      Principal: { Service: "config.amazonaws.com" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
  });
});
