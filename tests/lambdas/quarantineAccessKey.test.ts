import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import {
  createQuarantineAccessKeyHandler,
  planQuarantineAccessKey,
} from "../../lambdas/quarantineAccessKey";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  sent,
  snsMock,
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
      { accessKeyId: "ABCDEFG", userName: "user2" },
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
      { accessKeyId: "1111", userName: "example-user" },
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
  const iam = mockClient(IAMClient);
  let sns = snsMock();
  beforeEach(() => {
    iam.reset();
    sns.restore();
    sns = snsMock();
  });
  after(() => {
    iam.restore();
    sns.restore();
  });
  const event = () => fixture("aws_iam_user_key_created", "user1 create keys for user2");

  it("enforce: ListUserTags then UpdateAccessKey Inactive (never delete)", async () => {
    iam.on(ListUserTagsCommand).resolves({ Tags: [] });
    iam.on(UpdateAccessKeyCommand).resolves({});
    const { result } = await captureLogs(() => createQuarantineAccessKeyHandler(SETTINGS)(event()));
    expect(sent(iam)).to.deep.equal([
      { name: "ListUserTags", input: { UserName: "user2" } },
      {
        name: "UpdateAccessKey",
        input: { UserName: "user2", AccessKeyId: "ABCDEFG", Status: "Inactive" },
      },
    ]);
    expect(result).to.deep.include({
      outcome: "remediated",
      resource: "ABCDEFG",
      eventId: "12345",
    });
    expect(sent(sns)[0].input.Subject).to.equal(
      "[REMEDIATED] ABCDEFG created for user user2 in us-east-1",
    );
  });

  it("Health event: looks the user up with GetAccessKeyLastUsed", async () => {
    iam.on(GetAccessKeyLastUsedCommand).resolves({ UserName: "ci-bot" });
    iam.on(ListUserTagsCommand).resolves({ Tags: [] });
    iam.on(UpdateAccessKeyCommand).resolves({});
    await captureLogs(() =>
      createQuarantineAccessKeyHandler(SETTINGS)(health(["AKIAIOSFODNN7EXAMPLE"])),
    );
    expect(sent(iam).map((c) => c.name)).to.deep.equal([
      "GetAccessKeyLastUsed",
      "ListUserTags",
      "UpdateAccessKey",
    ]);
    expect(sent(iam)[2].input).to.deep.equal({
      UserName: "ci-bot",
      AccessKeyId: "AKIAIOSFODNN7EXAMPLE",
      Status: "Inactive",
    });
  });

  it("exempt user tag: no UpdateAccessKey", async () => {
    iam
      .on(ListUserTagsCommand)
      .resolves({ Tags: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }] });
    const { result } = await captureLogs(() => createQuarantineAccessKeyHandler(SETTINGS)(event()));
    expect(sent(iam).map((c) => c.name)).to.deep.equal(["ListUserTags"]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("already gone (NoSuchEntity) is already-safe", async () => {
    iam.on(ListUserTagsCommand).resolves({ Tags: [] });
    iam.on(UpdateAccessKeyCommand).rejects(awsError("NoSuchEntityException"));
    const { result } = await captureLogs(() => createQuarantineAccessKeyHandler(SETTINGS)(event()));
    expect(result?.outcome).to.equal("already-safe");
  });

  it("dry-run: no UpdateAccessKey", async () => {
    iam.on(ListUserTagsCommand).resolves({ Tags: [] });
    const { result } = await captureLogs(() =>
      createQuarantineAccessKeyHandler({ ...SETTINGS, mode: "dry-run" as never })(event()),
    );
    expect(sent(iam).map((c) => c.name)).to.deep.equal(["ListUserTags"]);
    expect(result).to.deep.include({
      outcome: "dry-run",
      actions: ["UpdateAccessKey ABCDEFG (user user2) Status=Inactive"],
    });
  });
});
