/**
 * The six remediations of the tactic catalog: their pure plans on hostile and edge-case events,
 * and their handlers' calls under SDK mocks (the emulator runs are in
 * tests/integration/remediations.test.ts).
 */
import { expect } from "chai";
import {
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListTagsCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
} from "@aws-sdk/client-lambda";
import {
  GetDetectorCommand,
  GuardDutyClient,
  UpdateDetectorCommand,
} from "@aws-sdk/client-guardduty";
import {
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  PutBucketVersioningCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3ControlClient,
} from "@aws-sdk/client-s3-control";
import {
  createRemoveLambdaPermissionHandler,
  planRemoveLambdaPermission,
} from "../../remediations/remove-lambda-permission/handler";
import {
  planRestrictFunctionUrl,
  createRestrictFunctionUrlHandler,
} from "../../remediations/restrict-function-url/handler";
import {
  createRestoreBucketVersioningHandler,
  planRestoreBucketVersioning,
} from "../../remediations/restore-bucket-versioning/handler";
import {
  createEnableGuardDutyHandler,
  planEnableGuardDuty,
} from "../../remediations/enable-guardduty/handler";
import {
  createBlockAccountPublicAccessHandler,
  planBlockAccountPublicAccess,
} from "../../remediations/block-account-public-access/handler";
import { CATALOG } from "../../core/catalog";
import { matchesPattern } from "../../core/eventPattern";
import { awsError, baseSettings, captureLogs, type Json, mocked, record, sent } from "./harness";

const SETTINGS = {
  ...baseSettings(),
  partnerAccountIds: ["210987654321"],
  partnerOrganizationIds: ["o-partner1234"],
};
const ACCOUNT = "123456789012";

const addPermission = (req: Json) =>
  record("lambda.amazonaws.com", "AddPermission20150331v2", {
    functionName: "orders",
    statementId: "open",
    action: "lambda:InvokeFunction",
    ...req,
  });

describe("planRemoveLambdaPermission", () => {
  const kind = (req: Json) => planRemoveLambdaPermission(addPermission(req), SETTINGS);
  const cases: [string, Json, string, string?][] = [
    ["principal *", { principal: "*" }, "act", "invokable by everyone"],
    [
      "an unknown account id",
      { principal: "999988887777" },
      "act",
      "shared with account 999988887777",
    ],
    [
      "a role of an unknown account",
      { principal: "arn:aws:iam::999988887777:role/x" },
      "act",
      "shared with account 999988887777",
    ],
    ["this account", { principal: ACCOUNT }, "ignore"],
    ["this account's root ARN", { principal: `arn:aws:iam::${ACCOUNT}:root` }, "ignore"],
    ["an allowed account", { principal: "210987654321" }, "ignore"],
    [
      "D11: a role session of this account (STS ARN)",
      { principal: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/alice` },
      "ignore",
      "the grant is to this account",
    ],
    [
      "an STS session of an unknown account",
      { principal: "arn:aws:sts::999988887777:assumed-role/x/y" },
      "act",
      "shared with account 999988887777",
    ],
    [
      "an AWS service limited to a bucket (ARN without account)",
      { principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::orders-uploads" },
      "ignore",
      "the grant to s3.amazonaws.com is limited to arn:aws:s3:::orders-uploads",
    ],
    [
      "an AWS service limited to this account",
      { principal: "s3.amazonaws.com", sourceAccount: ACCOUNT },
      "ignore",
      `the grant to s3.amazonaws.com is limited to account ${ACCOUNT}`,
    ],
    [
      "an AWS service limited to a rule of this account",
      {
        principal: "events.amazonaws.com",
        sourceArn: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/nightly`,
      },
      "ignore",
      `the grant to events.amazonaws.com is limited to arn:aws:events:eu-west-1:${ACCOUNT}:rule/nightly`,
    ],
    [
      "confused deputy: an AWS service with no source ARN or account",
      { principal: "s3.amazonaws.com" },
      "act",
      "invokable by s3.amazonaws.com for any account (no source ARN or account)",
    ],
    [
      "an AWS service for another account",
      { principal: "sns.amazonaws.com", sourceAccount: "999988887777" },
      "act",
      "invokable by sns.amazonaws.com for account 999988887777",
    ],
    [
      "an AWS service for a rule of another account",
      {
        principal: "events.amazonaws.com",
        sourceArn: "arn:aws:events:eu-west-1:999988887777:rule/x",
      },
      "act",
      "invokable by events.amazonaws.com for account 999988887777",
    ],
    [
      "D4: * limited to an organization that is not the stack's",
      { principal: "*", principalOrgID: "o-attacker1234" },
      "act",
      "invokable by organization o-attacker1234",
    ],
    [
      "* limited to a partner organization",
      { principal: "*", principalOrgID: "o-partner1234" },
      "ignore",
      "the grant to * is limited to the organization o-partner1234",
    ],
    [
      "a function of another account",
      { principal: "*", functionName: "arn:aws:lambda:eu-west-1:999988887777:function:orders" },
      "ignore",
    ],
    [
      "a function of another region",
      { principal: "*", functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders` },
      "ignore",
    ],
    ["a function name with a path", { principal: "*", functionName: "../orders" }, "reject"],
    ["a statement id with spaces", { principal: "*", statementId: "a b" }, "reject"],
    ["no principal", { principal: undefined }, "reject"],
  ];
  for (const [what, req, expected, found] of cases) {
    it(`${what}: ${expected}`, () => {
      const plan = kind(req);
      expect(plan.kind).to.equal(expected);
      if (found && plan.kind === "act") expect(plan.found).to.equal(found);
      if (found && plan.kind === "ignore") expect(plan.reason).to.equal(found);
    });
  }

  it("keeps the qualifier of a full ARN and builds the function ARN of this account", () => {
    const plan = kind({
      principal: "*",
      functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders:live`,
    });
    expect(plan).to.deep.include({
      kind: "act",
      resource: "orders:live",
      target: {
        fn: {
          name: "orders",
          qualifier: "live",
          arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders`,
        },
        statementId: "open",
        grant: { principal: "*" },
      },
    });
  });

  it("D4: in hub mode, * limited to the hub's own organization is safe, another organization is not", () => {
    const hub = {
      ...SETTINGS,
      partnerOrganizationIds: [],
      crossAccount: {
        memberRoleName: "asw-member-remove-lambda-permission",
        externalId: "asw-test",
        organizationId: "o-a1b2c3d4e5",
        excludedAccounts: [],
      },
    };
    const plan = (org: string) =>
      planRemoveLambdaPermission(addPermission({ principal: "*", principalOrgID: org }), hub);
    expect(plan("o-a1b2c3d4e5")).to.deep.include({
      kind: "ignore",
      reason: "the grant to * is limited to the organization o-a1b2c3d4e5",
    });
    expect(plan("o-attacker1234")).to.deep.include({
      kind: "act",
      found: "invokable by organization o-attacker1234",
    });
  });
});

describe("remove-lambda-permission handler", () => {
  const m = mocked({ lambda: LambdaClient });
  const fnArn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders`;
  /** Statements as GetPolicy returns them: `open` grants *, `s3` the bucket's notifications. */
  const STATEMENTS: Record<string, Json> = {
    open: {
      Sid: "open",
      Effect: "Allow",
      Principal: "*",
      Action: "lambda:InvokeFunction",
      Resource: fnArn,
    },
    s3: {
      Sid: "s3",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: fnArn,
      Condition: {
        StringEquals: { "AWS:SourceAccount": ACCOUNT },
        ArnLike: { "AWS:SourceArn": "arn:aws:s3:::orders-uploads" },
      },
    },
  };
  const policy = (sids: string[], statements: Json[] = sids.map((Sid) => STATEMENTS[Sid])) => ({
    Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: statements }),
  });
  beforeEach(() => {
    m.lambda.on(GetPolicyCommand).resolves(policy(["s3", "open"]));
    m.lambda.on(ListTagsCommand).resolves({ Tags: {} });
    m.lambda.on(RemovePermissionCommand).resolves({});
  });
  const run = (settings: Json = {}) =>
    captureLogs(() =>
      createRemoveLambdaPermissionHandler({ ...SETTINGS, ...settings })(
        addPermission({ principal: "*" }),
      ),
    );

  it("enforce: GetPolicy, ListTags, RemovePermission of exactly that statement", async () => {
    const { result } = await run();
    expect(sent(m.lambda)).to.deep.equal([
      { name: "GetPolicy", input: { FunctionName: "orders" } },
      {
        name: "ListTags",
        input: { Resource: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:orders` },
      },
      { name: "RemovePermission", input: { FunctionName: "orders", StatementId: "open" } },
    ]);
    expect(result).to.deep.include({ outcome: "remediated", resource: "orders" });
  });

  it("statement already gone: one read, already-safe; function gone: already-safe", async () => {
    m.lambda.on(GetPolicyCommand).resolves(policy(["s3"]));
    expect((await run()).result?.outcome).to.equal("already-safe");
    expect(sent(m.lambda).map((c) => c.name)).to.deep.equal(["GetPolicy"]);
    m.lambda.on(GetPolicyCommand).rejects(awsError("ResourceNotFoundException"));
    expect((await run()).result?.outcome).to.equal("already-safe");
  });

  it("D8: the Sid now holds a legitimate grant (to s3.amazonaws.com, scoped): one read, nothing removed", async () => {
    m.lambda.on(GetPolicyCommand).resolves(policy([], [{ ...STATEMENTS.s3, Sid: "open" }]));
    const { result } = await run();
    expect(sent(m.lambda).map((c) => c.name)).to.deep.equal(["GetPolicy"]);
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "Statement open no longer holds the unsafe grant (the Sid was reused): left alone.",
    });
  });

  it("D8: the Sid now holds * limited to a partner organization: nothing removed; * alone: removed", async () => {
    const limited = {
      ...STATEMENTS.open,
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-partner1234" } },
    };
    m.lambda.on(GetPolicyCommand).resolves(policy([], [limited]));
    expect((await run()).result?.outcome).to.equal("already-safe");
    m.lambda.on(GetPolicyCommand).resolves(policy(["open"]));
    expect((await run()).result?.outcome).to.equal("remediated");
  });

  it("refuses partnerOrganizationIds that are not organization ids", () => {
    expect(() =>
      createRemoveLambdaPermissionHandler({ ...SETTINGS, partnerOrganizationIds: ["acme"] }),
    ).to.throw(
      "remove-lambda-permission: partnerOrganizationIds must be a list of organization ids (o-...)",
    );
  });

  it("exempt tag on the function: no removal", async () => {
    m.lambda.on(ListTagsCommand).resolves({ Tags: { "security-watch:exempt": "true" } });
    const { result } = await run();
    expect(result?.outcome).to.equal("exempt");
    expect(sent(m.lambda).map((c) => c.name)).to.deep.equal(["GetPolicy", "ListTags"]);
  });

  it("refuses partnerAccountIds that are not account ids", () => {
    expect(() =>
      createRemoveLambdaPermissionHandler({ ...SETTINGS, partnerAccountIds: ["x"] }),
    ).to.throw(
      "remove-lambda-permission: partnerAccountIds must be a list of 12-digit account ids",
    );
  });
});

describe("restrict-function-url", () => {
  const url = (authType: unknown) =>
    record("lambda.amazonaws.com", "UpdateFunctionUrlConfig20211031", {
      functionName: "orders",
      authType,
    });
  it("plans only AuthType NONE", () => {
    expect(planRestrictFunctionUrl(url("NONE"), SETTINGS).kind).to.equal("act");
    expect(planRestrictFunctionUrl(url("AWS_IAM"), SETTINGS).kind).to.equal("ignore");
  });

  const m = mocked({ lambda: LambdaClient });
  it("enforce: reads the URL and the tags, sets AWS_IAM; already AWS_IAM: one read", async () => {
    m.lambda
      .on(GetFunctionUrlConfigCommand)
      .resolves({ AuthType: "NONE", FunctionUrl: "https://u" });
    m.lambda.on(ListTagsCommand).resolves({ Tags: {} });
    m.lambda.on(UpdateFunctionUrlConfigCommand).resolves({});
    const handler = createRestrictFunctionUrlHandler(SETTINGS);
    const { result } = await captureLogs(() => handler(url("NONE")));
    expect(sent(m.lambda).map((c) => c.name)).to.deep.equal([
      "GetFunctionUrlConfig",
      "ListTags",
      "UpdateFunctionUrlConfig",
    ]);
    expect(sent(m.lambda)[2].input).to.deep.equal({ FunctionName: "orders", AuthType: "AWS_IAM" });
    expect(result?.outcome).to.equal("remediated");
    m.lambda.resetHistory();
    m.lambda.on(GetFunctionUrlConfigCommand).resolves({ AuthType: "AWS_IAM" });
    expect((await captureLogs(() => handler(url("NONE")))).result?.outcome).to.equal(
      "already-safe",
    );
    expect(sent(m.lambda).map((c) => c.name)).to.deep.equal(["GetFunctionUrlConfig"]);
  });
});

describe("restore-bucket-versioning", () => {
  const put = (conf: unknown, bucketName: unknown = "invoices") =>
    record("s3.amazonaws.com", "PutBucketVersioning", {
      bucketName,
      VersioningConfiguration: conf,
    });
  it("acts on Suspended only; MFA delete alone is ignored; bad names are rejected", () => {
    expect(planRestoreBucketVersioning(put({ Status: "Suspended" }), SETTINGS).kind).to.equal(
      "act",
    );
    expect(
      planRestoreBucketVersioning(put({ Status: "Enabled", MfaDelete: "Disabled" }), SETTINGS).kind,
    ).to.equal("ignore");
    expect(
      planRestoreBucketVersioning(put({ Status: "Suspended" }, "Bad_Name"), SETTINGS).kind,
    ).to.equal("reject");
    expect(planRestoreBucketVersioning(put("Suspended"), SETTINGS).kind).to.equal("reject");
  });

  const m = mocked({ s3: S3Client });
  it("names this account as the expected bucket owner on every call", async () => {
    m.s3.on(GetBucketVersioningCommand).resolves({ Status: "Suspended" });
    m.s3.on(GetBucketTaggingCommand).rejects(awsError("NoSuchTagSet"));
    m.s3.on(PutBucketVersioningCommand).resolves({});
    const { result } = await captureLogs(() =>
      createRestoreBucketVersioningHandler(SETTINGS)(put({ Status: "Suspended" })),
    );
    expect(result?.outcome).to.equal("remediated");
    const calls = sent(m.s3);
    expect(calls.map((c) => c.name)).to.deep.equal([
      "GetBucketVersioning",
      "GetBucketTagging",
      "PutBucketVersioning",
    ]);
    for (const c of calls) expect(c.input.ExpectedBucketOwner).to.equal(ACCOUNT);
    expect(calls[2].input.VersioningConfiguration).to.deep.equal({ Status: "Enabled" });
  });
});

describe("enable-guardduty", () => {
  const update = (req: Json) => record("guardduty.amazonaws.com", "UpdateDetector", req);
  const ID = "12abc34d567e8fa901bc2d34e56789f0";
  it("acts on enable false only, and checks the detector id's format", () => {
    expect(planEnableGuardDuty(update({ detectorId: ID, enable: false }), SETTINGS).kind).to.equal(
      "act",
    );
    expect(
      planEnableGuardDuty(update({ detectorId: ID, enable: "false" }), SETTINGS).kind,
    ).to.equal("ignore");
    expect(planEnableGuardDuty(update({ detectorId: ID }), SETTINGS).kind).to.equal("ignore");
    expect(
      planEnableGuardDuty(update({ detectorId: "../x", enable: false }), SETTINGS).kind,
    ).to.equal("reject");
  });

  const m = mocked({ gd: GuardDutyClient });
  it("exempt by the detector's tags; enabled again otherwise", async () => {
    m.gd
      .on(GetDetectorCommand)
      .resolves({ Status: "DISABLED", Tags: { "security-watch:exempt": "true" } });
    m.gd.on(UpdateDetectorCommand).resolves({});
    const handler = createEnableGuardDutyHandler(SETTINGS);
    const event = update({ detectorId: ID, enable: false });
    expect((await captureLogs(() => handler(event))).result?.outcome).to.equal("exempt");
    m.gd.on(GetDetectorCommand).resolves({ Status: "DISABLED", Tags: {} });
    expect((await captureLogs(() => handler(event))).result?.outcome).to.equal("remediated");
    expect(sent(m.gd).at(-1)).to.deep.equal({
      name: "UpdateDetector",
      input: { DetectorId: ID, Enable: true },
    });
  });

  /** S3 protection and EKS runtime monitoring's add-on turned off; the detector stays enabled. */
  const PLANS_OFF = {
    detectorId: ID,
    features: [
      { name: "S3_DATA_EVENTS", status: "DISABLED" },
      {
        name: "RUNTIME_MONITORING",
        status: "ENABLED",
        additionalConfiguration: [{ name: "EKS_ADDON_MANAGEMENT", status: "DISABLED" }],
      },
    ],
  };

  it("protection plans turned off while the detector stays enabled: act, on exactly those plans (features and legacy dataSources)", () => {
    expect(planEnableGuardDuty(update(PLANS_OFF), SETTINGS)).to.deep.include({
      kind: "act",
      found: "protection plans turned off: S3_DATA_EVENTS, RUNTIME_MONITORING",
      target: {
        detectorId: ID,
        suspended: false,
        features: [
          { name: "S3_DATA_EVENTS", additional: [] },
          { name: "RUNTIME_MONITORING", additional: ["EKS_ADDON_MANAGEMENT"] },
        ],
      },
    });
    const legacy = update({
      detectorId: ID,
      dataSources: { s3Logs: { enable: false }, kubernetes: { auditLogs: { enable: false } } },
    });
    expect(planEnableGuardDuty(legacy, SETTINGS)).to.deep.include({
      kind: "act",
      found: "protection plans turned off: S3_DATA_EVENTS, EKS_AUDIT_LOGS",
    });
    const on = update({
      detectorId: ID,
      features: [{ name: "S3_DATA_EVENTS", status: "ENABLED" }],
    });
    expect(planEnableGuardDuty(on, SETTINGS).kind).to.equal("ignore");
    const bad = update({ detectorId: ID, features: [{ name: "s3 data", status: "DISABLED" }] });
    expect(planEnableGuardDuty(bad, SETTINGS).kind).to.equal("reject");
  });

  it("the detection fires on plans turned off, and not on plans turned on", () => {
    const detection = CATALOG.find((d) => d.id === "guardduty-detector-suspended")!;
    expect(matchesPattern(detection.eventPattern, update(PLANS_OFF))).to.equal(true);
    const legacy = update({ detectorId: ID, dataSources: { s3Logs: { enable: false } } });
    expect(matchesPattern(detection.eventPattern, legacy)).to.equal(true);
    const on = update({
      detectorId: ID,
      features: [{ name: "S3_DATA_EVENTS", status: "ENABLED" }],
    });
    expect(matchesPattern(detection.eventPattern, on)).to.equal(false);
  });

  it("restores the plans still off (one UpdateDetector), and is already safe once they are on", async () => {
    m.gd.on(GetDetectorCommand).resolves({
      Status: "ENABLED",
      Tags: {},
      Features: [
        { Name: "S3_DATA_EVENTS", Status: "DISABLED" },
        {
          Name: "RUNTIME_MONITORING",
          Status: "ENABLED",
          AdditionalConfiguration: [{ Name: "EKS_ADDON_MANAGEMENT", Status: "DISABLED" }],
        },
      ],
    });
    m.gd.on(UpdateDetectorCommand).resolves({});
    const handler = createEnableGuardDutyHandler(SETTINGS);
    const { result } = await captureLogs(() => handler(update(PLANS_OFF)));
    expect(result?.outcome).to.equal("remediated");
    expect(sent(m.gd)).to.deep.equal([
      { name: "GetDetector", input: { DetectorId: ID } },
      {
        name: "UpdateDetector",
        input: {
          DetectorId: ID,
          Enable: true,
          Features: [
            { Name: "S3_DATA_EVENTS", Status: "ENABLED" },
            {
              Name: "RUNTIME_MONITORING",
              Status: "ENABLED",
              AdditionalConfiguration: [{ Name: "EKS_ADDON_MANAGEMENT", Status: "ENABLED" }],
            },
          ],
        },
      },
    ]);
    m.gd.on(GetDetectorCommand).resolves({
      Status: "ENABLED",
      Features: [
        { Name: "S3_DATA_EVENTS", Status: "ENABLED" },
        {
          Name: "RUNTIME_MONITORING",
          Status: "ENABLED",
          AdditionalConfiguration: [{ Name: "EKS_ADDON_MANAGEMENT", Status: "ENABLED" }],
        },
      ],
    });
    const later = update(PLANS_OFF);
    later.detail.eventID = "7b2c3d4e-0000-4000-8000-000000000002";
    m.gd.resetHistory();
    const again = await captureLogs(() => handler(later));
    expect(again.result?.outcome).to.equal("already-safe");
    expect(sent(m.gd).map((c) => c.name)).to.deep.equal(["GetDetector"]);
  });
});

describe("block-account-public-access", () => {
  const put = (conf: Json, accountId: unknown = ACCOUNT) =>
    record("s3.amazonaws.com", "PutAccountPublicAccessBlock", {
      accountId,
      PublicAccessBlockConfiguration: conf,
    });
  const ALL = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };
  it("acts on a setting turned off, ignores all-on and another account's block", () => {
    const plan = planBlockAccountPublicAccess(put({ ...ALL, BlockPublicPolicy: false }), SETTINGS);
    expect(plan).to.deep.include({
      kind: "act",
      found: "account public access block turned off: BlockPublicPolicy",
      target: { account: ACCOUNT },
    });
    expect(planBlockAccountPublicAccess(put(ALL), SETTINGS).kind).to.equal("ignore");
    expect(planBlockAccountPublicAccess(put({}, "999988887777"), SETTINGS).kind).to.equal("ignore");
  });

  const m = mocked({ s3c: S3ControlClient });
  it("puts the four settings back on this account (no block at all is unsafe, not gone)", async () => {
    m.s3c.on(GetPublicAccessBlockCommand).rejects(awsError("NoSuchPublicAccessBlockConfiguration"));
    m.s3c.on(PutPublicAccessBlockCommand).resolves({});
    const event = record("s3.amazonaws.com", "DeleteAccountPublicAccessBlock", {
      accountId: ACCOUNT,
    });
    const { result } = await captureLogs(() =>
      createBlockAccountPublicAccessHandler(SETTINGS)(event),
    );
    expect(result?.outcome).to.equal("remediated");
    expect(sent(m.s3c)).to.deep.equal([
      { name: "GetPublicAccessBlock", input: { AccountId: ACCOUNT } },
      {
        name: "PutPublicAccessBlock",
        input: { AccountId: ACCOUNT, PublicAccessBlockConfiguration: ALL },
      },
    ]);
  });
});
