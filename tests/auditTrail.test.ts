import { expect } from "chai";
import { ACCOUNT_ID, REGION, setup, settle, valueOf } from "./helpers/mocks";
import type { AuditTrail as AuditTrailClass, AuditTrailArgs } from "../components/auditTrail";

const recorder = setup();

const COMPONENT = "aws-security-watch:index:AuditTrail";
const T = {
  key: "aws:kms/key:Key",
  alias: "aws:kms/alias:Alias",
  bucket: "aws:s3/bucket:Bucket",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  encryption:
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  logging: "aws:s3/bucketLogging:BucketLogging",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  trail: "aws:cloudtrail/trail:Trail",
} as const;

const KEY_ARN = (name: string): string => `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/key-${name}-key`;

async function build(name: string, args: AuditTrailArgs = {}): Promise<AuditTrailClass> {
  const { AuditTrail } = await import("../components/auditTrail");
  const component = new AuditTrail(name, args);
  await settle();
  return component;
}

/** `type::name` of every child of the component, sorted. */
function childKeys(name: string): string[] {
  return recorder
    .childrenOf(COMPONENT, name)
    .map((r) => `${r.type}::${r.name}`)
    .sort();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function policyOf(type: string, name: string, field = "policy"): any {
  return JSON.parse(recorder.get(type, name).inputs[field]);
}

/** The children of a hardened bucket named `prefix`. */
function bucketChildren(prefix: string, withPolicy = true): string[] {
  return [
    `${T.bucket}::${prefix}`,
    `${T.publicAccessBlock}::${prefix}-public-access-block`,
    `${T.ownership}::${prefix}-ownership`,
    `${T.versioning}::${prefix}-versioning`,
    `${T.encryption}::${prefix}-encryption`,
    `${T.lifecycle}::${prefix}-lifecycle`,
    ...(withPolicy ? [`${T.bucketPolicy}::${prefix}-policy`] : []),
  ];
}

const LIFECYCLE_DEFAULT = [
  {
    id: "archive-then-expire",
    status: "Enabled",
    filter: { prefix: "" },
    transitions: [
      { days: 30, storageClass: "STANDARD_IA" },
      { days: 90, storageClass: "GLACIER" },
    ],
    expiration: { days: 2557 },
    noncurrentVersionExpiration: { noncurrentDays: 90 },
    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
  },
];

describe("AuditTrail", () => {
  beforeEach(() => recorder.reset());

  describe("defaults", () => {
    const name = "audit";
    const trailArn = `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/audit`;
    const logGroupArn = `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/cloudtrail/audit`;
    let component: AuditTrailClass;

    beforeEach(async () => {
      component = await build(name);
    });

    it("creates exactly the expected children, all parented to the component", () => {
      expect(childKeys(name)).to.deep.equal(
        [
          `${T.key}::audit-key`,
          `${T.alias}::audit-key-alias`,
          ...bucketChildren("audit-bucket"),
          `${T.logging}::audit-bucket-logging`,
          ...bucketChildren("audit-access-log-bucket"),
          `${T.logGroup}::audit-log-group`,
          `${T.role}::audit-logs-role`,
          `${T.rolePolicy}::audit-logs-role-policy`,
          `${T.trail}::audit-trail`,
        ].sort(),
      );
      const others = recorder.resources.filter(
        (r) => r.type !== COMPONENT && r.parent !== `${COMPONENT}::${name}`,
      );
      expect(others.map((r) => `${r.type}::${r.name}`)).to.deep.equal([]);
      expect(recorder.get(COMPONENT, name).parent).to.equal(undefined);
    });

    it("creates a rotating key with a 30-day deletion window and an alias", () => {
      const key = recorder.get(T.key, "audit-key").inputs;
      expect(key.enableKeyRotation).to.equal(true);
      expect(key.deletionWindowInDays).to.equal(30);
      expect(recorder.get(T.alias, "audit-key-alias").inputs).to.deep.equal({
        name: "alias/cloudtrail/audit",
        targetKeyId: "key-audit-key",
      });
    });

    it("gives the key a policy scoped to this trail and this log group, statement by statement", () => {
      const policy = policyOf(T.key, "audit-key");
      expect(policy.Version).to.equal("2012-10-17");
      expect(policy.Statement).to.have.length(5);
      expect(policy.Statement[0]).to.deep.equal({
        Sid: "EnableAccountAdministration",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` },
        Action: ["kms:*"],
        Resource: "*",
      });
      expect(policy.Statement[1]).to.deep.equal({
        Sid: "AllowCloudTrailEncryptLogs",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT_ID}:trail/*`,
          },
        },
      });
      expect(policy.Statement[2]).to.deep.equal({
        Sid: "AllowCloudTrailDescribeKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      });
      expect(policy.Statement[3]).to.deep.equal({
        Sid: "AllowCloudWatchLogsUseOfTheKey",
        Effect: "Allow",
        Principal: { Service: `logs.${REGION}.amazonaws.com` },
        Action: [
          "kms:Encrypt*",
          "kms:Decrypt*",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
      });
      expect(policy.Statement[4]).to.deep.equal({
        Sid: "AllowAccountPrincipalsDecryptLogFiles",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": ACCOUNT_ID },
          StringLike: {
            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCOUNT_ID}:trail/*`,
          },
        },
      });
    });

    it("hardens the trail bucket: private, owner-enforced, versioned, SSE-KMS with bucket key", () => {
      expect(recorder.get(T.bucket, "audit-bucket").inputs.forceDestroy).to.equal(false);
      expect(
        recorder.get(T.publicAccessBlock, "audit-bucket-public-access-block").inputs,
      ).to.deep.equal({
        bucket: "audit-bucket",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(recorder.get(T.ownership, "audit-bucket-ownership").inputs).to.deep.equal({
        bucket: "audit-bucket",
        rule: { objectOwnership: "BucketOwnerEnforced" },
      });
      expect(recorder.get(T.versioning, "audit-bucket-versioning").inputs).to.deep.equal({
        bucket: "audit-bucket",
        versioningConfiguration: { status: "Enabled" },
      });
      expect(recorder.get(T.encryption, "audit-bucket-encryption").inputs).to.deep.equal({
        bucket: "audit-bucket",
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: "aws:kms",
              kmsMasterKeyId: KEY_ARN("audit"),
            },
            bucketKeyEnabled: true,
          },
        ],
      });
      expect(recorder.get(T.lifecycle, "audit-bucket-lifecycle").inputs).to.deep.equal({
        bucket: "audit-bucket",
        rules: LIFECYCLE_DEFAULT,
      });
    });

    it("gives the trail bucket a TLS-only policy that lets only this trail in, statement by statement", () => {
      const bucket = "arn:aws:s3:::audit-bucket";
      const policy = policyOf(T.bucketPolicy, "audit-bucket-policy");
      expect(recorder.get(T.bucketPolicy, "audit-bucket-policy").inputs.bucket).to.equal(
        "audit-bucket",
      );
      expect(policy.Statement).to.have.length(3);
      expect(policy.Statement[0]).to.deep.equal({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [bucket, `${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
      expect(policy.Statement[1]).to.deep.equal({
        Sid: "AllowCloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["s3:GetBucketAcl"],
        Resource: bucket,
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      });
      expect(policy.Statement[2]).to.deep.equal({
        Sid: "AllowCloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["s3:PutObject"],
        Resource: `${bucket}/AWSLogs/${ACCOUNT_ID}/*`,
        Condition: {
          StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn },
        },
      });
    });

    it("logs accesses to the trail bucket into a hardened SSE-S3 access-log bucket", () => {
      expect(recorder.get(T.logging, "audit-bucket-logging").inputs).to.deep.equal({
        bucket: "audit-bucket",
        targetBucket: "audit-access-log-bucket",
        targetPrefix: "audit/",
      });
      const prefix = "audit-access-log-bucket";
      expect(recorder.get(T.bucket, prefix).inputs.forceDestroy).to.equal(false);
      expect(
        recorder.get(T.publicAccessBlock, `${prefix}-public-access-block`).inputs,
      ).to.deep.equal({
        bucket: prefix,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(recorder.get(T.ownership, `${prefix}-ownership`).inputs.rule).to.deep.equal({
        objectOwnership: "BucketOwnerEnforced",
      });
      expect(
        recorder.get(T.versioning, `${prefix}-versioning`).inputs.versioningConfiguration,
      ).to.deep.equal({
        status: "Enabled",
      });
      expect(recorder.get(T.encryption, `${prefix}-encryption`).inputs.rules).to.deep.equal([
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
      ]);
      expect(recorder.get(T.lifecycle, `${prefix}-lifecycle`).inputs.rules).to.deep.equal(
        LIFECYCLE_DEFAULT,
      );
      const policy = policyOf(T.bucketPolicy, `${prefix}-policy`);
      expect(policy.Statement).to.deep.equal([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: ["s3:*"],
          Resource: [`arn:aws:s3:::${prefix}`, `arn:aws:s3:::${prefix}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
          Sid: "AllowS3ServerAccessLogs",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: ["s3:PutObject"],
          Resource: `arn:aws:s3:::${prefix}/audit/*`,
          Condition: {
            ArnLike: { "aws:SourceArn": "arn:aws:s3:::audit-bucket" },
            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
          },
        },
      ]);
    });

    it("creates a KMS-encrypted log group kept 365 days", () => {
      expect(recorder.get(T.logGroup, "audit-log-group").inputs).to.deep.equal({
        name: "/cloudtrail/audit",
        retentionInDays: 365,
        kmsKeyId: KEY_ARN("audit"),
      });
    });

    it("gives CloudTrail a role that can only write to that log group", () => {
      expect(policyOf(T.role, "audit-logs-role", "assumeRolePolicy")).to.deep.equal({
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
      expect(recorder.get(T.rolePolicy, "audit-logs-role-policy").inputs.role).to.equal(
        "audit-logs-role",
      );
      expect(policyOf(T.rolePolicy, "audit-logs-role-policy").Statement).to.deep.equal([
        {
          Sid: "AllowCreateLogStream",
          Effect: "Allow",
          Action: ["logs:CreateLogStream"],
          Resource: `${logGroupArn}:log-stream:*`,
        },
        {
          Sid: "AllowPutLogEvents",
          Effect: "Allow",
          Action: ["logs:PutLogEvents"],
          Resource: `${logGroupArn}:log-stream:*`,
        },
      ]);
    });

    it("creates a multi-Region, validated, encrypted trail of read and write management events", () => {
      expect(recorder.get(T.trail, "audit-trail").inputs).to.deep.equal({
        name: "audit",
        s3BucketName: "audit-bucket",
        kmsKeyId: KEY_ARN("audit"),
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
        isOrganizationTrail: false,
        cloudWatchLogsGroupArn: `${logGroupArn}:*`,
        cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/audit-logs-role`,
        eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }],
      });
    });

    it("exposes the outputs callers wire into other components", async () => {
      expect(await valueOf(component.trailArn)).to.equal(trailArn);
      expect(await valueOf(component.trail.name)).to.equal("audit");
      expect(await valueOf(component.bucketName)).to.equal("audit-bucket");
      expect(await valueOf(component.bucketArn)).to.equal("arn:aws:s3:::audit-bucket");
      expect(await valueOf(component.kmsKeyArn)).to.equal(KEY_ARN("audit"));
      expect(await valueOf(component.logGroupName)).to.equal("/cloudtrail/audit");
      expect(await valueOf(component.logGroupArn)).to.equal(logGroupArn);
      expect(await valueOf(component.accessLogBucketName as never)).to.equal(
        "audit-access-log-bucket",
      );
    });
  });

  describe("options", () => {
    it("turns on CloudTrail Insights", async () => {
      await build("ins", { insights: true });
      expect(recorder.get(T.trail, "ins-trail").inputs.insightSelectors).to.deep.equal([
        { insightType: "ApiCallRateInsight" },
        { insightType: "ApiErrorRateInsight" },
      ]);
    });

    it("logs S3 data events of every bucket and Lambda data events", async () => {
      await build("data", { s3DataEvents: true, lambdaDataEvents: true });
      expect(recorder.get(T.trail, "data-trail").inputs.eventSelectors).to.deep.equal([
        {
          readWriteType: "All",
          includeManagementEvents: true,
          dataResources: [
            { type: "AWS::S3::Object", values: ["arn:aws:s3"] },
            { type: "AWS::Lambda::Function", values: ["arn:aws:lambda"] },
          ],
        },
      ]);
      expect(recorder.get(T.trail, "data-trail").inputs.insightSelectors).to.equal(undefined);
    });

    it("logs S3 data events of the listed buckets only", async () => {
      await build("some", {
        s3DataEvents: true,
        s3DataEventBucketArns: ["arn:aws:s3:::payments", "arn:aws:s3:::secrets"],
      });
      expect(recorder.get(T.trail, "some-trail").inputs.eventSelectors).to.deep.equal([
        {
          readWriteType: "All",
          includeManagementEvents: true,
          dataResources: [
            {
              type: "AWS::S3::Object",
              values: ["arn:aws:s3:::payments/", "arn:aws:s3:::secrets/"],
            },
          ],
        },
      ]);
    });

    it("creates an organization trail that may write under the organization's prefix", async () => {
      await build("org", { isOrganizationTrail: true, organizationId: "o-a1b2c3d4e5" });
      expect(recorder.get(T.trail, "org-trail").inputs.isOrganizationTrail).to.equal(true);
      const policy = policyOf(T.bucketPolicy, "org-bucket-policy");
      expect(policy.Statement[3]).to.deep.equal({
        Sid: "AllowCloudTrailOrganizationWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["s3:PutObject"],
        Resource: "arn:aws:s3:::org-bucket/AWSLogs/o-a1b2c3d4e5/*",
        Condition: {
          StringEquals: {
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SourceArn": `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/org`,
          },
        },
      });
    });

    it("uses the caller's bucket: no bucket, bucket policy or access-log bucket", async () => {
      const c = await build("byob", { bucketName: "my-existing-trail-bucket" });
      expect(childKeys("byob")).to.deep.equal(
        [
          `${T.key}::byob-key`,
          `${T.alias}::byob-key-alias`,
          `${T.logGroup}::byob-log-group`,
          `${T.role}::byob-logs-role`,
          `${T.rolePolicy}::byob-logs-role-policy`,
          `${T.trail}::byob-trail`,
        ].sort(),
      );
      expect(recorder.get(T.trail, "byob-trail").inputs.s3BucketName).to.equal(
        "my-existing-trail-bucket",
      );
      expect(await valueOf(c.bucketName)).to.equal("my-existing-trail-bucket");
      expect(await valueOf(c.bucketArn)).to.equal("arn:aws:s3:::my-existing-trail-bucket");
      expect(c.accessLogBucketName).to.equal(undefined);
    });

    it("uses the caller's key: no key or alias, the key everywhere it encrypts", async () => {
      const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/0a1b2c3d-0000-1111-2222-333344445555`;
      const c = await build("byok", { kmsKeyArn: keyArn });
      const keys = childKeys("byok");
      expect(keys.filter((k) => k.startsWith("aws:kms/"))).to.deep.equal([]);
      expect(keys).to.have.length(19);
      expect(recorder.get(T.trail, "byok-trail").inputs.kmsKeyId).to.equal(keyArn);
      expect(recorder.get(T.logGroup, "byok-log-group").inputs.kmsKeyId).to.equal(keyArn);
      expect(
        recorder.get(T.encryption, "byok-bucket-encryption").inputs.rules[0]
          .applyServerSideEncryptionByDefault,
      ).to.deep.equal({ sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn });
      expect(await valueOf(c.kmsKeyArn)).to.equal(keyArn);
    });

    it("creates no access logging when it is turned off", async () => {
      const c = await build("nolog", { accessLogging: false });
      expect(childKeys("nolog")).to.deep.equal(
        [
          `${T.key}::nolog-key`,
          `${T.alias}::nolog-key-alias`,
          ...bucketChildren("nolog-bucket"),
          `${T.logGroup}::nolog-log-group`,
          `${T.role}::nolog-logs-role`,
          `${T.rolePolicy}::nolog-logs-role-policy`,
          `${T.trail}::nolog-trail`,
        ].sort(),
      );
      expect(c.accessLogBucketName).to.equal(undefined);
    });

    it("logs accesses into the caller's access-log bucket", async () => {
      const c = await build("own", { accessLogBucketName: "central-access-logs" });
      expect(childKeys("own").filter((k) => k.includes("access-log"))).to.deep.equal([]);
      expect(recorder.get(T.logging, "own-bucket-logging").inputs).to.deep.equal({
        bucket: "own-bucket",
        targetBucket: "central-access-logs",
        targetPrefix: "own/",
      });
      expect(await valueOf(c.accessLogBucketName as never)).to.equal("central-access-logs");
    });

    it("restricts the role trust to this trail when asked", async () => {
      await build("strict", { restrictLogsRoleToTrail: true });
      expect(policyOf(T.role, "strict-logs-role", "assumeRolePolicy").Statement).to.deep.equal([
        {
          Sid: "AllowCloudTrailAssumeRole",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: ["sts:AssumeRole"],
          Condition: {
            StringEquals: {
              "aws:SourceArn": `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/strict`,
            },
          },
        },
      ]);
    });

    it("applies names, retention, lifecycle, deletion window, force destroy and tags", async () => {
      await build("custom", {
        trailName: "org.Main-Trail",
        logGroupName: "/security/trail",
        logRetentionDays: 731,
        keyDeletionWindowDays: 7,
        transitionToInfrequentAccessDays: 60,
        transitionToGlacierDays: 180,
        retentionDays: 3650,
        noncurrentVersionExpirationDays: 30,
        forceDestroy: true,
        tags: { team: "security" },
      });
      const trail = recorder.get(T.trail, "custom-trail").inputs;
      expect(trail.name).to.equal("org.Main-Trail");
      expect(trail.cloudWatchLogsGroupArn).to.equal(
        `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/security/trail:*`,
      );
      expect(trail.tags).to.deep.equal({ team: "security" });
      expect(recorder.get(T.logGroup, "custom-log-group").inputs).to.deep.equal({
        name: "/security/trail",
        retentionInDays: 731,
        kmsKeyId: KEY_ARN("custom"),
        tags: { team: "security" },
      });
      expect(recorder.get(T.key, "custom-key").inputs.deletionWindowInDays).to.equal(7);
      expect(recorder.get(T.alias, "custom-key-alias").inputs.name).to.equal(
        "alias/cloudtrail/org-Main-Trail",
      );
      expect(policyOf(T.key, "custom-key").Statement[1].Condition.StringEquals).to.deep.equal({
        "aws:SourceArn": `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/org.Main-Trail`,
      });
      for (const bucket of ["custom-bucket", "custom-access-log-bucket"]) {
        expect(recorder.get(T.bucket, bucket).inputs).to.deep.equal({
          forceDestroy: true,
          tags: { team: "security" },
        });
        const [rule] = recorder.get(T.lifecycle, `${bucket}-lifecycle`).inputs.rules;
        expect(rule.transitions).to.deep.equal([
          { days: 60, storageClass: "STANDARD_IA" },
          { days: 180, storageClass: "GLACIER" },
        ]);
        expect(rule.expiration).to.deep.equal({ days: 3650 });
        expect(rule.noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 30 });
      }
      expect(recorder.get(T.logging, "custom-bucket-logging").inputs.targetPrefix).to.equal(
        "org.Main-Trail/",
      );
    });
  });

  describe("validation", () => {
    const cases: [string, string, AuditTrailArgs, string][] = [
      [
        "a component name that is not a trail name",
        "my trail",
        {},
        'Invalid [trailName] "my trail": a trail name has 3-128 letters, digits, dots, underscores or hyphens, starts and ends with a letter or digit, has no two symbols in a row and is not an IP address. Set [trailName] (it defaults to the component name).',
      ],
      [
        "adjacent symbols in the trail name",
        "v",
        { trailName: "my-_trail" },
        'Invalid [trailName] "my-_trail": a trail name has 3-128 letters, digits, dots, underscores or hyphens, starts and ends with a letter or digit, has no two symbols in a row and is not an IP address. Set [trailName].',
      ],
      [
        "a trail name in IP address format",
        "v",
        { trailName: "192.168.5.4" },
        'Invalid [trailName] "192.168.5.4": a trail name has 3-128 letters, digits, dots, underscores or hyphens, starts and ends with a letter or digit, has no two symbols in a row and is not an IP address. Set [trailName].',
      ],
      [
        "a bad log group name",
        "v-lg",
        { logGroupName: "trail logs" },
        'Invalid [logGroupName] "trail logs": use 1-512 letters, digits and the characters . _ - / #.',
      ],
      [
        "a retention CloudWatch Logs does not accept",
        "v-ret",
        { logRetentionDays: 100 },
        "Invalid [logRetentionDays] 100: CloudWatch Logs accepts only 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (0 keeps events forever).",
      ],
      [
        "a deletion window out of range",
        "v-win",
        { keyDeletionWindowDays: 45 },
        "Invalid [keyDeletionWindowDays] 45: use a whole number of days from 7 to 30.",
      ],
      [
        "a deletion window with the caller's key",
        "v-winkey",
        {
          kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/abcd`,
          keyDeletionWindowDays: 7,
        },
        "Only one of [kmsKeyArn] and [keyDeletionWindowDays] can be specified: the deletion window applies to the key this component creates.",
      ],
      [
        "a key alias instead of a key ARN",
        "v-alias",
        { kmsKeyArn: "alias/cloudtrail" },
        'Invalid [kmsKeyArn] "alias/cloudtrail": give the ARN of a key (arn:aws:kms:<region>:<account>:key/<key id>), not an alias or a key id.',
      ],
      [
        "a bad bucket name",
        "v-bucket",
        { bucketName: "My_Bucket" },
        'Invalid [bucketName] "My_Bucket": a bucket name must be 3-63 lowercase letters, digits, dots or hyphens, start and end with a letter or digit, and not look like an IP address.',
      ],
      [
        "a bad access-log bucket name",
        "v-albucket",
        { accessLogBucketName: "logs..bucket" },
        'Invalid [accessLogBucketName] "logs..bucket": a bucket name must be 3-63 lowercase letters, digits, dots or hyphens, start and end with a letter or digit, and not look like an IP address.',
      ],
      [
        "an access-log bucket with the caller's bucket",
        "v-both",
        { bucketName: "trail-bucket", accessLogBucketName: "access-logs" },
        "Only one of [bucketName] and [accessLogBucketName] can be specified: access logging is configured only on a bucket this component creates; configure it on your own bucket.",
      ],
      [
        "access logging asked for with the caller's bucket",
        "v-bothlog",
        { bucketName: "trail-bucket", accessLogging: true },
        "Only one of [bucketName] and [accessLogging] can be specified: access logging is configured only on a bucket this component creates; configure it on your own bucket.",
      ],
      [
        "a lifecycle setting with the caller's bucket",
        "v-bothlc",
        { bucketName: "trail-bucket", retentionDays: 400 },
        "Only one of [bucketName] and [retentionDays] can be specified: [retentionDays] applies to the bucket this component creates.",
      ],
      [
        "an access-log bucket with access logging off",
        "v-off",
        { accessLogging: false, accessLogBucketName: "access-logs" },
        "Only one of [accessLogging: false] and [accessLogBucketName] can be specified: remove [accessLogBucketName] or turn [accessLogging] on.",
      ],
      [
        "a fractional number of days",
        "v-frac",
        { noncurrentVersionExpirationDays: 1.5 },
        "Invalid [noncurrentVersionExpirationDays] 1.5: use a whole number of days, at least 1.",
      ],
      [
        "Standard-IA too early",
        "v-ia",
        { transitionToInfrequentAccessDays: 10 },
        "Invalid [transitionToInfrequentAccessDays] 10: S3 moves objects to Standard-IA no sooner than 30 days after creation.",
      ],
      [
        "Glacier too soon after Standard-IA",
        "v-gl",
        { transitionToInfrequentAccessDays: 60, transitionToGlacierDays: 80 },
        "Invalid [transitionToGlacierDays] 80: S3 needs it at least 30 days after [transitionToInfrequentAccessDays] (60), so at least 90.",
      ],
      [
        "expiry before Glacier",
        "v-exp",
        { retentionDays: 90 },
        "Invalid [retentionDays] 90: log files must be kept longer than [transitionToGlacierDays] (90).",
      ],
      [
        "data event buckets without data events",
        "v-de",
        { s3DataEventBucketArns: ["arn:aws:s3:::payments"] },
        "[s3DataEventBucketArns] needs [s3DataEvents] set to true.",
      ],
      [
        "an empty data event bucket list",
        "v-de0",
        { s3DataEvents: true, s3DataEventBucketArns: [] },
        "[s3DataEventBucketArns] is empty: list at least one bucket ARN, or leave it out to log the data events of every bucket.",
      ],
      [
        "a bucket name where an ARN is expected",
        "v-dearn",
        { s3DataEvents: true, s3DataEventBucketArns: ["payments"] },
        'Invalid bucket ARN "payments" in [s3DataEventBucketArns]: use arn:aws:s3:::<bucket>.',
      ],
      [
        "an organization ID without an organization trail",
        "v-orgid",
        { organizationId: "o-a1b2c3d4e5" },
        "[organizationId] is used only by an organization trail: set [isOrganizationTrail] to true or remove [organizationId].",
      ],
      [
        "a malformed organization ID",
        "v-orgbad",
        { isOrganizationTrail: true, organizationId: "r-abcd" },
        'Invalid [organizationId] "r-abcd": an organization ID looks like o-a1b2c3d4e5.',
      ],
      [
        "an organization trail without the organization ID",
        "v-org",
        { isOrganizationTrail: true },
        "[organizationId] is required when [isOrganizationTrail] is true and the bucket is created here: CloudTrail writes member accounts' logs under AWSLogs/<organizationId>/.",
      ],
    ];

    for (const [what, name, args, message] of cases) {
      it(`rejects ${what}, before creating anything`, async () => {
        const { AuditTrail } = await import("../components/auditTrail");
        let error: unknown;
        try {
          new AuditTrail(name, args);
        } catch (e) {
          error = e;
        }
        expect(error, "an error").to.be.instanceOf(Error);
        expect((error as Error).message).to.equal(message);
        await settle();
        expect(recorder.resources.filter((r) => r.type !== COMPONENT)).to.deep.equal([]);
      });
    }

    it("accepts an organization trail into the caller's bucket without the organization ID", async () => {
      await build("orgbyob", { isOrganizationTrail: true, bucketName: "org-trail-bucket" });
      expect(recorder.get(T.trail, "orgbyob-trail").inputs.isOrganizationTrail).to.equal(true);
    });
  });
});
