import { expect } from "chai";
import {
  CancelKeyDeletionCommand,
  EnableKeyCommand,
  KMSClient,
  ListResourceTagsCommand,
} from "@aws-sdk/client-kms";
import {
  createCancelKeyDeletionHandler,
  planCancelKeyDeletion,
} from "../../remediations/cancel-key-deletion/handler";
import { awsError, baseSettings, captureLogs, EXEMPT_TAG, fixture, mocked, sent } from "./harness";

const KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SETTINGS = { ...baseSettings(), protectedKeyArns: [] as string[] };

describe("planCancelKeyDeletion", () => {
  it("ScheduleKeyDeletion (real record): cancel the deletion of the key from resources", () => {
    const plan = planCancelKeyDeletion(
      fixture("aws_kms_cmk_loss", "KMS Key Scheduled For Deletion"),
      SETTINGS,
    );
    expect(plan).to.deep.include({ kind: "act", resource: KEY, found: "scheduled for deletion" });
    if (plan.kind === "act")
      expect(plan.target).to.deep.equal({
        keyArn: KEY,
        action: "cancel-deletion",
        protectedByArn: false,
      });
  });

  it("ScheduleKeyDeletion without resources: the key ARN from responseElements", () => {
    const plan = planCancelKeyDeletion(
      fixture("aws_kms_cmk_loss", "KMS Key Scheduled For Deletion - missing resources"),
      SETTINGS,
    );
    expect(plan.kind === "act" && plan.target.keyArn).to.equal(KEY);
  });

  it("DisableKey on an unprotected key, no protect tag configured: ignored without any call", () => {
    expect(
      planCancelKeyDeletion(fixture("aws_kms_cmk_loss", "KMS Key Disabled"), SETTINGS).kind,
    ).to.equal("ignore");
  });

  it("DisableKey on a key in protectedKeyArns: enable", () => {
    const plan = planCancelKeyDeletion(fixture("aws_kms_cmk_loss", "KMS Key Disabled"), {
      ...SETTINGS,
      protectedKeyArns: [KEY],
    });
    expect(plan.kind === "act" && plan.target).to.deep.equal({
      keyArn: KEY,
      action: "enable",
      protectedByArn: true,
    });
  });

  it("failed DisableKey and other KMS calls", () => {
    expect(
      planCancelKeyDeletion(fixture("aws_kms_cmk_loss", "KMS Disable Key Error"), SETTINGS).kind,
    ).to.equal("ignore");
    expect(
      planCancelKeyDeletion(fixture("aws_kms_cmk_loss", "KMS Key Non Deletion Event"), SETTINGS)
        .kind,
    ).to.equal("reject");
  });
});

describe("cancel-key-deletion handler", () => {
  const m = mocked({ kms: KMSClient });
  beforeEach(() => m.kms.on(ListResourceTagsCommand).resolves({ Tags: [] }));
  const scheduled = () => fixture("aws_kms_cmk_loss", "KMS Key Scheduled For Deletion");

  it("ScheduleKeyDeletion: ListResourceTags, CancelKeyDeletion, EnableKey", async () => {
    m.kms.on(CancelKeyDeletionCommand).resolves({ KeyId: KEY });
    m.kms.on(EnableKeyCommand).resolves({});
    const { result } = await captureLogs(() =>
      createCancelKeyDeletionHandler(SETTINGS)(scheduled()),
    );
    expect(sent(m.kms)).to.deep.equal([
      { name: "ListResourceTags", input: { KeyId: KEY } },
      { name: "CancelKeyDeletion", input: { KeyId: KEY } },
      { name: "EnableKey", input: { KeyId: KEY } },
    ]);
    expect(result).to.deep.include({
      outcome: "remediated",
      message: `Cancelled the deletion of key ${KEY} and enabled it.`,
    });
  });

  it("enableAfterCancel false: leaves the key Disabled", async () => {
    m.kms.on(CancelKeyDeletionCommand).resolves({ KeyId: KEY });
    const { result } = await captureLogs(() =>
      createCancelKeyDeletionHandler({ ...SETTINGS, enableAfterCancel: false })(scheduled()),
    );
    expect(sent(m.kms).map((c) => c.name)).to.deep.equal(["ListResourceTags", "CancelKeyDeletion"]);
    expect(result?.message).to.equal(
      `Cancelled the deletion of key ${KEY}. The key is left Disabled.`,
    );
  });

  it("key gone (NotFoundException): already-safe", async () => {
    m.kms.on(ListResourceTagsCommand).rejects(awsError("NotFoundException"));
    const { result } = await captureLogs(() =>
      createCancelKeyDeletionHandler(SETTINGS)(scheduled()),
    );
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: `${KEY} no longer exists (NotFoundException).`,
    });
  });

  it("not pending deletion any more (KMSInvalidStateException): already-safe, no EnableKey", async () => {
    m.kms.on(CancelKeyDeletionCommand).rejects(awsError("KMSInvalidStateException"));
    const { result } = await captureLogs(() =>
      createCancelKeyDeletionHandler(SETTINGS)(scheduled()),
    );
    expect(sent(m.kms).map((c) => c.name)).to.deep.equal(["ListResourceTags", "CancelKeyDeletion"]);
    expect(result?.outcome).to.equal("already-safe");
  });

  it("DisableKey on a key tagged protected: EnableKey", async () => {
    m.kms.on(ListResourceTagsCommand).resolves({ Tags: [{ TagKey: "protect", TagValue: "yes" }] });
    m.kms.on(EnableKeyCommand).resolves({});
    const handler = createCancelKeyDeletionHandler({
      ...SETTINGS,
      protectedKeyTag: { key: "protect", value: "yes" },
    });
    const { result } = await captureLogs(() =>
      handler(fixture("aws_kms_cmk_loss", "KMS Key Disabled")),
    );
    expect(sent(m.kms).map((c) => c.name)).to.deep.equal(["ListResourceTags", "EnableKey"]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("DisableKey on an untagged key with a protect tag configured: ignored after one read", async () => {
    const handler = createCancelKeyDeletionHandler({
      ...SETTINGS,
      protectedKeyTag: { key: "protect", value: "yes" },
    });
    const { result } = await captureLogs(() =>
      handler(fixture("aws_kms_cmk_loss", "KMS Key Disabled")),
    );
    expect(sent(m.kms).map((c) => c.name)).to.deep.equal(["ListResourceTags"]);
    expect(result?.outcome).to.equal("ignored");
    expect(m.sns.calls()).to.have.length(0);
  });

  it("exempt key tag", async () => {
    m.kms
      .on(ListResourceTagsCommand)
      .resolves({ Tags: [{ TagKey: EXEMPT_TAG.key, TagValue: EXEMPT_TAG.value }] });
    const { result } = await captureLogs(() =>
      createCancelKeyDeletionHandler(SETTINGS)(scheduled()),
    );
    expect(sent(m.kms).map((c) => c.name)).to.deep.equal(["ListResourceTags"]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("dry-run", async () => {
    const { result } = await captureLogs(() =>
      createCancelKeyDeletionHandler({ ...SETTINGS, mode: "dry-run" as never })(scheduled()),
    );
    expect(sent(m.kms).map((c) => c.name)).to.deep.equal(["ListResourceTags"]);
    expect(result).to.deep.include({
      outcome: "dry-run",
      actions: [`CancelKeyDeletion ${KEY}`, `EnableKey ${KEY}`],
    });
  });
});
