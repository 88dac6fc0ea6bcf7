import { expect } from "chai";
import {
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import {
  createQuarantineAccessKeyHandler,
  planQuarantineAccessKey,
} from "../../remediations/quarantine-access-key/handler";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  mocked,
  sent,
} from "./harness";

const SETTINGS = baseSettings();

const health = (keys: string[]): Json => ({
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "AWS Health Event",
  source: "aws.health",
  account: "123456789012",
  time: "2024-05-01T10:00:00Z",
  region: "us-east-1",
  resources: [],
  detail: {
    eventArn: "arn:aws:health:global::event/AWS_RISK_CREDENTIALS_EXPOSED_XXXX",
    service: "RISK",
    eventTypeCode: "AWS_RISK_CREDENTIALS_EXPOSED",
    eventTypeCategory: "issue",
    affectedEntities: keys.map((entityValue) => ({ entityValue })),
  },
});

describe("planQuarantineAccessKey", () => {
  const cases: [string, string, string, Json][] = [
    [
      "aws_iam_user_key_created",
      "user1 create keys for user2",
      "act",
      { accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "user2" },
    ],
    ["aws_iam_user_key_created", "jackson create keys for jack", "act", undefined],
    ["aws_iam_user_key_created", "jack create keys for jackson", "act", undefined],
    ["aws_iam_user_key_created", "user1 create keys for user1", "ignore", undefined],
    ["aws_iam_user_key_created", "CreateKey returns error code", "ignore", undefined],
    // Root creating a key for a user: the key belongs to another principal than its creator.
    [
      "aws_root_access_key_created",
      "Root Created Access Key For User",
      "act",
      { accessKeyId: "AKIAI44QH8DHBEXAMPLE", userName: "example-user" },
    ],
    // Root creating its own key (no userName): not "for another user".
    ["aws_root_access_key_created", "Root Access Key Created", "ignore", undefined],
  ];
  for (const [file, name, kind, target] of cases) {
    it(`${file} / ${name}: ${kind}`, () => {
      const plan = planQuarantineAccessKey(fixture(file, name), SETTINGS);
      expect(plan.kind).to.equal(kind);
      if (plan.kind === "act" && target) expect(plan.target).to.deep.equal(target);
    });
  }

  it("AWS Health AWS_RISK_CREDENTIALS_EXPOSED: the exposed key", () => {
    const plan = planQuarantineAccessKey(health(["AKIAIOSFODNN7EXAMPLE"]), SETTINGS);
    expect(plan).to.deep.include({
      kind: "act",
      resource: "AKIAIOSFODNN7EXAMPLE",
      found: "exposed (AWS_RISK_CREDENTIALS_EXPOSED)",
    });
    if (plan.kind === "act")
      expect(plan.target).to.deep.equal({ accessKeyId: "AKIAIOSFODNN7EXAMPLE" });
  });

  it("AWS Health with two keys is rejected (one key per event expected)", () => {
    expect(
      planQuarantineAccessKey(health(["AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPL2"]), SETTINGS),
    ).to.deep.equal({
      kind: "reject",
      reason: "7bf73129-1428-4cd3-a780-95db273d1602: expected one exposed access key, found 2",
    });
  });

  it("custom detection 'Access Key Compromised'", () => {
    const event = {
      ...health([]),
      source: "custom.detections",
      "detail-type": "Access Key Compromised",
      detail: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "bob" },
    };
    const plan = planQuarantineAccessKey(event, SETTINGS);
    expect(plan.kind).to.equal("act");
    if (plan.kind === "act")
      expect(plan.target).to.deep.equal({ accessKeyId: "AKIAIOSFODNN7EXAMPLE", userName: "bob" });
  });
});

describe("quarantine-access-key handler", () => {
  const m = mocked({ iam: IAMClient });
  const keys = (status: "Active" | "Inactive", id = "AKIAIOSFODNN7EXAMPLE") => ({
    AccessKeyMetadata: [
      { UserName: "user2", AccessKeyId: "AKIAOTHERKEY00000000", Status: "Active" as const },
      { UserName: "user2", AccessKeyId: id, Status: status },
    ],
  });
  beforeEach(() => {
    m.iam.on(ListAccessKeysCommand).resolves(keys("Active"));
    m.iam.on(ListUserTagsCommand).resolves({ Tags: [] });
    m.iam.on(UpdateAccessKeyCommand).resolves({});
  });
  const event = () => fixture("aws_iam_user_key_created", "user1 create keys for user2");
  const run = (e: Json = event(), mode = "enforce") =>
    captureLogs(() => createQuarantineAccessKeyHandler({ ...SETTINGS, mode: mode as never })(e));

  it("enforce: ListAccessKeys (key Active), ListUserTags, UpdateAccessKey Inactive (never delete)", async () => {
    const { result } = await run();
    expect(sent(m.iam)).to.deep.equal([
      { name: "ListAccessKeys", input: { UserName: "user2" } },
      { name: "ListUserTags", input: { UserName: "user2" } },
      {
        name: "UpdateAccessKey",
        input: { UserName: "user2", AccessKeyId: "AKIAIOSFODNN7EXAMPLE", Status: "Inactive" },
      },
    ]);
    expect(result).to.deep.include({
      outcome: "remediated",
      resource: "AKIAIOSFODNN7EXAMPLE",
      eventId: "12345",
      actions: ["UpdateAccessKey AKIAIOSFODNN7EXAMPLE (user user2) Status=Inactive"],
    });
    expect(sent(m.sns)[0].input.Subject).to.equal(
      "[REMEDIATED] AKIAIOSFODNN7EXAMPLE created for user user2 in us-east-1",
    );
  });

  it("key already Inactive: one read, already-safe, no UpdateAccessKey", async () => {
    m.iam.on(ListAccessKeysCommand).resolves(keys("Inactive"));
    const { result } = await run();
    expect(sent(m.iam).map((c) => c.name)).to.deep.equal(["ListAccessKeys"]);
    expect(result).to.deep.include({
      outcome: "already-safe",
      actions: [],
      message: "Access key AKIAIOSFODNN7EXAMPLE is Inactive.",
    });
    expect(sent(m.sns)[0].input.MessageAttributes.outcome.StringValue).to.equal("already-safe");
  });

  it("key deleted (not among the user's keys): already-safe", async () => {
    m.iam.on(ListAccessKeysCommand).resolves(keys("Active", "AKIAANOTHERONE000000"));
    const { result } = await run();
    expect(sent(m.iam).map((c) => c.name)).to.deep.equal(["ListAccessKeys"]);
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "Access key AKIAIOSFODNN7EXAMPLE is gone.",
    });
  });

  it("user deleted (NoSuchEntity): already-safe", async () => {
    m.iam.on(ListAccessKeysCommand).rejects(awsError("NoSuchEntity"));
    const { result } = await run();
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: "AKIAIOSFODNN7EXAMPLE no longer exists (NoSuchEntity).",
    });
  });

  it("Health event: GetAccessKeyLastUsed finds the user (ListAccessKeys needs it)", async () => {
    m.iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: "ci-bot" });
    m.iam.on(ListAccessKeysCommand).resolves({
      AccessKeyMetadata: [{ AccessKeyId: "AKIAIOSFODNN7EXAMPLE", Status: "Active" as const }],
    });
    await run(health(["AKIAIOSFODNN7EXAMPLE"]));
    expect(sent(m.iam)).to.deep.equal([
      { name: "GetAccessKeyLastUsed", input: { AccessKeyId: "AKIAIOSFODNN7EXAMPLE" } },
      { name: "ListAccessKeys", input: { UserName: "ci-bot" } },
      { name: "ListUserTags", input: { UserName: "ci-bot" } },
      {
        name: "UpdateAccessKey",
        input: { UserName: "ci-bot", AccessKeyId: "AKIAIOSFODNN7EXAMPLE", Status: "Inactive" },
      },
    ]);
  });

  it("Health event for a key without a user (GetAccessKeyLastUsed: no UserName): already-safe", async () => {
    m.iam.on(GetAccessKeyLastUsedCommand).resolves({});
    const { result } = await run(health(["AKIAIOSFODNN7EXAMPLE"]));
    expect(sent(m.iam).map((c) => c.name)).to.deep.equal(["GetAccessKeyLastUsed"]);
    expect(result?.outcome).to.equal("already-safe");
  });

  it("exempt user tag: no UpdateAccessKey", async () => {
    m.iam
      .on(ListUserTagsCommand)
      .resolves({ Tags: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }] });
    const { result } = await run();
    expect(sent(m.iam).map((c) => c.name)).to.deep.equal(["ListAccessKeys", "ListUserTags"]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("key deleted between the read and the update (NoSuchEntity): already-safe", async () => {
    m.iam.on(UpdateAccessKeyCommand).rejects(awsError("NoSuchEntityException"));
    const { result } = await run();
    expect(result).to.deep.include({ outcome: "already-safe", actions: [] });
  });

  it("dry-run: reads, no UpdateAccessKey", async () => {
    const { result } = await run(event(), "dry-run");
    expect(sent(m.iam).map((c) => c.name)).to.deep.equal(["ListAccessKeys", "ListUserTags"]);
    expect(result).to.deep.include({
      outcome: "dry-run",
      actions: ["UpdateAccessKey AKIAIOSFODNN7EXAMPLE (user user2) Status=Inactive"],
    });
  });

  it("dry-run on a key already Inactive: already-safe", async () => {
    m.iam.on(ListAccessKeysCommand).resolves(keys("Inactive"));
    const { result } = await run(event(), "dry-run");
    expect(result?.outcome).to.equal("already-safe");
  });
});
