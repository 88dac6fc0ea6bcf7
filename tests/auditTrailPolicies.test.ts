import { expect } from "chai";
import * as fc from "fast-check";
import {
  AccountContext,
  PolicyDocument,
  PolicyStatement,
  accessLogBucketPolicy,
  bucketArn,
  cloudTrailLogsRolePolicy,
  cloudTrailLogsRoleTrustPolicy,
  keyPolicy,
  logGroupArn,
  trailArn,
  trailBucketPolicy,
} from "../core/auditTrailPolicies";

const CTX: AccountContext = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const TRAIL = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit";
const LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/cloudtrail/audit";

describe("audit trail policies", () => {
  describe("ARNs", () => {
    const cases: [AccountContext, string, string, string][] = [
      [
        CTX,
        "arn:aws:cloudtrail:eu-west-1:123456789012:trail/audit",
        "arn:aws:logs:eu-west-1:123456789012:log-group:/cloudtrail/audit",
        "arn:aws:s3:::logs-bucket",
      ],
      [
        { partition: "aws-cn", region: "cn-north-1", accountId: "210987654321" },
        "arn:aws-cn:cloudtrail:cn-north-1:210987654321:trail/audit",
        "arn:aws-cn:logs:cn-north-1:210987654321:log-group:/cloudtrail/audit",
        "arn:aws-cn:s3:::logs-bucket",
      ],
      [
        { partition: "aws-us-gov", region: "us-gov-west-1", accountId: "111122223333" },
        "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/audit",
        "arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:/cloudtrail/audit",
        "arn:aws-us-gov:s3:::logs-bucket",
      ],
    ];
    for (const [ctx, trail, logGroup, bucket] of cases) {
      it(`builds the trail, log group and bucket ARNs in ${ctx.partition}`, () => {
        expect(trailArn(ctx, "audit")).to.equal(trail);
        expect(logGroupArn(ctx, "/cloudtrail/audit")).to.equal(logGroup);
        expect(bucketArn(ctx.partition, "logs-bucket")).to.equal(bucket);
      });
    }
  });

  describe("keyPolicy", () => {
    const policy = keyPolicy({ ...CTX, trailArn: TRAIL, logGroupArn: LOG_GROUP });

    it("has exactly the expected statements, in order", () => {
      expect(policy.Version).to.equal("2012-10-17");
      expect(policy.Statement.map((s) => s.Sid)).to.deep.equal([
        "EnableAccountAdministration",
        "AllowCloudTrailEncryptLogs",
        "AllowCloudTrailDescribeKey",
        "AllowCloudWatchLogsUseOfTheKey",
        "AllowAccountPrincipalsDecryptLogFiles",
      ]);
    });

    it("makes the account (its IAM policies) administrator of the key", () => {
      expect(policy.Statement[0]).to.deep.equal({
        Sid: "EnableAccountAdministration",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: ["kms:*"],
        Resource: "*",
      });
    });

    it("lets only this trail generate data keys, with CloudTrail's encryption context", () => {
      expect(policy.Statement[1]).to.deep.equal({
        Sid: "AllowCloudTrailEncryptLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": TRAIL },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*",
          },
        },
      });
    });

    it("lets only this trail describe the key", () => {
      expect(policy.Statement[2]).to.deep.equal({
        Sid: "AllowCloudTrailDescribeKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": TRAIL } },
      });
    });

    it("lets CloudWatch Logs of the region use the key for the one log group", () => {
      expect(policy.Statement[3]).to.deep.equal({
        Sid: "AllowCloudWatchLogsUseOfTheKey",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": LOG_GROUP } },
      });
    });

    it("lets principals of this account, and only them, decrypt CloudTrail log files", () => {
      expect(policy.Statement[4]).to.deep.equal({
        Sid: "AllowAccountPrincipalsDecryptLogFiles",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": "123456789012" },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*",
          },
        },
      });
    });

    it("uses the partition and its DNS suffix (China)", () => {
      const cn = keyPolicy({
        partition: "aws-cn",
        region: "cn-north-1",
        accountId: "210987654321",
        dnsSuffix: "amazonaws.com.cn",
        trailArn: "arn:aws-cn:cloudtrail:cn-north-1:210987654321:trail/audit",
        logGroupArn: "arn:aws-cn:logs:cn-north-1:210987654321:log-group:/cloudtrail/audit",
      });
      expect(cn.Statement[0].Principal).to.deep.equal({ AWS: "arn:aws-cn:iam::210987654321:root" });
      expect(cn.Statement[1].Condition).to.deep.equal({
        StringEquals: {
          "aws:SourceArn": "arn:aws-cn:cloudtrail:cn-north-1:210987654321:trail/audit",
        },
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn":
            "arn:aws-cn:cloudtrail:*:210987654321:trail/*",
        },
      });
      expect(cn.Statement[3].Principal).to.deep.equal({
        Service: "logs.cn-north-1.amazonaws.com.cn",
      });
    });
  });

  describe("trailBucketPolicy", () => {
    const bucket = "arn:aws:s3:::audit-bucket";

    it("denies non-TLS access, lets only this trail check the ACL and write its own prefix", () => {
      const policy = trailBucketPolicy({
        bucketArn: bucket,
        accountId: "123456789012",
        trailArn: TRAIL,
      });
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: ["s3:*"],
          Resource: [bucket, `${bucket}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "AllowCloudTrailAclCheck",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: ["s3:GetBucketAcl"],
          Resource: bucket,
          Condition: { StringEquals: { "aws:SourceArn": TRAIL } },
        },
        {
          Sid: "AllowCloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: ["s3:PutObject"],
          Resource: `${bucket}/AWSLogs/123456789012/*`,
          Condition: {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL },
          },
        },
      ]);
    });

    it("adds the organization prefix for an organization trail", () => {
      const policy = trailBucketPolicy({
        bucketArn: bucket,
        accountId: "123456789012",
        trailArn: TRAIL,
        organizationId: "o-a1b2c3d4e5",
      });
      expect(policy.Statement.map((s) => s.Sid)).to.deep.equal([
        "DenyInsecureTransport",
        "AllowCloudTrailAclCheck",
        "AllowCloudTrailWrite",
        "AllowCloudTrailOrganizationWrite",
      ]);
      expect(policy.Statement[3]).to.deep.equal({
        Sid: "AllowCloudTrailOrganizationWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["s3:PutObject"],
        Resource: `${bucket}/AWSLogs/o-a1b2c3d4e5/*`,
        Condition: {
          StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL },
        },
      });
    });
  });

  describe("accessLogBucketPolicy", () => {
    it("denies non-TLS access and lets only S3 logging of the trail bucket write the prefix", () => {
      const policy = accessLogBucketPolicy({
        accessLogBucketArn: "arn:aws:s3:::audit-access-logs",
        prefix: "audit/",
        sourceBucketArn: "arn:aws:s3:::audit-bucket",
        sourceAccountId: "123456789012",
      });
      expect(policy).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:*"],
            Resource: ["arn:aws:s3:::audit-access-logs", "arn:aws:s3:::audit-access-logs/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          {
            Sid: "AllowS3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: ["s3:PutObject"],
            Resource: "arn:aws:s3:::audit-access-logs/audit/*",
            Condition: {
              ArnLike: { "aws:SourceArn": "arn:aws:s3:::audit-bucket" },
              StringEquals: { "aws:SourceAccount": "123456789012" },
            },
          },
        ],
      });
    });
  });

  describe("CloudTrail -> CloudWatch Logs role", () => {
    it("is trusted by CloudTrail, without a condition by default", () => {
      expect(cloudTrailLogsRoleTrustPolicy()).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AllowCloudTrailAssumeRole",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: ["sts:AssumeRole"],
          },
        ],
      });
    });

    it("is trusted by this trail only when its ARN is given", () => {
      expect(cloudTrailLogsRoleTrustPolicy(TRAIL).Statement).to.deep.equal([
        {
          Sid: "AllowCloudTrailAssumeRole",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: ["sts:AssumeRole"],
          Condition: { StringEquals: { "aws:SourceArn": TRAIL } },
        },
      ]);
    });

    it("may create streams in and write events to the one log group only", () => {
      expect(cloudTrailLogsRolePolicy(LOG_GROUP)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AllowCreateLogStream",
            Effect: "Allow",
            Action: ["logs:CreateLogStream"],
            Resource: `${LOG_GROUP}:log-stream:*`,
          },
          {
            Sid: "AllowPutLogEvents",
            Effect: "Allow",
            Action: ["logs:PutLogEvents"],
            Resource: `${LOG_GROUP}:log-stream:*`,
          },
        ],
      });
    });
  });

  describe("invariants (property-based)", () => {
    const context = fc.record({
      partition: fc.constantFrom("aws", "aws-cn", "aws-us-gov"),
      region: fc.constantFrom("eu-west-1", "us-east-1", "ap-southeast-2", "cn-north-1"),
      accountId: fc.stringMatching(/^\d{12}$/),
    });
    const input = fc.record({
      ctx: context,
      trailName: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,40}[A-Za-z0-9]$/),
      logGroupName: fc.stringMatching(/^\/[A-Za-z0-9_./-]{1,60}$/),
      bucketName: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/),
      organizationId: fc.option(fc.stringMatching(/^o-[a-z0-9]{10}$/), { nil: undefined }),
      restrict: fc.boolean(),
    });

    interface Named {
      readonly name: string;
      readonly doc: PolicyDocument;
      /** The ARNs every allowed resource must be, or be under. */
      readonly scope: readonly string[];
    }

    function documents(i: {
      ctx: AccountContext;
      trailName: string;
      logGroupName: string;
      bucketName: string;
      organizationId?: string;
      restrict: boolean;
    }): Named[] {
      const trail = trailArn(i.ctx, i.trailName);
      const logGroup = logGroupArn(i.ctx, i.logGroupName);
      const bucket = bucketArn(i.ctx.partition, i.bucketName);
      const accessLogs = bucketArn(i.ctx.partition, `${i.bucketName}-access`);
      return [
        {
          name: "key",
          doc: keyPolicy({ ...i.ctx, trailArn: trail, logGroupArn: logGroup }),
          scope: [],
        },
        {
          name: "bucket",
          doc: trailBucketPolicy({
            bucketArn: bucket,
            accountId: i.ctx.accountId,
            trailArn: trail,
            organizationId: i.organizationId,
          }),
          scope: [bucket],
        },
        {
          name: "access-log bucket",
          doc: accessLogBucketPolicy({
            accessLogBucketArn: accessLogs,
            prefix: `${i.trailName}/`,
            sourceBucketArn: bucket,
            sourceAccountId: i.ctx.accountId,
          }),
          scope: [accessLogs],
        },
        {
          name: "trust",
          doc: cloudTrailLogsRoleTrustPolicy(i.restrict ? trail : undefined),
          scope: [],
        },
        { name: "role", doc: cloudTrailLogsRolePolicy(logGroup), scope: [logGroup] },
      ];
    }

    const list = (value: string | readonly string[] | undefined): readonly string[] =>
      value === undefined ? [] : typeof value === "string" ? [value] : value;

    /**
     * The account root's statement of the key policy is the KMS default key policy: it only lets
     * the account's IAM policies grant use of the key, and keeps the key manageable.
     */
    const isKeyAdministration = (doc: string, s: PolicyStatement): boolean =>
      doc === "key" && s.Sid === "EnableAccountAdministration";

    it("never uses the action `*`, and allows service-wide wildcards only to the account root", () => {
      fc.assert(
        fc.property(input, (i) => {
          for (const { name, doc } of documents(i)) {
            for (const s of doc.Statement) {
              expect(s.Action, `${name}/${s.Sid}`).to.not.include("*");
              if (s.Effect === "Allow" && !isKeyAdministration(name, s)) {
                for (const action of s.Action) {
                  expect(action, `${name}/${s.Sid}`).to.match(/^[a-z0-9-]+:[A-Za-z]+\*?$/);
                }
              }
            }
          }
        }),
      );
    });

    it("allows Resource `*` only in the key policy, where it means this key", () => {
      fc.assert(
        fc.property(input, (i) => {
          for (const { name, doc, scope } of documents(i)) {
            for (const s of doc.Statement.filter((x) => x.Effect === "Allow")) {
              const resources = list(s.Resource);
              if (name === "key") {
                // KMS convention: a key policy applies only to its own key, so "*" is this key.
                expect(resources, s.Sid).to.deep.equal(["*"]);
                continue;
              }
              expect(resources, `${name}/${s.Sid}`).to.not.include("*");
              for (const resource of resources) {
                expect(
                  scope.some(
                    (arn) =>
                      resource === arn ||
                      resource.startsWith(`${arn}/`) ||
                      resource.startsWith(`${arn}:`),
                  ),
                  `${name}/${s.Sid} ${resource} within ${scope.join(", ")}`,
                ).to.equal(true);
              }
            }
          }
        }),
      );
    });

    it("conditions every service principal (confused deputy) but the role trust", () => {
      fc.assert(
        fc.property(input, (i) => {
          for (const { name, doc } of documents(i)) {
            if (name === "trust") continue;
            for (const s of doc.Statement) {
              const principal = s.Principal;
              if (
                s.Effect === "Allow" &&
                principal !== undefined &&
                principal !== "*" &&
                "Service" in principal
              ) {
                expect(s.Condition, `${name}/${s.Sid}`).to.not.equal(undefined);
              }
            }
          }
        }),
      );
    });

    it("produces documents that survive JSON, with unique alphanumeric Sids", () => {
      fc.assert(
        fc.property(input, (i) => {
          for (const { name, doc } of documents(i)) {
            expect(JSON.parse(JSON.stringify(doc))).to.deep.equal(doc);
            const sids = doc.Statement.map((s) => s.Sid);
            expect(new Set(sids).size, name).to.equal(sids.length);
            for (const sid of sids) expect(sid).to.match(/^[A-Za-z0-9]+$/);
          }
        }),
      );
    });
  });
});
