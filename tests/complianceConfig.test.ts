import { expect } from "chai";

import { keyPolicy, trailBucketPolicy } from "../core/auditTrailPolicies";
import { RecordingFrequency, SnapshotDeliveryFrequency } from "../components/complianceRecorder";
import { watchSettings } from "../components/securityWatch";
import { stackConfigProblems } from "../stack";

const problems = (compliance: unknown) =>
  stackConfigProblems((key) => (key === "compliance" ? compliance : undefined), "eu-west-1");
const parse = (compliance: unknown) => {
  expect(problems(compliance)).to.deep.equal([]);
  return watchSettings(compliance === undefined ? {} : { compliance: compliance as object });
};

describe("stack configuration: compliance", () => {
  it("is off by default, continuous, delivering to the trail bucket", () => {
    expect(parse(undefined).compliance).to.deep.equal({
      enabled: false,
      useExistingRecorder: false,
      recordingFrequency: RecordingFrequency.Continuous,
      dailyResourceTypes: [],
      snapshotDeliveryFrequency: SnapshotDeliveryFrequency.TwentyFourHours,
      createServiceLinkedRole: true,
      deliverToTrailBucket: true,
      disabledRules: [],
      maxAccessKeyAgeDays: 90,
    });
  });

  it("reads every setting", () => {
    const given = {
      enabled: true,
      useExistingRecorder: true,
      recordingFrequency: "DAILY",
      dailyResourceTypes: ["AWS::EC2::NetworkInterface"],
      snapshotDeliveryFrequency: "Six_Hours",
      createServiceLinkedRole: false,
      deliverToTrailBucket: false,
      disabledRules: ["access-keys-rotated"],
      maxAccessKeyAgeDays: 45,
    };
    expect(parse(given).compliance).to.deep.equal(given);
  });

  it("lists every problem with its path", () => {
    const found = problems({
      recordingFrequency: "hourly",
      disabledRules: ["nope"],
      dailyResourceTypes: ["eni"],
      colour: "blue",
    });
    expect(found).to.have.length(4);
    expect(found[0]).to.equal(
      'aws-security-watch:compliance.recordingFrequency: expected one of CONTINUOUS, DAILY, got the string "hourly"',
    );
    expect(found[1]).to.match(
      /^aws-security-watch:compliance\.disabledRules\[0\]: "nope" is not a rule key \(/,
    );
    expect(found[2]).to.equal(
      'aws-security-watch:compliance.dailyResourceTypes[0]: "eni" is not a resource type (AWS::EC2::NetworkInterface)',
    );
    expect(found[3]).to.match(
      /^aws-security-watch:compliance\.colour: unknown setting; known: enabled, /,
    );
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
