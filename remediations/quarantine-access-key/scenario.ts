/**
 * The drill scenario of quarantine-access-key: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  CreateAccessKeyCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import { RemediationId } from "../../core/types";
import {
  ATTACKER,
  Scenario,
  attackerRecord,
  cloudTrailResponseDate,
  ensureUser,
  uniqueName,
} from "../../scripts/scenarioKit";

const accessKeyForAnotherUser: Scenario = {
  id: "access-key-for-another-user",
  title: "access key created for another IAM user",
  remediation: RemediationId.QuarantineAccessKey,
  taggable: true,
  async setup(ctx, options) {
    const { iam } = ctx.clients;
    await ensureUser(iam, ATTACKER.userName);
    const victim = uniqueName("deploy-bot");
    await ensureUser(iam, victim, options?.tags);
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: victim }))).AccessKey!;
    const record = attackerRecord(ctx, {
      eventSource: "iam.amazonaws.com",
      eventName: "CreateAccessKey",
      command: "iam.create-access-key",
      awsRegion: "us-east-1",
      host: "iam.amazonaws.com",
      requestParameters: { userName: victim },
      responseElements: {
        accessKey: {
          userName: victim,
          accessKeyId: key.AccessKeyId,
          status: "Active",
          createDate: cloudTrailResponseDate(key.CreateDate ?? new Date()),
        },
      },
    });
    return { record, resource: key.AccessKeyId! };
  },
  async verify(ctx, { record, resource }) {
    const userName = (record.requestParameters as { userName: string }).userName;
    const keys = await ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: userName }));
    const key = (keys.AccessKeyMetadata ?? []).find((k) => k.AccessKeyId === resource);
    if (key === undefined) {
      return {
        safe: false,
        detail: `${resource} of ${userName} was deleted (expected: deactivated)`,
      };
    }
    return {
      safe: key.Status === "Inactive",
      detail: `${resource} of ${userName} is ${key.Status}`,
    };
  },
  async fix(ctx, { record, resource }) {
    const userName = (record.requestParameters as { userName: string }).userName;
    await ctx.clients.iam.send(
      new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: resource, Status: "Inactive" }),
    );
  },
};

/** The drill scenarios of quarantine-access-key, in drill order. */
export const scenarios: Scenario[] = [accessKeyForAnotherUser];
